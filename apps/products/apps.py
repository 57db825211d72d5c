from django.apps import AppConfig


class ProductsConfig(AppConfig):
    name = "apps.products"
    label = "products"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Imported here, once the app registry is ready (handlers import models): Django's idiom.
        from apps.accounts.signals import account_deleted
        from apps.catalog.signals import task_deleting
        from apps.products import handlers

        account_deleted.connect(
            handlers.deactivate_purchases_of_deleted_account,
            dispatch_uid="products.deactivate_purchases_of_deleted_account",
        )
        task_deleting.connect(handlers.delete_task_from_products, dispatch_uid="products.delete_task_from_products")
