from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "apps.core"
    label = "core"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Make the project's Celery app the current one in every process (web included), so
        # `shared_task.delay()` publishes to the configured broker, not Celery's default.
        import apps.core.api.schema  # noqa: F401  (registers the OpenAPI auth schemes)
        import celery_app  # noqa: F401
