"""django-ninja names each schema in the OpenAPI document by its class name, so two apps' schemas
with one name collide and one endpoint is documented with the other's shape.  Every schema class
of every app's API has its own name."""

import importlib
from collections import defaultdict

from django.apps import apps
from ninja import Schema


def test_no_two_apps_declare_an_api_schema_of_the_same_name():
    owners = defaultdict(set)
    for config in apps.get_app_configs():
        if not config.name.startswith("wangge."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.api")
        except ModuleNotFoundError:
            continue
        for name, value in vars(module).items():
            if isinstance(value, type) and issubclass(value, Schema) and value.__module__ == module.__name__:
                owners[name].add(module.__name__)
    assert {name: sorted(mods) for name, mods in owners.items() if len(mods) > 1} == {}
