#!/usr/bin/env python
"""Django's command-line utility; ``dev`` first fills in a local key and the offline providers."""

import os
import sys
from pathlib import Path


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mojodex.settings")
    if sys.argv[1:2] == ["dev"]:
        from apps.core.devenv import prepare

        prepare(os.environ, Path(__file__).resolve().parent)
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(sys.argv)
    except ImproperlyConfigured as exc:  # unsafe or missing configuration: one message, no traceback
        sys.exit(f"ImproperlyConfigured: {exc}")


if __name__ == "__main__":
    main()
