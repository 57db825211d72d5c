"""Health of the parts the platform needs: database, Redis, broker, workers; the providers in use."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

import redis
from django.conf import settings
from django.db import connection

from celery_app import app

logger = logging.getLogger(__name__)

CHECK_TIMEOUT = 2.0


def _check_database() -> dict[str, Any]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT extversion FROM pg_extension WHERE extname = 'vector'")
        row = cursor.fetchone()
    return {"ok": True, "pgvector": row[0] if row else None}


def _check_redis() -> dict[str, Any]:
    client = redis.Redis.from_url(
        settings.REDIS_URL, socket_timeout=CHECK_TIMEOUT, socket_connect_timeout=CHECK_TIMEOUT
    )
    try:
        client.ping()
    finally:
        client.close()
    return {"ok": True}


def _check_broker() -> dict[str, Any]:
    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=int(CHECK_TIMEOUT))
        transport = conn.transport_cls
    return {"ok": True, "transport": str(transport)}


def _check_workers() -> dict[str, Any]:
    replies = app.control.ping(timeout=CHECK_TIMEOUT) or []
    names = sorted(name for reply in replies for name in reply)
    return {"ok": bool(names), "count": len(names), "names": names}


CHECKS = {
    "database": _check_database,
    "redis": _check_redis,
    "broker": _check_broker,
    "workers": _check_workers,
}


def check_health(extra: Mapping[str, Callable[[], dict[str, Any]]] | None = None) -> tuple[bool, dict[str, Any]]:
    """Run every check, then the caller's ``extra`` ones (core knows no provider: the route adds
    the LLM layer's); a part that raises is reported down with the error text."""
    report: dict[str, Any] = {}
    for name, check in {**CHECKS, **(extra or {})}.items():
        try:
            report[name] = check()
        except Exception as exc:  # any failure means "down"; the text tells the operator why
            logger.warning("health check %s failed: %s", name, exc)
            report[name] = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
    healthy = all(part["ok"] for part in report.values())
    return healthy, {"status": "ok" if healthy else "unavailable", **report}
