"""The support page (role: support): the customers' questions (open or closed, newest
first, paged), each answered by e-mail and closed; look up a customer; reinstate a
cooling-off number for its former holder, charged as a new purchase; offer a similar
number when theirs is gone, or a subscription number back as a subscription (the
customer confirms and pays)."""
from flask import abort, flash, redirect, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional
from wtforms.widgets import HiddenInput

from pricing import TIERS, PricingError
from storefront import db
from storefront.roles import role_required
from storefront.models import Rental
from storefront.models.rentals import SUBSCRIPTION
from storefront.fields import AmountField
from storefront.rendering import render
from storefront.models.credits import KIND_NAMES
from storefront.problems import InvalidRequest
from storefront.services import billing, credits, rentals, support as tickets
from storefront.services import offers as number_offers
from storefront.services.accounts import user_by_email
from storefront.services.credits import InsufficientCredits
from storefront.services.paging import Page
from storefront.services.rentals import RentalError
from storefront.staff import bp
from storefront.formatting import when
from storefront.services import audit


class OfferForm(FlaskForm):
    """The CSRF token of the offer buttons."""


class ReinstateForm(FlaskForm):
    length = IntegerField(widget=HiddenInput(), validators=[InputRequired()])
    seen_total = AmountField()
    reason = StringField("Reason (sent to the customer)", validators=[Optional(), Length(max=300)])


class AnswerForm(FlaskForm):
    body = TextAreaField("Your answer", description="Sent to the customer by e-mail, and shown on their account.")
    close = BooleanField("Close the question after sending")


class TicketActionForm(FlaskForm):
    """The CSRF token of the close and reopen buttons."""


def _before(value: str) -> int | None:
    return int(value) if value.isdigit() and 0 < int(value) < 2**31 else None


@bp.get("/support")
@role_required("support")
def support():
    session = db.session()
    status = request.args.get("status") if request.args.get("status") in tickets.STATUSES else tickets.OPEN
    questions = tickets.tickets_page(session, status, _before(request.args.get("before", "")))
    email = request.args.get("email", "").strip()
    customer = user_by_email(session, email) if email else None
    page = rentals.rentals_of(session, customer, request.args.get("cursor")) if customer else Page()
    mine = page.items
    offers, subscriptions_back = {}, set()
    for rental in mine:
        if rental.status == "ended" and rental.number.state == "cooling_off":
            if rental.pricing_model == SUBSCRIPTION:
                # Back as a subscription: the customer pays the first charge by card.
                subscriptions_back.add(rental.id)
                continue
            lengths = TIERS if rental.kind == "long" else (1, 3, 6, 12)
            offers[rental.id] = [(length, rentals.reinstate_quote(session, rental, length)) for length in lengths]
    history = billing.page(session, customer.id, billing.HistoryFilter(), limit=50) if customer else None
    # "If it's gone, we'll try to find a similar one": for one ended rental at a time (looked up
    # by id, so it needn't be on the page shown).
    similar_id = request.args.get("similar", type=int)
    candidates = rentals.rentals_by_ids(session, customer, [similar_id]) if customer and similar_id else []
    similar_to = next((rental for rental in candidates
                       if not rentals.is_current(rental) and rental.id not in offers
                       and rental.id not in subscriptions_back), None)
    return render("staff/support.html", email=email, customer=customer, rentals=mine, page=page, offers=offers,
                  subscriptions_back=subscriptions_back, history=history, kind_names=KIND_NAMES, similar_to=similar_to,
                  similar=number_offers.similar_for(session, similar_to) if similar_to else [],
                  sent_offers=number_offers.open_offers(session, customer) if customer else [],
                  balance=credits.current_balance(session, customer.id) if customer else None,
                  model_names=rentals.PRICING_MODEL_NAMES, is_current=rentals.is_current, form=ReinstateForm(), offer_form=OfferForm(),
                  ticket_status=status, questions=questions, before=request.args.get("before"))


def _ticket_page(ticket, form: AnswerForm, status: int = 200):
    return render("staff/ticket.html", ticket=ticket, form=form, action_form=TicketActionForm(), status=status)


