"""Regime presets (names and descriptions stored in Chinese) are English in the English interface;
the order form's start date is today in Asia/Shanghai, in both languages."""

import datetime as dt
import re
from unittest import mock

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from wangge.core.testing import login
from wangge.quarantine.tests.orders import make_order

CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


def in_english(user):
    client = login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def regime_options(html: str) -> list[str]:
    select = re.search(r'<select name="regime_code"[^>]*>(.*?)</select>', html, re.S).group(1)
    return re.findall(r"<option[^>]*>(.*?)</option>", select, re.S)


def test_the_regime_choices_of_the_order_form_are_english_in_english(city, street_officer):
    html = in_english(street_officer).get(reverse("quarantine:order_new")).content.decode()
    options = regime_options(html)
    assert len(options) >= 4
    assert any("7 days centralised (tests on days 1, 2, 3, 5 and 7)" in o for o in options)
    assert [o for o in options if CJK.search(o)] == []


def test_the_regime_choices_stay_chinese_in_chinese(city, street_officer):
    html = login(street_officer).get(reverse("quarantine:order_new")).content.decode()
    assert any("集中隔离7天" in o for o in regime_options(html))


def test_the_order_page_and_list_show_the_regime_in_english(city, street_officer, actor):
    order = make_order(actor, street_officer, city["residents"]["A"])
    client = in_english(street_officer)
    html = client.get(reverse("quarantine:order_detail", args=[order.pk])).content.decode()
    regime = re.search(r"<dt>Quarantine regime</dt><dd>(.*?)</dd>", html, re.S).group(1)
    assert "3 days of home quarantine" in regime
    assert not CJK.search(regime)


def test_a_regime_a_user_wrote_keeps_its_words(city, street_officer, actor):
    order = make_order(actor, street_officer, city["residents"]["A"])
    order.regime.description = "本区自定方案"
    order.regime.save()
    html = in_english(street_officer).get(reverse("quarantine:order_detail", args=[order.pk])).content.decode()
    assert "本区自定方案" in html


def test_the_order_forms_start_date_is_today_in_shanghai(city, street_officer):
    # 2026-03-01 17:30 UTC is already 2026-03-02 in Shanghai.
    late_utc = dt.datetime(2026, 3, 1, 17, 30, tzinfo=dt.UTC)
    with mock.patch.object(timezone, "now", return_value=late_utc):
        for client in (login(street_officer), in_english(street_officer)):
            html = client.get(reverse("quarantine:order_new")).content.decode()
            field = re.search(r'<input type="date" name="start_date"[^>]*>', html).group(0)
            assert 'value="2026-03-02"' in field, field
