"""English through Django's i18n: the language switch, the pages in English, and a complete catalogue.

The interface is Simplified Chinese first; the source strings are Chinese and the English catalogue
(locale/en/LC_MESSAGES) translates them.  The compiled .mo is committed, so the tests also check that
it says what the .po says.
"""

import ast
import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from wangge.core.testing import login
from wangge.core.testing.factories import TEST_PASSWORD

LOGIN = reverse("accounts:login")
SET_LANGUAGE = reverse("set_language")
LOCALE_DIR = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES"
PO_FILE = LOCALE_DIR / "django.po"
MO_FILE = LOCALE_DIR / "django.mo"
TEMPLATES_DIR = Path(settings.BASE_DIR) / "templates"
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|\{(\w+)\}")


def english_client() -> Client:
    client = Client()
    response = client.post(SET_LANGUAGE, {"language": "en", "next": LOGIN})
    assert response.status_code == 302
    return client


def logged_in_in_english(user) -> Client:
    client = english_client()
    assert client.post(LOGIN, {"username": user.username, "password": TEST_PASSWORD}).status_code == 302
    return client


def page(client: Client, url: str) -> str:
    response = client.get(url, follow=True)
    assert response.status_code == 200
    return response.content.decode()


# --- Choosing the language ------------------------------------------------------------------


def test_the_login_page_is_chinese_by_default(db):
    html = page(Client(), LOGIN)
    assert '<html lang="zh-hans">' in html
    assert "用户名" in html and "密码" in html and "社区网格化疫情防控平台" in html
    assert "Username" not in html


def test_choosing_english_in_the_footer_switch_shows_the_login_page_in_english(db):
    html = page(english_client(), LOGIN)
    assert '<html lang="en">' in html
    assert "Username" in html and "Password" in html and "Log in" in html
    assert "Community grid platform for epidemic prevention and control" in html
    assert "用户名" not in html and "密码" not in html and "社区网格化疫情防控平台" not in html


def test_choosing_english_remembers_it_in_the_language_cookie(db):
    client = english_client()
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"


def test_the_language_cookie_alone_selects_english(db):
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = page(client, LOGIN)
    assert "Username" in html and "用户名" not in html


