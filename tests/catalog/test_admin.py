"""Django admin: every page of the catalogue, products, users and executions loads without N+1;
tasks export to and import from their JSON definitions."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.accounts.models import Company, User
from apps.catalog.models import Task, TextEditAction
from apps.catalog.services import import_task_definition
from apps.executions.models import UserTask
from apps.products.models import Product, ProductCategory, ProductTask, Purchase

from .conftest import bundled_definition, catalogue_counts

pytestmark = pytest.mark.django_db

ADMIN_APPS = ("accounts", "catalog", "products", "executions")


@pytest.fixture
def staff(admin) -> Client:
    client = Client()
    client.force_login(admin)
    return client


@pytest.fixture
def demo():
    call_command("seed_demo", stdout=io.StringIO())


def registered_models():
    return [model for model in admin.site._registry if model._meta.app_label in ADMIN_APPS]


def changelist_url(model) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def test_it_lists_every_registered_model(staff, demo):
    for model in registered_models():
        response = staff.get(changelist_url(model))
        assert response.status_code == 200, model


def test_it_opens_the_change_page_of_every_seeded_row(staff, demo):
    for model in registered_models():
        row = model.objects.order_by("pk").first()
        if row is None:
            continue
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[row.pk])
        assert staff.get(url).status_code == 200, model


def add_more_of_everything() -> None:
    extra = import_task_definition(bundled_definition("write_poem") | {"name_for_system": "extra_poem"})
    import_task_definition(
        bundled_definition("prepare_meeting_minutes") | {"name_for_system": "extra_minutes", "output_type": "memo"}
    )
    category = ProductCategory.objects.create(label="sales", emoji="💼", implicit_goal="Sell more", visible=True)
    product = Product.objects.create(label="sales_pack", status="active", free=False, product_category=category)
    ProductTask.objects.create(product=product, task=extra)
    company = Company.objects.create(name="Acme", website="https://acme.example")
    for index in range(3):
        buyer = User.objects.create_user(f"buyer{index}@example.com", company=company, product_category=category)
        Purchase.objects.create(user=buyer, product=product, active=True)
        UserTask.objects.create(user=buyer, task=extra)
    TextEditAction.objects.create(emoji="🎨", prompt_file_name="more_creative.mpt")


def test_its_list_pages_do_not_query_per_row(staff, demo):
    counts = {}
    for model in registered_models():
        with CaptureQueriesContext(connection) as few:
            staff.get(changelist_url(model))
        counts[model] = len(few)
    add_more_of_everything()
    for model in registered_models():
        with CaptureQueriesContext(connection) as more:
            staff.get(changelist_url(model))
        assert len(more) == counts[model], model


def test_it_refuses_a_user_who_is_not_staff(owner):
    client = Client()
    client.force_login(owner)

    response = client.get(changelist_url(Task))

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_it_exports_one_task_as_its_json_file(staff, demo):
    task = Task.objects.get(name_for_system="write_poem")

    response = staff.get(reverse("admin:catalog_task_export", args=[task.pk]))

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="write_poem.json"'
    assert json.loads(response.content) == bundled_definition("write_poem")


def test_its_export_action_downloads_one_file_or_a_zip(staff, demo):
    url = changelist_url(Task)
    one = Task.objects.get(name_for_system="follow-up_email")
    two = Task.objects.get(name_for_system="general_assistance")

    single = staff.post(url, {"action": "export_definitions", "_selected_action": [one.pk]})
    both = staff.post(url, {"action": "export_definitions", "_selected_action": [one.pk, two.pk]})

    assert single["Content-Disposition"] == 'attachment; filename="follow-up_email.json"'
    assert json.loads(single.content) == bundled_definition("follow-up_email")
    archive = zipfile.ZipFile(io.BytesIO(both.content))
    assert sorted(archive.namelist()) == ["follow-up_email.json", "general_assistance.json"]
    assert json.loads(archive.read("general_assistance.json")) == bundled_definition("general_assistance")


def test_it_imports_uploaded_definitions(staff, instruct_definition, workflow_definition):
    files = [
        SimpleUploadedFile("a.json", json.dumps(instruct_definition).encode(), content_type="application/json"),
        SimpleUploadedFile("b.json", json.dumps(workflow_definition).encode(), content_type="application/json"),
    ]

    response = staff.post(reverse("admin:catalog_task_import"), {"definition_files": files})

    assert response.status_code == 302, response.content.decode()
    assert sorted(Task.objects.values_list("name_for_system", flat=True)) == ["answer_to_prospect", "write_story"]


def test_it_shows_the_file_and_field_of_a_bad_definition_and_stores_nothing(staff, instruct_definition):
    del instruct_definition["task_displayed_data"][0]["json_input"]
    before = catalogue_counts()
    upload = SimpleUploadedFile("bad.json", json.dumps(instruct_definition).encode(), content_type="application/json")

    response = staff.post(reverse("admin:catalog_task_import"), {"definition_files": [upload]})

    assert response.status_code == 200
    assert "bad.json: task_displayed_data[0].json_input: required" in response.content.decode()
    assert catalogue_counts() == before


def test_it_refuses_an_uploaded_file_that_is_not_json(staff):
    upload = SimpleUploadedFile("x.json", b"{oops", content_type="application/json")

    response = staff.post(reverse("admin:catalog_task_import"), {"definition_files": [upload]})

    assert response.status_code == 200
    assert "x.json: not valid JSON" in response.content.decode()
    assert Task.objects.count() == 0


def test_it_refuses_a_text_edit_action_whose_prompt_does_not_exist(staff):
    url = reverse("admin:catalog_texteditaction_add")
    management = {
        f"{prefix}-{key}": value
        for prefix in ("displayed_data", "text_type_associations")
        for key, value in {"TOTAL_FORMS": "0", "INITIAL_FORMS": "0"}.items()
    }

    refused = staff.post(url, {"emoji": "🙃", "prompt_file_name": "upside_down.mpt", **management})
    created = staff.post(url, {"emoji": "✂️", "prompt_file_name": "make_it_shorter.mpt", **management})

    assert refused.status_code == 200
    assert "No such prompt in prompts/text_edit_actions/" in refused.content.decode()
    assert created.status_code == 302
    assert list(TextEditAction.objects.values_list("prompt_file_name", flat=True)) == ["make_it_shorter.mpt"]


def test_a_purchase_added_in_the_admin_grants_the_products_tasks(staff, demo, owner):
    product = Product.objects.get(label="demo_free_trial")
    inline = {"TOTAL_FORMS": "0", "INITIAL_FORMS": "0"}

    response = staff.post(
        reverse("admin:products_purchase_add"),
        {"user": owner.pk, "product": product.pk, "creation_date_0": "2026-11-24", "creation_date_1": "10:00:00"}
        | {f"x-{k}": v for k, v in inline.items()},
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    assert Purchase.objects.get(user=owner).active is True
    assert UserTask.objects.filter(user=owner, enabled=True).count() == 6
