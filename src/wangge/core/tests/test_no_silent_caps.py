"""No list in views or selectors pages on its own or cuts a queryset short: lists go through
core.lists (keyset pages), and the few bounded slices that remain are named here with why."""

import ast
from pathlib import Path

import wangge

ROOT = Path(wangge.__file__).parent

# (file, function, slice bound as written): each is not a list page.
ALLOWED = {
    # A single-row subquery: the outcome of the day's visit.
    ("screening/selectors.py", "missing_queryset", "1"),
    # The unread badge counts up to 100 and shows "99+": a count, not a list.
    ("alerts/selectors.py", "unread_count", "100"),
    # Cutting the picker's search text (and a prefilled name), not a queryset: the suggestions are a
    # keyset page whose "more" the picker shows.
    ("people/selectors.py", "person_search", "PICKER_QUERY_LENGTH"),
    ("people/selectors.py", "household_search", "PICKER_QUERY_LENGTH"),
    ("people/views.py", "person_register", "50"),
    ("tracing/selectors.py", "place_search", "PLACE_QUERY_LENGTH"),  # the trajectory point's building search
    # keyset_page's own fetch of one page and one more row, then the page.
    ("core/lists.py", "keyset_page", "limit + 1"),
    ("core/lists.py", "keyset_page", "limit"),
    # The API's missing-households keyset page (cursor = last household code): a page and one more.
    ("screening/selectors.py", "missing_page", "limit + 1"),
    ("screening/selectors.py", "missing_page", "limit"),
}


def _list_modules():
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if "/tests/" in f"/{rel}" or "/migrations/" in rel:
            continue
        if path.name in ("views.py", "selectors.py") or rel == "core/lists.py":
            yield rel, ast.parse(path.read_text())


def _caps(tree):
    """(function, bound) for every slice ``x[:bound]`` of a call's result or of a queryset name."""
    for func in ast.walk(tree):
        if not isinstance(func, ast.FunctionDef):
            continue
        for node in ast.walk(func):
            if not (isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Slice)):
                continue
            s = node.slice
            if s.lower is not None or s.upper is None or isinstance(s.upper, ast.UnaryOp):
                continue  # x[:-1] drops an end; it caps nothing
            target = node.value
            on_query = isinstance(target, ast.Call) or (
                isinstance(target, ast.Name) and (target.id in ("qs", "rows") or target.id.endswith("_qs")))
            if on_query:
                yield func.name, ast.unparse(s.upper)


def test_no_view_or_selector_uses_django_s_paginator():
    users = [rel for rel, tree in _list_modules() for node in ast.walk(tree)
             if isinstance(node, (ast.Name, ast.alias)) and getattr(node, "id", getattr(node, "name", "")) in
             ("Paginator", "django.core.paginator")]
    assert users == []


def test_no_list_function_cuts_a_queryset_short_outside_the_allow_list():
    found = {(rel, func, bound) for rel, tree in _list_modules() for func, bound in _caps(tree)}
    assert found - ALLOWED == set()


def test_the_allow_list_names_only_slices_that_still_exist():
    found = {(rel, func, bound) for rel, tree in _list_modules() for func, bound in _caps(tree)}
    assert ALLOWED - found == set()
