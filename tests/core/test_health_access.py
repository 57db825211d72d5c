"""GET /health gives everyone the status and code (what probes need); only staff tokens and the
holder of MOJODEX_HEALTH_SECRET (``X-Health-Secret``) see the per-part report. No worker runs
here, so the status is 503 "unavailable" throughout (the 200 case with a real worker:
tests/integration/test_celery_worker.py)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

SECRET = "s3cret-probe-value"
DETAILS = {"status", "database", "redis", "broker", "workers", "providers"}


@pytest.fixture
def probe_secret(settings):
    settings.HEALTH_SECRET = SECRET
    return SECRET


def test_anonymous_callers_get_only_the_status(anonymous, probe_secret):
    response = anonymous.get("/health")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable"}


def test_a_wrong_secret_sees_no_details(anonymous, probe_secret):
    for wrong in ("nope", SECRET[:-1], SECRET + "x", ""):
        response = anonymous.get("/health", HTTP_X_HEALTH_SECRET=wrong)
        assert response.status_code == 503
        assert response.json() == {"status": "unavailable"}


def test_no_secret_configured_accepts_no_header(anonymous, settings):
    settings.HEALTH_SECRET = ""
    response = anonymous.get("/health", HTTP_X_HEALTH_SECRET="")
    assert response.json() == {"status": "unavailable"}


def test_the_right_secret_sees_the_details(anonymous, probe_secret):
    response = anonymous.get("/health", HTTP_X_HEALTH_SECRET=SECRET)
    assert response.status_code == 503
    body = response.json()
    assert set(body) == DETAILS
    assert body["status"] == "unavailable"
    assert body["workers"] == {"ok": False, "count": 0, "names": []}


def test_a_staff_token_sees_the_details(admin_client):
    response = admin_client.get("/health")
    assert response.status_code == 503
    assert set(response.json()) == DETAILS


def test_a_non_staff_token_sees_no_details(member_client, probe_secret):
    response = member_client.get("/health")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable"}


def test_a_bad_token_is_an_anonymous_probe_not_a_401(anonymous):
    anonymous.credentials(HTTP_AUTHORIZATION="not-a-token")
    response = anonymous.get("/health")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable"}
