"""seed_demo: the original's demo data (user, category, products, purchase, tasks) plus text-edit
actions and example workflows; running it again changes nothing."""

from __future__ import annotations

import io

import pytest
from django.apps import apps
from django.core.management import call_command

from apps.accounts.models import User
from apps.catalog.models import Task, TextEditAction, TextType
from apps.executions.models import UserTask
from apps.products.models import Product, ProductCategory, Purchase

pytestmark = pytest.mark.django_db

INSTRUCT_TASKS = [
    "prepare_meeting_minutes",
    "follow-up_email",
    "structure_ideas_into_doc",
    "prepare_linkedin_post",
    "create_one_minute_pitch",
    "general_assistance",
]
WORKFLOWS = ["write_poem", "generate_documentation_from_video", "web_research_synthesis"]


def all_counts() -> dict[str, int]:
    return {
        model._meta.db_table: model._default_manager.count()
        for label in ("accounts", "catalog", "products", "executions")
        for model in apps.get_app_config(label).get_models()
    }


def test_it_creates_the_demo_user_like_the_original():
    call_command("seed_demo", stdout=io.StringIO())

    user = User.objects.get(email="demo@example.com")
    assert user.pk == "14f919cf95a70935c6c70f4a89ef5fec"
    assert user.check_password("demo")
    assert (user.name, user.language_code, user.timezone_offset) == ("Demo User", "en", -60)
    assert user.terms_and_conditions_accepted is not None and user.onboarding_presented is not None
    assert user.product_category == ProductCategory.objects.get(label="demo")
    assert user.goal == user.product_category.implicit_goal
    assert (user.is_staff, user.is_superuser, user.is_active) == (False, False, True)


def test_it_creates_the_category_and_products():
    call_command("seed_demo", stdout=io.StringIO())

    category = ProductCategory.objects.get()
    assert (category.label, category.emoji, category.visible) == ("demo", "🪄", True)
    assert list(category.displayed_data.values_list("language_code", "name_for_user")) == [
        ("en", "Digital Assistant Demo"),
        ("fr", "Démo de l'assistant"),
    ]
    products = Product.objects.order_by("id")
    assert [(p.label, p.status, p.free, p.n_days_validity, p.n_tasks_limit) for p in products] == [
        ("professional_digital_assistant", "active", True, 999, None),
        ("demo_free_trial", "active", True, 14, 20),
    ]
    assert list(products[0].displayed_data.values_list("language_code", "name")) == [
        ("en", "Pro Digital Assistant"),
        ("fr", "Assistant numérique pro"),
    ]
    assert set(products[0].product_tasks.values_list("task__name_for_system", flat=True)) == set(
        INSTRUCT_TASKS + WORKFLOWS
    )
    assert set(products[1].product_tasks.values_list("task__name_for_system", flat=True)) == set(INSTRUCT_TASKS)


def test_it_creates_the_tasks_and_workflow_steps():
    call_command("seed_demo", stdout=io.StringIO())

    assert list(Task.objects.order_by("id").values_list("name_for_system", "type")) == [
        (name, "instruct") for name in INSTRUCT_TASKS
    ] + [(name, "workflow") for name in WORKFLOWS]
    steps = {
        name: list(Task.objects.get(name_for_system=name).workflow_steps.values_list("name_for_system", flat=True))
        for name in WORKFLOWS
    }
    assert steps == {
        "write_poem": ["stanza_divider", "stanza_writer"],
        "generate_documentation_from_video": ["transcribe_recording", "transcription_to_chapters", "chapters_to_doc"],
        "web_research_synthesis": ["search_sources", "write_synthesis_note"],
    }
    pitch = Task.objects.get(name_for_system="create_one_minute_pitch")
    assert list(pitch.displayed_data.values_list("language_code", flat=True)) == ["en"]
    minutes = Task.objects.get(name_for_system="prepare_meeting_minutes")
    assert list(
        minutes.predefined_action_associations.values_list("predefined_action__name_for_system", flat=True)
    ) == ["follow-up_email"]


def test_it_gives_the_demo_user_an_active_purchase_and_every_task():
    call_command("seed_demo", stdout=io.StringIO())

    user = User.objects.get(email="demo@example.com")
    purchase = Purchase.objects.get(user=user)
    assert (purchase.product.label, purchase.active) == ("professional_digital_assistant", True)
    assert UserTask.objects.filter(user=user, enabled=True).count() == 9
    assert UserTask.objects.filter(user=user).count() == 9


def test_it_creates_text_edit_actions_linked_to_text_types():
    call_command("seed_demo", stdout=io.StringIO())

    actions = {a.prompt_file_name: a for a in TextEditAction.objects.all()}
    assert sorted(actions) == ["formal_to_informal.mpt", "just_memo.mpt", "make_it_shorter.mpt", "more_creative.mpt"]
    shorter = actions["make_it_shorter.mpt"]
    assert list(shorter.displayed_data.values_list("language_code", "name")) == [
        ("en", "Shorter"),
        ("fr", "Plus court"),
    ]
    assert sorted(shorter.text_type_associations.values_list("text_type__name", flat=True)) == [
        "document",
        "email",
        "meeting_minutes",
        "poem",
    ]
    assert TextType.objects.count() == 4


def test_it_changes_nothing_when_run_twice():
    call_command("seed_demo", stdout=io.StringIO())
    before = all_counts()
    user = User.objects.get(email="demo@example.com")

    out = io.StringIO()
    call_command("seed_demo", stdout=out)

    assert all_counts() == before
    assert out.getvalue() == "demo data ready; demo login: demo@example.com / demo\n"
    assert User.objects.get(email="demo@example.com").password == user.password


def test_it_keeps_an_admins_edit_of_a_seeded_task():
    call_command("seed_demo", stdout=io.StringIO())
    Task.objects.filter(name_for_system="general_assistance").update(icon="🙋")

    call_command("seed_demo", stdout=io.StringIO())

    assert Task.objects.get(name_for_system="general_assistance").icon == "🙋"


def test_it_grants_the_demo_user_a_task_added_to_the_product_later():
    call_command("seed_demo", stdout=io.StringIO())
    UserTask.objects.filter(task__name_for_system="write_poem").delete()

    call_command("seed_demo", stdout=io.StringIO())

    assert UserTask.objects.filter(task__name_for_system="write_poem", enabled=True).count() == 1
