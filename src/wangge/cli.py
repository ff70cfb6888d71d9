"""The ``wangge`` console script: every Django management command, plus demo, serve and token."""

import os
import sys
from collections.abc import MutableMapping

# Commands that change tables, indexes or privileges.  With WANGGE_MIGRATE_DATABASE_URL set they
# connect as the tables' owner; everything else connects through DATABASE_URL, which can then
# be a role that may only read and append to the audit log (README: restricted database role).
OWNER_COMMANDS = {"migrate", "grant_app_role", "demo"}


def use_owner_database(argv: list[str], environ: MutableMapping[str, str]) -> None:
    owner_url = environ.get("WANGGE_MIGRATE_DATABASE_URL", "")
    if owner_url and argv[:1] and argv[0] in OWNER_COMMANDS:
        environ["DATABASE_URL"] = owner_url


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wangge.settings")
    use_owner_database(sys.argv[1:], os.environ)
    from django.core.management import execute_from_command_line

    execute_from_command_line(["wangge", *sys.argv[1:]])


if __name__ == "__main__":
    main()
