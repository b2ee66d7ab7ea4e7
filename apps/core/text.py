"""French text built from names: "de" elided before a vowel ("CPAS d'Arlon",
"Séance d'« Atelier »") and contracted before an article ("du Rœulx", "des Bons
Villers"). Every place that writes "de" + a name goes through `de()`."""

from __future__ import annotations

VOWELS = frozenset("aeiouyàâäéèêëîïôöùûüÿœæ")
# Opening marks skipped to find the first letter: « Atelier » is elided like Atelier.
_OPENING = "«“\"'‘( \u00a0\u202f"


def starts_with_vowel(name: str) -> bool:
    first = name.lstrip(_OPENING)[:1].lower()
    return first in VOWELS


def de(name: object) -> str:
    """'de X', "d'X" before a vowel (an aspirated or mute h is left as 'de': names
    disagree), 'du X' for 'Le X' and 'des X' for 'Les X'."""
    text = str(name)
    if text.startswith("Le "):
        return f"du {text[3:]}"
    if text.startswith("Les "):
        return f"des {text[4:]}"
    if starts_with_vowel(text):
        return f"d'{text}"
    return f"de {text}"
