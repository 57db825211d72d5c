from django.apps import AppConfig


class AssistantsConfig(AppConfig):
    """No models: the orchestration layer on top of chat, executions, products and workflows."""

    name = "apps.assistants"
    label = "assistants"
    default_auto_field = "django.db.models.BigAutoField"
