"""Flower's configuration (read by ``celery -A celery_app flower`` from the working directory).

Flower shows task arguments and can revoke tasks and stop workers: it never runs without
authentication. ``FLOWER_BASIC_AUTH`` (``user:password``, several comma-separated) is required;
without it Flower refuses to start. Docs: docs/deployment-security.md.
"""

import os

_entries = [entry.strip() for entry in os.environ.get("FLOWER_BASIC_AUTH", "").split(",") if entry.strip()]
if not _entries or any(not user or not password for user, _, password in (e.partition(":") for e in _entries)):
    raise SystemExit("FLOWER_BASIC_AUTH (user:password) is required: Flower never runs without authentication")
basic_auth = _entries
