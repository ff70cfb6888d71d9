"""Phone numbers shown in full are tap-to-call (``core/templatetags/phones.py``); masked ones never
carry a number into a link."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

from wangge.core.templatetags.phones import tel
from wangge.core.testing import login

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
# A phone-like variable printed in a template: {{ x.phone }}, {{ t.escort_phone }}, {{ r.phone_masked }}...
PRINTED_PHONE = re.compile(r"\{\{\s*([\w.]*phone[\w.]*)\s*(\|[^}]*)?\}\}")


@pytest.mark.parametrize("number, href", [
    ("13800138000", "tel:13800138000"), ("027-8888 6666", "tel:02788886666"),
    ("+86 138 0013 8000", "tel:+8613800138000"),
])
def test_a_full_number_becomes_a_call_link_showing_it_as_written(number, href):
    assert tel(number) == f'<a href="{href}" class="tel">{number}</a>'


@pytest.mark.parametrize("number", ["138****8000", "", None, "——"])
def test_a_masked_or_blank_number_is_never_linked(number):
    assert "href" not in tel(number)


def test_every_full_number_a_template_prints_goes_through_tel_and_no_masked_one_does():
    unlinked, masked_linked = [], []
    for template in TEMPLATES.rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        for match in PRINTED_PHONE.finditer(text):
            name, filters = match.group(1), match.group(2) or ""
            where = f"{template.relative_to(TEMPLATES)}: {match.group(0)}"
            if name.endswith("_masked"):
                if "tel" in filters or "tel:" in text[max(0, match.start() - 30):match.start()]:
                    masked_linked.append(where)
            elif "|tel" not in filters:
                unlinked.append(where)
    assert unlinked == [] and masked_linked == []


def test_a_revealed_phone_is_tap_to_call_and_a_masked_one_is_not(city, grid_worker):
    resident = city["residents"]["A"]
    client = login(grid_worker)
    detail = client.get(reverse("people:resident_detail", args=[resident.pk])).content.decode()
    assert "tel:" not in detail  # only the masked number is on the page
    revealed = client.post(reverse("people:resident_reveal", args=[resident.pk, "phone"]),
                           {"purpose": "transfer"}, HTTP_HX_REQUEST="true").content.decode()
    assert f'href="tel:{resident.phone}"' in revealed
    masked_part = revealed[revealed.index("<template data-masked>"):]
    assert "tel:" not in masked_part  # the re-masked picker carries no number
