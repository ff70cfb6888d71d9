from django.contrib import admin

from wangge.audit.admin import AuditedModelAdmin
from wangge.screening.models import Campaign, DeclarationLink, SelfDeclaration, Visit


@admin.register(Campaign)
class CampaignAdmin(AuditedModelAdmin):
    list_display = ["name", "grid_code", "start_date", "end_date", "frequency", "is_active"]
    list_filter = ["frequency", "is_active"]
    search_fields = ["name", "grid_code"]


@admin.register(Visit)
class VisitAdmin(AuditedModelAdmin):
    list_display = ["campaign", "household", "date", "outcome", "visited_by"]
    list_filter = ["outcome", "date"]
    raw_id_fields = ["campaign", "household", "visited_by"]


@admin.register(DeclarationLink)
class DeclarationLinkAdmin(AuditedModelAdmin):
    list_display = ["household", "grid_code", "created_at", "revoked"]
    raw_id_fields = ["household"]
    exclude = ["token"]


@admin.register(SelfDeclaration)
class SelfDeclarationAdmin(AuditedModelAdmin):
    list_display = ["resident", "date", "temperature", "travel_risk_area", "contact_case"]
    list_filter = ["date"]
    raw_id_fields = ["resident", "household"]
