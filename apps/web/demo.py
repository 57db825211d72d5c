"""The demo data of ``manage.py seed_demo`` (what the original's ``init-mojodex-data.sql`` creates,
plus text-edit actions, the example workflows and a free trial product).

It spans every layer (catalogue, products, the demo account and its tasks), so it lives on top,
with the web app and its commands; the catalogue's own part is ``apps.catalog.bundled``.

Idempotent and additive: rows are found by a natural key (e-mail, label, name_for_system,
prompt file…) and only what is missing is created, so running it again — ``manage.py dev`` does
at every start — changes nothing and never overwrites an admin's edits.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from apps.accounts.models import User
from apps.catalog.bundled import seed_tasks, seed_text_edit_actions
from apps.catalog.models import Task, TaskType
from apps.executions.models import UserTask
from apps.products.models import (
    Product,
    ProductCategory,
    ProductCategoryDisplayedData,
    ProductDisplayedData,
    ProductTask,
    Purchase,
)

DEMO_EMAIL = "demo@example.com"
DEMO_PASSWORD = "demo"
DEMO_USER_ID = "14f919cf95a70935c6c70f4a89ef5fec"  # the original's, so its scripts find the demo user
DEMO_DATE = datetime(2024, 2, 6, 14, 15, 38, tzinfo=UTC)

CATEGORY = {
    "label": "demo",
    "emoji": "🪄",
    "implicit_goal": "Discover what Mojodex can do to save time on everyday work and find new ways to get tasks done",
    "visible": True,
}
CATEGORY_DISPLAYED_DATA = {
    "en": (
        "Digital Assistant Demo",
        "An assistant for meeting recaps, follow-up e-mails and LinkedIn posts that learns",
    ),
    "fr": ("Démo de l'assistant", "Un assistant pour les comptes rendus, les e-mails de suivi et les posts LinkedIn"),
}
PRODUCTS: list[dict[str, Any]] = [
    {
        "label": "professional_digital_assistant",
        "fields": {"status": "active", "free": True, "n_days_validity": 999, "n_tasks_limit": None},
        "names": {"en": "Pro Digital Assistant", "fr": "Assistant numérique pro"},
        "tasks": "all",
    },
    {
        "label": "demo_free_trial",
        "fields": {"status": "active", "free": True, "n_days_validity": 14, "n_tasks_limit": 20},
        "names": {"en": "Free trial", "fr": "Essai gratuit"},
        "tasks": TaskType.INSTRUCT,
    },
]
DEMO_PRODUCT = "professional_digital_assistant"


def seed_products() -> ProductCategory:
    category = ProductCategory.objects.filter(label=CATEGORY["label"]).order_by("id").first()
    if category is None:
        category = ProductCategory.objects.create(**CATEGORY)
    for code, (name, description) in CATEGORY_DISPLAYED_DATA.items():
        if not category.displayed_data.filter(language_code=code).exists():
            ProductCategoryDisplayedData.objects.create(
                product_category=category, language_code=code, name_for_user=name, description_for_user=description
            )
    for spec in PRODUCTS:
        product, _ = Product.objects.get_or_create(
            label=spec["label"], defaults={**spec["fields"], "product_category": category}
        )
        for code, name in spec["names"].items():
            if not product.displayed_data.filter(language_code=code).exists():
                ProductDisplayedData.objects.create(product=product, language_code=code, name=name)
        tasks = Task.objects.all() if spec["tasks"] == "all" else Task.objects.filter(type=spec["tasks"])
        included = set(product.product_tasks.values_list("task_id", flat=True))
        ProductTask.objects.bulk_create(
            ProductTask(product=product, task=task) for task in tasks.order_by("id") if task.pk not in included
        )
    return category


def seed_demo_user(category: ProductCategory) -> User:
    user = User.objects.filter(email=DEMO_EMAIL).first()
    if user is None:
        user = User.objects.create_user(
            DEMO_EMAIL,
            DEMO_PASSWORD,
            id=DEMO_USER_ID if not User.objects.filter(pk=DEMO_USER_ID).exists() else None,
            name="Demo User",
            language_code="en",
            creation_date=DEMO_DATE,
            terms_and_conditions_accepted=DEMO_DATE,
            onboarding_presented=DEMO_DATE,
            goal=category.implicit_goal,
            timezone_offset=-60,
            product_category=category,
            todo_email_reception=True,
            is_staff=False,
        )
    product = Product.objects.get(label=DEMO_PRODUCT)
    if not Purchase.objects.filter(user=user, product=product).exists():
        Purchase.objects.create(user=user, product=product, active=True, creation_date=timezone.now())
    granted = set(UserTask.objects.filter(user=user).values_list("task_id", flat=True))
    UserTask.objects.bulk_create(
        UserTask(user=user, task_id=task_id, enabled=True)
        for task_id in product.product_tasks.order_by("task_id").values_list("task_id", flat=True)
        if task_id not in granted
    )
    return user


@transaction.atomic
def seed_demo() -> dict[str, Any]:
    """Create the missing demo rows; a summary of what the demo holds."""
    created_tasks = seed_tasks()
    seed_text_edit_actions()
    category = seed_products()
    user = seed_demo_user(category)
    return {"created_tasks": created_tasks, "user": user.email}
