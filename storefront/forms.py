"""Forms shared by more than one blueprint (sign-in and the account's security page)."""
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length


class CodeForm(FlaskForm):
    code = StringField("Code", description="The 6 digits your authenticator app shows, or one of your recovery codes.",
                       validators=[DataRequired(message="Please enter the code."), Length(max=32)])
