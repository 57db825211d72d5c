"""The password-link e-mail task, moved from notifications to accounts, still runs on a real worker
under its old registered name (messages queued before the move still resolve)."""

from __future__ import annotations

import pytest

from apps.accounts.models import User

pytestmark = [pytest.mark.integration, pytest.mark.slow]

OLD_NAME = "apps.notifications.tasks.send_password_link"


def test_it_runs_the_password_link_task_by_its_old_name_on_a_real_worker(celery_worker_process, owner):
    from celery_app import app

    disabled = User.objects.create_user("gone@example.com", "gone-password-1", name="Gone", is_active=False)

    sent = app.send_task(OLD_NAME, args=(owner.pk, "reset_password"))
    skipped = app.send_task(OLD_NAME, args=(disabled.pk, "reset_password"))

    assert sent.get(timeout=60) is True
    assert skipped.get(timeout=60) is False
