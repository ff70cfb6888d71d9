"""The audit log's filter bar: who, what, which record, when, why a field was revealed.  Rendering
only: ``AuditFilters`` (the selector's declaration) validates."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from wangge.audit.models import AuditAction, RevealPurpose
from wangge.audit.selectors import AuditFilters
from wangge.audit.words import object_type_choices
from wangge.core import forms as core_forms
from wangge.core.filters import FilterForm


class AuditSearchForm(FilterForm):
    declaration = AuditFilters

    actor_username = forms.CharField(label=_("账号"), required=False, max_length=150)
    action = forms.ChoiceField(label=_("动作"), required=False, choices=[("", _("全部"))] + list(AuditAction.choices))
    object_type = forms.ChoiceField(label=_("对象类型"), required=False, choices=())
    # Never typed: set by a row's "此对象的全部记录" link and shown as a removable condition.
    object_id = forms.CharField(label=_("对象编号"), required=False, max_length=64, widget=forms.HiddenInput)
    since = core_forms.DateField(label=_("起始日期"), required=False, widget=core_forms.DateInput())
    until = core_forms.DateField(label=_("截止日期"), required=False, widget=core_forms.DateInput())
    purpose = forms.ChoiceField(
        label=_("用途"), required=False, choices=[("", _("全部"))] + list(RevealPurpose.choices),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The types in words, grouped by app (the stored code is the value the filter takes).
        self.fields["object_type"].choices = [("", _("全部")), *object_type_choices()]
