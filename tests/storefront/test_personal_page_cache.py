"""A signed-in customer's own pages (their numbers, the review before paying) are kept for a
second per process and per session: asked again within the second, the page just made is
sent again. The sign-in is still checked on every request, a customer's own form always
brings a fresh page (in any process), and nobody ever gets someone else's page.

"Another process" is played by writing straight to the database: this process commits
nothing, so it forgets nothing; and by a second app on the same database."""
from sqlalchemy import delete, update

from storefront import create_app, db
from storefront.models import Rental, User, UserRole
from tests.storefront.helpers import sign_in
from tests.storefront.rental_factory import rent


def written_elsewhere(app, statement) -> None:
    with app.extensions["database"].engine.begin() as connection:
        connection.execute(statement)


def auto_renew_button(client) -> str:
    page = client.get("/numbers").get_data(as_text=True)
    return "turn off" if "On · turn off" in page else "turn on" if "Off · turn on" in page else "none"


def test_a_page_asked_again_within_the_second_is_the_one_just_made(stocked_app, customers, clock):
    client = customers.signed_in()
    rented = rent(stocked_app, "ada@example.com")
    # The first page of a session makes its CSRF token (the answer sets the cookie): never kept.
    for _ in range(2):
        assert auto_renew_button(client) == "turn off"
    written_elsewhere(stocked_app, update(Rental).where(Rental.id == rented.id).values(auto_renew=False))
    assert auto_renew_button(client) == "turn off"  # kept
    clock.advance(seconds=stocked_app.config["PERSONAL_PAGE_CACHE_SECONDS"] + 0.1)
    assert auto_renew_button(client) == "turn on"


def test_a_commit_in_this_process_shows_at_once(stocked_app, customers, clock):
    client = customers.signed_in()
    auto_renew_button(client)
    rent(stocked_app, "ada@example.com")  # committed here
    assert auto_renew_button(client) == "turn off"


def test_the_customers_own_form_brings_a_fresh_page_from_any_process(stocked_app, customers, clock):
    other_process = create_app(dict(stocked_app.config))
    client = customers.signed_in()
    rented = rent(stocked_app, "ada@example.com")
    elsewhere = other_process.test_client()

    def same_cookie(source, target):
        target.set_cookie("session", source.get_cookie("session").value)

    client.get("/numbers")  # the session's CSRF token
    same_cookie(client, elsewhere)
    assert auto_renew_button(elsewhere) == "turn off"  # kept by the other process
    turned = client.post(f"/numbers/{rented.id}/auto-renew", data={"on": "0"})
    assert turned.status_code == 302
    same_cookie(client, elsewhere)  # the browser sends what the answer set
    page = elsewhere.get("/numbers").get_data(as_text=True)
    assert "Automatic renewal of" in page  # the flash: a page that was never kept
    assert auto_renew_button(elsewhere) == "turn on"


def test_a_kept_page_is_never_sent_to_an_ended_session(stocked_app, customers, clock):
    client = customers.signed_in()
    rent(stocked_app, "ada@example.com")
    assert client.get("/numbers").status_code == 200
    # "Sign out everywhere" in another process: this cookie's sign-in is over.
    written_elsewhere(stocked_app, update(User).where(User.email == "ada@example.com")
                      .values(session_version=User.session_version + 1))
    answer = client.get("/numbers")
    assert answer.status_code == 302 and "/login" in answer.headers["Location"]


def test_a_removed_role_changes_the_page_at_once(stocked_app, customers, clock):
    client = customers.signed_in("sam@example.com", roles=("customer", "support"))
    assert 'href="/staff/support"' in client.get("/numbers").get_data(as_text=True)
    with stocked_app.app_context():
        user_id = db.session().query(User.id).filter_by(email="sam@example.com").scalar()
    written_elsewhere(stocked_app, delete(UserRole).where(UserRole.user_id == user_id, UserRole.role == "support"))
    assert 'href="/staff/support"' not in client.get("/numbers").get_data(as_text=True)


def test_nobody_gets_another_customers_page(stocked_app, customers, clock):
    ada = customers.signed_in("ada@example.com")
    bob = customers.signed_in("bob@example.com")
    mine = rent(stocked_app, "ada@example.com")
    assert mine.e164 in ada.get("/numbers").get_data(as_text=True)
    assert mine.e164 not in bob.get("/numbers").get_data(as_text=True)
    # The same browser, signed out and in as someone else.
    ada.post("/logout")
    sign_in(ada, "bob@example.com")
    assert mine.e164 not in ada.get("/numbers").get_data(as_text=True)


def test_turned_off_every_page_is_made_afresh(stocked_app, customers, clock):
    stocked_app.config["PERSONAL_PAGE_CACHE_SECONDS"] = 0
    client = customers.signed_in()
    rented = rent(stocked_app, "ada@example.com")
    assert auto_renew_button(client) == "turn off"
    written_elsewhere(stocked_app, update(Rental).where(Rental.id == rented.id).values(auto_renew=False))
    assert auto_renew_button(client) == "turn on"
