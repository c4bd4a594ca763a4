import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.errors import InvalidValue
from domain.tasks import TitleReservation, clean_title
from domain.text import comparison_key

words = st.text(
    alphabet=st.characters(categories=("L", "N", "P", "S")), min_size=1, max_size=12
)
phrases = st.lists(words, min_size=1, max_size=5)


def flip_case(text: str) -> str:
    """Swap the case of each letter whose other case folds to the same letter."""
    return "".join(
        char.swapcase() if char.swapcase().casefold() == char.casefold() else char
        for char in text
    )


@given(phrases, st.sampled_from(["NFC", "NFD", "NFKC", "NFKD"]), st.data())
def test_titles_that_normalise_alike_always_collide(
    parts: list[str], form: str, data: st.DataObject
) -> None:
    title = " ".join(parts)
    separators = data.draw(
        st.lists(
            st.sampled_from([" ", "  ", "\t", " \u00a0"]),
            min_size=len(parts) - 1,
            max_size=len(parts) - 1,
        )
    )
    variant = parts[0] + "".join(
        s + p for s, p in zip(separators, parts[1:], strict=True)
    )
    variant = unicodedata.normalize(form, f"  {flip_case(variant)} ")

    assert comparison_key(variant) == comparison_key(title)
    assert TitleReservation.id_for(variant) == TitleReservation.id_for(title)


def test_composed_and_decomposed_accents_collide() -> None:
    assert comparison_key("Caf\u00e9") == comparison_key("CAFE\u0301")


def test_an_invisible_format_character_does_not_make_a_title_different() -> None:
    assert comparison_key("milk\u200b") == comparison_key("milk")


@pytest.mark.parametrize(
    "invisible", ["\u200b", "\ufe0f", "\u034f", "\u3164", "\u00ad", "\u2060"]
)
def test_invisible_characters_do_not_make_a_title_different(invisible: str) -> None:
    assert comparison_key(f"a{invisible}b") == comparison_key("ab")


@pytest.mark.parametrize("title", ["\u200b", "\u00ad \ufe0f", "\u3164"])
def test_a_title_of_only_invisible_characters_is_invalid(title: str) -> None:
    with pytest.raises(InvalidValue, match="visible"):
        clean_title(title)


def test_a_title_with_text_direction_controls_is_invalid() -> None:
    with pytest.raises(InvalidValue, match="direction"):
        clean_title("invoice\u202etxt.exe")


def test_an_emoji_sequence_with_a_joiner_is_a_valid_title() -> None:
    assert clean_title("Family \U0001f468\u200d\U0001f469") == (
        "Family \U0001f468\u200d\U0001f469"
    )


def test_different_words_do_not_collide() -> None:
    assert comparison_key("buy milk") != comparison_key("buy oat milk")


@pytest.mark.parametrize("title", ["", "   ", "\t\n"])
def test_an_empty_or_blank_title_is_invalid(title: str) -> None:
    with pytest.raises(InvalidValue) as raised:
        clean_title(title)

    assert raised.value.field == "title"


@pytest.mark.parametrize("title", ["a\x00b", "bell\x07", "line\nbreak", "del\x7f"])
def test_a_title_with_control_characters_is_invalid(title: str) -> None:
    with pytest.raises(InvalidValue, match="control characters"):
        clean_title(title)


def test_a_title_over_200_characters_is_invalid() -> None:
    with pytest.raises(InvalidValue, match="at most 200"):
        clean_title("x" * 201)


def test_a_title_is_stored_trimmed_and_composed() -> None:
    assert clean_title("  Cafe\u0301 plans ") == "Caf\u00e9 plans"
