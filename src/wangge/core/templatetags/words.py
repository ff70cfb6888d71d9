"""``words``: stored words (symptoms, answers kept as the Chinese the form sent) in the user's
language.  The words are msgids marked where they are defined (``gettext_noop``), so a list of
them reads "发热、干咳" in Chinese and "Fever, Dry cough" in English."""

from django import template
from django.utils.translation import get_language, gettext

register = template.Library()


@register.filter
def word(value) -> str:
    """One stored word (a campaign's question, a preset's name) in the user's language; text a
    user wrote that is no msgid stays as written."""
    text = "" if value is None else str(value)
    return gettext(text) if text else ""


@register.filter
def words(values) -> str:
    if not values:
        return ""
    separator = "、" if (get_language() or "zh-hans").startswith("zh") else ", "
    return separator.join(gettext(str(v)) for v in values)
