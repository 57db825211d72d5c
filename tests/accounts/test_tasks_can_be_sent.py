"""Every task of ours can be sent: Celery refuses ``apply_async`` (a ValueError, which was a 500 in
``POST /check_expired_purchases`` and ``PUT /company`` on a real server) when a task's soft time
limit — the app's default of ``CELERY_TASK_SOFT_TIME_LIMIT`` unless set — exceeds its hard one.
Found by the API fuzz run (tests/integration/test_api_fuzz.py)."""

from __future__ import annotations

from celery_app import app


def test_it_gives_every_task_a_soft_limit_below_its_hard_limit() -> None:
    app.loader.import_default_modules()
    ours = {name: task for name, task in app.tasks.items() if name.startswith(("apps.", "workflow_steps."))}

    assert len(ours) >= 10
    too_late = {
        name: (task.soft_time_limit, task.time_limit)
        for name, task in ours.items()
        if task.soft_time_limit and task.time_limit and task.soft_time_limit > task.time_limit
    }
    assert too_late == {}
