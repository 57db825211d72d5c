"""Backoffice routes: categories, products, profiles, task associations, manual purchases, roles.

Each is open to Django staff tokens and to the backoffice header secret; a user gets 403 and an
anonymous caller 401, with nothing changed.
"""

from __future__ import annotations

import pytest

from apps.accounts.models import User
from apps.executions.models import UserTask
from apps.products.models import Product, ProductCategory, ProductTask, Purchase
from tests.purchases_support import make_category, make_product, make_purchase

pytestmark = pytest.mark.django_db

CATEGORY = {
    "datetime": "x",
    "label": "recruiting",
    "displayed_data": [{"language_code": "en", "name_for_user": "Recruiter", "description_for_user": "Hire"}],
    "emoji": "🧲",
    "implicit_goal": "hire faster",
    "visible": False,
}


def _product_body(**changes):
    return {
        "product_label": "pro",
        "displayed_data": [{"language_code": "en", "name": "Pro"}, {"language_code": "fr", "name": "Pro FR"}],
        "product_category_pk": None,
        "is_free": False,
        "n_days_validity": None,
        "n_tasks_limit": None,
        "product_stripe_id": "prod_123",
        **changes,
    }


@pytest.mark.parametrize("client_fixture", ["admin_client", "backoffice_client"])
def test_it_lets_admins_create_and_edit_a_category(request, client_fixture):
    client = request.getfixturevalue(client_fixture)

    created = client.put("/product_category", CATEGORY, format="json")
    pk = created.json()["product_category_pk"]
    edited = client.post(
        "/product_category",
        {"product_category_pk": pk, "emoji": "🎯", "displayed_data": [{"language_code": "en", "name_for_user": "HR"}]},
        format="json",
    )

    assert (created.status_code, edited.json()) == (200, {"product_category_pk": pk})
    category = ProductCategory.objects.get(pk=pk)
    assert (category.label, category.emoji, category.visible) == ("recruiting", "🎯", False)
    assert list(category.displayed_data.values_list("name_for_user", "description_for_user")) == [("HR", "Hire")]


def test_it_refuses_admin_routes_to_users_and_anonymous_and_changes_nothing(owner_client, anonymous, owner, task):
    product = make_product("pro", tasks=())
    attempts = [
        ("put", "/product_category", CATEGORY),
        ("post", "/product_category", {"product_category_pk": 1, "emoji": "x"}),
        ("put", "/profile_category", CATEGORY),
        ("put", "/product", _product_body(product_label="other")),
        ("post", "/product", {"product_pk": product.pk, "label": "hacked"}),
        ("put", "/profile", {"profile_label": "p", "displayed_data": [], "profile_category_pk": None}),
        ("put", "/product_task_association", {"product_pk": product.pk, "task_pk": task.pk}),
        ("put", "/manual_purchase", {"product_pk": product.pk, "user_id": owner.pk, "custom_purchase_id": "x"}),
        ("put", "/role", {"profile_pk": product.pk, "user_id": owner.pk}),
        ("post", "/role", {"role_pk": 1}),
    ]
    for client, status in ((owner_client, 403), (anonymous, 401)):
        for method, path, body in attempts:
            response = getattr(client, method)(path, body, format="json")
            assert response.status_code == status, (path, response.content)
    assert ProductCategory.objects.count() == 0
    assert list(Product.objects.values_list("label", flat=True)) == ["pro"]
    assert ProductTask.objects.count() == 0 and Purchase.objects.count() == 0


def test_it_refuses_a_wrong_backoffice_secret(secrets_configured, owner):
    from tests.purchases_support import client_with_header

    response = client_with_header("not-the-secret").put("/product_category", CATEGORY, format="json")

    assert (response.status_code, response.json()) == (401, {"error": "Invalid token"})
    assert ProductCategory.objects.count() == 0


def test_it_refuses_a_duplicate_category_label_with_409(backoffice_client):
    backoffice_client.put("/product_category", CATEGORY, format="json")

    response = backoffice_client.put("/product_category", CATEGORY, format="json")

    assert response.status_code == 409
    assert response.json() == {"error": "label: product category 'recruiting' already exists"}
    assert ProductCategory.objects.count() == 1


def test_it_makes_a_category_visible_only_with_a_free_trial(backoffice_client):
    pk = backoffice_client.put("/product_category", CATEGORY, format="json").json()["product_category_pk"]

    refused = backoffice_client.post("/product_category", {"product_category_pk": pk, "visible": True}, format="json")
    assert refused.status_code == 400
    assert refused.json() == {
        "error": "visible: a category needs a free product with n_days_validity to become visible"
    }
    assert ProductCategory.objects.get(pk=pk).visible is False

    make_product("trial", category=ProductCategory.objects.get(pk=pk), free=True, n_days=14)
    accepted = backoffice_client.post("/product_category", {"product_category_pk": pk, "visible": True}, format="json")
    assert accepted.status_code == 200
    assert ProductCategory.objects.get(pk=pk).visible is True


