#!/usr/bin/env python
"""Django's command-line utility; ``dev`` (and commands beside it) first fill in a local key and the
offline providers (apps.core.devenv)."""

import os
import sys
from pathlib import Path


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mojodex.settings")
    from apps.core import devenv

    base_dir = Path(__file__).resolve().parent
    if devenv.applies(sys.argv, os.environ, base_dir):
        devenv.prepare(os.environ, base_dir)
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(sys.argv)
    except ImproperlyConfigured as exc:  # unsafe or missing configuration: one message, no traceback
        sys.exit(f"ImproperlyConfigured: {exc}")


if __name__ == "__main__":
    main()
