"""Signals the chat sends for apps above it (the layer rule: a lower app never imports a higher one).

``versions_read``: the user has seen (acknowledged, or loaded in a page of history) messages that
carry produced text versions; ``apps.executions`` marks those versions ``read_by_user``. Sent with
``session_id``, ``version_pks``, ``when`` and ``report``; with ``report=True`` a receiver returns
whether any of the versions belongs to the session (an ack that matched something).
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from django.dispatch import Signal

versions_read = Signal()


def send_versions_read(session_id: str, version_pks: Collection[int], when: datetime, *, report: bool) -> bool:
    """Send ``versions_read``; True when a receiver reports a version of the session."""
    if not version_pks:
        return False
    responses = versions_read.send(
        sender=None, session_id=session_id, version_pks=list(version_pks), when=when, report=report
    )
    return any(bool(response) for _, response in responses)
