"""Building, rebuilding and describing the demo city, and its staff accounts."""

from __future__ import annotations

import secrets
import string
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connection, transaction
from django.utils.translation import gettext as _

from wangge.accounts.models import Role, User
from wangge.accounts.services import user_create
from wangge.audit import services as audit
from wangge.audit.context import Actor
from wangge.audit.models import AuditAction
from wangge.core.codes import Level, prefix_at
from wangge.core.errors import Conflict
from wangge.demo.builder import BuildResult, ProgressReport, build_city
from wangge.grid.models import Building, Division, Grid, GridAssignment, Household, Unit
from wangge.people.models import HouseholdMove, Resident, ResidentTag

SUPERUSER_ROLE = "superuser"
# (role, username, display name, which part of the city the account reaches)
DEMO_ACCOUNTS = [
    (Role.COMMAND, "demo_command", "区指挥部", "district"),
    (Role.COMMUNITY_WORKER, "demo_community", "社区工作者", "community"),
    (Role.GRID_WORKER, "demo_grid", "网格员", "grid"),
    (Role.POLICE, "demo_police", "社区民警", "street"),
    (Role.CDC, "demo_cdc", "市疾控中心", "city"),
    (Role.VOLUNTEER, "demo_volunteer", "志愿者", "grid"),
    (Role.AUDITOR, "demo_auditor", "审计员", "city"),
    (SUPERUSER_ROLE, "admin", "系统管理员", "city"),
]
DEMO_USERNAMES = [a[1] for a in DEMO_ACCOUNTS]


@dataclass(frozen=True)
class DemoAccount:
    role: str
    username: str
    password: str
    scope_code: str

    @property
    def line(self) -> str:
        """``role username password scope-code``: the interface scripts read."""
        return f"{self.role} {self.username} {self.password} {self.scope_code}"


def accounts_file() -> Path:
    return Path(settings.VAR_DIR) / "demo_accounts.txt"


def city_exists() -> bool:
    return Division.objects.exists()


def new_password() -> str:
    """Twelve random characters, letters and digits mixed, never the same twice."""
    alphabet = string.ascii_letters + string.digits
    while True:
        password = "".join(secrets.choice(alphabet) for _ in range(12))
        if any(c.isalpha() for c in password) and sum(c.isdigit() for c in password) >= 2:
            return password


# The epidemic work recorded against the city, children before parents: a rebuilt city starts clean.
EPIDEMIC_WORK_MODELS = [
    "alerts.AlertRead", "alerts.Alert",
    "screening.MemberCheck", "screening.Visit", "screening.SelfDeclaration", "screening.DeclarationLink",
    "screening.Campaign",
    "transfer.Admission", "transfer.TransferPatient", "transfer.CheckIn", "transfer.TransferEscort",
    "transfer.TransferVehicle", "transfer.TransferOrder", "transfer.Vehicle", "transfer.ClosedRoad",
    "transfer.Facility",
    "quarantine.QuarantineTest", "quarantine.QuarantineOrder", "quarantine.Room", "quarantine.Site",
    "tracing.Contact", "tracing.TrajectoryEntry", "tracing.Investigation",
    "health.HealthReport", "health.StatusTransition", "health.PersonStatus",
]


def _epidemic_work_models() -> list:
    return [apps.get_model(label) for label in EPIDEMIC_WORK_MODELS]


def city_wipe() -> None:
    """Remove every division, grid, building, household and resident, and the demo accounts.

    The audit log is append-only and is left exactly as it is (its actor column has no
    database constraint, so removing an account never touches it).
    """
    work = _epidemic_work_models()
    if connection.vendor == "postgresql":
        tables = [m._meta.db_table for m in (
            *work, ResidentTag, HouseholdMove, Resident, GridAssignment, Household, Unit, Building, Grid, Division,
        )]
        with transaction.atomic(), connection.cursor() as cursor:
            # Foreign keys are checked at commit; settle any pending checks, or TRUNCATE refuses.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            # CASCADE also empties other apps' tables that point at residents or the grid
            # (their rows would point at nothing); the audit log points at nothing and is kept.
            cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
            User.objects.filter(username__in=DEMO_USERNAMES).delete()
            User.objects.filter(role=Role.RESIDENT).delete()
        return
    with transaction.atomic():
        for model in (*work, ResidentTag, HouseholdMove, Resident, GridAssignment, Household, Unit, Building, Grid):
            model.objects.all().delete()
        # Residents' own accounts act for nobody once the registry is gone.
        User.objects.filter(role=Role.RESIDENT).delete()
        for level in sorted(Division.Kind.values, reverse=True):
            Division.objects.filter(level=level).delete()
        User.objects.filter(username__in=DEMO_USERNAMES).delete()


def epidemic_work_seed(*, seed: int) -> None:
    """A city in the middle of an outbreak: cases in each category, quarantine sites and orders,
    investigations, hospitals and transfers, and a screening campaign with a visible gap.

    Order matters: health's cases first, quarantine for their contacts, investigations of the
    confirmed, facilities (linked to the quarantine sites), then screening (uses the demo staff).
    """
    import random

    from django.utils import timezone

    from wangge.health.demo import seed_demo as seed_health
    from wangge.quarantine.demo import seed_demo as seed_quarantine
    from wangge.screening.demo import seed_demo as seed_screening
    from wangge.testing.demo import seed_demo as seed_testing
    from wangge.tracing.demo import seed_demo as seed_tracing
    from wangge.transfer.demo import seed_demo as seed_transfer

    today = timezone.localdate()
    for step in (seed_health, seed_quarantine, seed_tracing, seed_transfer, seed_screening, seed_testing):
        step(rng=random.Random(seed), today=today)
    analyze(EPIDEMIC_APPS)


