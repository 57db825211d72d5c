"""The Celery application: queues, routes, reliability policy.

Every long or proactive action runs here. Tasks are idempotent (they claim their row before
working), so they are acknowledged late: a worker killed mid-task leaves its message to be
redelivered to another worker instead of losing it.
"""

from __future__ import annotations

import os

from celery import Celery
from celery.signals import setup_logging
from kombu import Exchange, Queue

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mojodex.settings")

QUEUES = ("llm", "workflows", "background", "notifications")

app = Celery("mojodex")
app.config_from_object("django.conf:settings", namespace="CELERY")


def _configure() -> None:
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    # Celery refuses to send a task whose soft limit exceeds its hard one; a task that sets only
    # ``time_limit`` inherits the global soft limit, so it must set ``soft_time_limit`` too.
    if settings.CELERY_TASK_SOFT_TIME_LIMIT > settings.CELERY_TASK_TIME_LIMIT:
        raise ImproperlyConfigured(
            f"CELERY_TASK_SOFT_TIME_LIMIT ({settings.CELERY_TASK_SOFT_TIME_LIMIT}) must not exceed "
            f"CELERY_TASK_TIME_LIMIT ({settings.CELERY_TASK_TIME_LIMIT})"
        )
    app.conf.update(
        task_serializer="json",
        result_serializer="json",
        accept_content=["json"],
        task_queues=[Queue(name, Exchange(name, type="direct"), routing_key=name) for name in QUEUES],
        task_default_queue="background",
        task_routes={
            "apps.chat.tasks.resend_unacked_events": {"queue": "notifications"},
            "apps.chat.tasks.relaunch_stale_generations": {"queue": "notifications"},  # a sweep: never behind LLM work
            "apps.chat.tasks.*": {"queue": "llm"},
            "apps.executions.tasks.embed_produced_text_version": {"queue": "background"},
            "apps.executions.tasks.*": {"queue": "llm"},
            "apps.llm.tasks.*": {"queue": "llm"},
            "apps.catalog.tasks.*": {"queue": "llm"},
            "apps.workflows.tasks.*": {"queue": "workflows"},
            "apps.todos.tasks.*": {"queue": "background"},
            "apps.documents.tasks.*": {"queue": "background"},
            "apps.products.tasks.*": {"queue": "background"},
            "apps.accounts.tasks.*": {"queue": "background"},
            "apps.notifications.tasks.*": {"queue": "notifications"},
            "apps.core.tasks.*": {"queue": "background"},
        },
        # Reliability: ack after the task ran, requeue when the worker process dies, take one
        # message at a time so a crash strands no prefetched work.
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_time_limit=settings.CELERY_TASK_TIME_LIMIT,
        task_soft_time_limit=settings.CELERY_TASK_SOFT_TIME_LIMIT,
        broker_transport_options={"visibility_timeout": settings.CELERY_VISIBILITY_TIMEOUT},
        result_backend_transport_options={"visibility_timeout": settings.CELERY_VISIBILITY_TIMEOUT},
        result_expires=24 * 3600,
        broker_connection_retry_on_startup=True,
        worker_concurrency=settings.CELERY_WORKER_CONCURRENCY,
        worker_hijack_root_logger=False,
        worker_send_task_events=True,
        task_send_sent_event=True,
        beat_scheduler="django_celery_beat.schedulers:DatabaseScheduler",
        timezone="UTC",
    )


_configure()
app.autodiscover_tasks()


@setup_logging.connect
def _use_django_logging(**_: object) -> None:
    """Django settings already configured logging (mojodex.logging); keep Celery's hands off."""
    import django

    django.setup()
