"""Test data: one factory a model, for every model of every app.

Each factory writes straight to the tables with plain, valid defaults and returns the row, so a
test states only what it is about (``make_facility(capacity=1)``).  They skip the services on
purpose: the services are what the tests exercise, and a test that needs the service's side
effects (audit entries, alerts, a schedule of tests) calls the service itself.  Keyword
arguments beyond the named ones go to the model unchanged.

The shared fixtures (``wangge.core.testing.fixtures``) build their small city with these.
"""

from __future__ import annotations

import datetime as dt
import itertools
import uuid
from decimal import Decimal

from django.db.models import F
from django.utils import timezone

from wangge.accounts.models import OneTimeCode, Role
from wangge.accounts.services import api_token_issue, otp_hash, user_create
from wangge.alerts.models import Alert, AlertKind, AlertRead
from wangge.audit import services as audit
from wangge.audit.context import Actor
from wangge.audit.models import AuditAction, AuditEntry
from wangge.codes.models import Colour, HealthCode, PaperCode, Revocation, SigningKey
from wangge.exports.models import ExportJob
from wangge.gates.models import Checkpoint, GateDuty, GatePass, GateScan, GuardKind, QuotaUse, Visitor
from wangge.grid.models import Building, Division, Grid, GridAssignment, Household, Unit
from wangge.health.models import EpidemicStatus, HealthReport, PersonStatus, StatusTransition
from wangge.messaging.models import OutboxMessage
from wangge.people.idcard import make_id_number
from wangge.people.models import HouseholdMove, ImportJob, KeyGroupTag, Resident, ResidentTag
from wangge.quarantine.models import QuarantineOrder, QuarantineTest, Regime, Room, Site, TestResultEntry
from wangge.screening.models import Campaign, DeclarationLink, MemberCheck, RiskReport, SelfDeclaration, Visit
from wangge.screening.services import coverage_rebuild, coverage_refresh
from wangge.testing.models import Control, DeviceBatch, Exemption, Round, Sample, SamplingPoint, SamplingTask, Tube
from wangge.tracing.models import Contact, Investigation, TrajectoryEntry
from wangge.transfer.models import (
    Admission,
    CheckIn,
    ClosedRoad,
    Facility,
    TransferEscort,
    TransferOrder,
    TransferPatient,
    TransferVehicle,
    Vehicle,
)

TEST_PASSWORD = "Wangge2026test"
_sequence = itertools.count(1)


def _next() -> int:
    return next(_sequence)


def valid_id_number(*, region: str = "420106", birth: dt.date = dt.date(1980, 5, 17), male: bool = True) -> str:
    """A fresh, valid ID number on every call."""
    n = _next() % 500
    return make_id_number(region, birth, n * 2 + (1 if male else 0))


# --- accounts --------------------------------------------------------------------------------
def make_user(username: str, role: str = Role.GRID_WORKER, scope: list[str] | None = None, **kw):
    """A staff account (through ``user_create``, so its scope grants are made as in production)."""
    return user_create(
        username=username, password=TEST_PASSWORD, role=role, scope_codes=scope or [], check_password=False, **kw
    )


def make_api_token(user, *, name: str = "") -> str:
    """A bearer token of ``user``; returns the raw key (the only time it is known)."""
    return api_token_issue(user=user, name=name)


# --- audit -----------------------------------------------------------------------------------
def make_one_time_code(phone: str = "13912345678", *, code: str = "123456", **fields) -> OneTimeCode:
    """A sign-in code for ``phone`` whose digits are ``code`` (stored hashed, as the service does)."""
    fields.setdefault("expires_at", timezone.now() + dt.timedelta(minutes=5))
    return OneTimeCode.objects.create(phone=phone, code_hash=otp_hash(phone, code), **fields)


def make_outbox_message(recipient: str = "13912345678", *, text: str = "【网格】测试消息",
                        purpose: str = "sign_in", **fields) -> OutboxMessage:
    return OutboxMessage.objects.create(recipient=recipient, text=text, purpose=purpose, **fields)


