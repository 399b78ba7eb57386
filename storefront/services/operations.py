"""Operations on the gateway hardware, each one transaction, for the CLI and the operations page.

`hardware` does the work; this layer owns the transaction so a failed step leaves nothing
half-done, and is where the storefront reacts to new stock.
"""

from flask import Flask, current_app
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from hardware import inventory
from hardware.models import LONG, SHORT, Gateway, PhoneNumber, Sim, Slot
from storefront import caching, clock
from storefront.db import transaction
from storefront.services import reservations
from storefront.services.paging import Key, Page, keyset_page


def add_gateway(session: Session, name: str, country_code: str, slot_count: int, online: bool = True) -> Gateway:
    with transaction(session):
        return inventory.add_gateway(session, name, country_code, slot_count, online)


def insert_sim(session: Session, gateway_name: str, position: int, iccid: str, number: str | None = None,
               partner_name: str | None = None):
    """Insert a SIM and, if given, put its long-term number on it: both or neither."""
    with transaction(session):
        sim = inventory.insert_sim(session, gateway_name, position, iccid)
        if number:
            gateway = inventory.gateway_named(session, gateway_name)
            inventory.add_number(session, number, LONG, gateway.country_code, iccid=sim.iccid,
                                 partner_name=partner_name)
    stock_arrived(session)
    return sim


def pull_sim(session: Session, iccid: str):
    with transaction(session):
        return inventory.pull_sim(session, iccid)


def add_number(session: Session, number: str, kind: str, country_code: str, iccid: str | None = None,
               partner_name: str | None = None):
    with transaction(session):
        added = inventory.add_number(session, number, kind, country_code, iccid=iccid, partner_name=partner_name)
    stock_arrived(session)
    return added


def set_gateway_online(session: Session, name: str, online: bool) -> Gateway:
    with transaction(session):
        gateway = inventory.set_gateway_online(session, name, online)
    if online:
        stock_arrived(session)
    return gateway


def import_inventory(session: Session, document) -> dict[str, int]:
    with transaction(session):
        counts = inventory.import_inventory(session, document)
    stock_arrived(session)
    return counts


def stock_arrived(session: Session) -> int:
    """New long-term stock serves waiting reservations first, oldest first."""
    return reservations.fulfil_waiting(session)


def long_term_stock(session: Session) -> dict[str, int]:
    return inventory.stock_by_country(session, LONG)


def long_term_stock_for_display(session: Session) -> dict[str, int]:
    """Long-term stock for showing (landing page), at most STOCK_RECHECK_SECONDS old.

    Each process keeps the counts it read last. Any commit this process makes forgets
    them (see init_app), so its own sales and hardware changes show at once; another
    process's show within the recheck time. Selling never relies on it: allocation
    checks the number itself.
    """
    max_age = current_app.config.get("STOCK_RECHECK_SECONDS", 0.0)
    cache = caching.cache_of(current_app, "stock")
    cached = cache.get(LONG, max_age)
    if cached is not None:
        return dict(cached)
    checked_at = clock.monotonic()
    return dict(cache.put(LONG, long_term_stock(session), stored_at=checked_at))


def init_app(app: Flask) -> None:
    """Forget the displayed stock whenever this process commits a change to the hardware tables
    (a sale claims a number: hw_numbers; a gateway goes offline: hw_gateways), and only then."""
    caching.forget_on_commit(app, app.extensions["database"].sessions, "stock", ("hw_",))


def short_term_pool(session: Session) -> dict[str, int]:
    return inventory.stock_by_country(session, SHORT)


GATEWAY_ORDER = (Key(Gateway.country_code), Key(Gateway.name), Key(Gateway.id))
GATEWAYS_PER_PAGE = 5


def gateways_overview(session: Session, cursor: str | None = None, size: int = GATEWAYS_PER_PAGE) -> Page:
    """A page of gateways with their slots, SIMs, numbers and partners, for the operations page:
    five queries per page however many gateways and SIMs there are (selectinload per level)."""
    statement = select(Gateway).options(
        selectinload(Gateway.slots).selectinload(Slot.sim).selectinload(Sim.number).selectinload(PhoneNumber.partner)
    )
    return keyset_page(session, statement, GATEWAY_ORDER, cursor, size)


def gateway_choices(session: Session) -> list[tuple[str, str]]:
    """(name, country) of every gateway, for the "insert a SIM" form: one narrow query."""
    return list(session.execute(select(Gateway.name, Gateway.country_code)
                                .order_by(Gateway.country_code, Gateway.name)).tuples())


def has_inventory(session: Session) -> bool:
    return session.scalar(select(Gateway.id).limit(1)) is not None
