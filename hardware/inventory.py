"""Operations on the hardware: gateways, SIMs, numbers, stock; and the inventory file."""
from datetime import datetime
from functools import cache

from sqlalchemy import bindparam, func, or_, select
from sqlalchemy.orm import Session

from hardware import clock, lifecycle, stock
from hardware.errors import (
    AlreadyExists,
    HardwareError,
    InvalidInventory,
    InvalidNumber,
    NoSuchGateway,
    NoSuchNumber,
    NoSuchSim,
    NoSuchSlot,
    SlotOccupied,
)
from hardware.db import UTCDateTime
from hardware.models import KINDS, LONG, SHORT, Gateway, InventoryEvent, Partner, PhoneNumber, Sim, Slot
from hardware.validation import check_iccid, parse_e164

MAX_SLOTS = 512


def gateway_named(session: Session, name: str) -> Gateway:
    gateway = session.scalar(select(Gateway).where(Gateway.name == name))
    if gateway is None:
        raise NoSuchGateway(f"There is no gateway called '{name}'.")
    return gateway


def add_gateway(session: Session, name: str, country_code: str, slot_count: int, online: bool = True) -> Gateway:
    name = (name or "").strip()
    if not name:
        raise InvalidInventory("A gateway needs a name.")
    if not 1 <= slot_count <= MAX_SLOTS:
        raise InvalidInventory(f"A gateway has 1 to {MAX_SLOTS} slots, not {slot_count}.")
    if session.scalar(select(Gateway.id).where(Gateway.name == name)) is not None:
        raise AlreadyExists(f"A gateway called '{name}' exists already.")
    gateway = Gateway(name=name, country_code=(country_code or "").upper(), online=online)
    gateway.slots = [Slot(position=position) for position in range(1, slot_count + 1)]
    session.add(gateway)
    session.flush()
    return gateway


def _in_service(sim: Sim) -> bool:
    return sim.slot is not None and sim.slot.gateway.online


def insert_sim(session: Session, gateway_name: str, position: int, iccid: str) -> Sim:
    """Put a SIM (new, or pulled earlier) into an empty slot; its number comes back into service."""
    iccid = check_iccid(iccid)
    gateway = gateway_named(session, gateway_name)
    slot = next((slot for slot in gateway.slots if slot.position == position), None)
    if slot is None:
        raise NoSuchSlot(f"Gateway '{gateway.name}' has slots 1 to {gateway.slot_count}; there is no slot {position}.")
    if slot.sim is not None:
        raise SlotOccupied(f"Slot {position} of '{gateway.name}' already holds SIM {slot.sim.iccid}.")
    sim = session.scalar(select(Sim).where(Sim.iccid == iccid))
    if sim is None:
        sim = Sim(iccid=iccid)
        session.add(sim)
    elif sim.slot is not None:
        raise SlotOccupied(f"SIM {iccid} already sits in slot {sim.slot.position} of '{sim.slot.gateway.name}'.")
    sim.slot = slot
    session.flush()
    if sim.number is not None and gateway.online:
        lifecycle.back_in_service(session, sim.number, clock.now(), f"SIM inserted into {gateway.name}")
    return sim


def pull_sim(session: Session, iccid: str) -> Sim:
    iccid = check_iccid(iccid)
    sim = session.scalar(select(Sim).where(Sim.iccid == iccid))
    if sim is None or sim.slot is None:
        raise NoSuchSim(f"SIM {iccid} is not in any gateway.")
    sim.slot = None
    session.flush()
    if sim.number is not None:
        lifecycle.take_out_of_service(session, sim.number, clock.now(), "SIM pulled")
    return sim


