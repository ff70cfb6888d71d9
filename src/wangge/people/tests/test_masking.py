"""Masking ID numbers by type: a masked value never carries more than a few characters of any number.

Every ID type the platform accepts, at every length validation lets through (1 to 30 characters
for documents other than the mainland card, 18 for the card), including the shortest.
"""

import datetime as dt
from functools import cache

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wangge.people.idcard import make_id_number, mask_id_number
from wangge.people.models import Resident
from wangge.people.validation import ID_MAX, clean_resident_fields

ID_TYPES = Resident.IdType.values
# At most two fifths of a number, never more than 6 leading or 4 trailing characters.
MAX_SHARE = 0.4


def kept(masked: str, original: str) -> tuple[int, int]:
    """(leading, trailing) characters of ``original`` still readable in ``masked``."""
    assert len(masked) == len(original)
    lead = next((i for i, ch in enumerate(masked) if ch == "*"), len(masked))
    trail = next((i for i, ch in enumerate(reversed(masked)) if ch == "*"), len(masked))
    return lead, trail


def revealed(masked: str, original: str) -> int:
    return sum(1 for m, o in zip(masked, original, strict=True) if m != "*" and m == o)


@cache
def valid_lengths(id_type: str) -> list[int]:
    """Every length ``clean_resident_fields`` accepts for ``id_type``, found by asking it."""
    if id_type == Resident.IdType.RESIDENT_ID:
        return [18]
    lengths = tuple(n for n in range(1, ID_MAX + 2)
               if not clean_resident_fields({"name": "某", "id_type": id_type, "id_number": "A" * n,
                                             "sex": "男"}).errors)
    assert lengths, id_type
    return lengths


def test_every_id_type_has_lengths_down_to_a_single_character():
    # The property below covers these; if validation tightens, it follows.
    for id_type in ID_TYPES:
        lengths = valid_lengths(id_type)
        assert list(lengths) == ([18] if id_type == "resident_id" else list(range(1, ID_MAX + 1)))


def test_a_nine_character_passport_is_no_longer_shown_in_full():
    masked = mask_id_number("E12345678", Resident.IdType.PASSPORT)
    assert masked == "E******78"


def test_a_hong_kong_macao_permit_keeps_its_letter_and_last_two():
    assert mask_id_number("H12345678", Resident.IdType.HK_MACAO) == "H******78"


def test_a_mainland_card_keeps_the_first_three_and_last_four():
    assert mask_id_number("420106198005171234", Resident.IdType.RESIDENT_ID) == "420***********1234"


def test_the_shortest_numbers_are_masked_entirely():
    for id_type in ID_TYPES:
        assert mask_id_number("A", id_type) == "*"
        assert mask_id_number("AB", id_type) == "**"


def test_an_empty_number_stays_empty():
    assert mask_id_number("", Resident.IdType.PASSPORT) == ""


def test_an_unknown_type_gets_the_strictest_mask():
    assert kept(mask_id_number("E12345678", "something_new"), "E12345678") == (1, 2)


def test_the_model_masks_by_its_own_type():
    resident = Resident(id_type=Resident.IdType.PASSPORT, id_number="E12345678", phone="")
    assert resident.id_number_masked == "E******78"


number_chars = st.characters(min_codepoint=0x21, max_codepoint=0x7E, exclude_characters="*")


@st.composite
def typed_numbers(draw):
    id_type = draw(st.sampled_from(ID_TYPES))
    if id_type == Resident.IdType.RESIDENT_ID:
        birth = draw(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2024, 12, 31)))
        return id_type, make_id_number(draw(st.sampled_from(["420106", "110105", "440305"])), birth,
                                       draw(st.integers(0, 999)))
    length = draw(st.sampled_from(valid_lengths(id_type)))
    return id_type, draw(st.text(number_chars, min_size=length, max_size=length))


@settings(max_examples=400, deadline=None)
@given(typed_numbers())
def test_a_masked_number_reveals_at_most_two_fifths_of_it(typed):
    id_type, number = typed
    masked = mask_id_number(number, id_type)
    lead, trail = kept(masked, number)
    assert masked[:lead] == number[:lead] and (trail == 0 or masked[-trail:] == number[-trail:])
    assert lead + trail <= int(len(number) * MAX_SHARE)
    assert revealed(masked, number) == lead + trail
    assert lead <= 6 and trail <= 4
    if len(number) <= 12:  # short documents: at most the first character and the last two or three
        assert lead <= 1 and trail <= 3


@pytest.mark.parametrize("id_type", ID_TYPES)
@pytest.mark.parametrize("length", range(1, ID_MAX + 1))
def test_every_type_at_every_length_reveals_at_most_two_fifths(id_type, length):
    if length not in valid_lengths(id_type):
        return
    number = make_id_number("420106", dt.date(1980, 5, 17), 123) if length == 18 and id_type == "resident_id" \
        else "".join("ABCDEFGHJK0123456789"[i % 20] for i in range(length))
    lead, trail = kept(mask_id_number(number, id_type), number)
    assert lead + trail <= int(length * MAX_SHARE)


def test_bulk_maskers_mask_as_the_list_does():
    import random

    from wangge.people.idcard import ID_MASK_KEEP, bulk_maskers, mask_id_number, mask_phone

    rng = random.Random(3)
    id_number, phone = bulk_maskers()
    for _ in range(3000):
        value = "".join(rng.choice("0123456789Xx张😷 ") for _ in range(rng.randrange(0, 25)))
        id_type = rng.choice([*ID_MASK_KEEP, "unknown"])
        assert id_number(value, id_type) == mask_id_number(value, id_type), (value, id_type)
        assert phone(value) == mask_phone(value), value
