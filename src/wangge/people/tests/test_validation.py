"""people.validation.clean_resident_fields, column by column, with Chinese messages."""

import datetime as dt

import pytest

from wangge.people.idcard import make_id_number
from wangge.people.validation import NAME_MAX, clean_resident_fields

MAN = make_id_number("420106", dt.date(1980, 5, 17), 11)
WOMAN = make_id_number("420106", dt.date(1992, 12, 1), 24)
TAGS = {"elderly_alone": 1, "独居老人": 1, "disabled": 2, "残疾人": 2}


def clean(**raw):
    return clean_resident_fields({"name": "张伟", "id_number": MAN, **raw}, tag_lookup=TAGS)


def test_a_complete_row_is_clean_with_derived_sex_and_birth_date():
    result = clean()
    assert result.errors == {}
    assert result.values["sex"] == "M"
    assert result.values["birth_date"] == dt.date(1980, 5, 17)
    assert result.values["id_type"] == "resident_id"
    assert result.values["relation"] == "head"
    assert result.values["residence_type"] == "registered"


# --- name ----------------------------------------------------------------------------------------


def test_an_empty_name_is_refused():
    assert clean(name="  ").errors["name"] == "姓名不能为空"


def test_a_name_that_is_too_long_is_refused():
    assert clean(name="张" * (NAME_MAX + 1)).errors["name"] == f"姓名不能超过{NAME_MAX}个字"


def test_a_name_is_trimmed():
    assert clean(name=" 张伟 ").values["name"] == "张伟"


# --- id_type and id_number -----------------------------------------------------------------------


@pytest.mark.parametrize(("raw", "code"), [("居民身份证", "resident_id"), ("身份证", "resident_id"),
                                          ("护照", "passport"), ("passport", "passport"),
                                          ("港澳居民来往内地通行证", "hk_macao"), ("其他证件", "other")])
def test_id_types_are_accepted_by_code_or_chinese_name(raw, code):
    result = clean_resident_fields({"name": "A", "id_type": raw, "id_number": "X1234567", "sex": "男"})
    assert result.values["id_type"] == code


def test_an_unknown_id_type_is_refused():
    assert clean(id_type="驾驶证").errors["id_type"] == "证件类型“驾驶证”无效"


def test_an_empty_id_number_is_refused():
    assert clean(id_number="").errors["id_number"] == "证件号码不能为空"


def test_a_bad_check_digit_is_refused_with_the_expected_digit():
    bad = MAN[:17] + ("0" if MAN[17] != "0" else "1")
    assert clean(id_number=bad).errors["id_number"] == f"身份证号码校验位错误（应为{MAN[17]}）"


def test_a_short_resident_id_number_is_refused():
    assert clean(id_number="42010619800517").errors["id_number"] == "身份证号码应为18位，实际为14位"


def test_a_lowercase_x_and_spaces_are_normalised():
    number = next(make_id_number("110101", dt.date(1990, 1, 1), n) for n in range(1000)
                  if make_id_number("110101", dt.date(1990, 1, 1), n).endswith("X"))
    result = clean(id_number=" " + number[:17] + " x")
    assert result.values["id_number"] == number


def test_a_passport_number_is_not_checked_as_a_resident_id():
    result = clean_resident_fields({"name": "John", "id_type": "护照", "id_number": "E12345678", "sex": "M"})
    assert result.errors == {}
    assert result.values["id_number"] == "E12345678"


def test_a_passport_holder_must_give_sex():
    result = clean_resident_fields({"name": "John", "id_type": "护照", "id_number": "E12345678"})
    assert result.errors["sex"] == "非身份证证件必须填写性别"


# --- sex and birth date --------------------------------------------------------------------------


@pytest.mark.parametrize("raw", ["男", "男性", "M", "m", "male"])
def test_sex_is_accepted_in_chinese_or_as_a_code(raw):
    assert clean(sex=raw).values["sex"] == "M"


def test_an_unknown_sex_is_refused():
    assert clean(sex="未知").errors["sex"] == "性别“未知”无效，应为男或女"


def test_sex_contradicting_the_id_number_is_refused():
    assert clean(sex="女").errors["sex"] == "性别与身份证号码不符"
    assert clean(id_number=WOMAN, sex="男").errors["sex"] == "性别与身份证号码不符"


