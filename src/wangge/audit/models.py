"""The audit log (依法): who did what to whose data, when, from where.  Append-only."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wangge.core.codes import GRID_CODE_LENGTH
from wangge.core.scoping import ScopedManager, ScopedQuerySet


class AuditAction(models.TextChoices):
    VIEW = "view", _("查看")
    REVEAL = "reveal", _("显示明文")
    # A reveal refused (role, or a record out of reach or missing): the auditor sees the probing.
    REVEAL_REFUSED = "reveal_refused", _("拒绝显示明文")
    EXPORT = "export", _("导出")
    CREATE = "create", _("新增")
    UPDATE = "update", _("修改")
    DELETE = "delete", _("删除")
    MOVE = "move", _("迁户")
    IMPORT = "import", _("导入")
    LOGIN = "login", _("登录")
    LOGIN_FAILED = "login_failed", _("登录失败")
    LOGOUT = "logout", _("退出")
    TOKEN = "token", _("签发令牌")


class RevealPurpose(models.TextChoices):
    """Why a masked ID number or phone is revealed: asked at every reveal, kept in its entry's
    ``changes`` (``purpose``, and ``purpose_note``), and the audit log filters by it."""

    TRACING = "tracing", _("流调核实")
    TRANSFER = "transfer", _("转运联系")
    NAT = "nat", _("核酸登记")
    OTHER = "other", _("其他")


# "其他" is explained in a note of at most this many characters.
REVEAL_NOTE_MAX_LENGTH = 100
# The actions whose entries carry a reveal's purpose.
REVEAL_ACTIONS = (AuditAction.REVEAL, AuditAction.REVEAL_REFUSED)


class AuditLogIsAppendOnly(Exception):
    pass


class AuditEntryQuerySet(ScopedQuerySet):
    def update(self, **kwargs):
        raise AuditLogIsAppendOnly("审计日志不可修改")

    def delete(self):
        raise AuditLogIsAppendOnly("审计日志不可删除")


class AuditEntry(models.Model):
    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True,
        on_delete=models.DO_NOTHING, related_name="+", db_constraint=False,
    )
    # Kept as text as well: the log must still read right after an account is renamed or removed.
    actor_username = models.CharField(_("账号"), max_length=150, db_index=True)
    ip_address = models.GenericIPAddressField(_("来源地址"), null=True, blank=True)
    user_agent = models.CharField(_("客户端"), max_length=300, blank=True)
    channel = models.CharField(_("渠道"), max_length=10, default="web")  # web, api, cli, task
    action = models.CharField(_("动作"), max_length=20, choices=AuditAction.choices, db_index=True)
    object_type = models.CharField(_("对象类型"), max_length=50, db_index=True)
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True, db_index=True)
    object_repr = models.CharField(_("对象"), max_length=200, blank=True)
    # Scope of the record touched, so a street's auditor reads only their street's log.
    grid_code = models.CharField(_("网格代码"), max_length=GRID_CODE_LENGTH, blank=True, db_index=True)
    field = models.CharField(_("字段"), max_length=50, blank=True)
    # For changes: {"field": [before, after], ...}; for exports: the filters and row count.
    changes = models.JSONField(_("变更"), default=dict, blank=True)
    note = models.CharField(_("说明"), max_length=500, blank=True)

    objects = ScopedManager.from_queryset(AuditEntryQuerySet)()

    class Meta:
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_username} {self.get_action_display()} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AuditLogIsAppendOnly("审计日志不可修改")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditLogIsAppendOnly("审计日志不可删除")

    @property
    def purpose_label(self) -> str:
        """A reveal's purpose in words; a code not on the list (a refused attempt's) as it came."""
        code = self._detail("purpose")
        return str(RevealPurpose(code).label) if code in RevealPurpose.values else code

    @property
    def purpose_note(self) -> str:
        return self._detail("purpose_note")

    def _detail(self, key: str) -> str:
        # Only a reveal's entry says why; another entry's "purpose" would be a changed field.
        if self.action not in REVEAL_ACTIONS or not isinstance(self.changes, dict):
            return ""
        return str(self.changes.get(key) or "")
