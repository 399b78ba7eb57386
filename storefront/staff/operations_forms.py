from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, NumberRange, Optional


class GatewayForm(FlaskForm):
    name = StringField("Gateway name", validators=[DataRequired(message="Please name the gateway.")])
    country = SelectField("Country it serves", validators=[DataRequired()])
    slots = IntegerField("SIM slots", validators=[DataRequired(message="How many slots does it have?"),
                                                  NumberRange(min=1, max=512)])


class SimForm(FlaskForm):
    gateway = SelectField("Gateway", validators=[DataRequired()])
    slot = IntegerField("Slot", validators=[DataRequired(message="Which slot?"), NumberRange(min=1)])
    iccid = StringField("ICCID", validators=[DataRequired(message="Please type the SIM's ICCID.")])
    number = StringField("Number on this SIM", validators=[Optional()], description="E.164, e.g. +4915123456789")
    partner = SelectField("Provided by", validators=[Optional()])


class PullSimForm(FlaskForm):
    iccid = StringField("ICCID of the SIM to pull", validators=[DataRequired(message="Please type the ICCID.")])


class ShortNumberForm(FlaskForm):
    country = SelectField("Country", validators=[DataRequired()])
    number = StringField("Short-term number", validators=[DataRequired(message="Please type the number.")])
