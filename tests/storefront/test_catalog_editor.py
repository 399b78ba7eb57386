"""The admin's catalog editor: drafts with a price preview, the one validation, saving,
history and restore, retired countries, and who may use it."""
import re
from html import unescape
from html.parser import HTMLParser

import pytest
from sqlalchemy import func, select

from storefront import db
from storefront.models import STAFF_ROLES, CatalogRevision, LedgerEntry, Rental
from storefront.services.accounts import create_user
from tests.storefront.helpers import staff_client

PASSWORD = "correct horse battery"


class _FormFields(HTMLParser):
    """The fields of the editor's form as a browser would send them (no buttons)."""

    def __init__(self):
        super().__init__()
        self.fields: dict[str, str] = {}
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("name"):
            self.fields[attrs["name"]] = attrs.get("value") or ""
        elif tag == "select":
            self._select = attrs.get("name")
        elif tag == "option" and self._select and "selected" in attrs:
            self.fields[self._select] = attrs["value"]

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def text(response) -> str:
    return unescape(response.get_data(as_text=True))


def editor_form(client, url="/staff/catalog") -> dict[str, str]:
    parser = _FormFields()
    parser.feed(client.get(url).get_data(as_text=True))
    return parser.fields


def country_prefix(form: dict[str, str], name: str) -> str:
    """`countries[2]` for the row whose name is `name`."""
    return next(key for key, value in form.items() if key.endswith(".name") and value == name).removesuffix(".name")


def error_at(html: str, field: str) -> str:
    """The error shown next to the input named `field`."""
    slot = "error-f-" + field.replace("[", "-").replace("]", "").replace(".", "-")
    return re.search(rf'id="{re.escape(slot)}"[^>]*>([^<]*)</p>', html).group(1)


def revisions(app) -> int:
    with app.app_context():
        return db.session().scalar(select(func.count()).select_from(CatalogRevision))


def revision_ids(app) -> list[int]:
    with app.app_context():
        return list(db.session().scalars(select(CatalogRevision.id).order_by(CatalogRevision.id)))


def quote_total(client, country="DE", tier=3) -> str:
    return client.get(f"/api/v1/quote?country={country}&kind=long&tier_months={tier}").json["total"]


def sign_in(app, email, roles):
    if set(roles) & set(STAFF_ROLES):
        return staff_client(app, email, roles, PASSWORD)
    with app.app_context():
        create_user(db.session(), email, PASSWORD, roles)
    client = app.test_client()
    client.post("/login", data={"email": email, "password": PASSWORD})
    return client


@pytest.fixture
def admin(app):
    return sign_in(app, "admin@example.com", ("admin",))


def test_anonymous_visitors_are_sent_to_sign_in_and_customers_are_refused(app, client):
    for method, url in (("get", "/staff/catalog"), ("post", "/staff/catalog"), ("get", "/staff/catalog/history")):
        response = getattr(client, method)(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    customer = sign_in(app, "ada@example.com", ("customer",))
    operator = sign_in(app, "ops@example.com", ("operations",))
    for user in (customer, operator):
        assert user.get("/staff/catalog").status_code == 403
        assert user.post("/staff/catalog", data={"action": "save"}).status_code == 403
        assert user.get("/staff/catalog/history").status_code == 403


def test_the_editor_shows_every_country_and_table(admin):
    html = text(admin.get("/staff/catalog"))
    form = editor_form(admin)
    germany = country_prefix(form, "Germany")
    assert (form[f"{germany}.short_term_monthly"], form[f"{germany}.long_term_unit"], form[f"{germany}.setup_fee"]) == (
        "3.00", "12.00", "0.00")
    assert sum(key.endswith(".code") for key in form) == 10
    assert form["bundle_factors.6"] == "1.9167" and form["loyalty.max_percent"] == "5"
    assert form["volume_discounts[2].percent"] == "15" and form["return_fees[2].percent"] == "25"
    assert 'hx-trigger="input changed delay:300ms"' in html and "No changes yet" in html


def test_the_preview_shows_old_beside_new_and_saves_nothing(app, admin, client):
    form = editor_form(admin)
    form[f"{country_prefix(form, 'Germany')}.long_term_unit"] = "15.00"
    response = admin.post("/staff/catalog", data=form, headers={"HX-Request": "true"})
    html = text(response)
    assert response.status_code == 200 and "<html" not in html and 'id="catalog-preview"' in html
    bundles = re.search(r'data-testid="bundles-DE".*?</table>', html, re.S).group(0)
    for old, new in (("€16.00", "€20.00"), ("€23.00", "€29.00"), ("€29.00", "€36.00"), ("€34.00", "€42.00")):
        assert old in bundles and new in bundles
    assert "+€4.00" in bundles and "€6.67 a month" in bundles
    assert "Germany (DE): long-term unit: €12.00 → €15.00" in re.sub(r"<[^>]+>", "", html)
    assert 'data-testid="preview-FR"' not in html  # France's prices do not change
    assert revisions(app) == 1 and quote_total(client) == "16.00"


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("{DE}.setup_fee", "-1.00", "zero or more"),
        ("{DE}.short_term_monthly", "cheap", "'cheap'"),
        ("{DE}.long_term_unit", "", "is missing"),
        ("bundle_factors.12", "", "the 12-month tier is missing"),
        ("bundle_factors.12", "2.0", "cheaper in total than the 9-month one"),
        ("volume_discounts[0].percent", "150", "from 0 to 100"),
        ("return_fees[1].percent", "-5", "from 0 to 100"),
        ("loyalty.max_percent", "101", "from 0 to 100"),
    ],
)
def test_a_bad_field_is_named_next_to_it_and_nothing_is_saved(app, admin, client, field, value, message):
    form = editor_form(admin)
    field = field.format(DE=country_prefix(form, "Germany"))
    form[field] = value
    live = admin.post("/staff/catalog", data=form, headers={"HX-Request": "true"})
    assert message in error_at(text(live), field)
    assert "The preview waits until 1 field is fixed" in text(live)

    form["action"] = "save"
    refused = admin.post("/staff/catalog", data=form)
    html = text(refused)
    assert refused.status_code == 422 and "Nothing was saved" in html
    assert message in error_at(html, field) and 'aria-invalid="true"' in html
    assert revisions(app) == 1 and quote_total(client) == "16.00"