def make_audit_entry(user=None, *, action: str = AuditAction.VIEW, channel: str = "web", **fields) -> AuditEntry:
    """One entry of the append-only log, written the only way it is written: ``audit.record``."""
    fields.setdefault("object_type", "people.resident")
    return audit.record(actor=Actor(user=user, ip_address="127.0.0.1", user_agent="pytest", channel=channel),
                        action=action, **fields)


# --- grid ------------------------------------------------------------------------------------

_DIVISION_NAMES = {2: "武汉市", 3: "武昌区", 4: "街道", 5: "社区"}


def make_division(code: str, *, level: int, parent: Division | None = None, **fields) -> Division:
    """The division of a 12-digit ``code``, made once (the same code twice is the same row)."""
    fields.setdefault("name", f"区划{code}")
    division, _ = Division.objects.get_or_create(code=code, defaults={"level": level, "parent": parent, **fields})
    return division


def build_division_chain(community_code: str) -> Division:
    """City, district, street and community for a 12-digit community code."""
    parent = None
    for length, level in ((4, 2), (6, 3), (9, 4), (12, 5)):
        code = community_code[:length].ljust(12, "0")
        parent = make_division(code, level=level, parent=parent,
                               name=f"{_DIVISION_NAMES[level]}{code[length - 3:length]}")
    return parent


def make_grid(grid_code: str, **fields) -> Grid:
    """A grid of ``grid_code`` with no buildings, under its community (made if missing)."""
    community = build_division_chain(grid_code[:12])
    fields.setdefault("name", f"第{grid_code[-3:]}网格")
    return Grid.objects.create(code=grid_code, community=community, **fields)


def make_building(grid: Grid, *, number: int = 1, **fields) -> Building:
    fields.setdefault("name", f"{number}栋")
    fields.setdefault("lat", 30.55)
    fields.setdefault("lng", 114.31)
    return Building.objects.create(code=f"{grid.code}{number:03d}", grid=grid, **fields)


def make_unit(building: Building, *, number: int = 1, **fields) -> Unit:
    fields.setdefault("name", f"{number}单元")
    return Unit.objects.create(code=f"{building.code}{number:02d}", building=building, **fields)


def make_household(unit: Unit, *, number: int = 1, **fields) -> Household:
    fields.setdefault("door_number", f"{number // 2 + 1}0{number % 2 + 1}")
    fields.setdefault("address", f"{unit.building.name}{unit.name}{number}室")
    household = Household.objects.create(code=f"{unit.code}{number:04d}", unit=unit, **fields)
    Grid.objects.filter(code=household.grid_code).update(household_count=F("household_count") + 1)
    return household


def build_grid(grid_code: str, *, buildings: int = 1, units: int = 1, households: int = 2) -> Grid:
    """A grid with ``buildings`` × ``units`` × ``households`` and its denormalised counts."""
    grid = make_grid(grid_code)
    for b in range(1, buildings + 1):
        building = make_building(grid, number=b)
        for u in range(1, units + 1):
            unit = make_unit(building, number=u)
            for h in range(1, households + 1):
                make_household(unit, number=h)
    Grid.objects.filter(pk=grid.pk).update(
        building_count=buildings, household_count=buildings * units * households
    )
    return grid


def make_grid_assignment(grid: Grid, *, duty: str = GridAssignment.Duty.GRID_WORKER, **fields) -> GridAssignment:
    fields.setdefault("name", "网格员")
    return GridAssignment.objects.create(grid=grid, duty=duty, **fields)


# --- people ----------------------------------------------------------------------------------
def add_resident(household: Household, *, name: str = "张伟", male: bool = True, **extra) -> Resident:
    """A resident in ``household``, with the household's and grid's counts kept.

    The first one is the head (户主), later ones "other" unless ``relation`` says: one head per household.
    """
    number = extra.pop("id_number", None) or valid_id_number(male=male)
    if "relation" not in extra:
        has_head = Resident.objects.filter(household=household, relation=Resident.Relation.HEAD).exists()
        extra["relation"] = Resident.Relation.OTHER if has_head else Resident.Relation.HEAD
    resident = Resident.objects.create(
        household=household, grid_code=household.grid_code, name=name, sex="M" if male else "F",
        id_number=number, id_tail=number[-4:], birth_date=dt.date(int(number[6:10]), int(number[10:12]),
                                                                   int(number[12:14])),
        phone=extra.pop("phone", "13800138000"), **extra,
    )
    Household.objects.filter(pk=household.pk).update(resident_count=F("resident_count") + 1)
    Grid.objects.filter(code=household.grid_code).update(resident_count=F("resident_count") + 1)
    return resident


