"""The steps browser tests take again and again, as small functions on a Playwright page.

Each takes the page (and the live server's base URL where it opens one) and waits for
what a customer would wait for, so a test reads as the story it checks.
"""
import re

PASSWORD = "correct horse battery"


def sign_in(page, live_server: str, email: str, password: str = PASSWORD, secret: str | None = None) -> None:
    """Sign in through the form (answering the code page with `secret`'s code, the tests' own
    key by default), and wait until the page offers to sign out."""
    page.goto(live_server + "/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    if page.url.endswith("/login/code"):  # two-factor sign-in (every staff account)
        from tests.storefront.helpers import TEST_TOTP_SECRET, totp_code

        page.get_by_label("Code").fill(totp_code(secret or TEST_TOTP_SECRET))
        page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="Sign out").wait_for()


def bundle_totals(page) -> dict[str, str]:
    """The landing page's bundle table: tier (months) → total shown."""
    rows = page.locator("[data-testid=bundle-prices] tbody tr")
    return {
        row.get_attribute("data-tier"): row.locator("td").first.inner_text()
        for row in rows.all()
    }


def settle(page) -> None:
    """Wait until no htmx request is under way (htmx marks the element that sent one with
    `htmx-request` until its answer is swapped in). Each choice in the wizard re-renders it:
    a click on the old rendering while the new one is coming is lost when the new one lands."""
    page.wait_for_function("() => !document.querySelector('.htmx-request')")


def start_buying(page, live_server: str, country: str, kind: str) -> None:
    """Open the wizard, pick `country` (its code) and the kind ("Long-term", "Short-term")."""
    page.goto(live_server + "/buy")
    page.select_option("#country", country)
    settle(page)
    page.get_by_label(re.compile(kind)).check()
    settle(page)


def pick_first_number(page) -> None:
    """Wait for the wizard's numbers (of the choices made so far) and pick the first one."""
    settle(page)
    page.locator("input[name=number]").first.wait_for()
    page.locator("input[name=number]").first.check()
    settle(page)


def fill_card(page, number: str) -> None:
    """Type a test card into the card form (the Stripe stand-in's fields)."""
    card = page.locator("#card-element")
    card.get_by_placeholder("number").fill(number)
    card.get_by_placeholder("exp_month").fill("12")
    card.get_by_placeholder("exp_year").fill("30")
    card.get_by_placeholder("cvc").fill("123")
    card.get_by_placeholder("postal_code").fill("10115")


def pay_by_card(page, number: str, amount: str) -> None:
    """From the top-up or checkout page: on to the card form, type the card, pay `amount`."""
    page.get_by_role("button", name="Continue to card payment").click()
    fill_card(page, number)
    page.get_by_role("button", name=f"Pay {amount}").click()


def balance_on_page(page, live_server: str) -> str:
    """The credits balance as the billing page shows it."""
    page.goto(live_server + "/billing")
    return page.get_by_test_id("balance").inner_text()


def open_my_numbers(page, live_server: str) -> None:
    page.goto(live_server + "/numbers")


def number_row(page, e164: str):
    """The row of My numbers that shows `e164`."""
    return page.locator(f"tr[data-number='{e164}']")


def add_gateway(page, live_server: str, name: str, country: str, slots: int) -> None:
    """As an operator, add a gateway on the operations page and wait for the notice."""
    page.goto(live_server + "/staff/operations")
    form = page.locator("form", has=page.get_by_role("heading", name="Add a gateway"))
    form.get_by_label("Gateway name").fill(name)
    form.get_by_label("Country it serves").select_option(country)
    form.get_by_label("SIM slots").fill(str(slots))
    form.get_by_role("button", name="Add gateway").click()
    page.get_by_text(f"Gateway {name} added.").wait_for()


def insert_sim(page, gateway: str, slot: int, iccid: str, number: str) -> None:
    """As an operator, on the operations page: insert a SIM carrying `number` and wait for the notice."""
    form = page.locator("form", has=page.get_by_role("heading", name="Insert a SIM"))
    form.get_by_label("Gateway").select_option(gateway)
    form.get_by_label("Slot").fill(str(slot))
    form.get_by_label("ICCID").fill(iccid)
    form.get_by_label("Number on this SIM").fill(number)
    form.get_by_role("button", name="Insert SIM").click()
    page.get_by_text(f"SIM inserted into slot {slot} of {gateway}.").wait_for()