def test_a_country_is_added_with_its_iso_code_checked(app, admin, client):
    form = editor_form(admin)
    added = editor_form_after(admin, form, "add:countries")
    new = "countries[10]"
    added.update({f"{new}.code": "xx", f"{new}.name": "Nowhere", f"{new}.short_term_monthly": "3.00",
                  f"{new}.long_term_unit": "12.00", f"{new}.setup_fee": "0.00", "action": "save"})
    refused = admin.post("/staff/catalog", data=added)
    assert refused.status_code == 422
    assert "'XX' is not an ISO 3166 country code" in error_at(text(refused), f"{new}.code")

    added.update({f"{new}.code": "pt", f"{new}.name": "Portugal"})
    assert admin.post("/staff/catalog", data=added).status_code == 302
    assert quote_total(client, "PT") == "16.00"
    assert "Portugal" in text(client.get("/"))


def editor_form_after(client, form: dict, action: str) -> dict:
    """The form as the page shows it after a row button (add or remove) was pressed."""
    parser = _FormFields()
    parser.feed(client.post("/staff/catalog", data={**form, "action": action}).get_data(as_text=True))
    return parser.fields


def test_a_draft_row_can_be_removed_but_a_live_country_only_retired(app, admin):
    form = editor_form(admin)
    with_row = editor_form_after(admin, form, "add:volume_discounts")
    assert "volume_discounts[3].percent" in with_row
    assert "volume_discounts[3].percent" not in editor_form_after(admin, with_row, "remove:volume_discounts:3")
    assert "countries[0].code" in editor_form_after(admin, form, "remove:countries:0")

    without_germany = {key: value for key, value in form.items() if not key.startswith(country_prefix(form, "Germany"))}
    refused = admin.post("/staff/catalog", data={**without_germany, "action": "save"})
    assert refused.status_code == 422 and "DE is missing: retire a country instead" in text(refused)
    assert revisions(app) == 1


def test_saving_records_who_when_what_and_why_in_the_history(app, admin, client):
    form = editor_form(admin)
    form[f"{country_prefix(form, 'Germany')}.long_term_unit"] = "15.00"
    form["bundle_factors.3"] = "1.4"
    saved = admin.post("/staff/catalog", data={**form, "note": "Higher SIM costs", "action": "save"})
    assert saved.status_code == 302
    assert "the new catalog is live" in text(admin.get(saved.headers["Location"]))
    assert quote_total(client) == "21.00"

    history = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text(admin.get("/staff/catalog/history"))))
    assert "Saved by admin@example.com in the editor" in history and "“Higher SIM costs”" in history
    assert "Germany (DE): long-term unit €12.00 €15.00" in history
    assert "Bundle factor, 3 months 1.3333 1.4" in history
    assert "Import catalog.json (command line)" in history
    with app.app_context():
        latest = db.session().scalars(select(CatalogRevision).order_by(CatalogRevision.id.desc())).first()
        assert latest.changed_by.email == "admin@example.com" and latest.snapshot["bundle_factors"]["3"] == "1.4"


