from django.apps import AppConfig


class TodosConfig(AppConfig):
    name = "apps.todos"
    label = "todos"
    default_auto_field = "django.db.models.BigAutoField"
