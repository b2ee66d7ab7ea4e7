"""Does a text name one of the SLSP's tenants? The check before an evaluation leaves the SLSP.

Matching is on whole words, ignoring case and accents ("Lambotte" matches "lambotte"
and "LAMBOTTE", "Témoin" matches "temoin", never "Lambottes" nor "témoignage").
A compound name ("Vandenberghe-Testeur", "Van Damme") is split into its parts and each
part is a name. Ignored, because they are words every evaluation uses and would refuse
most texts while naming nobody:
- tokens of fewer than three letters (particles and initials: "de", "le", "el", "J.");
- nobiliary and family particles of three letters or more ("van", "von", "der", "den",
  "del", "des", "dos", "ben", "mac");
- the words a household's display name is built with ("ménage", "famille", "madame",
  "veuve" ...), which every evaluation uses about the households it speaks of;
- a short list of everyday French words that are also common Walloon surnames ("petit",
  "grand", "blanc", "noir" ...). It stays short on purpose: a false refusal costs the
  référent a reworded sentence, a false acceptance costs a tenant's privacy.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

MIN_LENGTH = 3
PARTICLES = frozenset({"van", "von", "der", "den", "del", "des", "dos", "ben", "mac", "les"})
HOUSEHOLD_WORDS = frozenset(
    {"menage", "famille", "madame", "monsieur", "mme", "mlle", "epoux", "epouse", "veuve", "veuf"}
)
COMMON_WORDS = HOUSEHOLD_WORDS | frozenset(
    {"petit", "grand", "blanc", "noir", "roux", "fort", "bon", "bonne", "jeune", "lion", "roi"}
)
_WORD = re.compile(r"\w+", re.UNICODE)


def fold(text: str) -> str:
    """Lower case without accents (NFKD, combining marks dropped)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def name_tokens(names: Iterable[str]) -> frozenset[str]:
    """The words that identify a person among these names."""
    tokens = set()
    for name in names:
        for word in _WORD.findall(fold(name)):
            if len(word) >= MIN_LENGTH and not word.isdigit():
                tokens.add(word)
    return frozenset(tokens - PARTICLES - COMMON_WORDS)


def find_name(text: str, tokens: frozenset[str]) -> str | None:
    """The first word of `text` (as typed) that is one of the name tokens, or None."""
    if not text or not tokens:
        return None
    folded = fold(text)
    if len(folded) != len(text):  # rare ligatures change the length: report the folded word
        match = next((m for m in _WORD.finditer(folded) if m.group() in tokens), None)
        return match.group() if match else None
    for match in _WORD.finditer(folded):
        if match.group() in tokens:
            return text[match.start() : match.end()]
    return None
