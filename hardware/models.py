"""Inventory tables: partners, gateways with their slots, SIM cards, phone numbers, events."""
from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, UniqueConstraint, false, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hardware import clock
from hardware.db import Base, UTCDateTime

LONG = "long"
SHORT = "short"
KINDS = (LONG, SHORT)


class Partner(Base):
    """A company that provides SIMs; told (signed webhook) when its numbers return to the pool."""

    __tablename__ = "hw_partners"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    notify_url: Mapped[str] = mapped_column(String(500))
    shared_secret: Mapped[str] = mapped_column(String(200))


class Gateway(Base):
    __tablename__ = "hw_gateways"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    country_code: Mapped[str] = mapped_column(String(2))
    online: Mapped[bool] = mapped_column(Boolean, default=True)
    # The gateway's last heartbeat (None: it never sent one, so silence is not watched).
    last_heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Set when the gateway was taken offline for being silent too long; a heartbeat
    # brings such a gateway back (one taken offline by operations stays offline).
    silent_since: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    slots: Mapped[list["Slot"]] = relationship(
        back_populates="gateway", order_by="Slot.position", cascade="all, delete-orphan"
    )

    @property
    def slot_count(self) -> int:
        return len(self.slots)


class Slot(Base):
    __tablename__ = "hw_slots"
    __table_args__ = (UniqueConstraint("gateway_id", "position", name="uq_hw_slots_gateway_id_position"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    gateway_id: Mapped[int] = mapped_column(ForeignKey("hw_gateways.id"))
    position: Mapped[int] = mapped_column(Integer)
    gateway: Mapped[Gateway] = relationship(back_populates="slots")
    sim: Mapped["Sim | None"] = relationship(back_populates="slot")


class Sim(Base):
    __tablename__ = "hw_sims"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    iccid: Mapped[str] = mapped_column(String(22), unique=True)
    # A slot holds one SIM at most; a pulled SIM has no slot.
    slot_id: Mapped[int | None] = mapped_column(ForeignKey("hw_slots.id"), unique=True)
    slot: Mapped[Slot | None] = relationship(back_populates="sim")
    number: Mapped["PhoneNumber | None"] = relationship(back_populates="sim")


class PhoneNumber(Base):
    __tablename__ = "hw_numbers"
    # Allocation and the buy wizard: the in-stock numbers of one country and kind, by id.
    __table_args__ = (Index("ix_hw_numbers_country_kind_state_id", "country_code", "kind", "state", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    e164: Mapped[str] = mapped_column(String(16), unique=True)
    country_code: Mapped[str] = mapped_column(String(2), index=True)
    kind: Mapped[str] = mapped_column(String(5))
    # Long-term numbers live on a SIM; short-term ones belong to the country's shared pool.
    sim_id: Mapped[int | None] = mapped_column(ForeignKey("hw_sims.id"), unique=True)
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("hw_partners.id"))
    # A short-term pool number has no SIM of its own; it is served by this gateway.
    pool_gateway_id: Mapped[int | None] = mapped_column(ForeignKey("hw_gateways.id"), index=True)
    state: Mapped[str] = mapped_column(String(20), default="available", index=True)
    # Where an out-of-service number goes back to when its gateway or SIM returns.
    state_before_outage: Mapped[str | None] = mapped_column(String(20))
    state_changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    cooling_off_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # What the number can do: every number takes SMS; some (long-term SIMs) also take calls.
    sms: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    voice: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # A customer who chose this number has it to themselves until `held_until` (an
    # opaque key of theirs in `held_by`); past that time the hold counts for nothing.
    held_by: Mapped[str | None] = mapped_column(String(64))
    # Indexed: stock counts subtract the holds running now, found without a scan.
    held_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    messages_sent: Mapped[int] = mapped_column(Integer, default=0)
    messages_received: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    sim: Mapped[Sim | None] = relationship(back_populates="number")
    partner: Mapped[Partner | None] = relationship()
    pool_gateway: Mapped[Gateway | None] = relationship()

    @property
    def gateway(self) -> Gateway | None:
        """The gateway that serves the number: its SIM's slot's, or the pool's gateway."""
        if self.sim is not None:
            return self.sim.slot.gateway if self.sim.slot is not None else None
        return self.pool_gateway

    @property
    def dedicated(self) -> bool:
        """A long-term number has its own SIM; a short-term one is on the shared gateway."""
        return self.kind == LONG

    @property
    def has_messages(self) -> bool:
        return (self.messages_sent or 0) + (self.messages_received or 0) > 0


class InventoryEvent(Base):
    """What happened to the hardware: messages, gateways going off- or online, returns to the pool."""

    __tablename__ = "hw_events"
    # The unused-return check: the latest message on a number (README, performance notes).
    __table_args__ = (Index("ix_hw_events_number_id_created_at", "number_id", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    number_id: Mapped[int | None] = mapped_column(ForeignKey("hw_numbers.id"))
    gateway_id: Mapped[int | None] = mapped_column(ForeignKey("hw_gateways.id"))
    detail: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)


class StockCount(Base):
    """Available numbers per country and kind, kept up to date by hardware/stock.py."""

    __tablename__ = "hw_stock"

    country_code: Mapped[str] = mapped_column(String(2), primary_key=True)
    kind: Mapped[str] = mapped_column(String(5), primary_key=True)
    available: Mapped[int] = mapped_column(Integer, default=0)