def test_an_earlier_catalog_is_restored_as_a_draft_then_saved(app, admin, client):
    form = editor_form(admin)
    form[f"{country_prefix(form, 'Germany')}.long_term_unit"] = "15.00"
    admin.post("/staff/catalog", data={**form, "action": "save"})
    assert quote_total(client) == "20.00"

    first = revision_ids(app)[0]
    draft = text(admin.get(f"/staff/catalog?restore={first}"))
    assert "This draft is the catalog as it was on" in draft
    bundles = re.search(r'data-testid="bundles-DE".*?</table>', draft, re.S).group(0)
    assert "€20.00" in bundles and "€16.00" in bundles and "−€4.00" in bundles
    assert revisions(app) == 2 and quote_total(client) == "20.00"

    restored = editor_form(admin, f"/staff/catalog?restore={first}")
    assert restored["note"].startswith("Restored the catalog of")
    assert admin.post("/staff/catalog", data={**restored, "action": "save"}).status_code == 302
    assert quote_total(client) == "16.00" and revisions(app) == 3
    assert admin.get(f"/staff/catalog?restore={first + 99}").status_code == 404


def test_a_catalog_changed_meanwhile_is_not_overwritten(app, admin, runner, demo_catalog_path):
    form = editor_form(admin)
    form[f"{country_prefix(form, 'Germany')}.long_term_unit"] = "15.00"
    runner.invoke(args=["catalog", "import", str(demo_catalog_path)])
    refused = admin.post("/staff/catalog", data={**form, "action": "save"})
    assert refused.status_code == 422 and "the catalog was changed by import catalog.json" in text(refused)
    assert revisions(app) == 2
    # The draft now builds on the newer catalog: saving again goes through.
    parser = _FormFields()
    parser.feed(refused.get_data(as_text=True))
    again = parser.fields
    assert again["base_revision"] == str(revision_ids(app)[-1]) and again[f"{country_prefix(form, 'Germany')}.long_term_unit"] == "15.00"
    assert admin.post("/staff/catalog", data={**again, "action": "save"}).status_code == 302


def test_saving_an_unchanged_draft_adds_no_revision(app, admin):
    refused = admin.post("/staff/catalog", data={**editor_form(admin), "action": "save"})
    assert refused.status_code == 422 and "the same as the catalog in force" in text(refused)
    assert revisions(app) == 1


def test_every_form_carries_a_csrf_token_and_a_post_without_one_is_refused(app, admin):
    app.config["WTF_CSRF_ENABLED"] = True
    form = editor_form(admin)
    assert form["csrf_token"]
    del form["csrf_token"]
    assert admin.post("/staff/catalog", data={**form, "action": "save"}).status_code == 400
    assert revisions(app) == 1


def test_a_retired_country_sells_nothing_new(app, admin, customers, client):
    form = editor_form(admin)
    form[f"{country_prefix(form, 'Germany')}.retired"] = "1"
    preview = text(admin.post("/staff/catalog", data=form, headers={"HX-Request": "true"}))
    assert "retired: no new sales" in preview
    assert admin.post("/staff/catalog", data={**form, "action": "save"}).status_code == 302

    shopper = customers.signed_in(credits="50.00")
    assert '<option value="DE"' not in text(shopper.get("/buy"))
    assert "We no longer sell new numbers in Germany" in text(shopper.get("/buy?country=DE&kind=long"))
    refused = client.get("/api/v1/quote?country=DE&kind=long&tier_months=3")
    assert refused.status_code == 404 and "no longer sell new numbers in Germany" in refused.json["detail"]
    landing = text(client.get("/?country=DE"))
    assert "We no longer sell new numbers in Germany" in landing and '<option value="DE"' not in landing
    assert client.get("/api/v1/catalog").json["countries"][2]["retired"] is True


def test_a_customer_shown_a_price_before_the_admin_changed_it_is_asked_again_not_charged(
    stocked_app, customers, admin
):
    shopper = customers.signed_in(credits="50.00")
    chosen = text(shopper.get("/buy?country=DE&kind=long&tier_months=3"))
    number = re.search(r'name="number" value="(\d+)"', chosen).group(1)
    review = text(shopper.get(f"/buy/review?country=DE&kind=long&tier_months=3&number={number}"))
    assert "Pay €16.00 from credits" in review
    token = re.search(r'name="token" type="hidden" value="([^"]+)"', review).group(1)

    form = editor_form(admin)
    form[f"{country_prefix(form, 'Germany')}.long_term_unit"] = "15.00"
    assert admin.post("/staff/catalog", data={**form, "action": "save"}).status_code == 302

    response = shopper.post("/buy/checkout", data={"token": token})
    html = text(response)
    assert response.status_code == 409
    assert "The price changed from €16.00 to €20.00" in html and "Pay €20.00 from credits" in html
    with stocked_app.app_context():
        session = db.session()
        assert session.scalar(select(func.count()).select_from(Rental)) == 0
        assert session.scalar(select(func.count()).select_from(LedgerEntry)) == 1  # the welcome credit only


