"""People who sign in: customers and staff, with their roles."""
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hardware.db import Base, UTCDateTime
from storefront import clock

ROLES = ("customer", "marketing", "admin", "operations", "support")
STAFF_ROLES = ("marketing", "admin", "operations", "support")


class User(UserMixin, Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    # None until the customer opened the link of the verification e-mail; payments wait for it.
    email_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Billing details printed on invoices (edited on the account page).
    billing_name: Mapped[str | None] = mapped_column(String(200))
    billing_address: Mapped[str | None] = mapped_column(Text)
    billing_country: Mapped[str | None] = mapped_column(String(2))
    vat_id: Mapped[str | None] = mapped_column(String(20))
    # Part of every session cookie: raising it ends every session signed in before
    # (sign out everywhere, a password change or reset).
    session_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Two-factor sign-in: the TOTP secret once enrolled, and the hashes of the unused
    # recovery codes (each works once).
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    recovery_code_hashes: Mapped[list | None] = mapped_column(JSON)
    role_rows: Mapped[list["UserRole"]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        # Flask-Login keeps this in the session; the loader refuses an older version.
        return f"{self.id}:{self.session_version or 0}"

    @property
    def is_staff(self) -> bool:
        return bool(self.roles.intersection(STAFF_ROLES))

    @property
    def email_verified(self) -> bool:
        return self.email_verified_at is not None

    @property
    def roles(self) -> set[str]:
        return {row.role for row in self.role_rows}

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))


class UserRole(Base):
    __tablename__ = "user_roles"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(20), primary_key=True)
    user: Mapped[User] = relationship(back_populates="role_rows")


class AuditEntry(Base):
    """One staff action (a price change, a reinstatement, a credit adjustment, copy
    published): who, when, what, on what. Written in the action's own transaction."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_email: Mapped[str] = mapped_column(String(254))
    action: Mapped[str] = mapped_column(String(50))
    subject: Mapped[str] = mapped_column(String(200))
    detail: Mapped[str] = mapped_column(Text, default="")
