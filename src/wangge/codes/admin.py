from django.contrib import admin

from wangge.audit.admin import AuditedModelAdmin
from wangge.codes.models import HealthCode, PaperCode, Revocation

# The signing keys are not in the admin: their private halves never leave the codes app.


@admin.register(HealthCode)
class HealthCodeAdmin(AuditedModelAdmin):
    list_display = ("ref", "colour", "grid_code", "coloured_at")
    list_filter = ("colour",)
    search_fields = ("ref", "grid_code")
    raw_id_fields = ("resident",)


@admin.register(PaperCode)
class PaperCodeAdmin(AuditedModelAdmin):
    list_display = ("resident", "grid_code", "issued_at", "revoked_at")
    raw_id_fields = ("resident", "issued_by")
    exclude = ("code",)


@admin.register(Revocation)
class RevocationAdmin(AuditedModelAdmin):
    list_display = ("ref", "colour", "at")
    search_fields = ("ref",)
