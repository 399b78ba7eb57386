"""FAQ search: words are compared by their stem (Snowball's English stemmer, so
"prorated", "proration" and "prorate" are one word), each query word also matches its
synonyms ("cancel" finds "unrent", "subscription" finds "monthly"), and the words found
are highlighted with <mark> in the answer's (already sanitized) HTML.

Why snowballstemmer and not the database's full-text search: the published FAQ is kept in
each process's memory already (a few dozen entries), SQLite's FTS5 and PostgreSQL's
tsvector stem differently and would need two code paths and a table kept in sync, and
the stemmer is the same Snowball algorithm PostgreSQL's `english` configuration uses,
in pure Python, with no index to maintain.
"""
import re
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer
from markupsafe import Markup, escape

_stemmer = snowballstemmer.stemmer("english")
WORD = re.compile(r"\w+", re.UNICODE)
# In HTML text (between tags): an entity, which is left alone, or a word.
TEXT_TOKEN = re.compile(r"(&#?\w+;)|(\w+)", re.UNICODE)
TAG = re.compile(r"(<[^>]*>)")
# Words so common that searching for them would match every answer.
STOP_WORDS = frozenset("a an and are can do does for how i in is it my of on or the to what when why with "
                       "you your me we our be".split())

# Each group: words customers use for the same thing. A query word matches any of its group.
SYNONYMS = (
    ("cancel", "unrent", "terminate", "stop", "end", "quit", "give back"),
    ("subscription", "recurring", "direct debit"),
    ("proration", "prorate", "partial", "first month"),
    ("refund", "money back", "return", "reimburse"),
    ("price", "cost", "fee", "charge", "pay", "tariff"),
    ("bundle", "tier", "package", "prepaid"),
    ("reserve", "reservation", "hold", "out of stock", "waitlist"),
    ("extend", "renew", "renewal", "prolong"),
    ("number", "phone number", "did"),
    ("api", "software", "programmatic", "integration"),
    ("bill", "invoice", "billing"),
    ("credit", "balance", "top up"),
)


def stem(word: str) -> str:
    return _stemmer.stemWord(word.lower())


def _phrase(text: str) -> tuple[str, ...]:
    return tuple(stem(word) for word in WORD.findall(text))


@lru_cache(maxsize=1)
def _synonym_index() -> dict[str, tuple[tuple[str, ...], ...]]:
    """stem of a synonym's first word → every phrase (as stems) of its group."""
    index: dict[str, set[tuple[str, ...]]] = {}
    for group in SYNONYMS:
        phrases = {_phrase(term) for term in group}
        for phrase in phrases:
            index.setdefault(phrase[0], set()).update(phrases)
    return {key: tuple(sorted(value)) for key, value in index.items()}


@dataclass(frozen=True)
class Term:
    """One query word: the stem phrases (its own and its synonyms') any of which counts."""

    word: str
    alternatives: tuple[tuple[str, ...], ...]


def parse_query(query: str) -> list[Term]:
    terms = []
    for word in WORD.findall(query.lower()):
        if word in STOP_WORDS:
            continue
        own = (stem(word),)
        alternatives = {own, *_synonym_index().get(own[0], ())}
        terms.append(Term(word, tuple(sorted(alternatives))))
    return terms


def stems_of(text: str) -> tuple[str, ...]:
    return _phrase(text)


def _contains(stems: tuple[str, ...], phrase: tuple[str, ...]) -> bool:
    if len(phrase) == 1:
        return phrase[0] in stems
    return any(stems[i:i + len(phrase)] == phrase for i in range(len(stems) - len(phrase) + 1))


def matches(terms: list[Term], stems: tuple[str, ...]) -> int:
    """How many of the query's words the text has (each by itself or a synonym)."""
    return sum(1 for term in terms if any(_contains(stems, phrase) for phrase in term.alternatives))


def search(entries, query: str, text_of) -> list:
    """The entries that have every word of `query` (or a synonym of it); if none has all,
    those with the most of them. In their FAQ order."""
    terms = parse_query(query)
    if not terms:
        return list(entries) if not query.strip() else []
    scored = [(matches(terms, text_of(entry)), entry) for entry in entries]
    every = [entry for score, entry in scored if score == len(terms)]
    if every:
        return every
    best = max((score for score, _ in scored), default=0)
    return [entry for score, entry in scored if best and score == best]


def _highlight_words(text: str, stems_wanted: set[str]) -> str:
    def mark(match: re.Match) -> str:
        word = match.group(2)
        if word and stem(word) in stems_wanted:
            return f"<mark>{word}</mark>"
        return match.group(0)

    return TEXT_TOKEN.sub(mark, text)


def _wanted(query: str) -> set[str]:
    """The stems to mark: each query word's and its one-word synonyms' (a phrase synonym
    such as "first month" would mark every "month")."""
    return {phrase[0] for term in parse_query(query) for phrase in term.alternatives if len(phrase) == 1}


def highlight_html(html: str, query: str) -> Markup:
    """`html` (sanitized, trusted) with the query's words marked in its text, never inside a tag."""
    wanted = _wanted(query)
    if not wanted:
        return Markup(html)
    parts = TAG.split(str(html))
    return Markup("".join(part if TAG.fullmatch(part) else _highlight_words(part, wanted) for part in parts))


def highlight_text(text: str, query: str) -> Markup:
    """Plain `text` escaped, with the query's words marked."""
    return highlight_html(str(escape(text)), query)
