"""Who we are and how to reach us: terms, privacy, imprint (texts from the copy editor, the
seller's identity from the settings) and the contact form, which opens a support ticket."""
from flask import abort, current_app, redirect, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import EmailField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice

from storefront import db
from storefront.limits import limiter
from storefront.models.copy import LEGAL_SLUGS
from storefront.problems import InvalidRequest
from storefront.public import bp
from storefront.page_cache import cached_for_visitors
from storefront.rendering import render
from storefront.services import support
from storefront.services.copy import legal_pages


class ContactForm(FlaskForm):
    email = EmailField("Your e-mail", description="We answer to this address.")
    topic = SelectField("About", choices=[SelectChoice(value, label)
                                          for value, label in [("", "Choose…"), *support.TOPICS.items()]])
    subject = StringField("Subject")
    body = TextAreaField("Your question")


def _legal(slug: str):
    if slug not in LEGAL_SLUGS:
        abort(404)
    return legal_pages(db.read_session())[slug]


@bp.get("/terms")
@cached_for_visitors
def terms():
    return render("public/legal.html", page=_legal("terms"))


@bp.get("/privacy")
@cached_for_visitors
def privacy():
    return render("public/legal.html", page=_legal("privacy"))


@bp.get("/imprint")
@cached_for_visitors
def imprint():
    return render("public/legal.html", page=_legal("imprint"), show_seller=True)


def _contact_page(form: ContactForm, status: int = 200):
    return render("public/contact.html", page=_legal("contact"), form=form, status=status)


@bp.get("/contact")
def contact():
    return _contact_page(ContactForm(formdata=None))


def _contact_limit() -> str:
    return current_app.config["CONTACT_RATE_LIMIT"]


@bp.post("/contact")
@limiter.limit(_contact_limit)
def send_question():
    form = ContactForm()
    if not form.validate_on_submit():  # the CSRF token
        form.form_errors.append("This form was open too long. Please send it again.")
        return _contact_page(form, 400)
    user = current_user if current_user.is_authenticated else None
    try:
        ticket = support.open_ticket(db.session(), user, form.email.data, form.topic.data or "",
                                     form.subject.data, form.body.data)
    except InvalidRequest as error:
        for problem in error.errors:
            getattr(form, problem.field).errors.append(problem.message)
        return _contact_page(form, 422)
    return redirect(url_for("public.question_sent", ticket_id=ticket.id) if user is None
                    else url_for("account.questions", sent=ticket.id))


@bp.get("/contact/sent")
def question_sent():
    number = request.args.get("ticket_id", "")
    return render("public/contact_sent.html", number=number if number.isdigit() else None)
