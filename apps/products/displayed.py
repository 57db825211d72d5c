"""Names and descriptions of categories and products in the user's language (English, then any,
when that language has no row). Used by the offer pages and by e-mails (the welcome e-mail)."""

from __future__ import annotations

from apps.catalog.selectors import displayed_data
from apps.products.models import Product, ProductCategory


def category_texts(category: ProductCategory, language: str | None) -> dict[str, str]:
    row = displayed_data(category.displayed_data.all(), language)
    return {
        "name": row.name_for_user if row else category.label,
        "description": row.description_for_user if row else "",
    }


def product_name(product: Product, language: str | None) -> str:
    row = displayed_data(product.displayed_data.all(), language)
    return row.name if row else (product.label or "")


def product_task_names(product: Product, language: str | None) -> list[str]:
    names = []
    for association in product.product_tasks.all():
        row = displayed_data(association.task.displayed_data.all(), language)
        names.append(row.name_for_user if row else association.task.name_for_system)
    return names
