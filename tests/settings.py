"""Test settings: real Postgres+pgvector and real Redis.

The servers named by ``DATABASE_URL``/``REDIS_URL`` when set; otherwise embedded ones started here
(once per test run, under ``var/test``) whose addresses are put in the environment, so the
processes the tests start (Celery workers, daphne) reach the same servers.
"""

from __future__ import annotations

import atexit
import os
from pathlib import Path

from apps.core.embedded import EmbeddedServers

_VAR = Path(os.environ.get("MOJODEX_TEST_VAR_DIR", Path(__file__).resolve().parent.parent / "var" / "test"))
if not (os.environ.get("DATABASE_URL") and os.environ.get("REDIS_URL")):
    _servers = EmbeddedServers(_VAR)
    os.environ.update(_servers.start())
    atexit.register(_servers.stop)

os.environ.setdefault("MOJODEX_VAR_DIR", str(_VAR))
# Tests choose the offline providers explicitly (production refuses to start without a choice)
# and a key of their own; the workers and daphne the tests start inherit both.
os.environ.setdefault("MOJODEX_FAKE_PROVIDERS", "true")
os.environ.setdefault("SECRET_KEY", "tests-only-secret-key-" + "x" * 40)
os.environ.setdefault("LOG_JSON", "false")
# One prefix per test run, shared with the workers and daphne the tests start (they inherit it).
os.environ.setdefault("MOJODEX_CHANNEL_PREFIX", f"mojodex-test-{os.getpid()}")

from mojodex.settings import *  # noqa: E402,F403

REALTIME_STRICT_JSON = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]  # noqa: F405
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405 - threads of async tests must not hold connections
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405 - WhiteNoise warns about a missing root
# The web UI's static files straight from the apps (no collectstatic before a test run).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
