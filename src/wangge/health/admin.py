"""Admin of the four categories: read-mostly; status changes go through health.services.status_change."""

from django.contrib import admin

from wangge.audit.admin import AuditedModelAdmin
from wangge.health.models import HealthReport, PersonStatus, StatusTransition


@admin.register(PersonStatus)
class PersonStatusAdmin(AuditedModelAdmin):
    list_display = ["resident", "status", "severity", "since", "isolated_at", "admitted_at", "seen_by_doctor_at"]
    list_filter = ["status", "severity"]
    raw_id_fields = ["resident"]
    # The status itself changes only through status_change (transitions are data, and recorded).
    readonly_fields = ["resident", "grid_code", "status", "severity", "since"]


@admin.register(StatusTransition)
class StatusTransitionAdmin(AuditedModelAdmin):
    list_display = ["resident", "from_status", "to_status", "at", "by", "reason"]
    list_filter = ["to_status"]
    raw_id_fields = ["resident", "by"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(HealthReport)
class HealthReportAdmin(AuditedModelAdmin):
    list_display = ["resident", "date", "slot", "temperature", "source", "reported_by"]
    list_filter = ["slot", "source", "date"]
    raw_id_fields = ["resident", "reported_by"]
