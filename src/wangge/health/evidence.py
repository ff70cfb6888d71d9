"""What a status change rests on, in words.

A transition's ``evidence`` is data: what a person typed on the status form (a test result, a
diagnosis, a hospital, a note) and what the app that made the change recorded (the screening visit,
the monitoring report, the investigation, the quarantine test, with the temperature and symptoms
found).  Pages show it through ``evidence_in_words``, never as the stored values: ids say nothing to
a reader, so a record's id becomes where the change came from.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# What the status form asks for, in its order (health.views and the API take the same keys).
EVIDENCE_FIELDS = [
    ("test_result", gettext_lazy("检测结果")), ("diagnosis", gettext_lazy("诊断意见")),
    ("hospital", gettext_lazy("医疗机构")), ("note", gettext_lazy("其他依据")),
]

# A record's id in the evidence -> where the change came from (one line for a record kept with others).
SOURCES = {
    "visit_id": gettext_lazy("入户排查发现"),
    "health_report_id": gettext_lazy("健康监测发现"),
    "investigation_id": gettext_lazy("流调判定"),
    "quarantine_test_id": gettext_lazy("隔离期核酸检测"),
}
# Ids that only go with one of the above and add nothing a reader could use.
COMPANION_IDS = {"contact_id", "quarantine_order_id"}


def _text(value: Any) -> str:
    if isinstance(value, list | tuple):
        return "、".join(str(v) for v in value)
    return str(value)


def evidence_in_words(evidence: dict | None) -> str:
    """``{"visit_id": 51186, "temperature": "38.6", "symptoms": ["发热"]}`` ->
    "入户排查发现：体温 38.6℃，症状：发热"; typed fields keep their label ("检测结果：阳性")."""
    if not evidence:
        return ""
    labels = dict(EVIDENCE_FIELDS)
    sources, parts = [], []
    # In one order, whatever the database kept: PostgreSQL's jsonb sorts an object's keys its own way.
    order = {key: i for i, key in enumerate(["temperature", "symptoms", *labels])}
    for key, value in sorted(evidence.items(), key=lambda item: (order.get(item[0], len(order)), item[0])):
        if value in (None, "", [], {}) or key in COMPANION_IDS:
            continue
        if key in SOURCES:
            sources.append(str(SOURCES[key]))
        elif key == "temperature":
            parts.append(_("体温 %(t)s℃") % {"t": value})
        elif key == "symptoms":
            parts.append(_("症状：%(s)s") % {"s": _text(value)})
        elif key in labels:
            parts.append(_("%(label)s：%(value)s") % {"label": labels[key], "value": _text(value)})
        elif not key.endswith("_id"):  # a key sent through the API: its value, as before
            parts.append(_text(value))
    words = "，".join(parts)
    source = "、".join(sources)
    if source and words:
        return _("%(source)s：%(words)s") % {"source": source, "words": words}
    return source or words
