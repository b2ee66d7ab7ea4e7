"""The one way text is matched by every search (the header's search, the household list).

A query matches a text when each of its words is found in the text, in any order,
without regard to accents or case, or is close to one of the text's words (a typo:
pg_trgm's word similarity). A reference or house number also matches when written with
other spaces, dashes or leading zeros. A searched model stores its text folded by the
IMMUTABLE `search_fold` / `search_compact` functions (core migration 0003) in generated
columns (`Folded`, `Compacted`), each with a GIN trigram index (`trigram_index`): the
search compares the stored text and never folds a row while it reads.

Apps build their own searches from these pieces and register a `SearchProvider`
(apps/core/registry.py); the rows they search come from their own visibility functions.
"""

from __future__ import annotations

import re
from typing import Any

from django.contrib.postgres.indexes import GinIndex
from django.db.models import BooleanField, Expression, F, FloatField, Func, Q, TextField, Value

# Longer queries are cut: each word costs one more condition.
MAX_WORDS = 6
MAX_LENGTH = 100
MIN_LENGTH = 2
# Words shorter than this are matched as typed only: their trigrams say little.
FUZZY_MIN_LENGTH = 3
_ALNUM = re.compile(r"[^\W_]", re.UNICODE)


def clean(query: str | None) -> str:
    """The query as searched: trimmed, single-spaced, at most MAX_LENGTH characters."""
    return " ".join((query or "").split())[:MAX_LENGTH]


def words(query: str) -> list[str]:
    return clean(query).split()[:MAX_WORDS]


def is_searchable(query: str) -> bool:
    return len(_ALNUM.findall(clean(query))) >= MIN_LENGTH


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class Folded(Func):
    """search_fold(a || ' ' || b ...): the text without accents, in lower case. Written
    exactly as the indexes are (see the apps' search-index migrations)."""

    function = "search_fold"
    arg_joiner = " || ' ' || "
    output_field = TextField()


class Compacted(Func):
    """search_compact(a): lower case, no accents, no separators, no leading zeros."""

    function = "search_compact"
    output_field = TextField()


class _Operator(Func):
    """`text OPERATOR wanted`: PostgreSQL operators Django has no lookup for."""

    output_field = BooleanField()
    sql = ""

    def as_sql(  # type: ignore[override]  # no function/template: an operator
        self, compiler: Any, connection: Any, **extra: Any
    ) -> tuple[str, list[Any]]:
        text, wanted = self.get_source_expressions()
        text_sql, text_params = compiler.compile(text)
        wanted_sql, wanted_params = compiler.compile(wanted)
        return self.sql.format(text=text_sql, wanted=wanted_sql), [*text_params, *wanted_params]


class _Contains(_Operator):
    sql = "{text} LIKE ('%%' || {wanted} || '%%')"


def trigram_index(field: str, name: str) -> GinIndex:
    """The index a search on a stored `Folded`/`Compacted` column reads."""
    return GinIndex(fields=[field], opclasses=["gin_trgm_ops"], name=name)


def _text(text: str | Expression) -> F | Expression:
    return F(text) if isinstance(text, str) else text


def _has_digit(word: str) -> bool:
    return any(c.isdigit() for c in word)


def _tolerates_typos(word: str) -> bool:
    # Typos are tolerated in names, not in numbers: "ARL-124" must not find "ARL-123".
    return len(word) >= FUZZY_MIN_LENGTH and not _has_digit(word)


class _AllWordsFound(Func):
    """Every word is in the text (LIKE) or, for a word that tolerates typos, close to one
    of its words (`%>`), written as one SQL condition: one expression node whatever the
    number of words (built from Q objects, the ORM spent longer resolving and compiling
    the conditions than PostgreSQL spent running them).

    Only the longest word, and words with digits (a house or reference number: rare), are
    looked up in the trigram index; the other words are checked on their candidates,
    through `text || ''`, which the index cannot serve. Left to the planner, every word
    was looked up: a common first name ("liam": 15,000 members of the region) cost more
    than checking the 100 rows the rarer surname left."""

    output_field = BooleanField()

    def __init__(self, text: F | Expression, query_words: list[str]) -> None:
        super().__init__(text)
        self.query_words = query_words

    def as_sql(  # type: ignore[override]  # no function/template: a condition
        self, compiler: Any, connection: Any, **extra: Any
    ) -> tuple[str, list[Any]]:
        text_sql, text_params = compiler.compile(self.get_source_expressions()[0])
        lead = max(self.query_words, key=len)
        conditions, params = [], []
        for word in self.query_words:
            looked_up = word is lead or (_has_digit(word) and len(word) >= FUZZY_MIN_LENGTH)
            text = text_sql if looked_up else f"({text_sql} || '')"
            found = f"{text} LIKE ('%%' || search_fold(%s) || '%%')"
            found_params = [*text_params, _escape_like(word)]
            if _tolerates_typos(word):
                found = f"({found} OR {text} %%> search_fold(%s))"
                found_params += [*text_params, word]
            conditions.append(found)
            params += found_params
        return "(" + " AND ".join(conditions) + ")", params


def text_matches(searched: str | Expression, query: str) -> Q:
    """Every word of the query is in the text (a stored folded column, or several joined
    by `joined`) or close to one of its words."""
    query_words = words(query)
    if not query_words:
        return Q(pk__in=[])
    return Q(_AllWordsFound(_text(searched), query_words))


def compact_matches(field: str, query: str) -> Q:
    """The stored compact column contains the query written compactly ("arl 12" finds
    "ARL-0012"; separators are dropped, so nothing to escape). Never matches on a query
    with fewer than two letters or digits, nor on one without a digit."""
    # Only references and house numbers are written in so many ways, and they hold digits.
    if not is_searchable(query) or not any(c.isdigit() for c in query):
        return Q(pk__in=[])
    return Q(_Contains(F(field), Compacted(Value(clean(query)))))


def joined(*fields: str) -> Func:
    """Stored folded columns read as one text (e.g. across a join)."""
    return Func(
        *(F(name) for name in fields),
        function="",
        arg_joiner=" || ' ' || ",
        output_field=TextField(),
    )


def rank(text: str | Expression, query: str) -> Func:
    """How close the query is to the text (1 = contained as typed): best first."""
    return Func(
        Folded(Value(clean(query))),
        _text(text),
        function="word_similarity",
        output_field=FloatField(),
    )


# Results shown per kind; one more is read to know whether there are others.
HITS_PER_KIND = 8


def search_everywhere(user: Any, query: str) -> list[dict[str, Any]]:
    """Each registered kind with its hits for this user: one query per kind, whatever
    the number of matches. Kinds without a hit are left out."""
    from apps.core.registry import registry

    groups = []
    for provider in registry.search_providers:
        hits = provider.search(user, query, HITS_PER_KIND + 1)
        if hits:
            groups.append(
                {
                    "key": provider.key,
                    "label": provider.label,
                    "hits": hits[:HITS_PER_KIND],
                    "more_url": provider.more(query)
                    if provider.more and len(hits) > HITS_PER_KIND
                    else None,
                }
            )
    return groups
