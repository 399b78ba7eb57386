"""Finding 9, as a fuzz test: every form and every API body, filled by hypothesis with garbage
(NaN and huge numbers, NUL bytes, control characters, over-long text, deep JSON, bytes that
are not UTF-8), answers below 500, and an answer that refuses charges nothing.

Each route that changes something (POST, PUT, DELETE) is tried as the role that may use it:
a customer with credits and a number on the web, the same customer through the API, a
gateway with its credential, staff with every staff role. The fields come from the names
the templates and the OpenAPI documents use, so the garbage reaches the code that reads them.
"""
import json
import re
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from hardware.models import PhoneNumber
from storefront import db
from storefront.api.openapi import openapi_document as api_document
from storefront.gateway.openapi import openapi_document as gateway_document
from storefront.models import STAFF_ROLES, Rental, User
from storefront.services import credits, gateways
from tests.storefront.helpers import api_for, staff_client
from tests.storefront.rental_factory import rent

TEMPLATES = Path(__file__).parents[2] / "storefront" / "templates"
# Where a request would end the session the rest of the run needs, or has nothing to read.
LEFT_OUT = {"auth.logout", "account.sign_out_everywhere"}

NASTY = st.sampled_from([
    "", "0", "-1", "3", "6", "12", "13", "1.5", "NaN", "sNaN", "Infinity", "-Infinity", "1e999999", "1e30",
    "99999999999", "2147483648", "DE", "SE", "de", "long", "short", "subscription", "prepaid", "on", "true",
    "\x00", "a\x00b", "\r\nSet-Cookie: x=1", "/\\evil.example/x", "//evil.example", "<script>x</script>",
    "+4915112345678", "€", "ß" * 40, "\ud7ff", "x" * 20_000,
])
VALUE = NASTY | st.text(max_size=40)
JSON_VALUE = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=True) | VALUE,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(VALUE, inner, max_size=3),
    max_leaves=8,
)


def form_fields() -> list[str]:
    names = set()
    for template in TEMPLATES.rglob("*.html"):
        names.update(re.findall(r'name="([\w-]+)"', template.read_text()))
    return sorted(names)


def body_fields(document: dict) -> list[str]:
    names = set()
    for schema in document["components"]["schemas"].values():
        names.update(schema.get("properties", {}))
    return sorted(names)


def json_body(fields: list[str]):
    return (st.dictionaries(st.sampled_from(fields), JSON_VALUE, max_size=6).map(json.dumps)
            | JSON_VALUE.map(lambda value: json.dumps(value))
            | st.binary(max_size=60))


class World:
    """The accounts and things the routes act on, and what "charged" means."""

    def __init__(self, app):
        self.app = app
        self.api = api_for(app, "fuzz@example.com", credits="300.00")
        self.web = app.test_client()
        self.web.post("/login", data={"email": "fuzz@example.com", "password": "correct horse battery"})
        rented = rent(app, "fuzz@example.com", "DE", hours_ago=1)
        self.rental_id = rented.id
        with app.app_context():
            session = db.session()
            self.user_id = session.scalar(select(User.id).where(User.email == "fuzz@example.com"))
            self.gateway = session.get(PhoneNumber, rented.number_id).gateway.name
            self.gateway_headers = {"Authorization": f"Bearer {gateways.create_token(session, self.gateway)[1]}"}
        self.staff = staff_client(app, "staff@example.com", tuple(STAFF_ROLES))

    def money_and_rentals(self) -> tuple[str, int]:
        with self.app.app_context():
            session = db.session()
            return (credits.balance(session, self.user_id).as_string(),
                    session.scalar(select(func.count()).select_from(Rental)))

    def path_values(self, rule) -> dict:
        ids = st.sampled_from([self.rental_id, 1, 0, 2**31, 10**12])
        choices = {"slug": st.sampled_from(["home", "faq", "nope"]), "name": st.sampled_from([self.gateway, "nope"]),
                   "token": st.sampled_from(["abc", "x" * 300]), "action": st.sampled_from(["close", "reopen"])}
        return {name: choices.get(name, ids) for name in rule.arguments}


def changing_routes(app):
    rules = [rule for rule in app.url_map.iter_rules()
             if rule.methods & {"POST", "PUT", "DELETE"} and rule.endpoint not in LEFT_OUT]
    return sorted(rules, key=lambda rule: rule.rule)


def fuzz_route(world: World, rule, forms, api_bodies, gateway_bodies) -> None:
    method = sorted(rule.methods & {"POST", "PUT", "DELETE"})[0]
    as_json = rule.rule.startswith(("/api/", "/gateway/"))

    @given(path=st.fixed_dictionaries(world.path_values(rule)), form=forms, api_body=api_bodies,
           gateway_body=gateway_bodies)
    @settings(max_examples=20, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    def answers_below_500(path, form, api_body, gateway_body):
        url = rule.build(path, append_unknown=False)[1]
        before = world.money_and_rentals()
        if rule.rule.startswith("/api/"):
            answer = world.api.client.open(url, method=method, data=api_body, headers=world.api.headers,
                                           content_type="application/json")
        elif rule.rule.startswith("/gateway/"):
            answer = world.web.open(url, method=method, data=gateway_body, headers=world.gateway_headers,
                                    content_type="application/json")
        else:
            client = world.staff if rule.rule.startswith("/staff/") else world.web
            answer = client.open(url, method=method, data=form)
        sent = (api_body, gateway_body) if as_json else form
        assert answer.status_code < 500, (method, url, sent, answer.get_data(as_text=True)[:500])
        if answer.status_code >= 400:
            assert world.money_and_rentals() == before, (method, url, answer.status_code)

    answers_below_500()


def test_no_garbage_in_any_form_or_body_gets_a_5xx_or_charges_anything(stocked_app):
    world = World(stocked_app)
    forms = st.dictionaries(st.sampled_from(form_fields()), VALUE, max_size=6)
    api_bodies = json_body(body_fields(api_document("http://localhost")))
    gateway_bodies = json_body(body_fields(gateway_document("http://localhost")))
    routes = changing_routes(stocked_app)
    assert len(routes) >= 50
    for rule in routes:
        fuzz_route(world, rule, forms, api_bodies, gateway_bodies)
