"""The unacked-events sweep runs every 10 s: Celery's routine INFO lines about it are dropped, and
it logs at INFO only when it re-sent something."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from django.utils import timezone

from apps.chat.delivery import resend_unacked
from apps.chat.models import SessionEvent
from apps.chat.tasks import resend_unacked_events
from mojodex.logging import QuietSweepsFilter
from tests.factories import SessionFactory

SWEEP = resend_unacked_events.name  # imported: registered, as in a worker or beat process


def record(logger: str, message: str, args: tuple[object, ...] = (), data: dict[str, object] | None = None):
    made = logging.LogRecord(logger, logging.INFO, __file__, 1, message, args, None)
    if data is not None:
        made.data = data  # what celery.app.trace and celery.worker.strategy attach
    return made


@pytest.mark.parametrize(
    ("name", "kept"),
    [(SWEEP, False), ("apps.workflows.tasks.relaunch_stale_steps", True), ("apps.chat.tasks.generate_reply", True)],
)
def test_it_drops_the_routine_celery_lines_of_quiet_sweeps_only(name, kept):
    quiet = QuietSweepsFilter()

    assert quiet.filter(record("celery.app.trace", "Task %(name)s succeeded", data={"name": name})) is kept
    assert quiet.filter(record("celery.worker.strategy", "Task %(name)s received", data={"name": name})) is kept
    assert quiet.filter(record("celery.beat", "Scheduler: Sending due task %s (%s)", ("entry", name))) is kept


def test_it_keeps_other_records_and_warnings():
    quiet = QuietSweepsFilter()
    warning = record("celery.app.trace", "Task %(name)s failed", data={"name": SWEEP})
    warning.levelno = logging.WARNING

    assert quiet.filter(warning) is True
    assert quiet.filter(record("apps.chat.delivery", "re-sent %d", (1,))) is True


@pytest.mark.django_db
def test_it_logs_the_sweep_at_info_only_when_it_resent_something(caplog):
    with caplog.at_level(logging.INFO, logger="apps.chat.delivery"):
        assert resend_unacked() == 0
    assert [r for r in caplog.records if r.levelno >= logging.INFO] == []

    SessionEvent.objects.create(
        session=SessionFactory(),
        seq=1,
        event="mojo_message",
        data={"message_pk": 1},
        requires_ack=True,
        ack_key="message:1",
        last_sent_at=timezone.now() - timedelta(minutes=1),
    )
    with caplog.at_level(logging.INFO, logger="apps.chat.delivery"):
        assert resend_unacked() == 1
    assert [r.getMessage() for r in caplog.records] == ["re-sent 1 unacknowledged event(s)"]
