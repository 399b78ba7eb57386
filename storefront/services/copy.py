"""Public copy: landing sections and FAQ entries written in Markdown by marketing, with
live price tokens, rendered to sanitized HTML; drafts, publishing, history, roll-back.

Rendering: price tokens are replaced from `pricing` (through the same quotes as the
landing's price table), Markdown is rendered by markdown-it-py, and the HTML is cleaned
by nh3 (an allow-list sanitizer): no script, event handler or `javascript:` URL survives.
"""
import difflib
import re
import tomllib
from collections import Counter
from dataclasses import dataclass, replace
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

import nh3
from flask import current_app
from markdown_it import MarkdownIt
from markupsafe import Markup
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pricing import Catalog, UnknownCountry
from storefront import caching, clock
from storefront.db import transaction
from storefront.models import CopyBlock, CopyVersion, User
from storefront.models.copy import FAQ, LANDING, LEGAL
from storefront.problems import INVALID, StorefrontError
from storefront.services import faq_search
from storefront.services.catalog import cached_revision, catalog_for_display, current_catalog
from storefront.services.quotes import InvalidQuoteRequest, QuoteRequest, price_row, quote_for

DEFAULT_COPY = Path(__file__).resolve().parent.parent / "content" / "default_copy.toml"
TOKEN = re.compile(r"\[\[([^\[\]]*)\]\]")
UNAVAILABLE = "(price unavailable)"
ALLOWED_SCHEMES = {"http", "https", "mailto"}
RENDER_CACHE_SIZE = 500

_markdown = MarkdownIt("commonmark", {"html": True, "typographer": False}).enable("table")


class CopyInvalid(StorefrontError):
    """The copy cannot be published; `problems` says why, for the editor."""

    kind = INVALID
    title = "Copy not published"

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Rendered:
    slug: str
    title: str
    html: Markup
    text: str
    stems: tuple[str, ...] = ()  # of the title and text, for the FAQ search


@cache
def default_copy() -> dict[str, list[dict]]:
    with DEFAULT_COPY.open("rb") as file:
        return tomllib.load(file)


def _token_price(catalog: Catalog, token: str) -> str:
    """The price a token stands for, e.g. `price:DE:long:3` → "€16.00"; ValueError if bad."""
    parts = token.strip().split(":")
    shape = "Price tokens look like [[price:DE:long:3]] (a bundle) or [[price:DE:short:6]] (months)."
    if len(parts) != 4 or parts[0] != "price":
        raise ValueError(f"[[{token}]] is not a token we know. {shape}")
    _, country, kind, number = parts
    if kind not in ("long", "short"):
        raise ValueError(f"[[{token}]]: the kind must be 'long' or 'short', not '{kind}'.")
    if not number.isdigit():
        raise ValueError(f"[[{token}]]: '{number}' is not a whole number. {shape}")
    months = int(number)
    request = (QuoteRequest(country.upper(), "long", tier_months=months) if kind == "long"
               else QuoteRequest(country.upper(), "short", months=months, billing="prepaid"))
    try:
        return str(price_row(quote_for(catalog, request)).price)
    except UnknownCountry as error:
        raise ValueError(f"[[{token}]]: {error.message}") from error
    except InvalidQuoteRequest as error:
        raise ValueError(f"[[{token}]]: {error.errors[0].message}") from error


def expand_tokens(catalog: Catalog, markdown: str) -> tuple[str, list[str]]:
    errors: list[str] = []

    def replace(match: re.Match) -> str:
        try:
            return _token_price(catalog, match.group(1))
        except ValueError as error:
            errors.append(str(error))
            return UNAVAILABLE

    return TOKEN.sub(replace, markdown), errors


def sanitize(html: str) -> str:
    return nh3.clean(html, url_schemes=ALLOWED_SCHEMES, link_rel="noopener noreferrer")