def add_number(session: Session, raw_number: str, kind: str, country_code: str,
               iccid: str | None = None, partner_name: str | None = None,
               gateway_name: str | None = None, voice: bool = False) -> PhoneNumber:
    """A long-term number goes onto a SIM (by ICCID); a short-term one joins the country's pool.

    A pool number is served by a gateway too: `gateway_name`, or else the country's first
    gateway (none yet: it gets one when operations name it).
    """
    if kind not in KINDS:
        raise InvalidNumber(f"A number is 'long' or 'short' term, not '{kind}'.")
    e164 = parse_e164(raw_number, country_code)
    if session.scalar(select(PhoneNumber.id).where(PhoneNumber.e164 == e164)) is not None:
        raise AlreadyExists(f"{e164} is in the inventory already.")
    partner = None
    if partner_name:
        partner = session.scalar(select(Partner).where(Partner.name == partner_name))
        if partner is None:
            raise InvalidInventory(f"There is no partner called '{partner_name}'.")
    number = PhoneNumber(e164=e164, kind=kind, country_code=country_code.upper(), partner=partner,
                         state=lifecycle.AVAILABLE, messages_sent=0, messages_received=0,
                         sms=True, voice=bool(voice))
    if kind == LONG:
        if not iccid:
            raise InvalidInventory("A long-term number needs the ICCID of its SIM.")
        sim = session.scalar(select(Sim).where(Sim.iccid == check_iccid(iccid)))
        if sim is None:
            raise NoSuchSim(f"SIM {iccid} is not known: insert it into a gateway first.")
        if sim.number is not None:
            raise SlotOccupied(f"SIM {sim.iccid} already carries {sim.number.e164}.")
        if sim.slot is not None and sim.slot.gateway.country_code != number.country_code:
            raise InvalidNumber(
                f"{e164} is a number of {number.country_code}, but gateway '{sim.slot.gateway.name}' "
                f"serves {sim.slot.gateway.country_code}."
            )
        number.sim = sim
        if not _in_service(sim):
            number.state_before_outage = lifecycle.AVAILABLE
            number.state = lifecycle.OUT_OF_SERVICE
    elif iccid:
        raise InvalidInventory("Short-term numbers come from the shared pool and have no SIM of their own.")
    else:
        number.pool_gateway = _pool_gateway(session, number.country_code, gateway_name)
    session.add(number)
    session.flush()
    return number


def _pool_gateway(session: Session, country_code: str, gateway_name: str | None) -> Gateway | None:
    if gateway_name:
        gateway = gateway_named(session, gateway_name)
        if gateway.country_code != country_code:
            raise InvalidNumber(f"Gateway '{gateway.name}' serves {gateway.country_code}, not {country_code}.")
        return gateway
    return session.scalar(select(Gateway).where(Gateway.country_code == country_code).order_by(Gateway.id).limit(1))


def gateway_numbers(session: Session, gateway: Gateway) -> list[PhoneNumber]:
    """Every number the gateway serves: on SIMs in its slots, and its short-term pool."""
    on_sims = select(PhoneNumber).join(Sim, PhoneNumber.sim_id == Sim.id).join(Slot, Sim.slot_id == Slot.id).where(
        Slot.gateway_id == gateway.id)
    pool = select(PhoneNumber).where(PhoneNumber.sim_id.is_(None), PhoneNumber.pool_gateway_id == gateway.id)
    return list(session.scalars(on_sims)) + list(session.scalars(pool))


def set_gateway_online(session: Session, name: str, online: bool) -> Gateway:
    """Offline: every number on it goes out of service; online again: back where each was."""
    gateway = gateway_named(session, name)
    if gateway.online == online:
        return gateway
    gateway.online = online
    now = clock.now()
    session.add(InventoryEvent(kind="gateway_online" if online else "gateway_offline", gateway_id=gateway.id))
    for number in gateway_numbers(session, gateway):
        if online:
            lifecycle.back_in_service(session, number, now, f"gateway {name} online")
        else:
            lifecycle.take_out_of_service(session, number, now, f"gateway {name} offline")
    session.flush()
    return gateway


def record_heartbeat(session: Session, gateway: Gateway, now) -> bool:
    """The gateway is alive. True when this brings it back from being silent (offline)."""
    gateway.last_heartbeat_at = now
    if gateway.silent_since is None:
        return False
    gateway.silent_since = None
    if not gateway.online:
        set_gateway_online(session, gateway.name, True)
    session.add(InventoryEvent(kind="gateway_heard_again", gateway_id=gateway.id))
    session.flush()
    return True


def mark_silent_gateways(session: Session, now, silence) -> list[Gateway]:
    """Online gateways whose last heartbeat is older than `silence` go offline (their
    numbers out of service); returns them. A gateway that never sent one is not watched."""
    silent = list(session.scalars(
        select(Gateway).where(Gateway.online.is_(True), Gateway.last_heartbeat_at.is_not(None),
                              Gateway.last_heartbeat_at < now - silence).order_by(Gateway.id).with_for_update()
    ))
    for gateway in silent:
        gateway.silent_since = now
        session.add(InventoryEvent(kind="gateway_silent", gateway_id=gateway.id,
                                   detail={"last_heartbeat_at": gateway.last_heartbeat_at.isoformat()}))
        set_gateway_online(session, gateway.name, False)
    session.flush()
    return silent