make_resident = add_resident


def make_tag(code: str = "elderly_alone", *, name: str = "独居老人", **fields) -> KeyGroupTag:
    """A key-group tag, made once (the migrations install the standard ones)."""
    tag, _ = KeyGroupTag.objects.get_or_create(code=code, defaults={"name": name, **fields})
    return tag


def tag_resident(resident: Resident, tag: KeyGroupTag) -> ResidentTag:
    return ResidentTag.objects.create(resident=resident, tag=tag, grid_code=resident.grid_code)


def make_household_move(resident: Resident, to_household: Household, **fields) -> HouseholdMove:
    """A move on record (the resident row itself is left where it is)."""
    fields.setdefault("from_relation", resident.relation)
    fields.setdefault("to_relation", resident.relation)
    return HouseholdMove.objects.create(resident=resident, grid_code=to_household.grid_code,
                                        from_household=resident.household, to_household=to_household, **fields)


def make_import_job(user=None, *, kind: str = ImportJob.Kind.RESIDENTS, grid_code: str = "", **fields) -> ImportJob:
    fields.setdefault("file_name", "居民.csv")
    fields.setdefault("file_path", "/nonexistent/居民.csv")
    return ImportJob.objects.create(kind=kind, grid_code=grid_code, created_by=user, **fields)


# --- health ----------------------------------------------------------------------------------
def make_person_status(resident: Resident, status: str = EpidemicStatus.CLOSE_CONTACT, since=None,
                       **facts) -> PersonStatus:
    """A status row alone, with no transition behind it (what a job reading the table sees)."""
    return PersonStatus.objects.create(
        resident=resident, grid_code=resident.grid_code, status=status, since=since or timezone.now(), **facts
    )


def put_in(resident: Resident, status: str, *, since: dt.datetime | None = None,
           from_status: str = EpidemicStatus.NONE, **facts) -> PersonStatus:
    """Write a person's status (and the transition into it) straight to the tables, at ``since``."""
    since = since or timezone.now()
    row, _ = PersonStatus.objects.update_or_create(
        resident=resident, defaults={"grid_code": resident.grid_code, "status": status, "since": since, **facts},
    )
    make_status_transition(resident, from_status, status, at=since)
    return row


def leave(resident: Resident, from_status: str, to_status: str, *, at: dt.datetime) -> None:
    """Record that a person left ``from_status`` at ``at``."""
    PersonStatus.objects.update_or_create(
        resident=resident, defaults={"grid_code": resident.grid_code, "status": to_status, "since": at},
    )
    make_status_transition(resident, from_status, to_status, at=at)


def make_status_transition(resident: Resident, from_status: str, to_status: str, *, at: dt.datetime | None = None,
                           **fields) -> StatusTransition:
    fields.setdefault("reason", "测试")
    t = StatusTransition.objects.create(resident=resident, grid_code=resident.grid_code, from_status=from_status,
                                        to_status=to_status, **fields)
    if at is not None:  # ``at`` is auto_now_add: set afterwards
        StatusTransition.objects.filter(pk=t.pk).update(at=at)
        t.at = at
    return t


def make_health_report(resident: Resident, *, date: dt.date | None = None, slot: str = HealthReport.Slot.MORNING,
                       temperature: str | Decimal = "36.5", **fields) -> HealthReport:
    return HealthReport.objects.create(resident=resident, grid_code=resident.grid_code,
                                       date=date or timezone.localdate(), slot=slot,
                                       temperature=Decimal(temperature), **fields)


# --- screening -------------------------------------------------------------------------------
def make_campaign(grid_code: str = "420106001", *, user=None, **fields) -> Campaign:
    """A daily campaign over ``grid_code`` (a significant prefix), running from yesterday for a week."""
    today = timezone.localdate()
    fields.setdefault("name", "一日一排查")
    fields.setdefault("start_date", today - dt.timedelta(days=1))
    fields.setdefault("end_date", today + dt.timedelta(days=6))
    campaign = Campaign.objects.create(grid_code=grid_code, created_by=user, **fields)
    coverage_rebuild(campaign=campaign)
    return campaign


