"""Word search in the wish queues (`GET /api/v1/wishes?q=`), on any PostgreSQL this project supports.

Chinese has no spaces between words and the words residents type are short (水管, 买菜, 维修: two characters).
pg_trgm cannot serve that: it needs three characters for a trigram and, under the C locale, does not take CJK
characters as word characters at all; and it is a contrib extension that the embedded PostgreSQL wheel does not
ship. So the index is our own: `wish_words(title, content)` (migration 0013, a plain SQL function) is the set of
every character and every pair of adjacent characters of the wish's text, ASCII letters lowercased, and a GIN index
on it answers "which wishes hold all these pairs". A term of two characters or more is looked up by its pairs, a
one-character term by itself; PostgreSQL then rechecks the rows with LIKE (pairs can be present without the term).
Terms are separated by spaces and must all appear (AND).
"""

from __future__ import annotations

import string
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Text, all_, bindparam, func, literal_column
from sqlalchemy.dialects.postgresql import ARRAY

MAX_LENGTH = 40  # a wish's title is at most 40 characters: a longer search would be a pasted paragraph
_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)

# The index's expression exactly (ix_wishes_words), so that the planner matches it.
WORDS = literal_column("wish_words(wishes.title, wishes.content)", ARRAY(Text))
_TEXT = func.translate(
    literal_column("wishes.title || ' ' || wishes.content", Text), string.ascii_uppercase, string.ascii_lowercase
)


@dataclass(frozen=True, slots=True)
class Words:
    grams: list[str]  # what the GIN index must hold
    patterns: list[str]  # LIKE patterns, one per term, every one of which must match


def parse(q: str | None) -> Words | None:
    """The search's terms; None when there is nothing to look for (absent or only spaces)."""
    terms = list(dict.fromkeys((q or "").translate(_LOWER).split()))
    if not terms:
        return None
    grams = {t if len(t) == 1 else t[i : i + 2] for t in terms for i in range(max(len(t) - 1, 1))}
    return Words(sorted(grams), [f"%{_escape(t)}%" for t in terms])


def _escape(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def clause() -> list[ColumnElement[bool]]:
    """The WHERE of a search, with bound parameters `grams` and `patterns` (a statement built once per shape)."""
    return [
        WORDS.contains(bindparam("grams", type_=ARRAY(Text))),
        _TEXT.like(all_(bindparam("patterns", type_=ARRAY(Text)))),
    ]
