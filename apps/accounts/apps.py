from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "apps.accounts"
    label = "accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        import apps.accounts.schema  # noqa: F401  (registers the service-secret OpenAPI scheme)
