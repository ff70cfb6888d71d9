"""A status change's evidence is shown in words, never as the stored ids and lists."""

import pytest
from django.urls import reverse
from django.utils import translation

from wangge.core.testing import login
from wangge.health.evidence import evidence_in_words
from wangge.health.services import status_change


@pytest.mark.parametrize("evidence, words", [
    ({"visit_id": 51186, "temperature": "38.6", "symptoms": ["发热"]}, "入户排查发现：体温 38.6℃，症状：发热"),
    ({"health_report_id": 7, "temperature": "37.9", "symptoms": ["干咳", "乏力"]},
     "健康监测发现：体温 37.9℃，症状：干咳、乏力"),
    ({"visit_id": 3, "temperature": None, "symptoms": ["咽痛"]}, "入户排查发现：症状：咽痛"),
    ({"investigation_id": 3, "contact_id": 15}, "流调判定"),
    ({"quarantine_test_id": 4, "quarantine_order_id": 9}, "隔离期核酸检测"),
    ({"test_result": "阳性 Ct 28", "hospital": "金银潭医院"}, "检测结果：阳性 Ct 28，医疗机构：金银潭医院"),
    ({}, ""),
])
def test_evidence_is_said_in_words(evidence, words):
    with translation.override("zh-hans"):
        assert evidence_in_words(evidence) == words


@pytest.mark.parametrize("evidence", [
    {"visit_id": 51186, "temperature": "38.6", "symptoms": ["发热"]}, {"investigation_id": 3, "contact_id": 15},
])
def test_no_id_or_list_syntax_is_left_in_the_words(evidence):
    words = evidence_in_words(evidence)
    assert not any(ch.isdigit() for ch in words.replace("38.6", "")) and "[" not in words and "'" not in words


def test_the_person_page_shows_a_leads_evidence_in_words(city, cdc, actor):
    resident = city["residents"]["A"]
    status_change(actor=actor(cdc), resident_id=resident.pk, to_status="fever", reason="入户排查发现发热",
                  evidence={"visit_id": 51186, "temperature": "38.6", "symptoms": ["发热"]})
    page = login(cdc).get(reverse("health:person", args=[resident.pk])).content.decode()
    assert "入户排查发现：体温 38.6℃，症状：发热" in page
    assert "51186" not in page and "[&#x27;发热&#x27;]" not in page