def add_partner(session: Session, name: str, notify_url: str, shared_secret: str) -> Partner:
    if session.scalar(select(Partner.id).where(Partner.name == name)) is not None:
        raise AlreadyExists(f"A partner called '{name}' exists already.")
    partner = Partner(name=name, notify_url=notify_url, shared_secret=shared_secret)
    session.add(partner)
    session.flush()
    return partner


def record_message(session: Session, e164: str, direction: str) -> PhoneNumber:
    """Count a message sent or received on a number (from the gateway's reports)."""
    number = session.scalar(select(PhoneNumber).where(PhoneNumber.e164 == e164))
    if number is None:
        raise NoSuchNumber(f"{e164} is not in the inventory.")
    return count_message(session, number, direction)


def count_message(session: Session, number: PhoneNumber, direction: str) -> PhoneNumber:
    """`record_message` for a number already loaded."""
    return count_messages(session, number, direction, 1)


def count_messages(session: Session, number: PhoneNumber, direction: str, count: int) -> PhoneNumber:
    """Count `count` messages sent or received on a loaded number: one UPDATE of its
    counter and one event per message (the events are inserted together at the flush)."""
    if count < 1:
        raise InvalidInventory("Count at least one message.")
    # Counted in SQL (col = col + n): concurrent reports on one number lose no count.
    if direction == "sent":
        number.messages_sent = PhoneNumber.messages_sent + count
    elif direction == "received":
        number.messages_received = PhoneNumber.messages_received + count
    else:
        raise InvalidInventory(f"A message is 'sent' or 'received', not '{direction}'.")
    session.add_all([InventoryEvent(kind=f"message_{direction}", number_id=number.id) for _ in range(count)])
    session.flush()
    return number


def not_held(now, holder: str | None = None):
    """No one else's hold is running on the number at `now` (the `holder`'s own may be)."""
    free = or_(PhoneNumber.held_until.is_(None), PhoneNumber.held_until <= now)
    return or_(free, PhoneNumber.held_by == holder) if holder else free


def _in_stock(query, kind: str, now, holder: str | None = None):
    """Only numbers free to sell: available, not held for another customer and, for
    long-term, on a SIM in an online gateway."""
    query = query.where(PhoneNumber.kind == kind, PhoneNumber.state == lifecycle.AVAILABLE, not_held(now, holder))
    if kind == LONG:
        query = (
            query.join(Sim, PhoneNumber.sim_id == Sim.id)
            .join(Slot, Sim.slot_id == Slot.id)
            .join(Gateway, Slot.gateway_id == Gateway.id)
            .where(Gateway.online.is_(True))
        )
    return query


def in_stock_query(country_code: str, kind: str, now: datetime | None = None, holder: str | None = None):
    """Numbers of that country and kind on sale at `now`; `holder` also sees the ones it holds."""
    return _in_stock(select(PhoneNumber), kind, now or clock.now(), holder).where(
        PhoneNumber.country_code == country_code.upper())


def available_numbers(session: Session, country_code: str, kind: str, limit: int = 5) -> list[PhoneNumber]:
    return list(session.scalars(in_stock_query(country_code, kind).order_by(PhoneNumber.e164).limit(limit)))


CONTAINS = "contains"
ENDS_WITH = "ends_with"
MATCHES = (CONTAINS, ENDS_WITH)
CAPABILITIES = ("sms", "voice")


