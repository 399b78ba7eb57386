from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired


class LoginForm(FlaskForm):
    email = EmailField("E-mail", validators=[DataRequired(message="Please enter your e-mail.")])
    password = PasswordField("Password", validators=[DataRequired(message="Please enter your password.")])
