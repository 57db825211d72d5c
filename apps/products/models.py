"""Products (profiles), their categories, the tasks they bundle and purchases (roles)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class ProductStatus(models.TextChoices):
    """The original's ``md_product_status_`` enum."""

    ACTIVE = "active"
    INACTIVE = "inactive"


class ProductCategory(models.Model):
    """A family of products chosen at onboarding (``md_product_category``); carries an implicit goal."""

    id = models.AutoField(primary_key=True, db_column="product_category_pk")
    label = models.CharField(max_length=255)
    emoji = models.CharField(max_length=255)
    implicit_goal = models.CharField(max_length=255)
    visible = models.BooleanField(default=False, db_default=False)

    class Meta:
        db_table = "md_product_category"
        verbose_name_plural = "product categories"
        ordering = ("label", "id")

    def __str__(self) -> str:
        return self.label


class ProductCategoryDisplayedData(models.Model):
    """Name and description of a category in one language (``md_product_category_displayed_data``)."""

    id = models.AutoField(primary_key=True, db_column="product_category_displayed_data_pk")
    product_category = models.ForeignKey(
        ProductCategory,
        on_delete=models.PROTECT,
        db_column="product_category_fk",
        related_name="displayed_data",
    )
    language_code = models.CharField(max_length=2)
    name_for_user = models.CharField(max_length=255)
    description_for_user = models.CharField(max_length=255)

    class Meta:
        db_table = "md_product_category_displayed_data"
        verbose_name_plural = "product category displayed data"
        ordering = ("product_category_id", "language_code", "id")

    def __str__(self) -> str:
        return f"{self.name_for_user} [{self.language_code}]"


class Product(models.Model):
    """A bundle of tasks that can be bought or assigned (``md_product``); a free one is a profile."""

    id = models.AutoField(primary_key=True, db_column="product_pk")
    product_stripe_id = models.CharField(max_length=255, null=True, blank=True)
    status = models.CharField(max_length=255, choices=ProductStatus.choices)
    product_category = models.ForeignKey(
        ProductCategory,
        on_delete=models.PROTECT,
        db_column="product_category_fk",
        null=True,
        blank=True,
        related_name="products",
    )
    free = models.BooleanField()
    n_days_validity = models.IntegerField(null=True, blank=True, help_text="Days of validity; empty = no limit.")
    product_apple_id = models.CharField(max_length=255, null=True, blank=True)
    n_tasks_limit = models.IntegerField(null=True, blank=True, help_text="Task executions allowed; empty = no limit.")
    label = models.CharField(max_length=255, null=True, blank=True)

    class Meta:
        db_table = "md_product"
        ordering = ("label", "id")
        constraints = [
            # The original's constraint name, so an adopted database keeps its own.
            models.UniqueConstraint(fields=["label"], name="product_label_key"),
            models.CheckConstraint(condition=models.Q(status__in=ProductStatus.values), name="md_product_status_valid"),
        ]

    def __str__(self) -> str:
        return self.label or f"product {self.pk}"


class ProductDisplayedData(models.Model):
    """Name of a product in one language (``md_product_displayed_data``)."""

    id = models.AutoField(primary_key=True, db_column="product_displayed_data_pk")
    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, db_column="product_fk", related_name="displayed_data"
    )
    language_code = models.CharField(max_length=2)
    name = models.CharField(max_length=255)

    class Meta:
        db_table = "md_product_displayed_data"
        verbose_name_plural = "product displayed data"
        ordering = ("product_id", "language_code", "id")

    def __str__(self) -> str:
        return f"{self.name} [{self.language_code}]"


class ProductTask(models.Model):
    """A task included in a product (``md_product_task``); duplicates are prevented by services."""

    id = models.AutoField(primary_key=True, db_column="product_task_pk")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, db_column="product_fk", related_name="product_tasks")
    task = models.ForeignKey(
        "catalog.Task", on_delete=models.PROTECT, db_column="task_fk", related_name="product_tasks"
    )

    class Meta:
        db_table = "md_product_task"
        ordering = ("product_id", "id")

    def __str__(self) -> str:
        return f"product {self.product_id} → task {self.task_id}"


class Purchase(models.Model):
    """A user's acquisition of a product (``md_purchase``); only active purchases grant tasks."""

    id = models.AutoField(primary_key=True, db_column="purchase_pk")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        db_column="user_id",
        null=True,
        blank=True,
        related_name="purchases",
    )
    product = models.ForeignKey(Product, on_delete=models.PROTECT, db_column="product_fk", related_name="purchases")
    subscription_stripe_id = models.CharField(max_length=255, null=True, blank=True)
    creation_date = models.DateTimeField(default=timezone.now)
    session_stripe_id = models.CharField(max_length=255, null=True, blank=True)
    customer_stripe_id = models.CharField(max_length=255, null=True, blank=True)
    completed_date = models.DateTimeField(null=True, blank=True)
    apple_transaction_id = models.CharField(max_length=255, null=True, blank=True)
    active = models.BooleanField(default=False, db_default=False)
    apple_original_transaction_id = models.CharField(max_length=255, null=True, blank=True)
    custom_purchase_id = models.CharField(max_length=255, null=True, blank=True)

    class Meta:
        db_table = "md_purchase"
        ordering = ("-creation_date", "-id")

    def __str__(self) -> str:
        state = "active" if self.active else "inactive"
        return f"purchase {self.pk}: product {self.product_id} for {self.user_id} ({state})"
