from django.apps import AppConfig


class ExecutionsConfig(AppConfig):
    name = "apps.executions"
    label = "executions"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from apps.executions import handlers  # noqa: F401  (connects the signal receivers)