class _Inventory(HTMLParser):
    """Counts the elements and attributes of an HTML fragment (what the sanitizer may drop)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: Counter = Counter()

    def handle_starttag(self, tag, attrs):
        self.found[(tag, None, None)] += 1
        for name, value in attrs:
            scheme = None
            if name in ("href", "src") and value and ":" in value.split("/")[0]:
                scheme = value.split(":", 1)[0].strip().lower()
            self.found[(tag, name, scheme)] += 1

    handle_startendtag = handle_starttag


def _inventory(html: str) -> Counter:
    parser = _Inventory()
    parser.feed(html)
    parser.close()
    return parser.found


def sanitizer_removals(catalog: Catalog, markdown: str) -> list[str]:
    """What the sanitizer takes out of this copy, in words for the editor (empty: nothing):
    elements it does not allow, attributes (event handlers, styles) and links whose scheme is
    not http, https or mailto. Counted by comparing the HTML before and after cleaning."""
    expanded, _ = expand_tokens(catalog, markdown)
    raw = _markdown.render(expanded)
    removed = _inventory(raw) - _inventory(sanitize(raw))
    words = []
    for (tag, attribute, scheme), count in sorted(removed.items(), key=lambda item: (item[0][0], item[0][1] or "")):
        times = f" ({count}×)" if count > 1 else ""
        if attribute is None:
            words.append(f"the <{tag}> element{times}")
        elif scheme and scheme not in ALLOWED_SCHEMES:
            words.append(f"a {scheme}: link in <{tag}>{times}")
        else:
            words.append(f"the {attribute} attribute of <{tag}>{times}")
    return words


@dataclass(frozen=True)
class DiffLine:
    kind: str  # "same", "added" or "removed"
    text: str


def diff_against_live(block: CopyBlock, title: str, body: str) -> list[DiffLine]:
    """The lines (title first) that change against what visitors see now: removed lines, then
    added ones, with two unchanged lines of context around each change. Empty: no change."""
    live = block.live
    before = ([f"# {live.title}"] + live.body.splitlines()) if live else []
    after = [f"# {title.strip()}"] + body.splitlines()
    lines = []
    for group in difflib.SequenceMatcher(None, before, after, autojunk=False).get_grouped_opcodes(2):
        if lines:
            lines.append(DiffLine("gap", "…"))
        for op, i1, i2, j1, j2 in group:
            if op == "equal":
                lines += [DiffLine("same", line) for line in before[i1:i2]]
                continue
            lines += [DiffLine("removed", line) for line in before[i1:i2]]
            lines += [DiffLine("added", line) for line in after[j1:j2]]
    return lines


def render_markdown(catalog: Catalog, markdown: str) -> tuple[Markup, list[str]]:
    """Sanitized HTML of `markdown` with live prices, and the token errors found."""
    rendered = caching.cache_of(current_app, "copy_render", max_entries=RENDER_CACHE_SIZE)
    # Keyed by the catalog revision: a price change renders the copy again.
    return rendered.remember((cached_revision(), markdown), None, lambda: _render(catalog, markdown))


def _render(catalog: Catalog, markdown: str) -> tuple[Markup, list[str]]:
    expanded, errors = expand_tokens(catalog, markdown)
    return Markup(sanitize(_markdown.render(expanded))), errors


def problems(catalog: Catalog, title: str, body: str) -> list[str]:
    """What stops this copy from being published."""
    errors = []
    if not title.strip():
        errors.append("Please give it a title.")
    if not body.strip():
        errors.append("Please write the text.")
    return errors + render_markdown(catalog, body)[1]


def _rendered(catalog: Catalog, slug: str, title: str, body: str) -> Rendered:
    html, _ = render_markdown(catalog, body)
    return Rendered(slug, title, html, nh3.clean(str(html), tags=set()))


# Reading what visitors see -------------------------------------------------------------

def blocks_of(session: Session, page: str, include_removed: bool = False) -> list[CopyBlock]:
    query = select(CopyBlock).where(CopyBlock.page == page).order_by(CopyBlock.position, CopyBlock.id)
    if not include_removed:
        query = query.where(CopyBlock.removed.is_(False))
    return list(session.scalars(query))


def _remembered(session: Session, name: str, compute):
    """`compute(catalog)`, kept per process for COPY_RECHECK_SECONDS and per catalog revision.

    Edits made in this process forget it at once (`forget_published_copy`); other
    processes see them within COPY_RECHECK_SECONDS.
    """
    catalog = catalog_for_display(session)
    revision = cached_revision()
    published = caching.cache_of(current_app, "published_copy")
    kept = published.get(name, current_app.config["COPY_RECHECK_SECONDS"])
    if kept is not None and kept[0] == revision:
        return kept[1]
    return published.put(name, (revision, compute(catalog)))[1]


def forget_published_copy() -> None:
    caching.cache_of(current_app, "published_copy").forget()


def landing_sections(session: Session) -> dict[str, Rendered]:
    return _remembered(session, LANDING, lambda catalog: _landing_sections(session, catalog))


def _landing_sections(session: Session, catalog: Catalog) -> dict[str, Rendered]:
    stored = {block.slug: block.live for block in blocks_of(session, LANDING)}
    sections = {}
    for default in default_copy()[LANDING]:
        live = stored.get(default["slug"])
        title, body = (live.title, live.body) if live else (default["title"], default["body"])
        sections[default["slug"]] = _rendered(catalog, default["slug"], title, body)
    return sections


def legal_pages(session: Session) -> dict[str, Rendered]:
    """Terms, privacy, imprint and contact as published (the starting text until then)."""
    return _remembered(session, LEGAL, lambda catalog: _fixed_blocks(session, catalog, LEGAL))


def _fixed_blocks(session: Session, catalog: Catalog, page: str) -> dict[str, Rendered]:
    stored = {block.slug: block.live for block in blocks_of(session, page)}
    pages = {}
    for default in default_copy()[page]:
        live = stored.get(default["slug"])
        title, body = (live.title, live.body) if live else (default["title"], default["body"])
        pages[default["slug"]] = _rendered(catalog, default["slug"], title, body)
    return pages


def faq_entries(session: Session, query: str = "") -> list[Rendered]:
    """Published FAQ entries in order; with `query`, those that match it (by stem and
    synonym, see faq_search), with the words found marked."""
    entries = _remembered(session, FAQ, lambda catalog: _faq_entries(session, catalog))
    if not query.strip():
        return entries
    return [replace(entry, title=faq_search.highlight_text(entry.title, query),
                    html=faq_search.highlight_html(entry.html, query))
            for entry in faq_search.search(entries, query, lambda entry: entry.stems)]


def _faq_entries(session: Session, catalog: Catalog) -> list[Rendered]:
    blocks = blocks_of(session, FAQ, include_removed=True)
    if blocks:
        pairs = [(block.slug, block.live) for block in blocks if not block.removed and block.live]
        entries = [_rendered(catalog, slug, live.title, live.body) for slug, live in pairs]
    else:
        entries = [_rendered(catalog, entry["slug"], entry["title"], entry["body"]) for entry in default_copy()[FAQ]]
    return [replace(entry, stems=faq_search.stems_of(f"{entry.title} {entry.text}")) for entry in entries]


# Editing -------------------------------------------------------------------------------

def ensure_blocks(session: Session) -> None:
    """Store the starting copy as version 1 of each block, the first time it is edited."""
    known = set(session.scalars(select(CopyBlock.slug)))
    has_faq = session.scalar(select(func.count()).where(CopyBlock.page == FAQ)) > 0
    now = clock.now()
    missing = [(page, entry) for page in (LANDING, LEGAL) for entry in default_copy()[page]
               if entry["slug"] not in known]
    if not has_faq:
        missing += [(FAQ, entry) for entry in default_copy()[FAQ]]
    if not missing:
        return
    with transaction(session):
        for position, (page, entry) in enumerate(missing):
            block = CopyBlock(page=page, slug=entry["slug"], position=position, removed=False)
            block.versions.append(CopyVersion(title=entry["title"], body=entry["body"].strip() + "\n",
                                              published_at=now, note="Starting copy"))
            session.add(block)


def block_by_slug(session: Session, slug: str) -> CopyBlock | None:
    return session.scalar(select(CopyBlock).where(CopyBlock.slug == slug))


def save_draft(session: Session, author: User, block: CopyBlock, title: str, body: str) -> CopyVersion:
    with transaction(session):
        version = CopyVersion(block=block, title=title.strip(), body=body, author_id=author.id)
        session.add(version)
    session.refresh(block)
    return version


def publish(session: Session, author: User, block: CopyBlock, title: str, body: str,
            note: str | None = None) -> CopyVersion:
    """Make this copy what visitors see; CopyInvalid (nothing saved) if it has problems."""
    errors = problems(current_catalog(session), title, body)
    if errors:
        raise CopyInvalid(errors)
    with transaction(session):
        version = CopyVersion(block=block, title=title.strip(), body=body, author_id=author.id,
                              published_at=clock.now(), note=note)
        session.add(version)
    session.refresh(block)
    forget_published_copy()
    return version


def roll_back(session: Session, author: User, block: CopyBlock, version_id: int) -> CopyVersion:
    """Publish an earlier version again, as a new version (history keeps everything)."""
    earlier = next((version for version in block.versions if version.id == version_id), None)
    if earlier is None:
        raise CopyInvalid(["That version does not belong to this text."])
    number = block.versions.index(earlier) + 1
    return publish(session, author, block, earlier.title, earlier.body, note=f"Rolled back to version {number}")


def _slug_for(session: Session, title: str) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:60] or "question"
    slug, suffix = base, 2
    while block_by_slug(session, slug) is not None:
        slug, suffix = f"{base}-{suffix}", suffix + 1
    return slug


def add_faq_entry(session: Session, author: User, question: str) -> CopyBlock:
    """A new FAQ entry, as a draft: visitors see it once it is published."""
    if not question.strip():
        raise CopyInvalid(["Please write the question."])
    ensure_blocks(session)
    with transaction(session):
        last = session.scalar(select(func.max(CopyBlock.position)).where(CopyBlock.page == FAQ)) or 0
        block = CopyBlock(page=FAQ, slug=_slug_for(session, question), position=last + 1, removed=False)
        block.versions.append(CopyVersion(title=question.strip(), body="", author_id=author.id))
        session.add(block)
    return block


def move_faq_entry(session: Session, block: CopyBlock, direction: int) -> None:
    """Swap the entry with its neighbour above (-1) or below (+1)."""
    entries = blocks_of(session, FAQ)
    index = entries.index(block)
    other = index + direction
    if not 0 <= other < len(entries):
        return
    with transaction(session):
        for position, entry in enumerate(entries):
            entry.position = position
        entries[index].position, entries[other].position = other, index
    forget_published_copy()


def remove_faq_entry(session: Session, block: CopyBlock) -> None:
    """Taken off the FAQ; its history stays."""
    with transaction(session):
        block.removed = True
    forget_published_copy()
