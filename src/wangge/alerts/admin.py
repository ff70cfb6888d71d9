from django.contrib import admin

from wangge.alerts.models import Alert
from wangge.audit.admin import AuditedModelAdmin


@admin.register(Alert)
class AlertAdmin(AuditedModelAdmin):
    list_display = ("title", "kind", "role", "grid_code", "created_at", "resolved_at")
    list_filter = ("kind", "role")
    search_fields = ("title", "dedupe_key", "grid_code")
