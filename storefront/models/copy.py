"""The public copy marketing edits: landing sections and FAQ entries, each with every
version ever saved (drafts, publications, roll-backs)."""
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hardware.db import Base, UTCDateTime
from storefront.models.accounts import User
from storefront import clock

LANDING = "landing"
FAQ = "faq"
# Terms, privacy, imprint and contact: one page each.
LEGAL = "legal"
LEGAL_SLUGS = ("terms", "privacy", "imprint", "contact")


class CopyBlock(Base):
    __tablename__ = "copy_blocks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    page: Mapped[str] = mapped_column(String(20))
    # The anchor of an FAQ entry (/faq#slug), the name of a landing section.
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    removed: Mapped[bool] = mapped_column(Boolean, default=False)

    versions: Mapped[list["CopyVersion"]] = relationship(
        back_populates="block", order_by="CopyVersion.id", lazy="selectin"
    )

    @property
    def live(self) -> "CopyVersion | None":
        """The version visitors see: the one published last."""
        published = [version for version in self.versions if version.published_at is not None]
        return max(published, key=lambda version: (version.published_at, version.id)) if published else None

    @property
    def draft(self) -> "CopyVersion | None":
        """The newest version, if it was saved after the live one and not published."""
        newest = self.versions[-1] if self.versions else None
        return newest if newest is not None and newest.published_at is None else None


class CopyVersion(Base):
    __tablename__ = "copy_versions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    block_id: Mapped[int] = mapped_column(ForeignKey("copy_blocks.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    note: Mapped[str | None] = mapped_column(String(200))

    block: Mapped[CopyBlock] = relationship(back_populates="versions")
    author: Mapped[User | None] = relationship(lazy="joined")
