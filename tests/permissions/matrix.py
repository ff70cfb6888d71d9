"""The permission matrix: who may use every page and every API operation, as data.

``test_matrix.py`` enumerates the endpoints from the code (the URL conf for pages, the OpenAPI
document for ``/api/v1/``) and fails when one has no entry here, or an entry names an endpoint that
no longer exists.  For each entry it then asks, for every role (one user per role, reach = grid A)
and for an object inside that reach (grid A) and one outside it (grid C, another street):

* outside the reach: 404, never 403, 200 or 500, and the body does not name the outside object;
* inside, a role not in ``roles``: ``denied`` (403: the role may not do this at all), never 2xx or 500;
* inside, a role in ``roles``: 2xx or a redirect (a write with the minimal ``body`` succeeds);
* anonymous: a redirect to the login page (pages) or 401 (API); ``PUBLIC`` entries answer everyone.

**Adding an endpoint.**  Add one entry to ``PAGES`` (keyed by ``namespace:url_name``) or ``API``
(keyed by ``"METHOD /api/v1/path/{param}"`` exactly as in the OpenAPI document):

* ``roles``: the roles that may use it inside their reach (``STAFF``, ``EVERYONE``, or a set
  built from ``CMD, CW, GW, POL, CDC, VOL, AUD, RES``), or ``PUBLIC``;
* ``on``: what the path, query or body points at (a resident, an order, ...); leave it empty for a
  list, which is then checked not to show anything from outside the reach;
* ``path`` / ``query`` / ``body``: functions of ``o``, the objects of one side (``o.resident``,
  ``o.order``, ``o.campaign``, ... see ``world.build_place``), giving the URL parameters, the
  query string and the form or JSON body;
* ``method``: ``GET`` unless the endpoint only takes ``POST``; API keys carry their own method.

If the object you need is not in ``world.build_place`` yet, add it there, inside and outside alike.
A case the code gets wrong today goes in ``KNOWN_HOLES`` with the reason: it is expected to fail
(strictly, so the entry must be removed when the hole is fixed).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from wangge.accounts.models import Role

CMD, CW, GW, POL, CDC, VOL, AUD, RES = (
    Role.COMMAND.value, Role.COMMUNITY_WORKER.value, Role.GRID_WORKER.value, Role.POLICE.value, Role.CDC.value,
    Role.VOLUNTEER.value, Role.AUDITOR.value, Role.RESIDENT.value,
)
EVERYONE = frozenset({CMD, CW, GW, POL, CDC, VOL, AUD, RES})
STAFF = EVERYONE - {RES}  # residents have no reach: every scoped object is outside it
PUBLIC = "public"

# The permission table (wangge/accounts/permissions.py), said again here on purpose: changing who
# may do what must change this file too.  ``ACTIONS`` below maps every action of the table to one of
# these sets, and test_table.py checks the two agree.
EDITORS = frozenset({CMD, CW, GW, CDC})  # people.change, people.import, grid.household.create
CHECKERS = frozenset({CMD, CW})  # core.datachecks.view
REVEALERS = frozenset({CMD, CW, GW, POL, CDC})  # people.reveal
AUDIT_READERS = frozenset({AUD, CMD})  # audit.view
CAMPAIGNERS = frozenset({CMD, CW, CDC})  # screening.campaign.create
VISITORS = frozenset({GW, VOL, CW, CMD})  # screening.visit.record, screening.link.*
RISK_CHECKERS = frozenset({GW, CW, CDC, CMD})  # screening.risk.handle
OVERVIEWERS = frozenset({CMD, CDC, CW})  # health.overview: the epidemic figures on the landing page
FEVER_REPORTERS = frozenset({GW, CW, VOL, CDC, CMD, POL})  # health.status.fever
MONITORS = frozenset({GW, CW, VOL, CDC, CMD, POL})  # health.report.record
DOCTOR_VISIT_RECORDERS = frozenset({GW, CW, CDC, CMD})  # health.doctor_visit.record
CASE_DECIDERS = frozenset({CDC, CMD})  # health.status.suspected/confirmed/excluded/recovered/deceased
CONTACT_MARKERS = frozenset({CDC, CMD, CW})  # health.status.close_contact/secondary_contact
TRACERS = frozenset({CDC, CMD})  # tracing.contacts.add, tracing.investigation.close, tracing.exposures.view
TRAJECTORY_WRITERS = frozenset({CDC, CMD, CW})  # tracing.trajectory.add
ORDERERS = frozenset({CMD, CW, CDC, GW})  # quarantine.order
CENTRAL_ORDERERS = frozenset({CMD, CW, CDC})  # quarantine.order.central
RELEASERS = frozenset({CMD, CW, CDC})  # quarantine.release, .extend, .move_home
RESULT_RECORDERS = frozenset({CMD, CW, CDC, GW})  # quarantine.test.record
RESULT_CORRECTORS = frozenset({CDC, CMD})  # quarantine.test.correct
SITE_MANAGERS = frozenset({CMD})  # quarantine.site.create, quarantine.room.manage
SENDERS = frozenset({CMD, CDC, CW})  # transfer.step.planned/en_route/cancelled
SELF_SERVICE = frozenset({RES})  # people.self: a resident's own account (居民端)
NOBODY = frozenset()  # messaging.outbox.view: superusers only
RECEIVERS = frozenset({CMD, CDC})  # transfer.step.handed_over, transfer.facility.create, admissions
ACKNOWLEDGERS = frozenset({CMD, CDC, CW})  # transfer.acknowledge (in reach of the facility), transfer.check_in
FLEET_KEEPERS = frozenset({CMD, CDC})  # transfer.vehicle.manage, transfer.acknowledge.any
ROAD_KEEPERS = frozenset({CMD, POL, CW})  # transfer.closed_road.manage
PAPER_CODERS = frozenset({CMD, CW, GW})  # codes.paper.print, codes.paper.issue
GATE_SYNCERS = STAFF  # codes.gate.sync
SCANNERS = frozenset({CMD, CW, GW, POL, VOL, RES})  # gates.scan (at a gate of their shift, or managed)
GATE_MANAGERS = frozenset({CMD, CW})  # gates.checkpoint.manage
PASS_ISSUERS = frozenset({CMD, CW, GW})  # gates.pass.issue
NAT_ROUNDERS = frozenset({CMD, CW, CDC})  # testing.round.create
NAT_SAMPLERS = frozenset({CMD, CW, GW, VOL, CDC})  # testing.sample
NAT_LABS = frozenset({CMD, CDC})  # testing.result.record
NAT_EXEMPTERS = frozenset({CMD, CW, GW})  # testing.exempt

# Every action of the permission table and who may take it (a superuser may take every action).
ACTIONS: dict[str, frozenset[str]] = {
    **{f"{app}.view": STAFF for app in (
        "grid", "people", "health", "screening", "tracing", "quarantine", "transfer", "alerts", "codes", "gates",
        "testing")},
    "audit.view": AUDIT_READERS,
    "people.change": EDITORS,
    "grid.household.create": EDITORS,
    "core.datachecks.view": CHECKERS,
    "people.import": EDITORS,
    "people.reveal": REVEALERS,
    "people.self": SELF_SERVICE,
    "messaging.outbox.view": NOBODY,
    "screening.campaign.create": CAMPAIGNERS,
    "screening.visit.record": VISITORS,
    "screening.link.create": VISITORS,
    "screening.link.revoke": VISITORS,
    "screening.risk.handle": RISK_CHECKERS,
    "health.overview": OVERVIEWERS,
    "health.status.fever": FEVER_REPORTERS,
    **{f"health.status.{s}": CASE_DECIDERS for s in ("suspected", "confirmed", "excluded", "recovered", "deceased")},
    "health.status.close_contact": CONTACT_MARKERS,
    "health.status.secondary_contact": CONTACT_MARKERS,
    "health.report.record": MONITORS,
    "health.doctor_visit.record": DOCTOR_VISIT_RECORDERS,
    "tracing.trajectory.add": TRAJECTORY_WRITERS,
    "tracing.contacts.add": TRACERS,
    "tracing.exposures.view": TRACERS,
    "tracing.investigation.close": TRACERS,
    "quarantine.order": ORDERERS,
    "quarantine.order.central": CENTRAL_ORDERERS,
    "quarantine.test.record": RESULT_RECORDERS,
    "quarantine.test.correct": RESULT_CORRECTORS,
    "quarantine.release": RELEASERS,
    "quarantine.extend": RELEASERS,
    "quarantine.move_home": RELEASERS,
    "quarantine.site.create": SITE_MANAGERS,
    "quarantine.room.manage": SITE_MANAGERS,
    "transfer.step.planned": SENDERS,
    "transfer.step.en_route": SENDERS,
    "transfer.step.arrived": SENDERS | RECEIVERS,
    "transfer.step.handed_over": RECEIVERS,
    "transfer.step.cancelled": SENDERS,
    "transfer.facility.create": RECEIVERS,
    "transfer.acknowledge": ACKNOWLEDGERS,
    "transfer.acknowledge.any": FLEET_KEEPERS,
    "transfer.check_in": ACKNOWLEDGERS,
    "transfer.vehicle.manage": FLEET_KEEPERS,
    "transfer.closed_road.manage": ROAD_KEEPERS,
    "transfer.admission.record": RECEIVERS,
    "transfer.discharge.record": RECEIVERS,
    "codes.paper.print": PAPER_CODERS,
    "codes.paper.issue": PAPER_CODERS,
    "codes.gate.sync": GATE_SYNCERS,
    "gates.scan": SCANNERS,
    "gates.checkpoint.manage": GATE_MANAGERS,
    "gates.pass.issue": PASS_ISSUERS,
    "testing.round.create": NAT_ROUNDERS,
    "testing.sample": NAT_SAMPLERS,
    "testing.result.record": NAT_LABS,
    "testing.exempt": NAT_EXEMPTERS,
}


@dataclass(frozen=True)
class Entry:
    roles: frozenset[str] | str
    on: str = ""
    method: str = "GET"
    path: Callable[[Any], dict] | None = None
    query: Callable[[Any], dict] | None = None
    body: Callable[[Any], dict] | None = None
    denied: int = 403
    status: int | None = None  # everyone, anonymous included, gets exactly this
    # How an outside object is refused: 404, or "message" for a code typed into a form, refused on the
    # form with the same words as a code that does not exist.
    outside: int | str = 404
    note: str = ""

    @property
    def scoped(self) -> bool:
        return bool(self.on)


def _pk(attr: str, name: str = "pk"):
    return lambda o: {name: getattr(o, attr).pk}


def _area(o) -> dict:
    return {"within": o.grid_code}


def _within(o) -> dict:
    return {"within": o.grid_code}


def _now() -> str:
    return timezone.now().isoformat()


def _convoy(o) -> list[dict]:
    return [{"vehicle_id": o.vehicle.pk, "driver": "张师傅", "escorts": [{"name": "王医生", "phone": "13900000000"}]}]


def _slot() -> str:
    from wangge.health.services import current_slot

    return current_slot()


PAGES: dict[str, Entry] = {
    # core, accounts
    "core:home": Entry(EVERYONE, note="a resident is sent on to 我的"),
    "core:overview": Entry(STAFF),
    "core:healthz": Entry(PUBLIC),
    "core:map_data": Entry(STAFF, on="community", path=lambda o: {"code": o.area_code},
                           note="the area map's GeoJSON: boundaries and figures of the areas in reach"),
    "core:text_size": Entry(PUBLIC, method="POST", body=lambda o: {"size": "large"},
                            note="the large-text switch (长辈版): a cookie for this browser, nothing else"),
    "core:data_checks": Entry(CHECKERS),
    "core:data_check": Entry(CHECKERS, path=lambda o: {"key": "people.household_without_head"}),
    "accounts:login": Entry(PUBLIC),
    "accounts:logout": Entry(PUBLIC, method="POST"),
    # 我的 (居民端): the resident of the matrix acts for o.resident and o.contact (world.RESIDENT_PHONE);
    # staff are refused (403), a resident outside the account's people is 404.
    "portal:sign_in": Entry(PUBLIC),
    "portal:me": Entry(SELF_SERVICE),
    "portal:member": Entry(SELF_SERVICE, on="resident", path=_pk("resident")),
    "portal:member_code": Entry(SELF_SERVICE, on="resident", path=_pk("resident")),
    "portal:member_declare": Entry(SELF_SERVICE, on="resident", method="POST", path=_pk("resident"),
                                   body=lambda o: {"temperature": "36.5"}),
    "portal:member_report": Entry(SELF_SERVICE, on="resident", method="POST", path=_pk("contact"),
                                  body=lambda o: {"slot": _slot(), "temperature": "36.6"}),
    "messaging:outbox": Entry(frozenset(), note="superusers only: it holds sign-in codes"),
    "api:openapi-json": Entry(PUBLIC),
    "api:openapi-view": Entry(PUBLIC),
    "api:unknown_endpoint": Entry(PUBLIC, path=lambda o: {"path": "no-such-endpoint"}, status=404,
                                  note="the API's catch-all: a JSON 404 for any path no operation matches"),
    "api:api-root": Entry(PUBLIC, status=404, note="ninja's root has no page of its own"),
    # grid
    "grid:area": Entry(STAFF, on="community", path=lambda o: {"code": o.area_code}),
    "grid:grid": Entry(STAFF, on="grid", path=lambda o: {"code": o.grid_code}),
    "grid:building": Entry(STAFF, on="building", path=_pk("building")),
    "grid:unit": Entry(STAFF, on="unit", path=_pk("unit")),
    "grid:household": Entry(STAFF, on="household", path=_pk("household")),
    "grid:household_create": Entry(EDITORS, on="unit", path=_pk("unit")),
    # people
    "people:resident_list": Entry(STAFF),
    "people:resident_export": Entry(STAFF),
    "people:resident_detail": Entry(STAFF, on="resident", path=_pk("resident")),
    "people:resident_reveal": Entry(REVEALERS, on="resident", method="POST",
                                    path=lambda o: {"pk": o.resident.pk, "field": "id_number"},
                                    body=lambda o: {"purpose": "tracing"}),
    "people:resident_edit": Entry(EDITORS, on="resident", path=_pk("resident")),
    "people:resident_move": Entry(EDITORS, on="resident", path=_pk("resident")),
    "people:resident_create": Entry(EDITORS, on="household", path=_pk("household", "household_pk")),
    "people:person_search": Entry(STAFF, query=lambda o: {"q": o.resident.name}),
    "people:person_pick": Entry(STAFF, on="resident", path=_pk("resident")),
    "people:household_search": Entry(STAFF, query=lambda o: {"hq": o.household.door_number}),
    "people:person_register": Entry(EDITORS, method="POST", body=lambda o: {"reg-name": ""}),
    "people:resident_register": Entry(EDITORS, on="unit", query=lambda o: {"unit": o.unit.pk}),
    "people:import_list": Entry(STAFF),
    "people:import_new": Entry(EDITORS),
    "people:import_template": Entry(STAFF, path=lambda o: {"kind": "residents"}),
    "people:import_detail": Entry(STAFF, on="import job", path=_pk("import_job")),
    "people:import_progress": Entry(STAFF, on="import job", path=_pk("import_job")),
    # audit
    "audit:entry_list": Entry(AUDIT_READERS, denied=404, note="the audit log does not admit it exists"),
    # alerts (each role's own alert in the place)
    "alerts:inbox": Entry(STAFF),
    "alerts:export": Entry(STAFF),
    "alerts:badge": Entry(STAFF),
    "alerts:read_all": Entry(STAFF, method="POST"),
    "alerts:open": Entry(STAFF, on="alert", path=_pk("alert")),
    # Only the owner may open an export job; every role owns one inside, none outside.
    "exports:job": Entry(STAFF, on="export_job", path=_pk("export_job")),
    "exports:progress": Entry(STAFF, on="export_job", path=_pk("export_job")),
    # The file of a job still running does not exist yet: 404 for everyone (exports/tests cover the owner's download).
    "exports:download": Entry(frozenset(), on="export_job", path=_pk("export_job"), denied=404),
    "alerts:read": Entry(STAFF, on="alert", method="POST", path=_pk("alert")),
    # health
    "health:board": Entry(STAFF, on="area", query=_area),
    "health:daily": Entry(STAFF, on="area", query=_area),
    "health:daily_export": Entry(STAFF, on="area", query=_area),
    "health:gaps": Entry(STAFF, on="area", query=_area),
    "health:gaps_export": Entry(STAFF, on="area", query=_area),
    "health:monitoring": Entry(STAFF, on="area", query=_area),
    "screening:risk": Entry(STAFF, on="risk report", path=_pk("risk")),
    "screening:arrivals": Entry(STAFF),
    "health:monitoring_export": Entry(STAFF, on="area", query=_area),
    "health:monitoring_report": Entry(
        MONITORS, on="resident", method="POST", path=_pk("contact", "resident_id"),
        body=lambda o: {"slot": _slot(), "temperature": "36.5", "source": "staff"}),
    "health:person": Entry(STAFF, on="resident", path=_pk("resident", "resident_id")),
    "health:doctor_visit": Entry(DOCTOR_VISIT_RECORDERS, on="resident", method="POST",
                                 path=_pk("fever", "resident_id"), body=lambda o: {"note": "已就诊"}),
    # screening
    "screening:campaign_list": Entry(STAFF),
    "screening:campaign_new": Entry(CAMPAIGNERS),
    "screening:campaign_list_export": Entry(STAFF, note="without a reach there is nothing to export: 404"),
    "screening:my_today": Entry(STAFF),
    "screening:campaign": Entry(STAFF, on="campaign", path=_pk("campaign", "campaign_id")),
    "screening:missing": Entry(STAFF, on="campaign", path=_pk("campaign", "campaign_id")),
    "screening:campaign_today": Entry(STAFF, on="campaign", path=_pk("campaign", "campaign_id")),
    "screening:visit": Entry(VISITORS, on="campaign and household",
                             path=lambda o: {"campaign_id": o.campaign.pk, "household_id": o.household.pk}),
    "screening:declaration_link": Entry(VISITORS, on="household", path=_pk("household", "household_id")),
    "screening:declaration_sticker": Entry(VISITORS, on="household", path=_pk("household", "household_id")),
    "screening:declare": Entry(PUBLIC, path=lambda o: {"token": o.link.token}),
    "screening:declare_monitoring": Entry(
        PUBLIC, method="POST", path=lambda o: {"token": o.link.token},
        body=lambda o: {"resident_id": o.contact.pk, "slot": _slot(), "temperature": "36.6"}),
    # tracing
    "tracing:investigation_list": Entry(STAFF),
    "tracing:investigation_export": Entry(STAFF),
    "tracing:investigation_detail": Entry(STAFF, on="investigation", path=_pk("investigation")),
    "tracing:trajectory_add": Entry(
        TRAJECTORY_WRITERS, on="investigation", method="POST", path=_pk("investigation"),
        body=lambda o: {"place": "超市", "start": timezone.localtime().strftime("%Y-%m-%dT%H:%M")}),
    "tracing:place_search": Entry(TRAJECTORY_WRITERS, query=lambda o: {"pq": o.building.name}),
    "tracing:contacts_add": Entry(
        TRACERS, on="investigation", method="POST", path=_pk("investigation"),
        body=lambda o: {"regime_code": "7+3", "place": "home", "kind": "close", "resident_ids": [o.spouse.pk]}),
    "tracing:household_contacts_add": Entry(
        TRACERS, on="investigation", method="POST", path=_pk("investigation"),
        body=lambda o: {"regime_code": "7+3", "place": "home", "kind": "close"}),
    "tracing:investigation_exposures": Entry(TRACERS, on="investigation", path=_pk("investigation")),
    "tracing:exposures_contacts": Entry(
        TRACERS, on="investigation", method="POST", path=_pk("investigation"),
        body=lambda o: {"regime_code": "7+3", "place": "home", "kind": "close", "resident_ids": [o.spouse.pk]}),
    "tracing:investigation_chain": Entry(STAFF, on="investigation", path=_pk("investigation")),
    "tracing:contacts_export": Entry(STAFF, on="investigation", path=_pk("investigation")),
    "tracing:investigation_close": Entry(TRACERS, on="investigation", method="POST", path=_pk("investigation"),
                                         body=lambda o: {"summary": "流调完成"}),
    # quarantine
    "quarantine:order_list": Entry(STAFF),
    "quarantine:order_export": Entry(STAFF),
    "quarantine:order_new": Entry(ORDERERS),
    "quarantine:order_detail": Entry(STAFF, on="order", path=_pk("order")),
    "quarantine:order_release": Entry(RELEASERS, on="order", method="POST", path=_pk("order_releasable")),
    "quarantine:order_extend": Entry(RELEASERS, on="order", method="POST", path=_pk("order"),
                                     body=lambda o: {"days": "3", "reason": "复检"}),
    "quarantine:order_move_home": Entry(RELEASERS, on="order", method="POST", path=_pk("order_central")),
    "quarantine:certificate": Entry(STAFF, on="order", path=_pk("order_released")),
    "quarantine:test_result": Entry(RESULT_RECORDERS, on="test", method="POST", path=_pk("test"),
                                    body=lambda o: {"result": "negative"}),
    "quarantine:test_correct": Entry(RESULT_CORRECTORS, on="test", method="POST", path=_pk("test_recorded"),
                                     body=lambda o: {"result": "positive", "reason": "复核"}),
    "quarantine:tests_due": Entry(STAFF),
    "quarantine:tests_negative": Entry(RESULT_RECORDERS, on="test", method="POST",
                                       body=lambda o: {"test_ids": o.test.pk}),
    "quarantine:site_list": Entry(STAFF),
    "quarantine:site_export": Entry(STAFF),
    "quarantine:site_create": Entry(SITE_MANAGERS, on="division", method="POST", outside="message", body=lambda o: {
        "name": f"{o.label}新隔离点", "division_code": o.area_code, "rooms": "2", "beds_per_room": "1"}),
    "quarantine:site_detail": Entry(STAFF, on="site", path=_pk("site")),
    # transfer
    "transfer:list": Entry(STAFF),
    "transfer:export": Entry(STAFF),
    "transfer:new": Entry(SENDERS),
    "transfer:detail": Entry(STAFF, on="transfer", path=_pk("transfer_planned")),
    "transfer:depart": Entry(SENDERS, on="transfer", method="POST", path=_pk("transfer_planned")),
    "transfer:arrive": Entry(SENDERS | RECEIVERS, on="transfer", method="POST", path=_pk("transfer_en_route")),
    "transfer:handover": Entry(RECEIVERS, on="transfer", method="POST", path=_pk("transfer_arrived"),
                               body=lambda o: {"received_by": "接收护士"}),
    "transfer:cancel": Entry(SENDERS, on="transfer", method="POST", path=_pk("transfer_planned"),
                             body=lambda o: {"reason": "病人已自行就医"}),
    "transfer:facilities": Entry(STAFF),
    "transfer:facility_export": Entry(STAFF),
    "transfer:facility_new": Entry(RECEIVERS),
    # testing (全员核酸)
    "testing:resident": Entry(STAFF, on="resident", path=_pk("resident", "resident_id")),
    "testing:rounds": Entry(STAFF),
    "testing:round_new": Entry(NAT_ROUNDERS),
    "testing:round": Entry(STAFF, on="round", path=_pk("nat_round")),
    "testing:point_new": Entry(NAT_ROUNDERS, on="round", path=_pk("nat_round")),
    "testing:untested": Entry(STAFF, on="round", path=_pk("nat_round")),
    "testing:untested_export": Entry(STAFF, on="round", path=_pk("nat_round")),
    "testing:exempt": Entry(NAT_EXEMPTERS, on="round and resident", method="POST", path=_pk("nat_round"),
                            body=lambda o: {"resident_id": o.resident.pk, "kind": "away", "note": "外出务工"}),
    "testing:results_import": Entry(NAT_LABS, on="round", method="POST", path=_pk("nat_round"),
                                    body=lambda o: {"lab": "矩阵实验室"}),
    "testing:tasks": Entry(STAFF, on="round", path=_pk("nat_round")),
    "testing:point": Entry(STAFF, on="point", path=_pk("nat_point")),
    "testing:scan": Entry(NAT_SAMPLERS, on="point", method="POST", path=_pk("nat_point"),
                          body=lambda o: {"tube": f"MX{_serial()}"}),
    "testing:tube_close": Entry(NAT_SAMPLERS, on="tube", method="POST", path=_pk("nat_tube_open")),
    "testing:recall": Entry(STAFF, on="tube", path=_pk("nat_tube")),
    "transfer:edit": Entry(SENDERS, on="transfer", path=_pk("transfer_planned")),
    "transfer:acknowledge": Entry(ACKNOWLEDGERS, on="transfer", method="POST", path=_pk("transfer_unacknowledged"),
                                  body=lambda o: {"name": "接收护士"}),
    "transfer:check_in": Entry(ACKNOWLEDGERS, on="transfer", path=_pk("transfer_en_route")),
    "transfer:vehicles": Entry(STAFF),
    "transfer:vehicle_new": Entry(FLEET_KEEPERS),
    "transfer:closed_roads": Entry(STAFF),
    "transfer:closed_road_new": Entry(ROAD_KEEPERS),
    "transfer:closed_road_reopen": Entry(ROAD_KEEPERS, on="closed road", method="POST", path=_pk("closed_road")),
    # codes
    "codes:resident": Entry(STAFF, on="resident", path=_pk("resident", "resident_id")),
    "codes:paper": Entry(PAPER_CODERS, on="resident", path=_pk("resident", "resident_id")),
    "codes:paper_issue": Entry(PAPER_CODERS, on="resident", method="POST", path=_pk("resident", "resident_id")),
    "codes:paper_revoke": Entry(PAPER_CODERS, on="resident", method="POST", path=_pk("resident", "resident_id")),
    # gates: a gate opens for whoever is on its roster now (world gives every role a shift at the
    # inside gate) and for the managers of its area; outside, nobody has a shift.
    "gates:mine": Entry(SCANNERS),
    "gates:gate": Entry(SCANNERS, on="checkpoint", path=_pk("checkpoint")),
}


def _serial() -> str:
    import uuid

    return uuid.uuid4().hex[:12]


def _new_person(o) -> dict:
    from wangge.core.testing.factories import valid_id_number

    return {"household_id": o.household2.pk, "name": "赵敏", "id_number": valid_id_number(male=False),
            "relation": "child"}


API: dict[str, Entry] = {
    # grid
    "GET /api/v1/areas": Entry(EVERYONE),
    "GET /api/v1/areas/{code}": Entry(STAFF, on="community", path=lambda o: {"code": o.area_code}),
    "GET /api/v1/grids": Entry(EVERYONE),
    "GET /api/v1/grids/{code}": Entry(STAFF, on="grid", path=lambda o: {"code": o.grid_code}),
    "GET /api/v1/buildings": Entry(EVERYONE),
    "GET /api/v1/buildings/{building_id}": Entry(STAFF, on="building", path=_pk("building", "building_id")),
    "GET /api/v1/households": Entry(EVERYONE),
    "GET /api/v1/households/{household_id}": Entry(STAFF, on="household", path=_pk("household", "household_id")),
    # people
    "GET /api/v1/residents": Entry(EVERYONE),
    "POST /api/v1/residents": Entry(EDITORS, on="household", body=_new_person),
    "GET /api/v1/residents/{resident_id}": Entry(STAFF, on="resident", path=_pk("resident", "resident_id")),
    "PATCH /api/v1/residents/{resident_id}": Entry(EDITORS, on="resident", path=_pk("resident", "resident_id"),
                                                   body=lambda o: {"note": "矩阵测试"}),
    "POST /api/v1/residents/{resident_id}/reveal": Entry(REVEALERS, on="resident",
                                                         path=_pk("resident", "resident_id"),
                                                         body=lambda o: {"field": "phone", "purpose": "tracing"}),
    "POST /api/v1/residents/{resident_id}/move": Entry(EDITORS, on="resident", path=_pk("mover", "resident_id"),
                                                       body=lambda o: {"to_household_id": o.household.pk,
                                                                       "relation": "other", "reason": "投亲"}),
    # screening
    "GET /api/v1/screening/campaigns": Entry(EVERYONE),
    "POST /api/v1/screening/campaigns": Entry(CAMPAIGNERS, on="area", body=lambda o: {
        "name": "矩阵排查", "area_code": o.grid_code, "start_date": str(timezone.localdate()),
        "end_date": str(timezone.localdate() + dt.timedelta(days=3)), "frequency": "once"}),
    "POST /api/v1/screening/visits": Entry(VISITORS, on="campaign and household", body=lambda o: {
        "campaign_id": o.campaign.pk, "household_id": o.household.pk, "outcome": "nobody_home"}),
    "GET /api/v1/screening/campaigns/{campaign_id}/coverage": Entry(STAFF, on="campaign",
                                                                   path=_pk("campaign", "campaign_id")),
    "GET /api/v1/screening/campaigns/{campaign_id}/missing": Entry(STAFF, on="campaign",
                                                                  path=_pk("campaign", "campaign_id")),
    "POST /api/v1/screening/declare/{token}": Entry(PUBLIC, path=lambda o: {"token": o.link.token},
                                                    body=lambda o: {"resident_id": o.contact.pk,
                                                                    "temperature": "36.4"}),
    # health
    "POST /api/v1/residents/{resident_id}/status": Entry(FEVER_REPORTERS, on="resident",
                                                         path=_pk("resident", "resident_id"),
                                                         body=lambda o: {"to_status": "fever", "reason": "入户测温"},
                                                         note="the fever transition: the one most roles may make"),
    "GET /api/v1/health/status/{resident_id}": Entry(STAFF, on="resident", path=_pk("resident", "resident_id")),
    "GET /api/v1/health/four-categories": Entry(STAFF, on="area", query=_within),
    "GET /api/v1/health/monitoring": Entry(STAFF, on="area", query=_within),
    "GET /api/v1/health/gaps/{kind}": Entry(STAFF, on="area", path=lambda o: {"kind": "unadmitted"}, query=_within),
    "POST /api/v1/health/reports": Entry(MONITORS, on="resident", body=lambda o: {
        "resident_id": o.contact.pk, "slot": _slot(), "temperature": "36.5"}),
    # tracing
    "GET /api/v1/tracing/investigations": Entry(EVERYONE),
    "GET /api/v1/tracing/investigations/{investigation_id}": Entry(
        STAFF, on="investigation", path=_pk("investigation", "investigation_id")),
    "POST /api/v1/tracing/investigations/{investigation_id}/trajectory": Entry(
        TRAJECTORY_WRITERS, on="investigation", path=_pk("investigation", "investigation_id"),
        body=lambda o: {"place": "菜市场", "start": _now()}),
    "POST /api/v1/tracing/investigations/{investigation_id}/contacts": Entry(
        TRACERS, on="investigation", path=_pk("investigation", "investigation_id"),
        body=lambda o: {"contacts": [{"resident_id": o.spouse.pk}], "regime_code": "7+3"}),
    "GET /api/v1/tracing/exposures/{resident_id}": Entry(
        TRACERS, on="resident", path=_pk("case", "resident_id")),
    # quarantine
    "GET /api/v1/quarantine/orders": Entry(EVERYONE),
    "POST /api/v1/quarantine/orders": Entry(ORDERERS, on="resident", body=lambda o: {
        "resident_id": o.resident.pk, "regime_code": "7+3", "place": "home", "reason": "密接"}),
    "GET /api/v1/quarantine/orders/{order_id}": Entry(STAFF, on="order", path=_pk("order", "order_id")),
    "POST /api/v1/quarantine/orders/{order_id}/release": Entry(RELEASERS, on="order",
                                                              path=_pk("order_releasable", "order_id")),
    "POST /api/v1/quarantine/orders/{order_id}/extend": Entry(RELEASERS, on="order", path=_pk("order", "order_id"),
                                                             body=lambda o: {"days": 3, "reason": "复检"}),
    "POST /api/v1/quarantine/tests/{test_id}/result": Entry(RESULT_RECORDERS, on="test", path=_pk("test", "test_id"),
                                                           body=lambda o: {"result": "negative"}),
    "POST /api/v1/quarantine/tests/{test_id}/correction": Entry(
        RESULT_CORRECTORS, on="test", path=_pk("test_recorded", "test_id"),
        body=lambda o: {"result": "positive", "reason": "复核"}),
    "POST /api/v1/quarantine/tests/negative": Entry(RESULT_RECORDERS, on="test",
                                                    body=lambda o: {"test_ids": [o.test.pk]}),
    "GET /api/v1/quarantine/sites": Entry(EVERYONE),
    # transfer
    "GET /api/v1/facilities": Entry(EVERYONE),
    "GET /api/v1/transfers": Entry(EVERYONE),
    "POST /api/v1/transfers": Entry(SENDERS, on="resident and facility", body=lambda o: {
        "resident_ids": [o.fever.pk], "origin": "社区门口", "destination_id": o.facility.pk,
        "vehicles": _convoy(o), "planned_departure": (timezone.now() + dt.timedelta(hours=1)).isoformat(),
        "planned_arrival": (timezone.now() + dt.timedelta(hours=2)).isoformat()}),
    "POST /api/v1/transfers/{transfer_id}/change": Entry(SENDERS, on="transfer",
                                                        path=_pk("transfer_planned", "transfer_id"), body=lambda o: {
        "origin": "社区门口", "vehicles": _convoy(o), "route_note": "武珞路",
        "planned_departure": (timezone.now() + dt.timedelta(hours=1)).isoformat(),
        "planned_arrival": (timezone.now() + dt.timedelta(hours=2)).isoformat()}),
    "POST /api/v1/transfers/{transfer_id}/acknowledge": Entry(ACKNOWLEDGERS, on="transfer",
                                                             path=_pk("transfer_unacknowledged", "transfer_id"),
                                                             body=lambda o: {"name": "接收护士"}),
    "POST /api/v1/transfers/{transfer_id}/check-ins": Entry(ACKNOWLEDGERS, on="transfer",
                                                           path=_pk("transfer_en_route", "transfer_id"),
                                                           body=lambda o: {"lat": 30.55, "lng": 114.31}),
    "GET /api/v1/vehicles": Entry(EVERYONE),
    # Registering in a division of one's reach (a division outside it is a 422 of the field: transfer/tests).
    "POST /api/v1/vehicles": Entry(FLEET_KEEPERS, body=lambda o: {
        "plate": "鄂A·NEW01", "kind": "bus", "seats": 40, "grid_code": o.grid_code}),
    "GET /api/v1/closed-roads": Entry(EVERYONE),
    "POST /api/v1/closed-roads": Entry(ROAD_KEEPERS, body=lambda o: {
        "name": "新封闭路", "grid_code": o.grid_code, "starts_at": _now()}),
    "POST /api/v1/closed-roads/{road_id}/reopen": Entry(ROAD_KEEPERS, on="closed road",
                                                       path=_pk("closed_road", "road_id")),
    "GET /api/v1/transfers/{transfer_id}": Entry(STAFF, on="transfer", path=_pk("transfer_planned", "transfer_id")),
    "POST /api/v1/transfers/{transfer_id}/depart": Entry(SENDERS, on="transfer",
                                                        path=_pk("transfer_planned", "transfer_id")),
    "POST /api/v1/transfers/{transfer_id}/arrive": Entry(SENDERS | RECEIVERS, on="transfer",
                                                        path=_pk("transfer_en_route", "transfer_id")),
    "POST /api/v1/transfers/{transfer_id}/handover": Entry(RECEIVERS, on="transfer",
                                                          path=_pk("transfer_arrived", "transfer_id"),
                                                          body=lambda o: {"received_by": "接收护士"}),
    "POST /api/v1/admissions": Entry(RECEIVERS, on="resident and facility", body=lambda o: {
        "resident_id": o.resident.pk, "facility_id": o.facility.pk, "admitted_at": _now()}),
    "POST /api/v1/admissions/{admission_id}/discharge": Entry(RECEIVERS, on="admission",
                                                             path=_pk("admission", "admission_id")),
    # gates
    "POST /api/v1/gates/scan": Entry(SCANNERS, on="checkpoint", body=lambda o: {
        "checkpoint_id": o.checkpoint.pk, "direction": "in", "id_number": o.resident.id_number,
        "temperature": "36.5", "mask": True}),
    "POST /api/v1/gates/scans": Entry(SCANNERS, on="checkpoint", body=lambda o: {
        "checkpoint_id": o.checkpoint.pk, "scans": []}),
    "GET /api/v1/gates/checkpoints": Entry(EVERYONE),
    "GET /api/v1/gates/duty": Entry(EVERYONE),
    "GET /api/v1/gates/checkpoints/{checkpoint_id}/scans": Entry(STAFF, on="checkpoint",
                                                                path=_pk("checkpoint", "checkpoint_id")),
    "GET /api/v1/gates/checkpoints/{checkpoint_id}/offline": Entry(SCANNERS, on="checkpoint",
                                                                  path=_pk("checkpoint", "checkpoint_id")),
    "POST /api/v1/gates/checkpoints": Entry(GATE_MANAGERS, on="grid", body=lambda o: {
        "grid_code": o.grid_code, "name": "矩阵新门"}),
    "POST /api/v1/gates/checkpoints/{checkpoint_id}/level": Entry(
        GATE_MANAGERS, on="checkpoint", path=_pk("checkpoint", "checkpoint_id"), body=lambda o: {"level": "closed"}),
    "POST /api/v1/gates/checkpoints/{checkpoint_id}/duties": Entry(
        GATE_MANAGERS, on="checkpoint", path=_pk("checkpoint", "checkpoint_id"), body=lambda o: {
            "username": "matrix_volunteer", "kind": "volunteer", "starts_at": _now(),
            "ends_at": (timezone.now() + dt.timedelta(hours=8)).isoformat()}),
    "POST /api/v1/gates/checkpoints/{checkpoint_id}/passes": Entry(
        PASS_ISSUERS, on="checkpoint and resident", path=_pk("checkpoint", "checkpoint_id"), body=lambda o: {
            "resident_id": o.resident.pk, "kind": "essential",
            "valid_until": (timezone.now() + dt.timedelta(days=3)).isoformat()}),
    "POST /api/v1/gates/visitors": Entry(SCANNERS, on="checkpoint", body=lambda o: {
        "checkpoint_id": o.checkpoint.pk, "name": "访客", "phone": "13900000000", "visiting": "1号楼101",
        "purpose": "送药", "temperature": "36.5", "mask": True}),
    # alerts
    "GET /api/v1/alerts": Entry(EVERYONE),
    # residents' sign-in and 我的
    "POST /api/v1/auth/otp": Entry(PUBLIC, body=lambda o: {"phone": "13911112222"},
                                   note="the same answer whether or not anyone has the phone"),
    "POST /api/v1/auth/otp/verify": Entry(PUBLIC, body=lambda o: {"phone": "13911112222", "code": "000000"},
                                          status=422, note="no code was sent: otp_invalid for everyone"),
    "GET /api/v1/me/household": Entry(SELF_SERVICE),
    "GET /api/v1/me/residents/{resident_id}/code": Entry(SELF_SERVICE, on="resident",
                                                         path=_pk("resident", "resident_id")),
    "POST /api/v1/alerts/{alert_id}/read": Entry(STAFF, on="alert", path=_pk("alert", "alert_id")),
    # codes
    "GET /api/v1/residents/{resident_id}/code": Entry(STAFF, on="resident", path=_pk("resident", "resident_id")),
    "GET /api/v1/gates/keys": Entry(PUBLIC, note="the public keys gates verify codes with: public by nature"),
    "GET /api/v1/gates/revocations": Entry(GATE_SYNCERS, note="references and colours only, nothing personal"),
    # testing (全员核酸)
    "GET /api/v1/testing/rounds": Entry(EVERYONE),
    "GET /api/v1/testing/rounds/{round_id}": Entry(STAFF, on="round", path=_pk("nat_round", "round_id")),
    "GET /api/v1/testing/rounds/{round_id}/untested": Entry(STAFF, on="round", path=_pk("nat_round", "round_id")),
    "POST /api/v1/testing/batches": Entry(NAT_SAMPLERS, on="point", body=lambda o: {
        "batch_id": f"matrix-{_serial()}", "point_id": o.nat_point.pk,
        "tubes": [{"barcode": f"MB{_serial()}", "samples": [{"resident_id": o.resident.pk}]}]}),
    "POST /api/v1/testing/results": Entry(NAT_LABS, body=lambda o: {
        "lab": "矩阵实验室", "rows": [{"barcode": o.nat_tube.barcode, "result": "negative"}]},
        note="a lab's rows name tubes; one outside the reach is a not_found row, never its details"),
}

# Cases the code gets wrong today: (endpoint key, role or "*", "inside"/"outside"/"*") -> why.
# Each is an expected failure (strict): fix the code, then delete the line.
KNOWN_HOLES: dict[tuple[str, str, str], str] = {}

# Cases the matrix cannot make succeed, though the code is right (also strict expected failures).
MATRIX_LIMITS: dict[tuple[str, str, str], str] = {
    ("quarantine:site_create", CMD, "inside"): (
        "sites are run by a division (12-digit code) and the matrix's users reach one grid, so no division "
        "is in their reach; quarantine/tests cover creating a site"),
}