def make_visit(campaign: Campaign, household: Household, *, outcome: str = Visit.Outcome.VISITED, user=None,
               **fields) -> Visit:
    fields.setdefault("date", timezone.localdate())
    visit = Visit.objects.create(campaign=campaign, household=household, grid_code=household.grid_code,
                                 outcome=outcome, visited_by=user, **fields)
    coverage_refresh(grid_code=visit.grid_code, date=visit.date, campaign=campaign)
    return visit


def make_member_check(visit: Visit, resident: Resident, *, temperature: str | None = "36.5", **fields) -> MemberCheck:
    check = MemberCheck.objects.create(visit=visit, resident=resident, grid_code=resident.grid_code,
                                       temperature=None if temperature is None else Decimal(temperature), **fields)
    coverage_refresh(grid_code=visit.grid_code, date=visit.date, campaign=visit.campaign)
    return check


def make_declaration_link(household: Household, **fields) -> DeclarationLink:
    fields.setdefault("token", f"link{_next():028d}")
    return DeclarationLink.objects.create(household=household, grid_code=household.grid_code, **fields)


def make_self_declaration(resident: Resident, *, temperature: str = "36.5", **fields) -> SelfDeclaration:
    fields.setdefault("date", timezone.localdate())
    declaration = SelfDeclaration.objects.create(resident=resident, household=resident.household,
                                                 grid_code=resident.grid_code, temperature=Decimal(temperature),
                                                 **fields)
    coverage_refresh(grid_code=declaration.grid_code, date=declaration.date)
    return declaration


def make_risk_report(resident: Resident, *, kind: str = RiskReport.Kind.RISK_AREA, **fields) -> RiskReport:
    """An answer that needs checking, not yet checked (no alerts: ``services.risk_raise`` sends those)."""
    fields.setdefault("date", timezone.localdate())
    fields.setdefault("reported_at", timezone.now())
    fields.setdefault("source", RiskReport.Source.VISIT)
    return RiskReport.objects.create(resident=resident, grid_code=resident.grid_code, kind=kind, **fields)


# --- tracing ---------------------------------------------------------------------------------
def make_investigation(case: Resident, **fields) -> Investigation:
    return Investigation.objects.create(case=case, grid_code=case.grid_code, **fields)


def make_trajectory_entry(investigation: Investigation, *, place: str = "菜市场", **fields) -> TrajectoryEntry:
    fields.setdefault("start", timezone.now() - dt.timedelta(days=1))
    return TrajectoryEntry.objects.create(investigation=investigation, grid_code=investigation.grid_code,
                                          place=place, **fields)


def make_contact(investigation: Investigation, resident: Resident, **fields) -> Contact:
    return Contact.objects.create(investigation=investigation, resident=resident, grid_code=resident.grid_code,
                                  **fields)


# --- quarantine ------------------------------------------------------------------------------
def make_regime(code: str = "test-7-3", **fields) -> Regime:
    """A regime, made once (the migrations install the national presets: "7+3", "5+3", ...)."""
    defaults = {"name": code, "central_days": 7, "home_days": 3, "central_test_days": [1, 4, 7],
                "home_test_days": [3]}
    regime, _ = Regime.objects.get_or_create(code=code, defaults=defaults | fields)
    return regime


def make_site(grid_code: str = "420106001", *, rooms: dict[str, int] | None = None, **fields) -> Site:
    """A centralised quarantine site run by ``grid_code``, with ``rooms`` ({number: beds})."""
    fields.setdefault("name", "江滩酒店隔离点")
    site = Site.objects.create(grid_code=grid_code, **fields)
    for number, capacity in (rooms or {}).items():
        make_room(site, number, capacity=capacity)
    return site


def make_room(site: Site, number: str = "101", *, capacity: int = 1, **fields) -> Room:
    return Room.objects.create(site=site, grid_code=site.grid_code, number=number, capacity=capacity, **fields)