# The apps whose tables the epidemic work fills.
EPIDEMIC_APPS = ("health", "quarantine", "tracing", "transfer", "screening", "testing", "alerts", "audit")


def analyze(app_labels) -> list[str]:
    """Refresh the planner's statistics of the apps' tables after a bulk seed (PostgreSQL).

    Without it a table filled a moment ago looks empty to the planner until autovacuum gets to
    it, and it picks nested loops over hundreds of thousands of rows: a grid worker's campaign
    page took 21 s on a freshly seeded 1,000,000-resident city and 0.2 s after ``ANALYZE``.
    Returns the tables analysed (none on other databases)."""
    if connection.vendor != "postgresql":
        return []
    tables = [m._meta.db_table for label in app_labels for m in apps.get_app_config(label).get_models()
              if m._meta.managed and not m._meta.proxy]
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")
    return tables


@transaction.atomic
def demo_accounts_create(result: BuildResult) -> list[DemoAccount]:
    """One account per staff role, plus the superuser ``admin``, each with a fresh password."""
    scopes = {
        "city": result.city_code, "district": result.first_district, "street": result.first_street,
        "community": result.first_community, "grid": result.first_grid,
    }
    accounts = []
    for role, username, display_name, reach in DEMO_ACCOUNTS:
        password = new_password()
        code = scopes[reach]
        user = user_create(
            username=username, password=password, role=Role.COMMAND if role == SUPERUSER_ROLE else role,
            scope_codes=[code], display_name=display_name,
        )
        if role == SUPERUSER_ROLE:
            user.is_superuser = user.is_staff = True
            user.save(update_fields=["is_superuser", "is_staff"])
        accounts.append(DemoAccount(role, username, password, code))
        duty = {Role.GRID_WORKER: GridAssignment.Duty.GRID_WORKER, Role.POLICE: GridAssignment.Duty.POLICE}.get(role)
        if duty:
            # The demo grid worker and police officer are the ones named on the first grid.
            GridAssignment.objects.filter(grid__code=result.first_grid, duty=duty, building__isnull=True).update(
                user=user, name=display_name
            )
    return accounts


@dataclass(frozen=True)
class DemoResident:
    """A family of the first grid whose phone signs in on 我的 (居民端) with a code from the outbox."""

    phone: str
    head: str
    members: list[str]


@transaction.atomic
def demo_resident_prepare(result: BuildResult) -> DemoResident | None:
    """Pick a family of the first grid with a head who has a phone and at least two other family
    members; the others give up their phones (a child and an elderly parent, say), so the head's
    account acts for them all (代办).  The head's number is made unique to the family."""
    from wangge.people.selectors import FAMILY_RELATIONS

    households = Household.objects.filter(grid_code=result.first_grid, resident_count__gte=3).order_by("code")
    for household in households.iterator():
        members = list(household.residents.filter(relation__in=FAMILY_RELATIONS).order_by("id"))
        head = next((m for m in members if m.relation == Resident.Relation.HEAD and m.phone), None)
        if head is None or len(members) < 3 or Resident.objects.filter(phone=head.phone).count() != 1:
            continue
        Resident.objects.filter(pk__in=[m.pk for m in members if m.pk != head.pk]).update(phone="")
        return DemoResident(phone=head.phone, head=head.name, members=[m.name for m in members])
    return None


def demo_city_build(
    *, residents: int, seed: int = 2020, reset: bool = False, progress: ProgressReport | None = None,
    epidemic_work: bool = True,
) -> tuple[BuildResult, list[DemoAccount], DemoResident | None]:
    """Build the demo city and its accounts; refuse if a city is there unless ``reset``."""
    existing_users = User.objects.filter(username__in=DEMO_USERNAMES).values_list("username", flat=True)
    if not reset and city_exists():
        raise Conflict(_("数据库中已有区划和网格数据，未生成示范城市。如需清空后重建，请加上 --reset"
                       "（将删除全部网格、居民数据和示范账号，审计日志保留）。"), code="demo_grid_exists")
    if not reset and existing_users:
        raise Conflict(
            _("示范账号已存在：%(users)s。如需重建，请加上 --reset。") % {"users": '、'.join(existing_users)},
            code="demo_accounts_exist",
        )
    if reset:
        city_wipe()
        audit.record(
            actor=Actor(user=None, channel="cli"), action=AuditAction.DELETE, object_type="demo.city",
            object_repr="示范城市", note="重建示范城市：清空网格、居民数据和示范账号",
        )
    accounts_file().unlink(missing_ok=True)
    result = build_city(residents=residents, seed=seed, progress=progress)
    accounts = demo_accounts_create(result)
    demo_resident = demo_resident_prepare(result)
    if epidemic_work:
        epidemic_work_seed(seed=seed)
    admin = User.objects.get(username="admin")
    audit.record(
        actor=Actor.cli(admin), action=AuditAction.IMPORT, object_type="demo.city", object_repr="示范城市",
        grid_code=prefix_at(result.city_code, Level.CITY),
        note=f"生成示范城市：{result.residents} 名居民，{result.households} 户，{result.grids} 个网格（种子 {seed}）",
    )
    path = accounts_file()
    path.write_text("".join(a.line + "\n" for a in accounts), encoding="utf-8")
    path.chmod(0o600)
    return result, accounts, demo_resident
