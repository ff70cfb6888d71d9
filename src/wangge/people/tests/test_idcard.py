import datetime as dt

import pytest

from wangge.people.idcard import (
    IdNumberError,
    check_char,
    make_id_number,
    mask_id_number,
    mask_phone,
    parse_id_number,
)


def test_check_char_matches_the_gb11643_worked_example():
    # The standard's own example: 11010519491231002X.
    assert check_char("11010519491231002") == "X"


def test_a_valid_number_yields_birth_date_and_sex():
    facts = parse_id_number("11010519491231002X")
    assert facts.birth_date == dt.date(1949, 12, 31)
    assert facts.sex == "F"  # 17th digit 2 is even
    assert facts.region_code == "110105"


def test_lowercase_x_and_spaces_are_accepted():
    assert parse_id_number(" 11010519491231002x ").sex == "F"


def test_a_wrong_check_digit_is_refused_with_the_expected_one():
    with pytest.raises(IdNumberError, match="校验位错误（应为X）"):
        parse_id_number("110105194912310021")


def test_a_short_number_is_refused():
    with pytest.raises(IdNumberError, match="应为18位"):
        parse_id_number("4201061980")


def test_letters_in_the_body_are_refused():
    with pytest.raises(IdNumberError, match="前17位必须是数字"):
        parse_id_number("4201061980A5171234")


def test_an_impossible_birth_date_is_refused():
    first17 = "42010619800230123"  # 30 February
    with pytest.raises(IdNumberError, match="出生日期无效"):
        parse_id_number(first17 + check_char(first17))


def test_a_birth_date_in_the_future_is_refused():
    number = make_id_number("420106", dt.date(2030, 1, 1), 123)
    with pytest.raises(IdNumberError, match="合理范围"):
        parse_id_number(number, today=dt.date(2026, 11, 24))


def test_make_id_number_round_trips():
    number = make_id_number("420106", dt.date(1990, 7, 1), 457)
    facts = parse_id_number(number)
    assert facts.birth_date == dt.date(1990, 7, 1) and facts.sex == "M"


def test_id_numbers_are_masked_keeping_province_city_and_last_four():
    assert mask_id_number("420106198005171234", "resident_id") == "420***********1234"


def test_phones_are_masked_keeping_prefix_and_last_four():
    assert mask_phone("13812345678") == "138****5678"


def test_short_values_are_masked_entirely_or_mostly():
    assert mask_phone("12345") == "*****"
    assert mask_id_number("E1234567", "passport") == "E*****67"
    assert mask_id_number("", "passport") == ""


def test_full_width_digits_are_refused():
    with pytest.raises(IdNumberError, match="前17位必须是数字"):
        parse_id_number("１１０１０５１９４９１２３１００２X")


def test_check_char_refuses_anything_but_seventeen_ascii_digits():
    with pytest.raises(ValueError):
        check_char("1101051949123100")
    with pytest.raises(ValueError):
        check_char("１１０１０５１９４９１２３１００２")
