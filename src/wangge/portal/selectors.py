"""What a resident's own pages read (我的): only the people ``people.selectors.acts_for`` gives, each
read audited there (``households_for_self``, ``resident_for_self``), never a list of anyone else."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from wangge.audit.context import Actor
from wangge.codes.services import IssuedCode, issue_token
from wangge.health import selectors as health_selectors
from wangge.health.selectors import MonitoredPerson
from wangge.health.services import current_slot
from wangge.people.models import Resident
from wangge.people.selectors import SelfHousehold, households_for_self, resident_for_self
from wangge.quarantine.models import QuarantineTest
from wangge.quarantine.selectors import tests_of_resident
from wangge.screening.models import SelfDeclaration
from wangge.testing.models import Sample
from wangge.testing.selectors import test_history


@dataclass
class MemberSummary:
    resident: Resident
    declared_today: bool
    monitored: bool


@dataclass
class HouseholdView:
    household: object
    members: list[MemberSummary]


def my_households(*, actor: Actor, today: dt.date | None = None) -> list[HouseholdView]:
    """The households of the people ``actor`` acts for, with only those people, and whether each has
    declared today and is under monitoring."""
    today = today or timezone.localdate()
    households: list[SelfHousehold] = households_for_self(actor=actor)
    ids = [m.pk for h in households for m in h.members]
    declared = set(SelfDeclaration.objects.filter(resident_id__in=ids, date=today).values_list("resident_id",
                                                                                                 flat=True))
    views = []
    for h in households:
        monitored = {p.resident.pk for p in health_selectors.household_monitoring(household=h.household, date=today)}
        views.append(HouseholdView(h.household, [MemberSummary(m, m.pk in declared, m.pk in monitored)
                                                 for m in h.members]))
    return views


@dataclass
class MemberView:
    resident: Resident
    tests: list[QuarantineTest]
    samples: list[Sample]  # mass-testing rounds (全员核酸): each sample with its tube's result
    declaration: SelfDeclaration | None
    monitoring: MonitoredPerson | None  # None: not under monitoring now
    slot: str
    today: dt.date
    code: IssuedCode  # the member's health code now (a fresh signed token)


def my_member(*, actor: Actor, pk, today: dt.date | None = None) -> MemberView:
    """One person ``actor`` acts for (NotFound for anyone else), read and audited once, with their
    test history, today's declaration and today's monitoring (the household link's own readers)."""
    resident = resident_for_self(actor=actor, pk=pk)
    today = today or timezone.localdate()
    monitoring = next((p for p in health_selectors.household_monitoring(household=resident.household, date=today)
                       if p.resident.pk == resident.pk), None)
    return MemberView(
        resident=resident,
        tests=list(tests_of_resident(resident)),
        samples=list(test_history(resident)),
        declaration=SelfDeclaration.objects.filter(resident=resident, date=today).first(),
        monitoring=monitoring,
        slot=current_slot(),
        today=today,
        code=issue_token(resident),
    )


def my_code(*, actor: Actor, pk) -> IssuedCode:
    """A fresh health code of one person ``actor`` acts for (NotFound for anyone else); the read of
    the person is audited like the member page's."""
    return issue_token(resident_for_self(actor=actor, pk=pk))