def test_it_names_missing_category_fields(backoffice_client):
    response = backoffice_client.put("/product_category", {"label": "x"}, format="json")

    assert response.status_code == 400
    assert response.json()["error"] == "displayed_data: This field is required."


def test_it_answers_404_for_an_unknown_category(backoffice_client):
    response = backoffice_client.post("/product_category", {"product_category_pk": 999, "emoji": "x"}, format="json")

    assert response.status_code == 404
    assert response.json() == {"error": "product_category_pk: not found"}


def test_it_lists_visible_categories_in_the_users_language(owner_client, owner, admin_client):
    visible = make_category("sales")
    visible.displayed_data.create(language_code="fr", name_for_user="Ventes", description_for_user="Pour vendre")
    make_category("hidden", visible=False)
    User.objects.filter(pk=owner.pk).update(language_code="fr")

    response = owner_client.get("/product_category")

    assert response.json() == {
        "product_categories": [
            {"product_category_pk": visible.pk, "emoji": "💼", "name": "Ventes", "description": "Pour vendre"}
        ]
    }
    assert admin_client.get("/product_category").json()["product_categories"][0]["name"] == "Sales"


def test_it_refuses_the_category_list_to_anonymous(anonymous):
    assert anonymous.get("/product_category").status_code == 401


def test_it_creates_and_edits_a_product(backoffice_client):
    category = make_category()
    response = backoffice_client.put("/product", _product_body(product_category_pk=category.pk), format="json")
    pk = response.json()["product_pk"]

    edited = backoffice_client.post(
        "/product",
        {
            "product_pk": pk,
            "n_tasks_limit": 40,
            "is_free": False,
            "displayed_data": [{"language_code": "en", "name": "Pro+"}],
        },
        format="json",
    )

    assert edited.json() == {"product_pk": pk}
    product = Product.objects.get(pk=pk)
    assert (product.label, product.status, product.free, product.n_tasks_limit, product.product_stripe_id) == (
        "pro",
        "active",
        False,
        40,
        "prod_123",
    )
    assert sorted(product.displayed_data.values_list("language_code", "name")) == [("en", "Pro+"), ("fr", "Pro FR")]


@pytest.mark.parametrize(
    ("changes", "status", "message"),
    [
        ({"n_days_validity": 0}, 400, "n_days_validity: Ensure this value is greater than or equal to 1."),
        ({"product_category_pk": 999}, 404, "product_category_pk: not found"),
        ({"displayed_data": [{"language_code": "de", "name": "x"}]}, 400, "displayed_data: "),
    ],
)
def test_it_refuses_bad_product_input(backoffice_client, changes, status, message):
    response = backoffice_client.put("/product", _product_body(**changes), format="json")

    assert response.status_code == status
    assert response.json()["error"].startswith(message)
    assert Product.objects.count() == 0


def test_it_refuses_a_duplicate_label_or_stripe_id(backoffice_client):
    backoffice_client.put("/product", _product_body(), format="json")

    same_label = backoffice_client.put("/product", _product_body(product_stripe_id="prod_9"), format="json")
    same_stripe = backoffice_client.put("/product", _product_body(product_label="pro2"), format="json")

    assert (same_label.status_code, same_label.json()) == (409, {"error": "label: product 'pro' already exists"})
    assert (same_stripe.status_code, same_stripe.json()) == (
        409,
        {"error": "product_stripe_id: 'prod_123' already belongs to another product"},
    )
    assert Product.objects.count() == 1


def test_it_creates_a_profile_as_a_free_unlimited_product(backoffice_client):
    category = make_category("teams")
    pk_category = backoffice_client.put("/profile_category", {**CATEGORY, "label": "corp"}, format="json").json()[
        "profile_category_pk"
    ]

    response = backoffice_client.put(
        "/profile",
        {
            "profile_label": "sales-team",
            "displayed_data": [{"language_code": "en", "name": "Sales team"}],
            "profile_category_pk": category.pk,
        },
        format="json",
    )
    pk = response.json()["profile_pk"]
    edit = backoffice_client.post("/profile", {"profile_pk": pk, "profile_category_fk": pk_category}, format="json")
    refused = backoffice_client.post("/profile", {"profile_pk": pk, "n_tasks_limit": 3}, format="json")

    product = Product.objects.get(pk=pk)
    assert (product.free, product.n_days_validity, product.n_tasks_limit, product.product_category_id) == (
        True,
        None,
        None,
        pk_category,
    )
    assert edit.json() == {"profile_pk": pk}
    assert refused.status_code == 400
    assert refused.json() == {"error": "n_tasks_limit: a profile is free, has no limits and no store ids"}


