"""Staff and resident accounts, their roles and their reach into the grid."""

import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from wangge.core.codes import GRID_CODE_LENGTH, significant_prefix


class Role(models.TextChoices):
    COMMAND = "command", _("区/街道指挥部")
    COMMUNITY_WORKER = "community_worker", _("社区工作者")
    GRID_WORKER = "grid_worker", _("网格员")
    POLICE = "police", _("警员")
    CDC = "cdc", _("疾控")
    VOLUNTEER = "volunteer", _("志愿者")
    AUDITOR = "auditor", _("审计员")
    RESIDENT = "resident", _("居民")


class User(AbstractUser):
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices, default=Role.RESIDENT)
    display_name = models.CharField(_("姓名"), max_length=50, blank=True)
    phone = models.CharField(_("电话"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("账号")
        verbose_name_plural = _("账号")

    def __str__(self):
        return self.display_name or self.username

    @cached_property
    def scope_prefixes(self) -> list[str]:
        """Significant code prefixes this user may see; [""] is everything (superusers only)."""
        if self.is_superuser:
            return [""]
        if self.role == Role.RESIDENT:
            # Residents reach their own records through self-service, never through lists.
            return []
        return sorted({g.prefix for g in self.scope_grants.all()})

    def may(self, action: str) -> bool:
        """Whether this user's role may take ``action`` (reach aside): ``accounts.permissions``."""
        from wangge.accounts.permissions import role_may  # the table imports Role from here

        return role_may(self, action)


class ScopeGrant(models.Model):
    """One piece of a user's reach: a 12-digit division code or a 15-digit grid code."""

    user = models.ForeignKey(User, verbose_name=_("账号"), on_delete=models.CASCADE, related_name="scope_grants")
    code = models.CharField(_("区划或网格代码"), max_length=GRID_CODE_LENGTH)
    prefix = models.CharField(_("代码前缀"), max_length=GRID_CODE_LENGTH, editable=False)

    class Meta:
        verbose_name = _("管辖范围")
        verbose_name_plural = _("管辖范围")
        constraints = [models.UniqueConstraint(fields=["user", "code"], name="scope_grant_unique")]

    def __str__(self):
        return self.code

    def save(self, *args, **kwargs):
        self.prefix = significant_prefix(self.code)
        super().save(*args, **kwargs)


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token for an integration; only its hash is stored."""

    user = models.ForeignKey(User, verbose_name=_("账号"), on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("用途"), max_length=100, blank=True)
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(_("前缀"), max_length=8)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    expires_at = models.DateTimeField(_("过期时间"), null=True, blank=True)
    revoked = models.BooleanField(_("已吊销"), default=False)

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")

    def __str__(self):
        return f"{self.prefix}… ({self.user})"

    @staticmethod
    def new_raw_key() -> str:
        return "wg_" + secrets.token_urlsafe(32)

    def is_usable(self) -> bool:
        return not self.revoked and (self.expires_at is None or self.expires_at > timezone.now())


class OneTimeCode(models.Model):
    """A sign-in code sent to a phone (短信验证码): 6 random digits, stored only as a keyed hash,
    valid for ``WANGGE_OTP_SECONDS`` (5 minutes), used at most once, and burnt after
    ``WANGGE_OTP_MAX_ATTEMPTS`` wrong guesses.  Only the newest code of a phone counts: sending a
    new one retires the ones before it."""

    phone = models.CharField(_("手机号"), max_length=20)
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(_("发送时间"), auto_now_add=True)
    expires_at = models.DateTimeField(_("过期时间"))
    used_at = models.DateTimeField(_("使用时间"), null=True, blank=True)
    failed_attempts = models.PositiveSmallIntegerField(_("错误次数"), default=0)

    class Meta:
        verbose_name = _("登录验证码")
        verbose_name_plural = _("登录验证码")
        indexes = [models.Index(fields=["phone", "-id"], name="otp_phone_newest_idx")]

    def __str__(self):
        return f"{self.phone[:3]}****{self.phone[-4:]} {self.created_at:%Y-%m-%d %H:%M}"
