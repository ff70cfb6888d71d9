"""The one scoping mechanism.

A user's reach is a set of grid-code prefixes (see ``core.codes``).  Every model that holds
scoped data carries a denormalised, indexed ``grid_code`` and uses ``ScopedQuerySet``; every
selector narrows with ``.restrict(user, action)``, which is reach and action together: the rows in
the user's part of the grid, and none unless the user's role may take the action
(``user.may(action)``, the one table in ``accounts.permissions``).  Nothing else filters by scope.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import reduce
from operator import or_
from typing import Protocol

from django.db import models
from django.db.models import Q

from wangge.core.codes import ancestors, prefix_upper_bound


class User(Protocol):
    """What scoping asks of a user (``accounts.User`` is one); core knows no accounts model."""

    is_active: bool
    is_authenticated: bool
    scope_prefixes: list[str]
    may: Callable[[str], bool]  # the role's answer for an action (``accounts.permissions``)


def prefix_q(field: str, prefix: str) -> Q:
    """``field`` starts with ``prefix``, written as a range so a btree index serves it."""
    if not prefix:
        return Q()
    upper = prefix_upper_bound(prefix)
    q = Q(**{f"{field}__gte": prefix})
    if upper is not None:
        q &= Q(**{f"{field}__lt": upper})
    return q


def prefixes_q(field: str, prefixes: list[str]) -> Q | None:
    """Union of ``prefix_q`` over ``prefixes``; None when the list is empty (no reach)."""
    if not prefixes:
        return None
    if "" in prefixes:
        return Q()
    return reduce(or_, (prefix_q(field, p) for p in prefixes))


class ScopedQuerySet(models.QuerySet):
    scope_field = "grid_code"

    def action_name(self, action: str) -> str:
        """``"view"`` on residents is ``"people.view"``; a dotted action is taken as it is."""
        return action if "." in action else f"{self.model._meta.app_label}.{action}"

    def restrict(self, user: User | None, action: str = "view") -> ScopedQuerySet:
        """Only the rows inside ``user``'s part of the grid, and only if their role may ``action``."""
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if not user.may(self.action_name(action)):
            return self.none()
        q = prefixes_q(self.scope_field, user.scope_prefixes)
        if q is None:
            return self.none()
        return self.filter(q)

    def serving(self, user: User | None, action: str = "view") -> ScopedQuerySet:
        """Rows in ``user``'s reach, and those run by a division above it.

        For shared facilities (quarantine sites, hospitals): a community worker places people in
        the district's sites without reaching the district's residents.
        """
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if not user.may(self.action_name(action)):
            return self.none()
        above = {a for p in user.scope_prefixes for a in ancestors(p)}
        q = prefixes_q(self.scope_field, user.scope_prefixes)
        if q is None and not above:
            return self.none()
        if above:
            above_q = Q(**{f"{self.scope_field}__in": above})
            q = above_q if q is None else q | above_q
        return self.filter(q)

    def within(self, prefix: str) -> ScopedQuerySet:
        """Rows in the subtree of ``prefix`` (a navigation filter, not an authorisation)."""
        return self.filter(prefix_q(self.scope_field, prefix))


class ScopedManager(models.Manager.from_queryset(ScopedQuerySet)):
    pass


def user_can_reach(user: User, code: str) -> bool:
    """Whether ``code`` (any grid-level code or prefix) lies inside ``user``'s reach."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return any(code.startswith(p) for p in user.scope_prefixes)


def user_can_navigate(user: User, code: str) -> bool:
    """Whether ``code`` is in ``user``'s reach or on the way down to it (an ancestor of it).

    Ancestors can be opened for navigation (a grid worker's breadcrumb shows their street), but
    what they show is always narrowed to the reach.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return user_can_reach(user, code) or any(p.startswith(code) for p in user.scope_prefixes)
