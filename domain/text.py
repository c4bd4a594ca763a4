"""How names typed by people are cleaned, checked and compared."""

import re
import unicodedata

from domain.errors import InvalidValue

# Control characters and lone surrogates have no place in text, and PostgreSQL
# rejects NUL outright.
_REJECTED_CATEGORIES = frozenset({"Cc", "Cs"})
_MULTILINE_ALLOWED = frozenset({"\n", "\r", "\t"})

# Characters that change the display order of the text around them can make
# one name look like another; names may not contain them.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")

# Unicode's Default_Ignorable_Code_Point set: characters a reader does not see,
# such as zero-width spaces, joiners, variation selectors and Hangul fillers.
# They stay in a stored name (emoji need the zero-width joiner) but not in its
# comparison key, so an invisible one cannot make two names differ.
_IGNORABLE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f"
    "\u202a-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufff8"
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e0fff]"
)


def comparison_key(text: str) -> str:
    """The form under which two names a reader would call the same are equal.

    Letter case, surrounding or repeated whitespace, invisible characters and
    the Unicode normalisation form make no difference. NFKC runs again after
    case folding because folding can produce characters that are not in NFKC.
    """
    folded = unicodedata.normalize("NFKC", text).casefold()
    visible = _IGNORABLE.sub("", unicodedata.normalize("NFKC", folded))
    return " ".join(visible.split())


def clean_line(field: str, text: str, *, max_length: int) -> str:
    """A one-line name as it will be stored: NFC, trimmed, checked."""
    cleaned = unicodedata.normalize("NFC", text).strip()
    _reject_controls(field, cleaned, allowed=frozenset())
    if not comparison_key(cleaned):
        raise InvalidValue(field, "must contain a visible character")
    if len(cleaned) > max_length:
        raise InvalidValue(field, f"must be at most {max_length} characters")
    if any(char in _BIDI_CONTROLS for char in cleaned):
        raise InvalidValue(field, "must not contain text-direction controls")
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