@bp.get("/support/tickets/<int:ticket_id>")
@role_required("support")
def support_ticket(ticket_id: int):
    return _ticket_page(tickets.ticket(db.session(), ticket_id), AnswerForm(formdata=None))


@bp.post("/support/tickets/<int:ticket_id>/answer")
@role_required("support")
def answer_ticket(ticket_id: int):
    session = db.session()
    ticket = tickets.ticket(session, ticket_id)
    form = AnswerForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        tickets.reply(session, ticket, current_user, form.body.data, close_after=form.close.data)
    except InvalidRequest as error:
        form.body.errors.append(error.message)
        return _ticket_page(ticket, form, 422)
    except tickets.TicketClosed as error:
        flash(error.message)
        return redirect(url_for("staff.support_ticket", ticket_id=ticket.id))
    flash(f"Your answer is on its way to {ticket.email}." + (" The question is closed." if form.close.data else ""))
    return redirect(url_for("staff.support_ticket", ticket_id=ticket.id))


@bp.post("/support/tickets/<int:ticket_id>/<any(close, reopen):action>")
@role_required("support")
def set_ticket_status(ticket_id: int, action: str):
    if not TicketActionForm().validate_on_submit():
        abort(400)
    session = db.session()
    ticket = tickets.ticket(session, ticket_id)
    (tickets.close if action == "close" else tickets.reopen)(session, ticket)
    flash(f"Question #{ticket.id} is {'closed' if action == 'close' else 'open again'}.")
    return redirect(url_for("staff.support_ticket", ticket_id=ticket.id))


@bp.post("/support/rentals/<int:rental_id>/reinstate")
@role_required("support")
def reinstate(rental_id: int):
    form = ReinstateForm()
    if not form.validate_on_submit():
        abort(400)
    session = db.session()
    rental = session.get(Rental, rental_id)
    if rental is None:
        abort(404)
    reason = (form.reason.data or "").strip()
    if request.form.get("confirmed") != "yes" or not reason:
        # First the confirmation: the amount charged to the customer, and why (it is e-mailed to them).
        quote = rentals.reinstate_quote(session, rental, form.length.data) if rental.kind != "long" or \
            form.length.data in TIERS else None
        return render("staff/reinstate_confirm.html", rental=rental, form=form, quote=quote,
                      balance=credits.current_balance(session, rental.user_id),
                      message="Please give a reason: it is sent to the customer." if request.form.get("confirmed") else None,
                      status=422 if request.form.get("confirmed") else 200)
    try:
        renewed = rentals.reinstate(session, rental, form.length.data, form.seen_total.data, reason=reason)
    except (RentalError, InsufficientCredits, PricingError) as error:
        flash(error.message)
    else:
        audit.record(session, current_user, audit.REINSTATEMENT, renewed.number.e164,
                     f"for {rental.user.email}, paid until {renewed.paid_through:%Y-%m-%d}")
        flash(f"{renewed.number.e164} is reinstated for {rental.user.email}, paid until {when(renewed.paid_through)}.")
    return redirect(url_for("staff.support", email=rental.user.email))


@bp.post("/support/rentals/<int:rental_id>/offer")
@role_required("support")
def offer(rental_id: int):
    """Offer the former holder a similar free number, or (a subscription) their own number back."""
    if not OfferForm().validate_on_submit():
        abort(400)
    session = db.session()
    rental = session.get(Rental, rental_id)
    if rental is None:
        abort(404)
    number_id = request.form.get("number_id", type=int)
    try:
        if number_id is None:
            made = number_offers.offer_reinstatement(session, current_user, rental)
        else:
            made = number_offers.offer_similar(session, current_user, rental, number_id)
    except RentalError as error:
        flash(error.message)
    else:
        flash(f"{made.number.e164} is offered to {rental.user.email} until {when(made.expires_at)}; "
              "they were e-mailed a link to buy it.")
    return redirect(url_for("staff.support", email=rental.user.email))
