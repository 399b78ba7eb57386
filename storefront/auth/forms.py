from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, EqualTo

from storefront.services.accounts import MIN_PASSWORD_LENGTH


class LoginForm(FlaskForm):
    email = EmailField("E-mail", validators=[DataRequired(message="Please enter your e-mail.")])
    password = PasswordField("Password", validators=[DataRequired(message="Please enter your password.")])


class SignupForm(FlaskForm):
    email = EmailField("E-mail", validators=[DataRequired(message="Please enter your e-mail.")])
    password = PasswordField("Password", description=f"At least {MIN_PASSWORD_LENGTH} characters.",
                             validators=[DataRequired(message="Please choose a password.")])
    confirm = PasswordField("Password again", validators=[
        DataRequired(message="Please type the password again."),
        EqualTo("password", message="The two passwords are not the same."),
    ])


class ForgotPasswordForm(FlaskForm):
    email = EmailField("E-mail", validators=[DataRequired(message="Please enter your e-mail.")])


class ResetPasswordForm(FlaskForm):
    password = PasswordField("New password", description=f"At least {MIN_PASSWORD_LENGTH} characters.",
                             validators=[DataRequired(message="Please choose a password.")])
    confirm = PasswordField("New password again", validators=[
        DataRequired(message="Please type the password again."),
        EqualTo("password", message="The two passwords are not the same."),
    ])