def make_quarantine_order(resident: Resident, *, start: dt.date, planned_release: dt.date, status="active",
                          **fields) -> QuarantineOrder:
    """An order written straight to the table, with no test schedule (``make_quarantine_test`` adds tests)."""
    fields.setdefault("regime", Regime.objects.order_by("code").first() or make_regime())
    fields.setdefault("place", QuarantineOrder.Place.HOME)
    fields.setdefault("phase", QuarantineOrder.Phase.HOME)
    fields.setdefault("reason", "密接")
    return QuarantineOrder.objects.create(resident=resident, grid_code=resident.grid_code, start_date=start,
                                          planned_release=planned_release, status=status, **fields)


def make_quarantine_test(order: QuarantineOrder, *, due: dt.date, result="pending", day=1,
                         phase: str = QuarantineOrder.Phase.CENTRAL) -> QuarantineTest:
    return QuarantineTest.objects.create(order=order, grid_code=order.grid_code, phase=phase, day=day,
                                         due_date=due, result=result)


def make_test_result_entry(test: QuarantineTest, *, result="negative", corrects: TestResultEntry | None = None,
                           reason="", recorded_by=None, recorded_at: dt.datetime | None = None) -> TestResultEntry:
    """An entry of ``test``'s results (it does not change the test's current result)."""
    return TestResultEntry.objects.create(test=test, grid_code=test.grid_code, result=result, corrects=corrects,
                                          reason=reason, recorded_by=recorded_by,
                                          recorded_at=recorded_at or timezone.now())


# --- transfer --------------------------------------------------------------------------------
def make_facility(name="武昌方舱", tier=Facility.Tier.FANGCANG, capacity=100, grid_code="420106", **fields) -> Facility:
    return Facility.objects.create(name=name, tier=tier, capacity=capacity, grid_code=grid_code, **fields)


def make_vehicle(plate: str | None = None, *, kind=Vehicle.Kind.NEGATIVE_PRESSURE_AMBULANCE, seats=4,
                 grid_code="420106", **fields) -> Vehicle:
    return Vehicle.objects.create(plate=plate or f"鄂A·{_next():05d}", kind=kind, seats=seats, grid_code=grid_code,
                                  **fields)


def make_transfer_vehicle(transfer: TransferOrder, vehicle: Vehicle, *, escorts=(("王医生", "13900000000"),),
                          driver="张师傅", position: int | None = None) -> TransferVehicle:
    """``vehicle`` on ``transfer``'s convoy with its driver and ``escorts`` ((name, phone), ...)."""
    if position is None:
        position = transfer.vehicles.count() + 1
    cv = TransferVehicle.objects.create(transfer=transfer, vehicle=vehicle, position=position, driver=driver)
    for name, phone in escorts:
        make_transfer_escort(cv, name=name, phone=phone)
    return cv


def make_transfer_escort(convoy_vehicle: TransferVehicle, *, name="王医生", phone="13900000000") -> TransferEscort:
    return TransferEscort.objects.create(convoy_vehicle=convoy_vehicle, name=name, phone=phone)


def make_transfer(residents: list[Resident], *, destination: Facility, departure: dt.datetime,
                  arrival: dt.datetime, status="planned", vehicle: Vehicle | None = None, **extra) -> TransferOrder:
    """A transfer of ``residents`` with its patients, scoped to the first one's grid, on one vehicle
    (seating them all) with one escort.  Beyond "planned" it was acknowledged by the receiving side."""
    vehicle = vehicle or make_vehicle(seats=max(4, len(residents)), grid_code=residents[0].grid_code)
    if status != "planned":
        extra.setdefault("acknowledged_at", departure)
        extra.setdefault("acknowledged_name", "李护士长")
    t = TransferOrder.objects.create(
        grid_code=residents[0].grid_code, origin="社区门口", destination=destination, vehicle=vehicle.plate,
        planned_departure=departure, planned_arrival=arrival, status=status, **extra,
    )
    make_transfer_vehicle(t, vehicle)
    for r in residents:
        TransferPatient.objects.create(transfer=t, resident=r, grid_code=r.grid_code)
    return t


def make_check_in(transfer: TransferOrder, *, at: dt.datetime | None = None, lat=30.55, lng=114.31,
                  place_note="", **fields) -> CheckIn:
    return CheckIn.objects.create(transfer=transfer, at=at or timezone.now(), lat=lat, lng=lng,
                                  place_note=place_note, **fields)


