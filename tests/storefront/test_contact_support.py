"""Trust and support: the seller in the footer, the legal pages from the copy editor, the
contact form that opens a ticket, support answering (by e-mail) and closing it, and the
customer seeing the answer."""
import re
from datetime import timedelta

from sqlalchemy import select

from storefront import clock as store_clock
from storefront import db
from storefront.mail import sent_messages
from storefront.models import SupportTicket
from storefront.services import outbox, support
from tests.storefront.helpers import page

QUESTION = {"topic": "numbers", "subject": "Unrented by mistake",
            "body": "I gave back +4915123456101 by mistake.\nCan I have it back?"}


def deliver(app):
    with app.app_context():
        outbox.deliver_due(db.session(), store_clock.now() + timedelta(minutes=1))
    return sent_messages(app.config["MAIL_DIR"])


def tickets(app) -> list[SupportTicket]:
    with app.app_context():
        return list(db.session().scalars(select(SupportTicket).order_by(SupportTicket.id)))


def test_every_page_names_the_seller_and_links_the_legal_pages(client):
    html = page(client.get("/faq"))
    assert "Numbers Demo GmbH" in html and "Beispielstraße 1" in html and "VAT ID DE000000000" in html
    for path in ("/contact", "/terms", "/privacy", "/imprint"):
        assert f'href="{path}"' in html
        assert client.get(path).status_code == 200
    assert "Payments by Stripe" in html
    assert "prorated" in page(client.get("/terms")) and "30 days" in page(client.get("/terms"))
    imprint = page(client.get("/imprint"))
    assert "support@numbers.example" in imprint and "DE000000000" in imprint


def test_the_seller_comes_from_the_settings(app):
    app.config.update(SELLER_NAME="Acme Numbers Ltd", SELLER_VAT_ID="GB123456789")
    html = page(app.test_client().get("/imprint"))
    assert "Acme Numbers Ltd" in html and "GB123456789" in html


def test_marketing_edits_the_terms_in_the_copy_editor(customers):
    editor = customers.signed_in("mia@example.com", roles=("marketing",))
    index = page(editor.get("/staff/copy"))
    assert "Terms of service" in index and "/staff/copy/terms" in index
    edit = editor.get("/staff/copy/terms")
    assert edit.status_code == 200
    response = editor.post("/staff/copy/terms", data={"title": "Our terms", "body": "Be **kind** <script>x</script>",
                                                      "action": "confirm_publish"})
    assert response.status_code in (200, 302)
    terms = page(customers.app.test_client().get("/terms"))
    assert "<strong>kind</strong>" in terms and "<script>x" not in terms


def test_a_visitor_asks_support_answers_by_email_and_closes(customers, stocked_app):
    visitor = stocked_app.test_client()
    refused = visitor.post("/contact", data={**QUESTION, "email": "not an address"})
    assert refused.status_code == 422 and "e-mail address we should answer to" in page(refused)
    sent = visitor.post("/contact", data={**QUESTION, "email": "Guest@Example.com"})
    assert sent.status_code == 302
    assert "we have your question" in page(visitor.get(sent.headers["Location"])).lower()
    [ticket] = tickets(stocked_app)
    assert (ticket.email, ticket.user_id, ticket.status) == ("guest@example.com", None, "open")
    [acknowledged] = deliver(stocked_app)
    assert acknowledged["To"] == "guest@example.com" and f"#{ticket.id}" in acknowledged["Subject"]

    agent = customers.signed_in("sam@example.com", roles=("support",))
    listing = page(agent.get("/staff/support"))
    assert "Unrented by mistake" in listing and "no account" in listing
    assert agent.post(f"/staff/support/tickets/{ticket.id}/answer", data={"body": " "}).status_code == 422
    answered = agent.post(f"/staff/support/tickets/{ticket.id}/answer",
                          data={"body": "It is yours again, <b>charged</b> as a new purchase.", "close": "y"})
    assert answered.status_code == 302
    mails = deliver(stocked_app)
    answer = mails[-1]
    assert answer["To"] == "guest@example.com" and answer["Subject"].startswith("Re: Unrented by mistake")
    assert "It is yours again" in answer.get_content()
    assert "Unrented by mistake" not in page(agent.get("/staff/support"))
    assert "Unrented by mistake" in page(agent.get("/staff/support?status=closed"))
    shown = agent.get(f"/staff/support/tickets/{ticket.id}").get_data(as_text=True)
    assert "&lt;b&gt;charged&lt;/b&gt;" in shown  # the answer is shown as text, never as HTML


def test_a_customer_sees_their_questions_and_the_answers(customers, stocked_app):
    ada = customers.signed_in("ada@example.com")
    sent = ada.post("/contact", data={**QUESTION, "email": "someone-else@example.com"})
    assert sent.status_code == 302 and "/account/questions" in sent.headers["Location"]
    [ticket] = tickets(stocked_app)
    assert ticket.email == "ada@example.com"  # answers go to the account's address
    agent = customers.signed_in("sam@example.com", roles=("support",))
    agent.post(f"/staff/support/tickets/{ticket.id}/answer", data={"body": "Done: it is back on your account."})
    mine = page(ada.get("/account/questions"))
    assert "Unrented by mistake" in mine and "Done: it is back on your account." in mine
    other = customers.signed_in("bob@example.com")
    assert "Unrented by mistake" not in page(other.get("/account/questions"))
    assert other.get(f"/staff/support/tickets/{ticket.id}").status_code in (302, 403, 404)


def test_support_pages_the_open_questions_newest_first(customers, stocked_app):
    with stocked_app.app_context():
        for number in range(30):
            support.open_ticket(db.session(), None, "g@example.com", "other", f"Question {number:02d}", "?")
    agent = customers.signed_in("sam@example.com", roles=("support",))
    first = page(agent.get("/staff/support"))
    shown = re.findall(r"Question (\d\d)", first)
    assert shown[0] == "29" and len(shown) == 25
    older = re.search(r'href="([^"]*before=\d+[^"]*)"', first).group(1)
    rest = re.findall(r"Question (\d\d)", page(agent.get(older)))
    assert rest == [f"{n:02d}" for n in range(4, -1, -1)]


def test_the_contact_form_is_rate_limited(stocked_app):
    stocked_app.config.update(RATELIMIT_ENABLED=True, CONTACT_RATE_LIMIT="2 per hour")
    visitor = stocked_app.test_client()
    statuses = [visitor.post("/contact", data={**QUESTION, "email": "g@example.com"}).status_code for _ in range(3)]
    assert statuses[:2] == [302, 302] and statuses[2] == 429
    assert len(tickets(stocked_app)) == 2
