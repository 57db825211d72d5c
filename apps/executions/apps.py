from django.apps import AppConfig


class ExecutionsConfig(AppConfig):
    name = "apps.executions"
    label = "executions"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Imported here, once the app registry is ready (handlers import models): Django's idiom;
        # importing handlers also connects its @receiver functions.
        from apps.catalog.signals import task_deleting
        from apps.executions import handlers

        task_deleting.connect(handlers.keep_tasks_with_runs, dispatch_uid="executions.keep_tasks_with_runs")
