"""The demo data of ``manage.py seed_demo`` (what the original's ``init-mojodex-data.sql`` creates,
plus text-edit actions, the example workflows and a free trial product).

Idempotent and additive: rows are found by a natural key (e-mail, label, name_for_system,
prompt file…) and only what is missing is created, so running it again — ``manage.py dev`` does
at every start — changes nothing and never overwrites an admin's edits.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from apps.catalog.models import (
    Task,
    TaskType,
    TextEditAction,
    TextEditActionDisplayedData,
    TextEditActionTextTypeAssociation,
    TextType,
)
from apps.catalog.services import import_task_definitions

TASK_DEFINITIONS_DIR = Path(__file__).resolve().parent / "task_definitions"

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

# prompt file → (emoji, {language: (name, description)}, text types it applies to)
TEXT_EDIT_ACTIONS: list[tuple[str, str, dict[str, tuple[str, str]], list[str]]] = [
    (
        "make_it_shorter.mpt",
        "✂️",
        {
            "en": ("Shorter", "Cut the text to about half its length"),
            "fr": ("Plus court", "Réduire le texte de moitié environ"),
        },
        ["meeting_minutes", "email", "document", "poem"],
    ),
    (
        "more_creative.mpt",
        "🎨",
        {
            "en": ("More creative", "Give the text more colour and originality"),
            "fr": ("Plus créatif", "Donner au texte plus de couleur et d'originalité"),
        },
        ["email", "document", "poem"],
    ),
    (
        "formal_to_informal.mpt",
        "😎",
        {
            "en": ("Less formal", "Make the tone warmer and more casual"),
            "fr": ("Moins formel", "Rendre le ton plus chaleureux et détendu"),
        },
        ["email", "document"],
    ),
    (
        "just_memo.mpt",
        "🗒️",
        {
            "en": ("Just a memo", "Turn the text into short notes to remember"),
            "fr": ("Juste un mémo", "Transformer le texte en notes courtes à retenir"),
        },
        ["meeting_minutes", "document"],
    ),
]


# The original's six tasks first, in its pk order (1-6 on a fresh database), then the workflows.
TASK_ORDER = [
    "prepare_meeting_minutes",
    "follow-up_email",
    "structure_ideas_into_doc",
    "prepare_linkedin_post",
    "create_one_minute_pitch",
    "general_assistance",
    "write_poem",
    "generate_documentation_from_video",
    "web_research_synthesis",
]


def task_definition_files() -> list[Path]:
    """The bundled definitions, in ``TASK_ORDER`` (any other file after them, by name)."""
    files = sorted(TASK_DEFINITIONS_DIR.glob("*.json"))
    rank = {name: index for index, name in enumerate(TASK_ORDER)}
    return sorted(files, key=lambda path: (rank.get(path.stem, len(rank)), path.stem))


def seed_tasks() -> list[str]:
    """Import the bundled definitions whose task does not exist yet; their names."""
    definitions = [json.loads(path.read_text(encoding="utf-8")) for path in task_definition_files()]
    existing = set(Task.objects.values_list("name_for_system", flat=True))
    missing = [data for data in definitions if data["name_for_system"] not in existing]
    if missing:
        import_task_definitions(missing)
    return [data["name_for_system"] for data in missing]


def seed_text_edit_actions() -> None:
    for prompt_file_name, emoji, names, type_names in TEXT_EDIT_ACTIONS:
        action = TextEditAction.objects.filter(prompt_file_name=prompt_file_name).order_by("id").first()
        if action is None:
            action = TextEditAction.objects.create(prompt_file_name=prompt_file_name, emoji=emoji)
        for code, (name, description) in names.items():
            if not action.displayed_data.filter(language_code=code).exists():
                TextEditActionDisplayedData.objects.create(
                    text_edit_action=action, language_code=code, name=name, description=description
                )
        for type_name in type_names:
            text_type = TextType.objects.filter(name=type_name).order_by("id").first()
            if text_type is None:
                text_type = TextType.objects.create(name=type_name)
            TextEditActionTextTypeAssociation.objects.get_or_create(text_type=text_type, text_edit_action=action)


def seed_products() -> Any:
    from apps.products.models import (
        Product,
        ProductCategory,
        ProductCategoryDisplayedData,
        ProductDisplayedData,
        ProductTask,
    )

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


def seed_demo_user(category: Any) -> Any:
    from apps.accounts.models import User
    from apps.executions.models import UserTask
    from apps.products.models import Product, Purchase

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
