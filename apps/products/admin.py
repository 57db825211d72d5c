"""Django admin of products: categories, products (profiles, subscriptions) with their tasks,
and purchases (roles)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest

from apps.products.models import (
    Product,
    ProductCategory,
    ProductCategoryDisplayedData,
    ProductDisplayedData,
    ProductTask,
    Purchase,
)
from apps.products.services.purchases import activate_purchase, deactivate_purchase


class ProductCategoryDisplayedDataInline(admin.TabularInline):
    model = ProductCategoryDisplayedData
    extra = 0


@admin.register(ProductCategory)
class ProductCategoryAdmin(admin.ModelAdmin):
    list_display = ("label", "emoji", "visible", "implicit_goal", "n_products")
    list_filter = ("visible",)
    search_fields = ("label", "implicit_goal", "displayed_data__name_for_user")
    inlines = (ProductCategoryDisplayedDataInline,)

    def get_queryset(self, request: HttpRequest) -> QuerySet[ProductCategory]:
        return super().get_queryset(request).annotate(product_count=Count("products"))

    @admin.display(description="products", ordering="product_count")
    def n_products(self, category: Any) -> int:
        return int(category.product_count)


class ProductDisplayedDataInline(admin.TabularInline):
    model = ProductDisplayedData
    extra = 0


class ProductTaskInline(admin.TabularInline):
    model = ProductTask
    extra = 0
    autocomplete_fields = ("task",)
    verbose_name = "task"
    verbose_name_plural = "tasks in this product"


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = (
        "label",
        "status",
        "product_category",
        "free",
        "n_days_validity",
        "n_tasks_limit",
        "n_tasks",
        "n_active_purchases",
    )
    list_filter = ("status", "free", "product_category")
    list_select_related = ("product_category",)
    search_fields = ("label", "product_stripe_id", "product_apple_id", "displayed_data__name")
    autocomplete_fields = ("product_category",)
    inlines = (ProductDisplayedDataInline, ProductTaskInline)
    fieldsets = (
        (None, {"fields": ("label", "status", "product_category")}),
        (
            "Kind and limits",
            {
                "fields": ("free", "n_days_validity", "n_tasks_limit"),
                "description": "Free without limits = a profile; free with limits = a trial; not free without "
                "a day limit = a subscription; not free with a day limit = a package.",
            },
        ),
        ("Stores", {"fields": ("product_stripe_id", "product_apple_id"), "classes": ("collapse",)}),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Product]:
        return (
            super()
            .get_queryset(request)
            .annotate(
                task_count=Count("product_tasks", distinct=True),
                active_purchase_count=Count("purchases__id", filter=Q(purchases__active=True), distinct=True),
            )
        )

    @admin.display(description="tasks", ordering="task_count")
    def n_tasks(self, product: Any) -> int:
        return int(product.task_count)

    @admin.display(description="active purchases", ordering="active_purchase_count")
    def n_active_purchases(self, product: Any) -> int:
        return int(product.active_purchase_count)


@admin.register(Purchase)
class PurchaseAdmin(admin.ModelAdmin):
    """Purchases (a *role* is the purchase of a profile). Activation grants the product's tasks and
    deactivation revokes them, through ``apps.products.services`` (not by ticking ``active``)."""

    list_display = (
        "id",
        "user",
        "product",
        "active",
        "creation_date",
        "completed_date",
        "custom_purchase_id",
        "subscription_stripe_id",
    )
    list_filter = ("active", "product__free", "product")
    list_select_related = ("user", "product")
    search_fields = (
        "user__email",
        "user__name",
        "product__label",
        "custom_purchase_id",
        "subscription_stripe_id",
        "session_stripe_id",
    )
    autocomplete_fields = ("user", "product")
    date_hierarchy = "creation_date"
    readonly_fields = ("active",)
    actions = ("activate", "deactivate")

    def save_model(self, request: HttpRequest, obj: Purchase, form: Any, change: bool) -> None:
        """A purchase added here is activated at once (its tasks granted), like PUT /manual_purchase."""
        adding = not change
        if adding:
            obj.active = False
        super().save_model(request, obj, form, change)
        if adding and obj.user_id is not None:
            activate_purchase(obj)

    @admin.action(description="Activate (grant the product's tasks)")
    def activate(self, request: HttpRequest, queryset: QuerySet[Purchase]) -> None:
        changed = sum(1 for purchase in queryset.filter(user__isnull=False) if activate_purchase(purchase))
        self.message_user(request, f"{changed} purchase(s) activated.", messages.SUCCESS)

    @admin.action(description="Deactivate (revoke tasks no other purchase grants)")
    def deactivate(self, request: HttpRequest, queryset: QuerySet[Purchase]) -> None:
        reason = f"deactivated in the admin by {request.user}"
        changed = sum(1 for purchase in queryset if deactivate_purchase(purchase, reason=reason))
        self.message_user(request, f"{changed} purchase(s) deactivated.", messages.SUCCESS)