def test_it_adds_a_task_to_a_product_and_grants_it_to_active_holders(backoffice_client, owner, member, task):
    product = make_product("monthly")
    make_purchase(owner, product, custom_purchase_id="a")
    make_purchase(member, product, active=False, custom_purchase_id="b")

    response = backoffice_client.put(
        "/product_task_association", {"product_pk": product.pk, "task_pk": task.pk}, format="json"
    )
    duplicate = backoffice_client.put(
        "/product_task_association", {"product_pk": product.pk, "task_pk": task.pk}, format="json"
    )

    assert response.json() == {"product_task_association_pk": ProductTask.objects.get().pk}
    assert list(UserTask.objects.values_list("user_id", "task_id", "enabled")) == [(owner.pk, task.pk, True)]
    assert duplicate.status_code == 409
    assert ProductTask.objects.count() == 1


def test_it_adds_a_task_to_a_profile_only(backoffice_client, task):
    profile = make_product("team-profile", free=True)
    paid = make_product("paid")

    ok = backoffice_client.put(
        "/profile_task_association", {"profile_pk": profile.pk, "task_pk": task.pk}, format="json"
    )
    not_profile = backoffice_client.put(
        "/profile_task_association", {"profile_pk": paid.pk, "task_pk": task.pk}, format="json"
    )
    no_task = backoffice_client.put(
        "/profile_task_association", {"profile_pk": profile.pk, "task_pk": 9999}, format="json"
    )

    assert ok.json() == {"profile_task_association_pk": ProductTask.objects.get(product=profile).pk}
    assert (not_profile.status_code, no_task.status_code) == (404, 404)
    assert no_task.json() == {"error": "task_pk: not found"}
    assert ProductTask.objects.count() == 1


def test_it_gives_a_manual_purchase_by_email_and_sets_the_category(backoffice_client, owner, task):
    category = make_category("sales", goal="sell")
    product = make_product("pro", category=category, tasks=(task,))

    response = backoffice_client.put(
        "/manual_purchase",
        {"product_pk": product.pk, "user_email": "owner@example.com", "custom_purchase_id": "inv-7"},
        format="json",
    )

    purchase = Purchase.objects.get()
    assert response.json() == {"purchase_pk": purchase.pk}
    assert (purchase.user_id, purchase.active, purchase.custom_purchase_id) == (owner.pk, True, "inv-7")
    row = User.objects.get(pk=owner.pk)
    assert (row.product_category_id, row.goal) == (category.pk, "sell")
    assert UserTask.objects.get(user=owner, task=task).enabled is True


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        ({"user_id": "nobody"}, 404, "user_id: not found"),
        ({"user_email": "nobody@example.com", "custom_purchase_id": "x"}, 404, "user_email: not found"),
        ({}, 400, "user_id: user_id or user_email is required"),
        ({"user_email": "owner@example.com"}, 400, "custom_purchase_id: required for a product that is not free"),
    ],
)
def test_it_refuses_a_bad_manual_purchase(backoffice_client, owner, body, status, message):
    product = make_product("pro")

    response = backoffice_client.put("/manual_purchase", {"product_pk": product.pk, **body}, format="json")

    assert response.status_code == status
    assert response.json()["error"] == message
    assert Purchase.objects.count() == 0


def test_it_ends_a_manual_purchase(backoffice_client, owner, task):
    purchase = make_purchase(owner, make_product("pro", tasks=(task,)), custom_purchase_id="x")

    response = backoffice_client.post("/manual_purchase", {"purchase_pk": purchase.pk}, format="json")
    unknown = backoffice_client.post("/manual_purchase", {"purchase_pk": 999}, format="json")

    assert response.json() == {}
    assert Purchase.objects.get(pk=purchase.pk).active is False
    assert UserTask.objects.get(user=owner, task=task).enabled is False
    assert unknown.status_code == 404


def test_it_gives_and_ends_a_role(admin_client, owner, task):
    profile = make_product("team-profile", free=True, tasks=(task,))

    given = admin_client.put("/role", {"profile_pk": profile.pk, "user_id": owner.pk}, format="json")
    role_pk = given.json()["role_pk"]
    assert Purchase.objects.get(pk=role_pk).active is True
    assert UserTask.objects.get(user=owner, task=task).enabled is True

    ended = admin_client.post("/role", {"role_pk": role_pk}, format="json")

    assert ended.json() == {}
    assert Purchase.objects.get(pk=role_pk).active is False
    assert UserTask.objects.get(user=owner, task=task).enabled is False


def test_it_refuses_a_role_of_a_product_that_is_not_a_profile(admin_client, owner):
    paid = make_product("pro")
    purchase = make_purchase(owner, paid, custom_purchase_id="x")

    given = admin_client.put("/role", {"profile_pk": paid.pk, "user_id": owner.pk}, format="json")
    ended = admin_client.post("/role", {"role_pk": purchase.pk}, format="json")

    assert (given.status_code, given.json()) == (404, {"error": "profile_pk: not found"})
    assert (ended.status_code, ended.json()) == (404, {"error": "role_pk: not found"})
    assert list(Purchase.objects.values_list("pk", "active")) == [(purchase.pk, True)]
