from django.contrib import admin

from wangge.audit.admin import AuditedModelAdmin
from wangge.quarantine.models import Regime, Room, Site


@admin.register(Regime)
class RegimeAdmin(AuditedModelAdmin):
    """Regimes are data: a city adds its own edition here; orders keep the regime they were made under."""

    list_display = ("code", "name", "central_days", "home_days", "central_test_days", "home_test_days", "is_active")


class RoomInline(admin.TabularInline):
    model = Room
    fields = ("number", "capacity", "is_active")
    extra = 0


@admin.register(Site)
class SiteAdmin(AuditedModelAdmin):
    list_display = ("name", "grid_code", "address", "is_active")
    search_fields = ("name",)
    inlines = [RoomInline]
