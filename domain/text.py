"""How names typed by people are cleaned, checked and compared."""

import re
import unicodedata

from domain.errors import InvalidValue

# Control characters and lone surrogates have no place in a name, and
# PostgreSQL rejects NUL outright. Format characters (category Cf) stay allowed,
# since emoji sequences need the zero-width joiner, but they are left out of the
# comparison key so that an invisible one cannot make two titles differ.
_REJECTED_CATEGORIES = frozenset({"Cc", "Cs"})
_MULTILINE_ALLOWED = frozenset({"\n", "\r", "\t"})


def comparison_key(text: str) -> str:
    """The form under which two names a reader would call the same are equal.

    Letter case, surrounding or repeated whitespace and the Unicode
    normalisation form make no difference. NFKC runs again after case folding
    because folding can produce characters that are not in NFKC.
    """
    folded = unicodedata.normalize("NFKC", text).casefold()
    visible = "".join(
        char
        for char in unicodedata.normalize("NFKC", folded)
        if unicodedata.category(char) != "Cf"
    )
    return " ".join(visible.split())


def clean_line(field: str, text: str, *, max_length: int) -> str:
    """A one-line name as it will be stored: NFC, trimmed, checked."""
    cleaned = unicodedata.normalize("NFC", text).strip()
    if not cleaned:
        raise InvalidValue(field, "must not be empty or only whitespace")
    if len(cleaned) > max_length:
        raise InvalidValue(field, f"must be at most {max_length} characters")
    _reject_controls(field, cleaned, allowed=frozenset())
    return cleaned


def clean_text(field: str, text: str, *, max_length: int) -> str:
    """Free text as it will be stored: NFC, checked; line breaks and tabs allowed."""
    cleaned = unicodedata.normalize("NFC", text)
    if len(cleaned) > max_length:
        raise InvalidValue(field, f"must be at most {max_length} characters")
    _reject_controls(field, cleaned, allowed=_MULTILINE_ALLOWED)
    return cleaned


def check_pattern(field: str, text: str, pattern: re.Pattern[str], rule: str) -> None:
    if not pattern.fullmatch(text):
        raise InvalidValue(field, rule)


def _reject_controls(field: str, text: str, *, allowed: frozenset[str]) -> None:
    for char in text:
        if char not in allowed and unicodedata.category(char) in _REJECTED_CATEGORIES:
            raise InvalidValue(
                field,
                f"must not contain control characters (found U+{ord(char):04X})",
            )
