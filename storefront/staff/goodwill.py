"""Goodwill credits (role: admin): an amount and a reason, booked as an adjustment by the
same service as `flask credits adjust`; the customer gets an e-mail with the reason."""
from flask import flash, redirect, request, url_for
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from storefront import db
from storefront.rendering import render
from storefront.roles import role_required
from storefront.services.accounts import AccountError
from storefront.services.credits import adjust_credits
from storefront.staff import bp


class GoodwillForm(FlaskForm):
    email = StringField("Customer's e-mail", validators=[DataRequired(message="Whose credits?")])
    amount = StringField("Amount in euros", description="e.g. 10 or 7.50 (a negative amount takes credits away).",
                         validators=[DataRequired(message="Please enter an amount.")])
    reason = StringField("Reason", description="The customer reads it in their e-mail and billing history.",
                         validators=[DataRequired(message="Please give a reason."), Length(max=300)])


@bp.route("/goodwill", methods=["GET", "POST"])
@role_required("admin")
def goodwill():
    form = GoodwillForm(data={"email": request.args.get("email", "")} if request.method == "GET" else None)
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                entry = adjust_credits(db.session(), form.email.data, form.amount.data.strip().replace(",", "."),
                                       form.reason.data.strip())
            except AccountError as error:
                field = form.amount if "amount of money" in error.message or "moves money" in error.message else form.email
                field.errors = [*field.errors, error.message]
                status = 422
            else:
                flash(f"{entry.amount} booked for {form.email.data.strip()}: {entry.description}")
                return redirect(url_for("staff.support", email=form.email.data.strip()))
        else:
            status = 422
    return render("staff/goodwill.html", form=form, status=status)