def search_numbers(session: Session, country_code: str, kind: str, *, digits: str = "", match: str = CONTAINS,
                   capability: str | None = None, after: str | None = None, limit: int = 10,
                   now: datetime | None = None, holder: str | None = None) -> list[PhoneNumber]:
    """Numbers on sale, in E.164 order after `after` (keyset paging), whose digits contain
    (or end with) `digits`, with `capability` ("sms", "voice") if given.

    `digits` must hold digits only (callers strip the rest), so it is safe inside LIKE.
    Asks for `limit` + 1 rows: the caller knows from the extra one that a next page exists.
    """
    if digits and not digits.isdigit():
        raise InvalidNumber("Search for digits only.")
    query = in_stock_query(country_code, kind, now, holder)
    if digits:
        query = query.where(PhoneNumber.e164.like(f"%{digits}" if match == ENDS_WITH else f"%{digits}%"))
    if capability == "voice":
        query = query.where(PhoneNumber.voice.is_(True))
    elif capability == "sms":
        query = query.where(PhoneNumber.sms.is_(True))
    if after:
        query = query.where(PhoneNumber.e164 > after)
    return list(session.scalars(query.order_by(PhoneNumber.e164).limit(limit + 1)))


@cache
def _stock_query(kind: str):
    # Built once per kind: a statement is immutable, and building it costs about as much as running it.
    query = _in_stock(select(PhoneNumber.country_code, func.count(PhoneNumber.id)), kind,
                      bindparam("now", type_=UTCDateTime()))
    return query.group_by(PhoneNumber.country_code)


def stock_by_country(session: Session, kind: str = LONG, now: datetime | None = None) -> dict[str, int]:
    """Numbers free to sell per country: the maintained counts (hardware/stock.py) less the
    numbers held for a customer right now (a hold ends by time alone, so it is not counted
    in; the running holds are few and found by the held_until index)."""
    counts = stock.counts(session, kind)
    held = session.execute(
        select(PhoneNumber.country_code, func.count(PhoneNumber.id))
        .where(PhoneNumber.kind == kind, PhoneNumber.state == lifecycle.AVAILABLE,
               PhoneNumber.held_until > (now or clock.now()))
        .group_by(PhoneNumber.country_code)).tuples().all()
    for country_code, count in held:
        if country_code in counts:
            counts[country_code] = max(counts[country_code] - count, 0)
    return {country_code: count for country_code, count in counts.items() if count > 0}


def counted_stock(session: Session, kind: str = LONG, now: datetime | None = None) -> dict[str, int]:
    """The same, counted from the numbers (grows with the stock: for checks, not for pages)."""
    return dict(session.execute(_stock_query(kind), {"now": now or clock.now()}).tuples().all())


def import_inventory(session: Session, document) -> dict[str, int]:
    """Load an inventory file (partners, gateways with their SIMs and numbers, short-term pool).

    Every problem is collected with where it is; if there is any, InvalidInventory is raised
    and the caller rolls back, so nothing of the file stays.
    """
    if not isinstance(document, dict):
        raise InvalidInventory("The inventory file must hold a JSON object.")
    problems: list[str] = []
    counts = {"partners": 0, "gateways": 0, "numbers": 0}

    def attempt(where: str, action) -> None:
        try:
            with session.begin_nested():
                action()
        except (HardwareError, KeyError, TypeError, ValueError) as error:
            message = error.message if isinstance(error, HardwareError) else f"missing or wrong field {error}"
            problems.append(f"{where}: {message}")

    for index, partner in enumerate(document.get("partners", [])):
        attempt(f"partners[{index}]", lambda p=partner: add_partner(session, p["name"], p["notify_url"], p["shared_secret"]))
        counts["partners"] += 1
    for index, gateway in enumerate(document.get("gateways", [])):
        where = f"gateways[{index}]"
        attempt(where, lambda g=gateway: add_gateway(session, g["name"], g["country"], int(g["slots"]), bool(g.get("online", True))))
        counts["gateways"] += 1
        for sim_index, sim in enumerate(gateway.get("sims", [])):

            def load_sim(g=gateway, s=sim):
                insert_sim(session, g["name"], int(s["slot"]), s["iccid"])
                add_number(session, s["number"], LONG, g["country"], iccid=s["iccid"], partner_name=s.get("partner"),
                           voice=bool(s.get("voice", False)))

            attempt(f"{where}.sims[{sim_index}]", load_sim)
            counts["numbers"] += 1
    for index, entry in enumerate(document.get("short_term_pool", [])):
        attempt(f"short_term_pool[{index}]",
                lambda e=entry: add_number(session, e["number"], SHORT, e["country"], partner_name=e.get("partner"),
                                           gateway_name=e.get("gateway"),
                                           voice=bool(e.get("voice", False))))
        counts["numbers"] += 1
    if problems:
        raise InvalidInventory("The inventory file was not loaded:\n" + "\n".join(problems))
    return counts
