"""健康码: each resident's code (an opaque reference and the colour last computed), the keys that
sign the phone codes, the paper codes, and the list of codes whose colour worsened."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from wangge.core.codes import GRID_CODE_LENGTH
from wangge.core.scoping import ScopedManager
from wangge.people.models import Resident


class Colour(models.TextChoices):
    """The colour of a code; the value is the one letter a token carries ("c")."""

    GREEN = "g", _("绿码")
    YELLOW = "y", _("黄码")
    RED = "r", _("红码")


# Worse is higher: a change to a higher rank is a worsening, recorded in the revocation list.
COLOUR_RANK = {Colour.GREEN: 0, Colour.YELLOW: 1, Colour.RED: 2}


class HealthCode(models.Model):
    """A resident's code: the opaque reference tokens carry (never the ID number) and the colour
    last computed, against which a new colour is compared to tell a worsening."""

    resident = models.OneToOneField(
        Resident, verbose_name=_("居民"), on_delete=models.CASCADE, related_name="health_code"
    )
    grid_code = models.CharField(_("网格代码"), max_length=GRID_CODE_LENGTH)
    ref = models.CharField(_("码编号"), max_length=32, unique=True)
    colour = models.CharField(_("颜色"), max_length=1, choices=Colour.choices, default=Colour.GREEN)
    reasons = models.JSONField(_("原因"), default=list, blank=True)  # reason codes, e.g. ["close_contact"]
    coloured_at = models.DateTimeField(_("赋码时间"))

    objects = ScopedManager()

    class Meta:
        verbose_name = _("健康码")
        verbose_name_plural = _("健康码")
        indexes = [models.Index(fields=["grid_code", "id"], name="codes_healthcode_grid_idx")]

    def __str__(self):
        return f"{self.ref} {self.get_colour_display()}"


class SigningKey(models.Model):
    """An ECDSA P-256 key that signs phone codes.  The newest unretired key signs; a retired key
    is still published, and still verifies, until every token it signed has expired.

    The private key is kept here, never in the repository, as PKCS#8 PEM encrypted under a key
    derived from ``SECRET_KEY``: a copy of the database alone does not sign codes."""

    kid = models.CharField(_("密钥编号"), max_length=16, unique=True)
    private_pem = models.TextField(_("私钥（加密）"))
    public_spki = models.TextField(_("公钥（SPKI，base64）"))
    created_at = models.DateTimeField(_("生成时间"))
    retired_at = models.DateTimeField(_("停用时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("签名密钥")
        verbose_name_plural = _("签名密钥")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.kid


class PaperCode(models.Model):
    """A printed code for someone without a phone: random, looked up by the gate on the server,
    revoked when reissued (at most one in force per resident)."""

    resident = models.ForeignKey(Resident, verbose_name=_("居民"), on_delete=models.CASCADE,
                                 related_name="paper_codes")
    grid_code = models.CharField(_("网格代码"), max_length=GRID_CODE_LENGTH)
    code = models.CharField(_("纸质码"), max_length=16, unique=True)
    issued_at = models.DateTimeField(_("签发时间"))
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("签发人"), null=True,
                                  on_delete=models.SET_NULL, related_name="+")
    revoked_at = models.DateTimeField(_("作废时间"), null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("纸质健康码")
        verbose_name_plural = _("纸质健康码")
        constraints = [
            models.UniqueConstraint(fields=["resident"], condition=Q(revoked_at__isnull=True),
                                    name="codes_one_paper_code_in_force"),
        ]

    def __str__(self):
        return self.code


class Revocation(models.Model):
    """A code's colour worsened at ``at``: a gate refuses a token of ``ref`` issued at or before
    ``at`` with a better colour than ``colour``.  Nothing personal: the reference and the colour."""

    ref = models.CharField(_("码编号"), max_length=32)
    colour = models.CharField(_("新颜色"), max_length=1, choices=Colour.choices)
    at = models.DateTimeField(_("时间"))

    class Meta:
        verbose_name = _("变色记录")
        verbose_name_plural = _("变色记录")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["at", "id"], name="codes_revocation_at_idx")]

    def __str__(self):
        return f"{self.ref} → {self.colour}"
