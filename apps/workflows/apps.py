"""workflows: see ARCHITECTURE.md (Layout)."""

from django.apps import AppConfig


class WorkflowsConfig(AppConfig):
    name = "apps.workflows"
    label = "workflows"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from apps.workflows import checks  # noqa: F401 - registers the system check
