"""Names and descriptions of categories and products in the user's language (English, then any,
when that language has no row). Used by the offer pages and by e-mails (the welcome e-mail)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from apps.products.models import Product, ProductCategory


def pick_language(rows: Iterable[Any], language: str | None) -> Any:
    """The row of ``language``, else the English one, else the first (None when there is none)."""
    rows = list(rows)
    for code in (language, "en"):
        for row in rows:
            if row.language_code == code:
                return row
    return rows[0] if rows else None


def category_texts(category: ProductCategory, language: str | None) -> dict[str, str]:
    row = pick_language(category.displayed_data.all(), language)
    return {
        "name": row.name_for_user if row else category.label,
        "description": row.description_for_user if row else "",
    }


def product_name(product: Product, language: str | None) -> str:
    row = pick_language(product.displayed_data.all(), language)
    return row.name if row else (product.label or "")


def product_task_names(product: Product, language: str | None) -> list[str]:
    names = []
    for association in product.product_tasks.all():
        row = pick_language(association.task.displayed_data.all(), language)
        names.append(row.name_for_user if row else association.task.name_for_system)
    return names
