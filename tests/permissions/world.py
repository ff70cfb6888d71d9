"""The city the permission matrix runs in: one user per role, and one of every kind of object
inside their reach (grid A) and outside it (grid C, another street).

Everything is written straight to the tables (the matrix tests the endpoints, not the services
that would normally make these rows), once per test module; each test then runs in a savepoint
that is rolled back, so a write in one case never changes what the next case sees.

Outside objects carry ``OUTSIDE_MARK`` in their names, so a response can be searched for a leak.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.utils import timezone

from wangge.accounts.models import Role
from wangge.accounts.services import api_token_issue
from wangge.alerts.models import Alert
from wangge.core.testing.factories import add_resident, build_grid, make_user
from wangge.exports.models import ExportJob
from wangge.gates.models import Checkpoint, GateDuty
from wangge.gates.selectors import compound_key
from wangge.grid.models import Division, Grid
from wangge.health.models import PersonStatus
from wangge.people.models import ImportJob
from wangge.quarantine.models import QuarantineOrder, QuarantineTest, Regime, Room, Site
from wangge.screening.models import Campaign, DeclarationLink, RiskReport
from wangge.testing.models import Round, SamplingPoint, Tube
from wangge.tracing.models import Investigation
from wangge.transfer.models import (
    Admission,
    ClosedRoad,
    Facility,
    TransferEscort,
    TransferOrder,
    TransferPatient,
    TransferVehicle,
    Vehicle,
)

GRID_A = "420106001001001"  # every user's reach
GRID_C = "420106002001001"  # another street: out of everyone's reach
INSIDE, OUTSIDE = "inside", "outside"
OUTSIDE_MARK = "外区"
INSIDE_MARK = "本区"
ROLES = [r.value for r in Role]
# The matrix's resident account signs in with this phone; inside, the person ``resident`` and the
# person under monitoring ``contact`` are registered under it, so the account acts for both.
RESIDENT_PHONE = "13700000001"

_names = itertools.count(1)


@dataclass
class World:
    users: dict[str, object]  # role -> user
    tokens: dict[str, str]  # role -> raw bearer token
    places: dict[str, SimpleNamespace] = field(default_factory=dict)  # INSIDE / OUTSIDE -> objects
    outside_markers: list[str] = field(default_factory=list)  # strings that must never leak

    def objects(self, place: str, role: str | None) -> SimpleNamespace:
        """The objects of ``place``, with the alert addressed to ``role`` as ``alert``."""
        objs = self.places[place]
        return SimpleNamespace(**vars(objs), alert=objs.alerts.get(role) or objs.alerts[Role.COMMAND],
                               export_job=objs.export_jobs.get(role) or objs.export_jobs[Role.COMMAND])


def _person(household, label: str, **extra):
    return add_resident(household, name=f"{label}居民{next(_names)}", **extra)


def build_place(grid_code: str, label: str, *, users: dict) -> SimpleNamespace:
    """One of every scoped object in ``grid_code``, named with ``label``."""
    grid = build_grid(grid_code, households=3)
    Grid.objects.filter(pk=grid.pk).update(name=f"{label}网格")
    community = Division.objects.get(code=grid_code[:12])
    Division.objects.filter(pk=community.pk).update(name=f"{label}社区")
    building = grid.buildings.get()
    unit = building.units.get()
    household, household2, household3 = unit.households.order_by("code")
    today = timezone.localdate()
    now = timezone.now()

    own_phone = {"phone": RESIDENT_PHONE} if label == INSIDE_MARK else {}
    resident = _person(household, label, **own_phone)
    spouse = _person(household, label, male=False, relation="spouse")
    mover = _person(household2, label)
    fever = _person(household2, label)
    PersonStatus.objects.create(resident=fever, grid_code=grid_code, status="fever", since=now)

    regime_home = Regime.objects.get(code="7+3")
    regime_14 = Regime.objects.get(code="14")

    def order(person, **kw) -> QuarantineOrder:
        defaults = dict(regime=regime_home, place="home", phase="home", start_date=today,
                        planned_release=today + dt.timedelta(days=10), status="active", reason="密接")
        defaults.update(kw)
        return QuarantineOrder.objects.create(resident=person, grid_code=grid_code, **defaults)

    site = Site.objects.create(name=f"{label}隔离点", grid_code=grid_code, address=f"{label}路1号")
    room = Room.objects.create(site=site, grid_code=grid_code, number="101", capacity=2)

    contact = _person(household3, label, **own_phone)
    PersonStatus.objects.create(resident=contact, grid_code=grid_code, status="close_contact", since=now)
    active = order(contact)
    test_pending = QuarantineTest.objects.create(order=active, grid_code=grid_code, phase="home", day=1,
                                                 due_date=today)
    releasable = order(_person(household3, label), regime=regime_14, start_date=today - dt.timedelta(days=14),
                       planned_release=today)
    test_recorded = QuarantineTest.objects.create(order=releasable, grid_code=grid_code, phase="home", day=13,
                                                  due_date=today - dt.timedelta(days=1), result="negative")
    central = order(_person(household3, label), regime=Regime.objects.get(code="14+7"), place="central",
                    phase="central", site=site, room=room, start_date=today - dt.timedelta(days=15),
                    planned_release=today + dt.timedelta(days=6))
    released = order(_person(household3, label), start_date=today - dt.timedelta(days=10), planned_release=today,
                     status="released", released_at=now, certificate_number=f"JC{next(_names):012d}")

    case = _person(household3, label)
    PersonStatus.objects.create(resident=case, grid_code=grid_code, status="confirmed", severity="mild", since=now)
    investigation = Investigation.objects.create(case=case, grid_code=grid_code)

    campaign = Campaign.objects.create(
        name=f"{label}排查", grid_code=grid_code, start_date=today - dt.timedelta(days=1),
        end_date=today + dt.timedelta(days=6), frequency="daily", created_by=users[Role.COMMAND])
    # On the household of the person under quarantine, who may report their temperature through it.
    link = DeclarationLink.objects.create(household=household3, grid_code=grid_code, token=f"matrix-{grid_code}")

    # Said at the door that they came from a risk area: a risk report waiting to be checked.
    risk = RiskReport.objects.create(resident=resident, grid_code=grid_code, kind="risk_area", source="visit",
                                     date=today, reported_at=now, arrived_from=f"{label}市")

    facility = Facility.objects.create(name=f"{label}方舱", tier=Facility.Tier.FANGCANG, capacity=50,
                                       grid_code=grid_code)

    # A vehicle free for a new convoy, and a closed road of the grid (named with the label: a leak shows).
    vehicle = Vehicle.objects.create(plate=f"鄂A·{grid_code[-5:]}", kind="bus", seats=40, grid_code=grid_code)
    closed_road = ClosedRoad.objects.create(name=f"{label}路", grid_code=grid_code, starts_at=now)

    def transfer(status: str, **kw) -> TransferOrder:
        if status != "planned" or kw.pop("acknowledged", True):
            kw.setdefault("acknowledged_at", now)
            kw.setdefault("acknowledged_name", f"{label}护士长")
        bus = Vehicle.objects.create(plate=f"鄂A·{next(_names)}", kind="bus", seats=40, grid_code=grid_code)
        t = TransferOrder.objects.create(
            grid_code=grid_code, origin=f"{label}社区门口", destination=facility, vehicle=bus.plate,
            planned_departure=now + dt.timedelta(hours=1),
            planned_arrival=now + dt.timedelta(hours=2), status=status, **kw)
        cv = TransferVehicle.objects.create(transfer=t, vehicle=bus, driver=f"{label}司机")
        TransferEscort.objects.create(convoy_vehicle=cv, name=f"{label}医生", phone="13900000000")
        TransferPatient.objects.create(transfer=t, resident=case, grid_code=grid_code)
        return t

    transfer_planned = transfer("planned")
    transfer_unacknowledged = transfer("planned", acknowledged=False)
    transfer_en_route = transfer("en_route", departed_at=now)
    transfer_arrived = transfer("arrived", departed_at=now, arrived_at=now)
    admitted = _person(household3, label)
    admission = Admission.objects.create(resident=admitted, grid_code=grid_code, facility=facility, admitted_at=now)

    alerts = {
        role: Alert.objects.create(kind="new_lead", role=role, grid_code=grid_code, title=f"{label}预警{role}",
                                   dedupe_key=f"matrix:{label}:{role}", link="/alerts/")
        for role in ROLES
    }
    import_job = ImportJob.objects.create(kind="residents", grid_code=grid_code, file_name=f"{label}名单.csv",
                                          file_path="/nonexistent.csv", status="succeeded")
    # Inside: each role's own export job; outside: jobs of somebody else (only the owner may open a job).
    stranger = None if label == INSIDE_MARK else make_user(f"matrix_stranger_{grid_code}", Role.COMMAND, [grid_code])
    export_jobs = {
        role: ExportJob.objects.create(kind="residents", file_name=f"{label}导出.xlsx",
                                       created_by=stranger or users[role], expires_at=now + dt.timedelta(days=1))
        for role in ROLES
    }
    checkpoint = Checkpoint.objects.create(grid_code=grid_code, compound="", compound_key=compound_key(grid_code, ""),
                                           name=f"{label}东门")
    if label == INSIDE_MARK:  # every role's user has a shift at the inside gate, none outside
        for user in users.values():
            GateDuty.objects.create(checkpoint=checkpoint, grid_code=grid_code, user=user, kind="volunteer",
                                    starts_at=now - dt.timedelta(hours=1), ends_at=now + dt.timedelta(hours=8))
    # 全员核酸: a round over the grid, a point, a sampler's open pooled tube and a closed one with people.
    nat_round = Round.objects.create(grid_code=grid_code, name=f"{label}全员核酸", starts_on=today)
    nat_point = SamplingPoint.objects.create(round=nat_round, grid_code=grid_code, name=f"{label}采样点")
    nat_tube_open = Tube.objects.create(round=nat_round, point=nat_point, grid_code=grid_code,
                                        barcode=f"MO{grid_code}", day=today, opened_at=now)
    nat_tube = Tube.objects.create(round=nat_round, point=nat_point, grid_code=grid_code, barcode=f"MC{grid_code}",
                                   day=today, opened_at=now, closed_at=now, status="closed", size=1)
    return SimpleNamespace(
        nat_round=nat_round, nat_point=nat_point, nat_tube_open=nat_tube_open, nat_tube=nat_tube,
        label=label, grid=grid, checkpoint=checkpoint, grid_code=grid_code, area_code=community.code,
        building=building, unit=unit,
        household=household, household2=household2, resident=resident, spouse=spouse, mover=mover, fever=fever,
        contact=contact, order=active, order_releasable=releasable, order_central=central, order_released=released,
        test=test_pending, test_recorded=test_recorded, site=site, room=room, case=case, investigation=investigation,
        campaign=campaign, link=link, risk=risk, facility=facility, transfer_planned=transfer_planned,
        transfer_unacknowledged=transfer_unacknowledged, vehicle=vehicle, closed_road=closed_road,
        transfer_en_route=transfer_en_route,
        transfer_arrived=transfer_arrived, admitted=admitted, admission=admission, alerts=alerts,
        import_job=import_job, export_jobs=export_jobs,
    )


def build_world() -> World:
    users = {role: make_user(f"matrix_{role}", role, [GRID_A] if role != Role.RESIDENT else [],
                             display_name=f"矩阵{role}", phone=RESIDENT_PHONE if role == Role.RESIDENT else "")
             for role in ROLES}
    tokens = {role: api_token_issue(user=user) for role, user in users.items()}
    world = World(users=users, tokens=tokens)
    world.places[INSIDE] = build_place(GRID_A, INSIDE_MARK, users=users)
    world.places[OUTSIDE] = build_place(GRID_C, OUTSIDE_MARK, users=users)
    outside = world.places[OUTSIDE]
    # The outside people's ID numbers must not leak either, masked or not (the last 4 are unique enough).
    world.outside_markers = [OUTSIDE_MARK, outside.resident.id_number, outside.case.id_number]
    return world
