"""Billing: the history of every payment (with CSV export), the documents (invoices,
receipts, credit notes as a page and a PDF) and the billing details on the account page."""
from flask import Response, abort, current_app, flash, redirect, request, stream_with_context, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField

from storefront import db
from storefront.account import bp
from storefront.models.credits import HISTORY_KINDS, KIND_NAMES
from storefront.problems import InvalidRequest
from storefront.rendering import render
from storefront.account.credits import CardSetupForm
from storefront.services import auto_top_up, billing, billing_details, credits, documents, notifications


class BillingDetailsForm(FlaskForm):
    name = StringField("Name on invoices", description="A person or a company.")
    address = TextAreaField("Address", description="Street and number, then postcode and town, each on its own line.")
    country = SelectField("Country", validate_choice=False)
    vat_id = StringField("VAT ID (optional)", description="Businesses in the EU: with the country code, "
                                                          "e.g. DE123456789.")


class ResendForm(FlaskForm):
    """The CSRF token of "send the confirmation e-mail again"."""


def history_filter():
    return billing.parse_filter(request.args.getlist("kind"), request.args.get("from"), request.args.get("to"))


@bp.get("/credits")
def credits_redirect():
    """The old credits page lives on as the billing history."""
    return redirect(url_for("account.billing_history"), code=301)


@bp.get("/billing")
@login_required
def billing_history():
    session = db.session()
    status, errors = 200, {}
    try:
        history = history_filter()
        before = billing.parse_cursor(request.args.get("before"))
    except InvalidRequest as error:
        history, before, status = billing.HistoryFilter(), None, 422
        errors = {field_error.field: field_error.message for field_error in error.errors or []}
    result = billing.page(session, current_user.id, history, before)
    return render("account/billing.html", block="history", status=status, history=history, errors=errors,
                  page=result, balance=credits.current_balance(session, current_user.id), kinds=HISTORY_KINDS,
                  kind_names=KIND_NAMES, first_page=before is None, args=request.args,
                  resend_form=ResendForm(), card=auto_top_up.saved_card(session, current_user.id),
                  card_form=CardSetupForm())


@bp.get("/billing.csv")
@login_required
def billing_csv():
    history = history_filter()
    user_id = current_user.id

    def rows():
        session = db.session()
        try:
            yield from billing.csv_rows(session, user_id, history)
        finally:
            # The rows are read after the view returned: end that read transaction here.
            session.rollback()

    return Response(stream_with_context(rows()), mimetype="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="billing-history.csv"'})


def _document_or_404(number: str):
    document = documents.document_by_number(db.session(), number)
    allowed = document is not None and (document.user_id == current_user.id or current_user.has_role("support", "admin"))
    if not allowed:
        abort(404)
    return document


@bp.get("/billing/documents/<number>")
@login_required
def document_page(number: str):
    document = _document_or_404(number)
    return render("account/document.html", document=document, notes=documents.notes(document),
                  net=documents.net(document))


@bp.get("/billing/documents/<number>.pdf")
@login_required
def document_pdf(number: str):
    document = _document_or_404(number)
    return Response(documents.pdf(document), mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{document.kind}-{document.number}.pdf"'})


@bp.route("/account/billing-details", methods=["GET", "POST"])
@login_required
def billing_details_page():
    user = current_user
    form = BillingDetailsForm(data={"name": user.billing_name, "address": user.billing_address,
                                    "country": user.billing_country or current_app.config["SELLER_COUNTRY"],
                                    "vat_id": user.vat_id} if request.method == "GET" else None)
    form.country.choices = billing_details.countries()
    status = 200
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        try:
            billing_details.save(db.session(), user, form.name.data, form.address.data, form.country.data,
                                 form.vat_id.data)
        except InvalidRequest as error:
            status = 422
            for field_error in error.errors or []:
                getattr(form, field_error.field).errors = [*getattr(form, field_error.field).errors,
                                                           field_error.message]
        else:
            flash("Your billing details are saved; new invoices show them.")
            return redirect(url_for("account.billing_details_page"))
    return render("account/billing_details.html", form=form, status=status)


@bp.post("/account/verify-email/resend")
@login_required
def resend_verification():
    if not ResendForm().validate_on_submit():
        abort(400)
    if current_user.email_verified_at is None:
        notifications.send_verification(db.session(), current_user, resend=True)
        flash(f"We sent the confirmation e-mail to {current_user.email} again.")
    return redirect(url_for("account.billing_history"))
