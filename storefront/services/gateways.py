"""The gateways' side: their credentials, heartbeats (offline after a silence, with one
e-mail to each holder when it goes down and one when it is back), and the operations
overview of their traffic."""
import hashlib
import secrets
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session

from hardware import inventory
from hardware.models import Gateway
from storefront import clock
from storefront.db import transaction
from storefront.models import Rental, User
from storefront.models.messages import INBOUND, OUTBOUND, QUEUED, GatewayToken, Message
from storefront.problems import NOT_FOUND, StorefrontError
from storefront.services import outbox
from storefront.services.messages import CURRENT

TOKEN_PREFIX = "ngw_"
DEFAULT_SILENCE = timedelta(minutes=5)
# last_used_at is written at most this often: a busy gateway's requests don't all write.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class NoSuchGatewayToken(StorefrontError):
    kind = NOT_FOUND


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# ---------------------------------------------------------------- credentials

def create_token(session: Session, gateway_name: str) -> tuple[GatewayToken, str]:
    """A new credential for the gateway (its old one is revoked); the plain token is
    returned once and never stored. Commits."""
    with transaction(session):
        gateway = inventory.gateway_named(session, gateway_name)
        now = clock.now()
        for old in session.scalars(select(GatewayToken).where(GatewayToken.gateway_id == gateway.id,
                                                              GatewayToken.revoked_at.is_(None))):
            old.revoked_at = now
        plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
        token = GatewayToken(gateway_id=gateway.id, token_hash=_digest(plain), hint=plain[:8], created_at=now)
        session.add(token)
    return token, plain


def revoke_token(session: Session, gateway_name: str) -> int:
    """Revoke the gateway's credential(s); how many were live. Commits."""
    with transaction(session):
        gateway = inventory.gateway_named(session, gateway_name)
        live = list(session.scalars(select(GatewayToken).where(GatewayToken.gateway_id == gateway.id,
                                                               GatewayToken.revoked_at.is_(None))))
        for token in live:
            token.revoked_at = clock.now()
    return len(live)


def gateway_for_token(session: Session, plain: str) -> Gateway | None:
    """The gateway a live token belongs to, or None."""
    if not plain or len(plain) > 200:
        return None
    row = session.execute(
        select(GatewayToken, Gateway).join(Gateway, GatewayToken.gateway_id == Gateway.id)
        .where(GatewayToken.token_hash == _digest(plain), GatewayToken.revoked_at.is_(None))
    ).first()
    if row is None:
        return None
    token, gateway = row
    now = clock.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        with transaction(session):
            token.last_used_at = now
    return gateway


def live_tokens(session: Session) -> dict[int, GatewayToken]:
    """Each gateway's live credential, by gateway id (for the operations page)."""
    tokens = session.scalars(select(GatewayToken).where(GatewayToken.revoked_at.is_(None)))
    return {token.gateway_id: token for token in tokens}


# ---------------------------------------------------------------- heartbeats

def _holders(session: Session, gateway: Gateway) -> dict[User, list[str]]:
    """The current holders of the gateway's numbers, each with their numbers."""
    numbers = {number.id: number.e164 for number in inventory.gateway_numbers(session, gateway)}
    if not numbers:
        return {}
    held: dict[User, list[str]] = defaultdict(list)
    rows = session.execute(select(User, Rental.number_id).join(Rental, Rental.user_id == User.id)
                           .where(Rental.number_id.in_(numbers), Rental.status.in_(CURRENT))
                           .order_by(User.id, Rental.number_id))
    for user, number_id in rows:
        held[user].append(numbers[number_id])
    return held


def _tell_holders(session: Session, gateway: Gateway, outage_started: datetime, back: bool) -> int:
    """One e-mail per holder for this outage's start (or end); the outbox key makes it once."""
    told = 0
    for user, numbers in _holders(session, gateway).items():
        listed = "\n".join(f"  {e164}" for e164 in numbers)
        which = "Your number is" if len(numbers) == 1 else "Your numbers are"
        if back:
            subject = "Your number is back in service"
            body = (f"{which} back in service and can send and receive messages again:\n\n{listed}\n\n"
                    "Messages sent to it while it was out of service may not have reached you.\n")
        else:
            subject = "Your number is out of service for now"
            body = (f"{which} out of service for now: the equipment that connects it to the phone network "
                    f"stopped answering.\n\n{listed}\n\nWe are on it and will write again when it is back. "
                    "Your paid time keeps running as usual.\n")
        key = f"gateway-{'up' if back else 'down'}:{gateway.id}:{outage_started.isoformat()}:{user.id}"
        outbox.queue_email(session, user.email, subject, body, key)
        told += 1
    return told


def heartbeat(session: Session, gateway: Gateway, now: datetime | None = None) -> bool:
    """The gateway is alive; True when it was offline for silence and is back (holders told). Commits."""
    now = now or clock.now()
    with transaction(session):
        gateway = session.scalar(select(Gateway).where(Gateway.id == gateway.id).with_for_update())
        outage_started = gateway.silent_since
        back = inventory.record_heartbeat(session, gateway, now)
        if back:
            _tell_holders(session, gateway, outage_started, back=True)
    return back


def mark_silent(session: Session, now: datetime, silence: timedelta = DEFAULT_SILENCE) -> int:
    """Gateways silent longer than `silence` go offline; their holders are told once. Commits."""
    with transaction(session):
        silent = inventory.mark_silent_gateways(session, now, silence)
        for gateway in silent:
            _tell_holders(session, gateway, gateway.silent_since, back=False)
    return len(silent)


def numbers_of(session: Session, gateway: Gateway) -> list[tuple[str, str, bool]]:
    """(E.164, kind, held by someone now) of each number the gateway serves."""
    numbers = inventory.gateway_numbers(session, gateway)
    held = set(session.scalars(select(Rental.number_id).where(Rental.number_id.in_([n.id for n in numbers]),
                                                              Rental.status.in_(CURRENT))))
    return sorted((number.e164, number.kind, number.id in held) for number in numbers)


# ---------------------------------------------------------------- operations overview

@dataclass
class Traffic:
    received_today: int = 0
    sent_today: int = 0
    queued: int = 0


def traffic_by_gateway(session: Session, now: datetime | None = None,
                       gateway_ids: list[int] | None = None) -> dict[int, Traffic]:
    """Per gateway (all, or those of `gateway_ids`: one page of the operations list): messages
    in and out since midnight UTC, and its outbound queue depth. One grouped query; counts
    only, never bodies."""
    now = now or clock.now()
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    today = Message.created_at >= midnight
    rows = session.execute(
        select(Message.gateway_id,
               func.sum(case((today & (Message.direction == INBOUND), 1), else_=0)),
               func.sum(case((today & (Message.direction == OUTBOUND), 1), else_=0)),
               func.sum(case((Message.status == QUEUED, 1), else_=0)))
        .where(Message.gateway_id.is_not(None), or_(today, Message.status == QUEUED),
               *([Message.gateway_id.in_(gateway_ids)] if gateway_ids is not None else []))
        .group_by(Message.gateway_id)
    )
    return {gateway_id: Traffic(int(received or 0), int(sent or 0), int(queued or 0))
            for gateway_id, received, sent, queued in rows}