def make_closed_road(name="中山路", *, grid_code="420106", starts_at: dt.datetime | None = None,
                     ends_at: dt.datetime | None = None, **fields) -> ClosedRoad:
    starts_at = starts_at or timezone.now() - dt.timedelta(days=1)
    return ClosedRoad.objects.create(name=name, grid_code=grid_code, starts_at=starts_at, ends_at=ends_at, **fields)


def make_admission(resident: Resident, facility: Facility, *, at: dt.datetime | None = None, **fields) -> Admission:
    return Admission.objects.create(resident=resident, grid_code=resident.grid_code, facility=facility,
                                    admitted_at=at or timezone.now(), **fields)


# --- alerts ----------------------------------------------------------------------------------
def make_alert(*, role: str = Role.GRID_WORKER, grid_code: str = "420106001001001",
               kind: str = AlertKind.MISSED_REPORT, **fields) -> Alert:
    fields.setdefault("dedupe_key", f"test:{_next()}")
    fields.setdefault("title", f"预警 {fields['dedupe_key']}")
    return Alert.objects.create(kind=kind, role=role, grid_code=grid_code, **fields)


def make_alert_read(alert: Alert, user) -> AlertRead:
    return AlertRead.objects.create(alert=alert, user=user)


# --- exports ---------------------------------------------------------------------------------
def make_export_job(user, *, kind: str = "residents", **fields) -> ExportJob:
    fields.setdefault("file_name", "居民名单.xlsx")
    fields.setdefault("expires_at", timezone.now() + dt.timedelta(days=1))
    return ExportJob.objects.create(kind=kind, created_by=user, **fields)


# --- codes -----------------------------------------------------------------------------------
def make_health_code(resident: Resident, *, colour: str = Colour.GREEN, **fields) -> HealthCode:
    """A resident's code row (its reference), as if a code had been shown once."""
    fields.setdefault("ref", f"ref{_next():012d}")
    fields.setdefault("coloured_at", timezone.now())
    return HealthCode.objects.create(resident=resident, grid_code=resident.grid_code, colour=colour, **fields)


def make_paper_code(resident: Resident, **fields) -> PaperCode:
    fields.setdefault("code", f"{_next():012d}")
    fields.setdefault("issued_at", timezone.now())
    return PaperCode.objects.create(resident=resident, grid_code=resident.grid_code, **fields)


def make_revocation(ref: str, *, colour: str = Colour.YELLOW, at: dt.datetime | None = None) -> Revocation:
    return Revocation.objects.create(ref=ref, colour=colour, at=at or timezone.now())


def make_signing_key(**fields) -> SigningKey:
    """A signing key row made by the codes app itself (generated, encrypted, published)."""
    from wangge.codes import keys

    return keys.rotate(**fields)


# --- gates -----------------------------------------------------------------------------------
def make_checkpoint(grid_code: str = "420106001001001", *, compound: str = "", **fields) -> Checkpoint:
    """A gate of a compound (``compound`` blank: the grid is the compound)."""
    from wangge.gates.selectors import compound_key

    fields.setdefault("name", f"{_next()}号门")
    return Checkpoint.objects.create(grid_code=grid_code, compound=compound,
                                     compound_key=compound_key(grid_code, compound), **fields)


def make_gate_duty(checkpoint: Checkpoint, user, *, kind: str = GuardKind.VOLUNTEER, hours: int = 8,
                   **fields) -> GateDuty:
    """A shift at the gate that is on now (started an hour ago)."""
    fields.setdefault("starts_at", timezone.now() - dt.timedelta(hours=1))
    fields.setdefault("ends_at", fields["starts_at"] + dt.timedelta(hours=hours))
    return GateDuty.objects.create(checkpoint=checkpoint, grid_code=checkpoint.grid_code, user=user, kind=kind,
                                   **fields)


def make_gate_pass(holder: Resident, checkpoint: Checkpoint, *, kind: str = GatePass.Kind.ESSENTIAL, days: int = 7,
                   **fields) -> GatePass:
    fields.setdefault("number", f"CRZ{_next():012d}")
    fields.setdefault("valid_from", timezone.now() - dt.timedelta(hours=1))
    fields.setdefault("valid_until", timezone.now() + dt.timedelta(days=days))
    return GatePass.objects.create(holder=holder, grid_code=checkpoint.grid_code,
                                   compound_key=checkpoint.compound_key, kind=kind, **fields)


