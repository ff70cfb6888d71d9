"""The audit log's search form: who, what, which record, when."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wangge.audit.models import AuditAction
from wangge.core import forms as core_forms


class AuditSearchForm(forms.Form):
    actor_username = forms.CharField(label=_("账号"), required=False, max_length=150)
    action = forms.ChoiceField(label=_("动作"), required=False, choices=[("", _("全部"))] + list(AuditAction.choices))
    object_type = forms.CharField(
        label=_("对象类型"), required=False, max_length=50,
        widget=forms.TextInput(attrs={"placeholder": "people.resident"}),
    )
    object_id = forms.CharField(label=_("对象编号"), required=False, max_length=64)
    since = core_forms.DateField(label=_("起始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = core_forms.DateField(label=_("截止日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def selector_kwargs(self) -> dict:
        """Arguments for ``audit_entry_list``; dates are whole days in the site's time zone."""
        # Fields that fail validation are left out; the others still narrow the log.
        data = {}
        if self.is_bound:
            self.is_valid()
            data = self.cleaned_data
        tz = timezone.get_current_timezone()
        kwargs = {k: data.get(k, "").strip() for k in ("actor_username", "action", "object_type", "object_id")}
        if data.get("since"):
            kwargs["since"] = dt.datetime.combine(data["since"], dt.time.min, tzinfo=tz)
        if data.get("until"):
            kwargs["until"] = dt.datetime.combine(data["until"] + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
        return kwargs
