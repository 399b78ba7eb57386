"""The page check: every page (and the main htmx fragments), as each role, at 360, 768 and
1280 px wide, with no sideways scrolling, no console error and no WCAG 2.1 AA violation
that axe-core (npm, package.json's devDependencies) finds.

One line of PAGES adds a page: `Visit(role, path)`; `{name}` in the path is filled from
the demo data made once for this module (see `demo_ids`), and `then` runs steps after
loading (a click that swaps in an htmx fragment), after which the page is checked again.

Fast on purpose: one browser, one context per role signed in once, one page per role
reused for every visit; one SQLite database with the demo data for the whole module.
"""
from dataclasses import dataclass
from pathlib import Path
from collections.abc import Callable

import pytest

from storefront import create_app
from storefront.cli import DEMO_CATALOG
from storefront.db import make_engine, upgrade
from storefront.services.demo import DEMO_CUSTOMER, DEMO_PASSWORD, DEMO_STAFF, DEMO_STAFF_TOTP_SECRET
from tests.browser import pages
from tests.helpers import WEBHOOK_SECRET

pytestmark = pytest.mark.browser

WIDTHS = (360, 768, 1280)
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def _htmx(page, action: Callable) -> None:
    """Do `action` (which sends an htmx request) and wait until the answer is swapped in."""
    with page.expect_response(lambda response: response.request.headers.get("hx-request") == "true"):
        action()
    page.wait_for_function("!document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')")


def pick_number(page) -> None:
    _htmx(page, lambda: page.locator("input[name=number]").first.check())


def pick_tier(page) -> None:
    _htmx(page, lambda: page.locator("label.tier").nth(1).click())


def search_faq(page) -> None:
    _htmx(page, lambda: page.get_by_role("searchbox").fill("refund"))


def sign_up(page) -> None:
    """Send the sign-up form: the "Check your e-mail" page (the same for a taken address)."""
    page.fill("#email", "page-check@example.com")
    page.fill("#password", "correct horse battery")
    page.fill("#confirm", "correct horse battery")
    page.get_by_role("button", name="Create account").click()
    page.get_by_role("heading", name="Check your e-mail").wait_for()


def edit_copy(page) -> None:
    _htmx(page, lambda: page.locator("textarea").first.fill("A <b>changed</b> text <script>x()</script>"))


def edit_catalog(page) -> None:
    _htmx(page, lambda: page.locator("input.money").first.fill("7.50"))


@dataclass(frozen=True)
class Visit:
    role: str
    path: str
    then: Callable | None = None

    def __str__(self) -> str:
        return f"{self.role}:{self.path}" + (f"+{self.then.__name__}" if self.then else "")


PAGES = [
    Visit("anonymous", "/"),
    Visit("anonymous", "/?country=SE"),
    Visit("anonymous", "/faq", then=search_faq),
    Visit("anonymous", "/buy"),
    Visit("anonymous", "/buy?country=DE&kind=long&tier_months=6", then=pick_number),
    Visit("anonymous", "/buy?country=SE"),
    Visit("anonymous", "/login"),
    Visit("anonymous", "/signup", then=sign_up),
    Visit("anonymous", "/password/forgot"),
    Visit("anonymous", "/api/v1/docs"),
    Visit("anonymous", "/terms"),
    Visit("anonymous", "/privacy"),
    Visit("anonymous", "/imprint"),
    Visit("anonymous", "/contact"),
    Visit("customer", "/"),
    Visit("customer", "/buy?country=DE&kind=short&billing=prepaid&months=4", then=pick_number),
    Visit("customer", "/buy/review?country=DE&kind=long&tier_months=6&number={free_de}"),
    Visit("customer", "/buy/done/{bundle}"),
    Visit("customer", "/numbers"),
    Visit("customer", "/numbers/{legacy}/extend", then=pick_tier),
    Visit("customer", "/numbers/{bundle}/return"),
    Visit("customer", "/numbers/{bundle}/renewal"),
    Visit("customer", "/numbers/{bundle}"),
    Visit("customer", "/billing"),
    Visit("customer", "/account/billing-details"),
    Visit("customer", "/account/questions"),
    Visit("customer", "/account/security"),
    Visit("customer", "/contact"),
    Visit("customer", "/numbers/{bundle}/extend"),
    Visit("customer", "/reserve"),
    Visit("customer", "/reserve?country=SE", then=pick_tier),
    Visit("customer", "/billing?kind=top_up"),
    Visit("customer", "/payments/top-up"),
    Visit("customer", "/payments/{payment}"),
    Visit("customer", "/account/tokens"),
    Visit("customer", "/offers/{offer}"),
    Visit("marketing", "/staff/copy"),
    Visit("marketing", "/staff/copy/{copy_slug}", then=edit_copy),
    Visit("admin", "/staff/catalog", then=edit_catalog),
    Visit("admin", "/staff/catalog/history"),
    Visit("admin", "/staff/goodwill"),
    Visit("admin", "/staff/audit"),
    Visit("operations", "/staff/operations"),
    Visit("support", "/staff/support"),
    Visit("support", "/staff/support?email=" + DEMO_CUSTOMER),
    Visit("support", "/staff/support/tickets/{ticket}"),
]

ACCOUNTS = {"customer": DEMO_CUSTOMER, **DEMO_STAFF}


