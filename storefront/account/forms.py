from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length


class NewTokenForm(FlaskForm):
    name = StringField(
        "Token name",
        description="So you recognise it later, e.g. “billing script”.",
        validators=[DataRequired(message="Please give the token a name."), Length(max=100)],
    )
