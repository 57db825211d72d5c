"""Celery refuses to send a task whose soft time limit exceeds its hard one: the app refuses such
global defaults at start (each task's own pair is checked by tests/integration/test_every_task_is_sent.py)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured


def test_it_refuses_a_global_soft_limit_above_the_hard_one(settings):
    import celery_app

    settings.CELERY_TASK_TIME_LIMIT = 900
    settings.CELERY_TASK_SOFT_TIME_LIMIT = 901

    with pytest.raises(ImproperlyConfigured, match=r"CELERY_TASK_SOFT_TIME_LIMIT \(901\) must not exceed"):
        celery_app._configure()
    assert (celery_app.app.conf.task_soft_time_limit, celery_app.app.conf.task_time_limit) == (840, 900)
