"""A number's page (/numbers/<id>): its service, terms and messages (live), sending from
it, and forwarding its messages. Only its holder sees it; anyone else gets a 404."""
from flask import abort, current_app, flash, make_response, redirect, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from jinja2_fragments.flask import render_block
from wtforms import BooleanField, StringField, TextAreaField

from storefront import db
from storefront.account import bp
from storefront.problems import InvalidRequest, StorefrontError
from storefront.rendering import render
from storefront.services import console, forwarding, rentals
from storefront.services.segments import MAX_SEGMENTS, count_segments

TEMPLATE = "account/number.html"


class SendForm(FlaskForm):
    to = StringField("To", description="With its country code, e.g. +49 151 23456789.")
    text = TextAreaField("Message")


class ForwardingForm(FlaskForm):
    webhook_url = StringField("Webhook address (HTTPS)", description="We post each received message here as "
                              "signed JSON. Leave empty for none.")
    email = BooleanField("Also e-mail each message to me")
    new_secret = BooleanField("Make a new signing secret")


def send_limits() -> console.SendLimits:
    return console.SendLimits(current_app.config["MESSAGES_PER_MINUTE"], current_app.config["MESSAGES_PER_HOUR"])


def _rental_or_404(rental_id: int):
    rental = rentals.rental_of(db.session(), current_user, rental_id)
    if rental is None:
        abort(404)
    return rental


def _page(rental, send_form=None, forwarding_form=None, status=200):
    session = db.session()
    query = request.args.get("q", "")
    try:
        before = console.parse_cursor(request.args.get("before"), "before")
    except InvalidRequest:
        before = None
    seen = request.args.get("seen") if request.htmx else None
    if seen and seen == console.fingerprint(session, rental, before=before, query=query):
        return make_response("", 204)  # nothing changed: the open page keeps its selection
    page = console.messages_of(session, rental, before=before, query=query)
    settings = forwarding.settings_of(session, rental)
    if forwarding_form is None:
        forwarding_form = ForwardingForm(formdata=None, webhook_url=settings.webhook_url if settings else "",
                                         email=settings.email if settings else False)
    send_form = send_form or SendForm(formdata=None)
    return render(TEMPLATE, block="messages", status=status, rental=rental, page=page, query=query, before=before,
                  in_service=console.in_service(rental), current=rentals.is_current(rental),
                  sender=console.sender_shown(rental), code_of=console.code_of,
                  return_check=rentals.return_check(session, rental) if rental.kind == "long" else None,
                  send_form=send_form, count=count_segments(send_form.text.data or ""), max_segments=MAX_SEGMENTS,
                  forwarding=settings, forwarding_form=forwarding_form,
                  deliveries=forwarding.recent_deliveries(session, rental), destination=forwarding.destination,
                  retention_days=current_app.config.get("MESSAGE_RETENTION_DAYS", 90))


def _show_errors(form, error: StorefrontError) -> None:
    for field_error in error.errors:
        field = getattr(form, field_error.field, None)
        if field is not None:
            field.errors = [*field.errors, field_error.message]
    if not error.errors:
        form.form_errors.append(error.message)


@bp.get("/numbers/<int:rental_id>")
@login_required
def number(rental_id: int):
    return _page(_rental_or_404(rental_id))


@bp.get("/numbers/<int:rental_id>/counter")
@login_required
def counter(rental_id: int):
    """The send form's character and segment counter, for htmx while the customer types."""
    rental = _rental_or_404(rental_id)
    return render_block(TEMPLATE, "counter", rental=rental, max_segments=MAX_SEGMENTS,
                        count=count_segments(request.args.get("text", "")))


@bp.post("/numbers/<int:rental_id>/messages")
@login_required
def send(rental_id: int):
    rental = _rental_or_404(rental_id)
    form = SendForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        console.send(db.session(), rental, form.to.data, form.text.data, send_limits())
    except StorefrontError as error:
        db.session().rollback()
        _show_errors(form, error)
        return _page(rental, send_form=form, status=error.status)
    flash(f"Your message to {form.to.data.strip()} is queued; its state shows below.")
    return redirect(url_for("account.number", rental_id=rental.id) + "#messages")


@bp.post("/numbers/<int:rental_id>/forwarding")
@login_required
def save_forwarding(rental_id: int):
    rental = _rental_or_404(rental_id)
    form = ForwardingForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        forwarding.save(db.session(), rental, form.webhook_url.data, form.email.data, form.new_secret.data)
    except StorefrontError as error:
        _show_errors(form, error)
        return _page(rental, forwarding_form=form, status=error.status)
    flash("Forwarding is saved.")
    return redirect(url_for("account.number", rental_id=rental.id) + "#forwarding")


@bp.post("/numbers/<int:rental_id>/forwarding/test")
@login_required
def test_forwarding(rental_id: int):
    rental = _rental_or_404(rental_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    if forwarding.send_test(db.session(), rental):
        flash("A test message is on its way; its delivery shows below within a minute.")
    else:
        flash("Set a webhook address or turn on e-mail first, then send a test.")
    return redirect(url_for("account.number", rental_id=rental.id) + "#forwarding")
