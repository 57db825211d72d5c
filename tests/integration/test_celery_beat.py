"""A real ``celery beat`` (database scheduler, test schedule of seconds) and a real worker do the
periodic work: an expired purchase is closed, an unacknowledged message is re-sent to the session's
sockets, a step whose worker died is run again.

The beat entries are the ones the data migrations create (``migrated_beat_entries``), each set to
run every ``BEAT_TEST_SECONDS`` by ``fast_beat_schedule``. The state is made before the worker
starts; its start purges the queues, so nothing but beat's sweeps can pick the work up.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, cast

import pytest
from channels.layers import get_channel_layer
from django.utils import timezone

from apps.accounts.models import User
from apps.chat.models import SessionEvent
from apps.core import realtime
from apps.executions.models import UserTaskExecution
from apps.products.models import Purchase
from apps.workflows.models import StepStatus, UserWorkflowStepExecution
from tests.factories import ExecutionFactory
from tests.processes import wait_for
from tests.purchases_support import make_product, make_purchase
from tests.workflows.conftest import new_execution, poem_task, start

pytestmark = [
    pytest.mark.integration,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
]

LONG_AGO = timedelta(hours=1)
DEAD_WORKER = "dead-worker:1"


@dataclass
class PeriodicWork:
    purchase: Purchase
    unacked: SessionEvent
    step: UserWorkflowStepExecution
    resent: Future[dict[str, Any]]  # the first message the unacked event's session group receives


def listen(group: str, timeout: float = 90) -> Future[dict[str, Any]]:
    """Subscribe a channel to ``group`` (through the real channel layer) and wait for one message."""
    subscribed = threading.Event()

    async def receive() -> dict[str, Any]:
        layer = get_channel_layer()
        assert layer is not None
        channel = await layer.new_channel()
        await layer.group_add(group, channel)
        subscribed.set()
        try:
            return await asyncio.wait_for(layer.receive(channel), timeout)
        finally:
            await layer.group_discard(group, channel)

    future = ThreadPoolExecutor(max_workers=1).submit(asyncio.run, receive())
    assert subscribed.wait(10), "could not subscribe to the channel layer"
    return future


@pytest.fixture
def periodic_work(owner: User) -> Iterator[PeriodicWork]:
    """Work only the sweeps can find: made before the worker starts (whose start purges the queues)."""
    product = make_product("monthly", n_days=1)
    purchase = make_purchase(owner, product, created=timezone.now() - timedelta(days=3))
    assert purchase.active is True

    session = cast(UserTaskExecution, ExecutionFactory(user_task__user=owner)).session
    unacked = SessionEvent.objects.create(
        session=session,
        seq=1,
        event="mojo_message",
        data={"message_pk": 1, "text": "Hello"},
        requires_ack=True,
        ack_key="message:1",
        send_count=1,
        last_sent_at=timezone.now() - LONG_AGO,
    )

    execution = new_execution(owner, poem_task())
    start(execution, poem_topic="the harbour", n_stanzas="2")
    step = UserWorkflowStepExecution.objects.get(user_task_execution=execution)
    # What a worker killed mid-step leaves: a claim whose heartbeat stopped an hour ago.
    UserWorkflowStepExecution.objects.filter(pk=step.pk).update(
        status=StepStatus.RUNNING,
        claimed_by=DEAD_WORKER,
        claimed_at=timezone.now() - LONG_AGO,
        heartbeat_at=timezone.now() - LONG_AGO,
        attempts=1,
    )
    yield PeriodicWork(purchase, unacked, step, listen(realtime.session_group(session.pk)))


def test_it_closes_expired_purchases_resends_unacked_messages_and_relaunches_stale_steps(
    periodic_work, celery_worker_process, celery_beat_process, fast_beat_schedule, tmp_path
):
    assert fast_beat_schedule == 4  # the stale-generation sweep: tests/integration/test_killed_generation_worker.py

    wait_for(
        lambda: not Purchase.objects.get(pk=periodic_work.purchase.pk).active,
        timeout=90,
        message="beat's purchase sweep to close the expired purchase",
    )
    resent = periodic_work.resent.result(timeout=90)
    assert (resent["event"], resent["seq"], resent["data"]) == ("mojo_message", 1, {"message_pk": 1, "text": "Hello"})
    unacked = SessionEvent.objects.get(pk=periodic_work.unacked.pk)
    assert unacked.send_count >= 2 and unacked.last_sent_at > timezone.now() - LONG_AGO
    assert unacked.acked_at is None

    step = wait_for(
        lambda: UserWorkflowStepExecution.objects.filter(pk=periodic_work.step.pk, status=StepStatus.DONE).first(),
        timeout=90,
        message="beat's stale-step sweep to have the step run again",
    )
    assert step.attempts == 2
    assert step.claimed_by != DEAD_WORKER and step.claimed_by.startswith("test-")
    assert step.results.count() == 1

    # The 10-second sweep is quiet at INFO when idle: beat and the worker name it only when it acted.
    beat_log = (tmp_path / "beat.log").read_text()
    assert "apps.products.tasks.sweep_expired_purchases" in beat_log
    assert "apps.chat.tasks.resend_unacked_events" not in beat_log
    worker_log = (tmp_path / "worker.log").read_text()
    assert "re-sent 1 unacknowledged event(s)" in worker_log
    assert "apps.chat.tasks.resend_unacked_events[" not in worker_log  # no "Task <name>[<id>] received/succeeded"
    assert "apps.products.tasks.sweep_expired_purchases[" in worker_log