def test_a_country_retired_after_the_customer_saw_its_price_charges_nothing(stocked_app, customers, admin):
    shopper = customers.signed_in(credits="50.00")
    chosen = text(shopper.get("/buy?country=DE&kind=long&tier_months=3"))
    number = re.search(r'name="number" value="(\d+)"', chosen).group(1)
    review = text(shopper.get(f"/buy/review?country=DE&kind=long&tier_months=3&number={number}"))
    token = re.search(r'name="token" type="hidden" value="([^"]+)"', review).group(1)

    form = editor_form(admin)
    form[f"{country_prefix(form, 'Germany')}.retired"] = "1"
    assert admin.post("/staff/catalog", data={**form, "action": "save"}).status_code == 302

    response = shopper.post("/buy/checkout", data={"token": token})
    assert response.status_code == 302 and response.headers["Location"].endswith("/buy")
    assert "We no longer sell new numbers in Germany" in text(shopper.get("/buy"))
    with stocked_app.app_context():
        assert db.session().scalar(select(func.count()).select_from(Rental)) == 0


def test_two_admins_saving_at_the_same_instant_cannot_both_get_through(app):
    import threading

    first = sign_in(app, "first-admin@example.com", ("admin",))
    second = sign_in(app, "second-admin@example.com", ("admin",))
    forms = []
    for client, unit in ((first, "15.00"), (second, "17.00")):
        form = editor_form(client)
        form[f"{country_prefix(form, 'Germany')}.long_term_unit"] = unit
        forms.append((client, form))
    start = threading.Barrier(2)
    answers = []

    def save(client, form):
        start.wait()
        answers.append(client.post("/staff/catalog", data={**form, "action": "save"}).status_code)

    threads = [threading.Thread(target=save, args=pair) for pair in forms]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answers) == [302, 422]
    assert revisions(app) == 2


def _impact(admin, form) -> str:
    html = text(admin.post("/staff/catalog", data=form, headers={"HX-Request": "true"}))
    return re.sub(r"\s+", " ", re.search(r'data-testid="preview-impact">(.*?)</p>', html, re.S).group(1)).strip()


def test_the_editor_says_how_many_automatic_renewals_a_save_reprices_before_it_is_made(stocked_app, admin):
    from tests.storefront.rental_factory import rent

    sign_in(stocked_app, "ada@example.com", ("customer",))
    rent(stocked_app, "ada@example.com", "DE", months_ago=2)                       # renews at the bundle price
    rent(stocked_app, "ada@example.com", "DE", months_ago=1)                       # and this one
    rent(stocked_app, "ada@example.com", "DE", auto_renew=False)                  # does not renew
    rent(stocked_app, "ada@example.com", "DE", legacy=("6.00", 3, "0"))            # keeps its own rate
    rent(stocked_app, "ada@example.com", "AT", months_ago=1)                       # another country
    form = editor_form(admin)
    germany = dict(form, **{f"{country_prefix(form, 'Germany')}.long_term_unit": "15.00"})
    assert _impact(admin, germany).startswith("Saving reprices the next renewal of 2 numbers that renew automatically.")
    assert _impact(admin, dict(form, **{"loyalty.max_percent": "6"})).startswith(
        "Saving reprices the next renewal of 3 numbers")  # loyalty moves every country's renewals
    france = dict(form, **{f"{country_prefix(form, 'France')}.setup_fee": "1.00"})
    assert _impact(admin, france).startswith("Saving reprices no renewal")
    rent(stocked_app, "ada@example.com", "DE", kind="short", months=3, auto_renew=True)  # short-term, from credits
    short = dict(form, **{f"{country_prefix(form, 'Germany')}.short_term_monthly": "3.50"})
    assert _impact(admin, short).startswith("Saving reprices the next renewal of 1 number that renews automatically.")
    assert revisions(stocked_app) == 1  # said before saving; nothing saved


def test_the_impact_is_one_count_query(stocked_app):
    from sqlalchemy import event

    from storefront.services.catalog_editor.impact import Repriced, repriced_renewals

    with stocked_app.app_context():
        session = db.session()
        statements = []
        engine = session.get_bind()
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(engine, "before_cursor_execute", listener)
        try:
            assert repriced_renewals(session, Repriced(frozenset({"DE", "AT"}), frozenset({"FR"}))) == 0
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        queries = [statement for statement in statements if statement.lstrip().upper().startswith("SELECT")]
        assert len(queries) == 1 and queries[0].lstrip().upper().startswith("SELECT COUNT")
