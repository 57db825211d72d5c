"""What the catalogue services share: their conflict error and the advisory lock."""

from __future__ import annotations

from django.db import connection

from apps.core.errors import Conflict


class CatalogConflict(Conflict):
    """The change collides with existing data (HTTP 409)."""


def advisory_lock(key: str) -> None:
    """Serialize the writers of one catalogue name until the transaction ends (``md_task`` and
    ``md_text_type`` have no unique index to do it)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"catalog:{key}"])
