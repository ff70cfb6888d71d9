"""``{{ number|tel }}``: a phone number shown in full, as a link that calls it on a phone.

Only for numbers the page may show in full (a site's, a facility's, an escort's, a duty officer's,
a resident's just revealed).  A masked number is never linked: its ``tel:`` would have to carry the
plain number, which is what the mask hides; it is called after a reveal, which the audit records.
"""

import re

from django import template
from django.utils.html import format_html

register = template.Library()

# What a dialler keeps: digits, a leading +, and the pause/extension marks (, ;).
_NOT_DIALLED = re.compile(r"[^0-9+,;]")


@register.filter
def tel(number) -> str:
    text = str(number or "").strip()
    dialled = _NOT_DIALLED.sub("", text)
    if not dialled or "*" in text:  # blank, or masked ("138****0000"): as it is, unlinked
        return text
    return format_html('<a href="tel:{}" class="tel">{}</a>', dialled, text)
