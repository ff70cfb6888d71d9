"""The visit form's questions (stored in Chinese per campaign), the campaign form and the
declaration link's message are English in the English interface."""

import re

from django.conf import settings
from django.urls import reverse

from wangge.core.testing import login
from wangge.screening.models import DEFAULT_QUESTIONS
from wangge.screening.services import declaration_link_for

CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
QUESTION_LABELS = re.compile(r'<label class="question">(.*?)</label>|<label>([^<]*)<input type="text" name="q_', re.S)


def in_english(user):
    client = login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def question_labels(html: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", a or b).strip() for a, b in QUESTION_LABELS.findall(html)]


def test_the_default_questions_of_the_visit_form_are_english_in_english(campaign, city, grid_worker):
    household = city["residents"]["A"].household_id
    html = in_english(grid_worker).get(reverse("screening:visit", args=[campaign.pk, household])).content.decode()
    labels = question_labels(html)
    assert len(labels) >= len(DEFAULT_QUESTIONS)
    assert "Visited a medium- or high-risk area in the last 14 days?" in labels
    assert [label for label in labels if CJK.search(label)] == []


def test_the_default_questions_stay_chinese_in_chinese(campaign, city, grid_worker):
    household = city["residents"]["A"].household_id
    html = login(grid_worker).get(reverse("screening:visit", args=[campaign.pk, household])).content.decode()
    assert "14天内是否到过中高风险地区" in question_labels(html)


def test_a_question_a_campaign_wrote_itself_is_shown_as_written(campaign, city, grid_worker):
    campaign.questions = [{"key": "pets", "label": "家里是否养宠物", "type": "bool"}]
    campaign.save()
    household = city["residents"]["A"].household_id
    html = in_english(grid_worker).get(reverse("screening:visit", args=[campaign.pk, household])).content.decode()
    assert "家里是否养宠物" in question_labels(html)


def test_the_campaign_form_labels_are_english_in_english(city, street_officer):
    html = in_english(street_officer).get(reverse("screening:campaign_new")).content.decode()
    labels = [re.sub(r"<[^>]+>", "", label).strip() for label in re.findall(r"<label[^>]*>(.*?)</label>", html, re.S)]
    assert "Area screened (12-digit division code or 15-digit grid code)" in " ".join(labels)
    assert [label for label in labels if CJK.search(label)] == []


def test_switching_off_a_declaration_link_says_so_in_english(city, grid_worker, actor):
    household = city["households"]["A"][0]
    declaration_link_for(actor=actor(grid_worker), household_id=household.pk)
    client = in_english(grid_worker)
    response = client.post(
        reverse("screening:declaration_link", args=[household.pk]), {"action": "revoke"}, follow=True
    )
    html = response.content.decode()
    assert (
        "The household&#x27;s declaration link is switched off" in html
        or "The household's declaration link is switched off" in html
    )
    assert "已停用该户的申报链接" not in html