def test_a_birth_date_contradicting_the_id_number_is_refused():
    assert clean(birth_date="1980-05-18").errors["birth_date"] == "出生日期与身份证号码不符"


@pytest.mark.parametrize("raw", ["1980-05-17", "1980/05/17", "1980.05.17", dt.date(1980, 5, 17),
                                 dt.datetime(1980, 5, 17, 0, 0)])
def test_a_matching_birth_date_is_accepted_in_several_forms(raw):
    result = clean(birth_date=raw)
    assert result.errors == {}
    assert result.values["birth_date"] == dt.date(1980, 5, 17)


def test_a_malformed_birth_date_is_refused():
    assert clean(birth_date="五月十七").errors["birth_date"] == "出生日期格式应为 YYYY-MM-DD"


# --- phone ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("raw", "value"), [("13800138000", "13800138000"), ("+86 138 0013 8000", "13800138000"),
                                            (13800138000.0, "13800138000"), ("027-87654321", "027-87654321"),
                                            ("02787654321", "02787654321"), ("", "")])
def test_mobile_and_landline_numbers_are_accepted(raw, value):
    result = clean(phone=raw)
    assert "phone" not in result.errors
    assert result.values["phone"] == value


@pytest.mark.parametrize("raw", ["12345", "1380013800", "23800138000", "138-0013-8000x"])
def test_malformed_phones_are_refused(raw):
    assert clean(phone=raw).errors["phone"] == "手机号应为11位（以1开头）或带区号的固定电话"


# --- relation and residence type ----------------------------------------------------------------


@pytest.mark.parametrize(("raw", "code"), [("户主", "head"), ("本人", "head"), ("配偶", "spouse"), ("妻子", "spouse"),
                                          ("儿子", "child"), ("母亲", "parent"), ("租客", "tenant"),
                                          ("spouse", "spouse"), ("", "head")])
def test_relations_are_accepted_by_chinese_label_or_code(raw, code):
    assert clean(relation=raw).values["relation"] == code


def test_an_unknown_relation_is_refused():
    assert clean(relation="邻居").errors["relation"] == "与户主关系“邻居”无效"


@pytest.mark.parametrize(("raw", "code"), [("户籍", "registered"), ("常住人口", "permanent"), ("流动", "floating"),
                                          ("floating", "floating"), ("", "registered")])
def test_residence_types_are_accepted_by_chinese_label_or_code(raw, code):
    assert clean(residence_type=raw).values["residence_type"] == code


def test_an_unknown_residence_type_is_refused():
    assert clean(residence_type="暂住").errors["residence_type"] == "人口类型“暂住”无效"


# --- tags and note -------------------------------------------------------------------------------


def test_tags_are_accepted_by_name_or_code_in_a_list_or_a_string():
    assert clean(tags="独居老人、disabled").values["tags"] == [1, 2]
    assert clean(tags=["残疾人", "elderly_alone"]).values["tags"] == [1, 2]
    assert clean(tags="独居老人，独居老人").values["tags"] == [1]


def test_an_unknown_tag_is_refused():
    assert clean(tags="独居老人、高收入").errors["tags"] == "未知的重点人群标签：高收入"


def test_a_note_that_is_too_long_is_refused():
    assert clean(note="备" * 501).errors["note"] == "备注不能超过500个字"


# --- partial (update) ----------------------------------------------------------------------------


def test_a_partial_clean_leaves_absent_fields_alone():
    result = clean_resident_fields({"phone": "13900000000"}, partial=True)
    assert result.errors == {}
    assert result.values == {"phone": "13900000000"}


def test_a_bad_id_card_number_is_reported_once_and_not_as_a_missing_sex():
    from wangge.people.validation import clean_resident_fields

    clean = clean_resident_fields({"name": "张三", "id_number": "110105194912310021"})
    assert set(clean.errors) == {"id_number"}


def test_an_id_number_with_a_control_character_is_refused():
    from wangge.people.validation import clean_resident_fields

    clean = clean_resident_fields({"name": "张三", "id_type": "passport", "id_number": "E123\x1f45", "sex": "男"})
    assert clean.errors["id_number"] == "证件号码含有不可见的控制字符，请检查"