def test_a_browser_asking_for_english_gets_english(db):
    html = Client(HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9").get(LOGIN).content.decode()
    assert "Username" in html and "用户名" not in html


def test_a_browser_asking_for_chinese_gets_chinese(db):
    html = Client(HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9").get(LOGIN).content.decode()
    assert "用户名" in html and "Username" not in html


def test_a_wrong_password_is_reported_in_english_when_english_is_chosen(grid_worker):
    response = english_client().post(LOGIN, {"username": "gw_a", "password": "wrong-password-1"})
    html = response.content.decode()
    assert "Wrong username or password" in html
    assert "用户名或密码错误" not in html


def test_switching_back_to_chinese_shows_chinese_again(db):
    client = english_client()
    client.post(SET_LANGUAGE, {"language": "zh-hans", "next": LOGIN})
    html = page(client, LOGIN)
    assert "用户名" in html and "Username" not in html


# --- Pages a grid worker uses, in English ---------------------------------------------------


def test_a_grid_workers_home_grid_page_is_in_english(city, grid_worker):
    # The grid overview sends a grid worker to their grid.
    html = page(logged_in_in_english(grid_worker), reverse("core:overview"))
    for english in ("Home", "Residents", "Log out", "Buildings", "Households", "Responsible people",
                    "Residents in this grid", "Address"):
        assert english in html, english
    for chinese in ("首页", "退出", "楼栋", "责任人", "查看本网格居民", "户数", "人数"):
        assert chinese not in html, chinese


def test_an_area_page_is_in_english(city, grid_worker):
    html = page(logged_in_in_english(grid_worker), reverse("grid:area", args=["420106000000"]))
    assert "District" in html  # the division level
    assert "Sub-areas" in html and "Grids" in html and "Residents in this area" in html
    for chinese in ("下级区域", "查看本区域居民", "区县", "楼栋", "户数", "人数"):
        assert chinese not in html, chinese


def test_the_resident_list_is_in_english(city, grid_worker):
    html = page(logged_in_in_english(grid_worker), reverse("people:resident_list"))
    for english in ("Residents", "Search", "Filters", "Key groups", "Residence type", "ID number", "Mobile",
                    "Export to Excel", "Registered"):
        assert english in html, english
    for chinese in ("搜索", "筛选", "重点人群", "人口类型", "证件号码", "手机号", "导出 Excel", "户籍"):
        assert chinese not in html, chinese
    # Names are data, not interface: they stay as entered.
    assert "张伟" in html


def test_the_resident_list_stays_in_chinese_by_default(city, grid_worker):
    client = login(grid_worker)
    html = page(client, reverse("people:resident_list"))
    assert "证件号码" in html and "人口类型" in html
    assert "ID number" not in html and "Residence type" not in html


# --- The catalogue --------------------------------------------------------------------------


@dataclass
class Entry:
    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0


def read_po(path: Path) -> list[Entry]:
    """A small .po reader: enough for the catalogue makemessages writes (no obsolete entries kept)."""
    entries: list[Entry] = []
    entry, current = Entry(), None
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            if current is not None:
                entries.append(entry)
            entry, current = Entry(), None
            continue
        if line.startswith("#,"):
            entry.flags |= {flag.strip() for flag in line[2:].split(",")}
            continue
        if line.startswith("#"):
            continue
        keyword, _, rest = line.partition(" ")
        if keyword.startswith('"'):
            keyword, rest = current, line
        text = ast.literal_eval(rest)
        if keyword == "msgid":
            entry.line = number
            entry.msgid = text if current != "msgid" else entry.msgid + text
        elif keyword == "msgctxt":
            entry.msgctxt = (entry.msgctxt or "") + text
        elif keyword == "msgid_plural":
            entry.msgid_plural = (entry.msgid_plural or "") + text
        elif keyword.startswith("msgstr"):
            index = int(keyword[7:-1]) if keyword.startswith("msgstr[") else 0
            entry.msgstr[index] = entry.msgstr.get(index, "") + text
        else:
            raise AssertionError(f"{path}:{number}: unexpected line {raw!r}")
        current = keyword
    if current is not None:
        entries.append(entry)
    return entries


@pytest.fixture(scope="module")
def po_entries() -> list[Entry]:
    entries = read_po(PO_FILE)
    assert entries[0].msgid == "", "the first entry is the header"
    return entries


def messages(entries: list[Entry]) -> list[Entry]:
    return [e for e in entries if e.msgid]


def test_the_catalogue_has_messages(po_entries):
    assert len(messages(po_entries)) > 200


def test_every_message_has_an_english_translation(po_entries):
    untranslated = [e.msgid for e in messages(po_entries) if not all(e.msgstr.values()) or not e.msgstr]
    assert untranslated == []


def test_plural_messages_have_both_english_forms(po_entries):
    plurals = [e for e in messages(po_entries) if e.msgid_plural is not None]
    assert plurals
    for e in plurals:
        assert sorted(e.msgstr) == [0, 1] and all(e.msgstr.values()), e.msgid


def test_no_entry_and_not_the_header_is_fuzzy(po_entries):
    assert [e.msgid for e in po_entries if "fuzzy" in e.flags] == []


def test_the_header_says_english_utf8(po_entries):
    header = po_entries[0].msgstr[0]
    assert "Language: en\n" in header
    assert "charset=UTF-8" in header


def test_translations_keep_every_placeholder(po_entries):
    for e in messages(po_entries):
        wanted = sorted(PLACEHOLDER.findall(e.msgid))
        for text in e.msgstr.values():
            assert sorted(PLACEHOLDER.findall(text)) == wanted, e.msgid


def test_no_translation_is_left_in_chinese(po_entries):
    # "简体中文" is the Chinese option's own name in the language switch and stays as it is.
    han = re.compile(r"[\u4e00-\u9fff]")
    leftovers = [e.msgid for e in messages(po_entries)
                 if e.msgid != "简体中文" and any(han.search(t) for t in e.msgstr.values())]
    assert leftovers == []


def test_the_compiled_catalogue_matches_the_po_file(po_entries):
    with MO_FILE.open("rb") as fp:
        compiled = gettext.GNUTranslations(fp)
    stale = []
    for e in messages(po_entries):
        if e.msgid_plural is not None:
            got = [compiled.npgettext(e.msgctxt, e.msgid, e.msgid_plural, n) if e.msgctxt
                   else compiled.ngettext(e.msgid, e.msgid_plural, n) for n in (1, 2)]
            want = [e.msgstr[0], e.msgstr[1]]
        else:
            got = compiled.pgettext(e.msgctxt, e.msgid) if e.msgctxt else compiled.gettext(e.msgid)
            want = e.msgstr[0]
        if got != want:
            stale.append(e.msgid)
    assert stale == [], "run `wangge compilemessages -l en` from src/wangge and commit the .mo"


TEMPLATE_LITERAL = re.compile(r"""{%\s*(?:translate|trans)\s+(["'])(.+?)\1(?:\s+context\s+(["'])(.+?)\3)?""")


def test_every_literal_translate_tag_in_the_templates_is_in_the_catalogue(po_entries):
    known = {(e.msgctxt, e.msgid) for e in messages(po_entries)}
    missing = []
    for template in sorted(TEMPLATES_DIR.rglob("*.html")):
        for match in TEMPLATE_LITERAL.finditer(template.read_text(encoding="utf-8")):
            key = (match.group(4), match.group(2))
            if key not in known:
                missing.append(f"{template.relative_to(TEMPLATES_DIR)}: {key[1]}")
    assert missing == [], (
        "new interface strings: from src/wangge run `wangge makemessages -l en --ignore 'static/*'`, "
        "translate them in locale/en/LC_MESSAGES/django.po, then `wangge compilemessages -l en`"
    )


def test_gap_lists_and_symptoms_are_in_english(city, street_officer, grid_worker, actor):
    from django.utils import timezone

    from wangge.core.testing.factories import put_in
    from wangge.health.models import EpidemicStatus
    from wangge.health.services import health_report_record

    put_in(city["residents"]["A"], EpidemicStatus.CLOSE_CONTACT)
    health_report_record(actor=actor(grid_worker), resident_id=city["residents"]["A"].pk,
                         date=timezone.localdate(), slot="am", temperature="36.5", symptoms=["干咳", "乏力"])
    html = page(logged_in_in_english(street_officer), reverse("health:gaps"))
    for english in ("Confirmed, not admitted", "Close contacts not quarantined", "Fever, not seen by a doctor",
                    "PCR test overdue", "Risk reports to check"):
        assert english in html, english
    for chinese in ("确诊未收治", "密接未隔离", "发热未就诊"):
        assert chinese not in html, chinese
    html = page(logged_in_in_english(street_officer), reverse("health:monitoring"))
    assert "Dry cough, Fatigue" in html and 'value="干咳"> Dry cough' in html  # stored word, shown in English
    html = page(logged_in_in_english(street_officer), reverse("health:person", args=[city["residents"]["A"].pk]))
    assert "Dry cough, Fatigue" in html


@pytest.mark.parametrize("accept", ["zh-CN,zh;q=0.9", "en-GB,en;q=0.9"])
def test_the_language_menu_names_each_language_in_its_own_script_whatever_the_interface(db, accept):
    html = Client(HTTP_ACCEPT_LANGUAGE=accept).get(LOGIN).content.decode()
    options = dict(re.findall(r'<option value="([a-z-]+)" lang="[a-z-]+"[^>]*>([^<]+)</option>', html))
    assert options == {"zh-hans": "简体中文", "en": "English"}