def make_quota_use(key: str = "h:0:2020-01-01", *, used: int = 1, day: dt.date | None = None) -> QuotaUse:
    return QuotaUse.objects.create(key=key, used=used, day=day or timezone.localdate())


def make_gate_scan(checkpoint: Checkpoint, resident: Resident | None = None, *, passed: bool = True,
                   direction: str = GateScan.Direction.IN, **fields) -> GateScan:
    fields.setdefault("at", timezone.now())
    fields.setdefault("method", GateScan.Method.TOKEN)
    fields.setdefault("colour", "g")
    return GateScan.objects.create(uuid=uuid.uuid4(), checkpoint=checkpoint, grid_code=checkpoint.grid_code,
                                   resident=resident, passed=passed, direction=direction, **fields)


def make_visitor(checkpoint: Checkpoint, *, name: str = "王访客", **fields) -> Visitor:
    fields.setdefault("at", timezone.now())
    fields.setdefault("phone", "13900001111")
    fields.setdefault("visiting", "1号楼1单元101")
    fields.setdefault("purpose", "送药")
    return Visitor.objects.create(checkpoint=checkpoint, grid_code=checkpoint.grid_code, name=name, **fields)
# --- testing (全员核酸) ----------------------------------------------------------------------------
def make_round(grid_code: str = "420106001001001", **fields) -> Round:
    """A round over ``grid_code`` (grid A by default) starting today, pooling by its control level."""
    fields.setdefault("name", "全员核酸第1轮")
    fields.setdefault("starts_on", timezone.localdate())
    return Round.objects.create(grid_code=grid_code, **fields)
def make_sampling_point(rnd: Round, *, grid_code: str | None = None, **fields) -> SamplingPoint:
    fields.setdefault("name", f"采样点{_next()}")
    return SamplingPoint.objects.create(round=rnd, grid_code=grid_code or rnd.grid_code, **fields)
def make_tube(point: SamplingPoint, *, capacity: int = 10, **fields) -> Tube:
    fields.setdefault("barcode", f"T{_next():010d}")
    fields.setdefault("opened_at", timezone.now())
    fields.setdefault("day", point.round.starts_on)
    return Tube.objects.create(round=point.round, point=point, grid_code=point.grid_code, capacity=capacity, **fields)
def make_sample(tube: Tube, resident: Resident, **fields) -> Sample:
    """``resident`` sampled into ``tube`` (its size kept); a repeat when already sampled that day."""
    fields.setdefault("sampled_at", timezone.now())
    fields.setdefault("repeat", Sample.objects.filter(round=tube.round, day=tube.day, resident=resident,
                                                      repeat=False).exists())
    sample = Sample.objects.create(round=tube.round, tube=tube, resident=resident, grid_code=resident.grid_code,
                                   day=tube.day, **fields)
    Tube.objects.filter(pk=tube.pk).update(size=F("size") + 1)
    return sample
def make_device_batch(rnd: Round, **fields) -> DeviceBatch:
    fields.setdefault("batch_id", f"dev-{_next()}")
    fields.setdefault("grid_code", rnd.grid_code)
    return DeviceBatch.objects.create(round=rnd, **fields)
def make_control(tube: Tube, resident: Resident, **fields) -> Control:
    fields.setdefault("since", timezone.now())
    return Control.objects.create(tube=tube, resident=resident, grid_code=resident.grid_code, **fields)
def make_sampling_task(rnd: Round, resident: Resident, *, kind: str = SamplingTask.Kind.RETEST,
                       **fields) -> SamplingTask:
    fields.setdefault("created_at", timezone.now())
    return SamplingTask.objects.create(round=rnd, resident=resident, grid_code=resident.grid_code, kind=kind, **fields)
def make_exemption(rnd: Round, resident: Resident, *, kind: str = Exemption.Kind.AWAY, **fields) -> Exemption:
    fields.setdefault("note", "外出务工")
    return Exemption.objects.create(round=rnd, resident=resident, grid_code=resident.grid_code, kind=kind, **fields)
