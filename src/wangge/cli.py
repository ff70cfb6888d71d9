"""The ``wangge`` console script: every Django management command, plus demo, serve and token."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wangge.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["wangge", *sys.argv[1:]])


if __name__ == "__main__":
    main()