@pytest.fixture(scope="module")
def site(localstripe, http_server, tmp_path_factory):
    """The app on its own SQLite database with the demo catalog, inventory and accounts."""
    folder = tmp_path_factory.mktemp("pages")
    url = f"sqlite:///{folder / 'storefront.sqlite3'}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    app = create_app({
        "TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "test-secret",
        "STRIPE_API_BASE": localstripe.base_url, "STRIPE_JS_URL": localstripe.js_url,
        "STRIPE_SECRET_KEY": "sk_test_suite", "STRIPE_PUBLISHABLE_KEY": "pk_test_suite",
        "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET, "MAIL_DIR": str(folder / "mail"),
    })
    runner = app.test_cli_runner()
    for args in (["catalog", "import", str(DEMO_CATALOG)], ["demo", "load"]):
        result = runner.invoke(args=args)
        assert result.exit_code == 0, result.output
    yield app, _demo_ids(app)
    app.extensions["database"].engine.dispose()


def _demo_ids(app) -> dict:
    """What the paths of PAGES name: the demo customer's rentals, a payment, a free number."""
    from sqlalchemy import select

    from hardware.models import PhoneNumber as Number
    from pricing import Money
    from storefront import db
    from storefront.models import Rental
    from storefront.models.copy import LANDING
    from storefront.services import copy, offers, payments, support
    from storefront.services.accounts import active_user_by_email

    # A request context: the offer's e-mail carries a link to the site.
    with app.test_request_context():
        session = db.session()
        customer = active_user_by_email(session, DEMO_CUSTOMER)
        by_model = {rental.pricing_model: rental
                    for rental in session.scalars(select(Rental).where(Rental.user_id == customer.id))}
        payment = payments.start_top_up(session, customer, Money.eur("25.00"), None)
        copy.ensure_blocks(session)
        free_de = session.scalars(select(Number.id).where(Number.country_code == "DE", Number.state == "available",
                                                          Number.kind == "long").order_by(Number.id).limit(2)).all()
        # Support offers a similar number, and a question waits with one answer.
        staff = active_user_by_email(session, DEMO_STAFF["support"])
        offer = offers.offer_similar(session, staff, by_model["legacy"], free_de[1])
        ticket = support.open_ticket(session, customer, None, "numbers", "Where is my code?",
                                     "I rented a number yesterday and no code arrived. What can I do?")
        support.reply(session, ticket, staff, "Codes from some banks take a few minutes; it is there now.")
        return {"legacy": by_model["legacy"].id, "bundle": by_model["bundle"].id, "payment": payment.id,
                "free_de": free_de[0], "copy_slug": copy.blocks_of(session, LANDING)[0].slug,
                "offer": offer.id, "ticket": ticket.id}


@pytest.fixture(autouse=True)
def serving(site, http_server):
    http_server[1].app = site[0]


@pytest.fixture(scope="module")
def role_pages(browser, site, http_server):
    """One signed-in page per role, made at its first visit and reused for the module."""
    base = f"http://127.0.0.1:{http_server[0].server_port}"
    made = {}

    def page_of(role: str):
        if role not in made:
            context = browser.new_context(bypass_csp=True)  # axe is injected as an inline script
            page = context.new_page()
            page.errors = []
            page.on("console", lambda message: message.type == "error" and page.errors.append(message.text))
            page.on("pageerror", lambda error: page.errors.append(str(error)))
            if role != "anonymous":
                pages.sign_in(page, base, ACCOUNTS[role], DEMO_PASSWORD, secret=DEMO_STAFF_TOTP_SECRET)
            made[role] = page
        return made[role]

    yield base, page_of
    for page in made.values():
        page.context.close()


OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth <= width) return null;
  const wide = [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > width + 1 && !e.closest('.table-scroll'))
    .slice(0, 4).map(e => e.tagName.toLowerCase() + (e.className ? '.' + String(e.className).replace(/ /g, '.') : ''));
  return `${document.documentElement.scrollWidth} px wide (${wide.join(', ')})`;
}"""

RUN_AXE = """(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})
  .then(result => result.violations.map(v => `${v.id}: ${v.help} at ${v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | ')}`))"""


def problems_on(page, where: str) -> list[str]:
    found = [f"{where}: console: {error}" for error in page.errors]
    overflow = page.evaluate(OVERFLOW)
    if overflow:
        found.append(f"{where}: scrolls sideways: {overflow}")
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    found += [f"{where}: axe {violation}" for violation in page.evaluate(RUN_AXE, WCAG_21_AA)]
    page.errors.clear()
    return found


@pytest.mark.parametrize("visit", PAGES, ids=str)
def test_page_holds_up_at_every_width(visit, site, role_pages):
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: `make test` installs it (npm ci of package.json's devDependencies)")
    base, page_of = role_pages
    page = page_of(visit.role)
    path = visit.path.format(**site[1])
    problems = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 800})
        page.errors.clear()
        response = page.goto(base + path)
        assert response.ok, f"{path} as {visit.role}: HTTP {response.status}"
        problems += problems_on(page, f"{width}px")
        if visit.then:
            visit.then(page)
            problems += problems_on(page, f"{width}px after {visit.then.__name__}")
    assert not problems, f"{path} as {visit.role}:\n" + "\n".join(problems)
