from django.contrib import admin
from django.forms.models import model_to_dict

from wangge.audit import services as audit
from wangge.audit.context import Actor
from wangge.audit.models import AuditAction, AuditEntry

# Never copied into the log: a password hash is a secret even when hashed.
NOT_LOGGED = {"password"}


def _loggable(obj) -> dict:
    return {k: audit.plain(v) for k, v in model_to_dict(obj).items() if k not in NOT_LOGGED}


class AuditedModelAdmin(admin.ModelAdmin):
    """Admin changes go through the same audit mechanism as the rest of the platform."""

    def save_model(self, request, obj, form, change):
        before = {}
        if change and obj.pk:
            before = _loggable(type(obj).objects.get(pk=obj.pk))
        super().save_model(request, obj, form, change)
        after = _loggable(obj)
        audit.record(
            actor=Actor.from_request(request, channel="admin"),
            action=AuditAction.UPDATE if change else AuditAction.CREATE,
            obj=obj,
            changes=audit.diff(before, after),
        )

    def delete_model(self, request, obj):
        audit.record(actor=Actor.from_request(request, channel="admin"), action=AuditAction.DELETE, obj=obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("at", "actor_username", "action", "object_type", "object_repr", "field", "ip_address", "channel")
    list_filter = ("action", "channel", "object_type")
    search_fields = ("actor_username", "object_id", "object_repr")
    date_hierarchy = "at"
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
