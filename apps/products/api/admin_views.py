"""Backoffice routes (Django staff, or the ``Authorization: <BACKOFFICE_SECRET>`` header): product
categories, products, profiles, their tasks, manual purchases and roles."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from apps.accounts.models import User
from apps.accounts.services import user_by_email
from apps.catalog.models import Task
from apps.core.api.permissions import IsAdmin
from apps.core.api.views_base import ServiceView, validated
from apps.core.errors import Missing
from apps.products import offers
from apps.products.api import serializers as s
from apps.products.models import Product, ProductCategory, Purchase
from apps.products.services.purchases import add_task_to_product, deactivate_purchase, grant_product

ADMIN_ERRORS = {
    400: OpenApiResponse(description='bad input: `{"error": "<field>: <problem>"}`'),
    403: OpenApiResponse(description="not an admin"),
    404: OpenApiResponse(description="a referenced object does not exist"),
    409: OpenApiResponse(description="conflicts with an existing object"),
}


class AdminView(ServiceView):
    permission_classes = [IsAdmin]


def category_create(request: Request) -> ProductCategory:
    data = validated(s.CategoryCreateSerializer, request.data)
    return offers.create_category(
        label=data["label"],
        displayed_data=data["displayed_data"],
        emoji=data["emoji"],
        implicit_goal=data["implicit_goal"],
        visible=data["visible"],
    )


def category_update(category_pk: int, data: dict[str, Any]) -> ProductCategory:
    changes = {k: v for k, v in data.items() if k not in ("datetime", "version")}
    return offers.update_category(category_pk, changes)


def target_user(data: dict[str, Any]) -> User:
    if data.get("user_id"):
        user = User.objects.filter(pk=data["user_id"], is_active=True).first()
        if user is None:
            raise Missing("user_id: not found")
        return user
    user = user_by_email(data["user_email"])
    if user is None or not user.is_active:
        raise Missing("user_email: not found")
    return user


def _task(task_pk: int) -> Task:
    task = Task.objects.filter(pk=task_pk).first()
    if task is None:
        raise Missing("task_pk: not found")
    return task


class ProfileCategoryView(AdminView):
    @extend_schema(
        request=s.CategoryCreateSerializer,
        responses={200: s.pk_response("profile_category_pk"), **ADMIN_ERRORS},
        summary="Create a profile category (same table as product categories)",
    )
    def put(self, request: Request) -> Response:
        return Response({"profile_category_pk": category_create(request).pk})

    @extend_schema(
        request=s.ProfileCategoryUpdateSerializer,
        responses={200: s.pk_response("profile_category_pk"), **ADMIN_ERRORS},
        summary="Edit a profile category",
    )
    def post(self, request: Request) -> Response:
        data = validated(s.ProfileCategoryUpdateSerializer, request.data)
        return Response({"profile_category_pk": category_update(data.pop("profile_category_pk"), data).pk})


class ProductView(AdminView):
    @extend_schema(
        request=s.ProductCreateSerializer,
        responses={200: s.pk_response("product_pk"), **ADMIN_ERRORS},
        summary="Create a product (status active)",
    )
    def put(self, request: Request) -> Response:
        data = validated(s.ProductCreateSerializer, request.data)
        product = offers.create_product(
            label=data["product_label"],
            displayed_data=data["displayed_data"],
            product_category_pk=data["product_category_pk"],
            free=data["is_free"],
            n_days_validity=data["n_days_validity"],
            n_tasks_limit=data["n_tasks_limit"],
            product_stripe_id=data.get("product_stripe_id"),
            product_apple_id=data.get("product_apple_id"),
        )
        return Response({"product_pk": product.pk})

    @extend_schema(
        request=s.ProductUpdateSerializer,
        responses={200: s.pk_response("product_pk"), **ADMIN_ERRORS},
        summary="Edit a product (partial)",
    )
    def post(self, request: Request) -> Response:
        serializer = s.ProductUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        product = offers.update_product(serializer.validated_data["product_pk"], serializer.changes())
        return Response({"product_pk": product.pk})


class ProfileView(AdminView):
    @extend_schema(
        request=s.ProfileCreateSerializer,
        responses={200: s.pk_response("profile_pk"), **ADMIN_ERRORS},
        summary="Create a profile: a free product without limits or store ids",
    )
    def put(self, request: Request) -> Response:
        data = validated(s.ProfileCreateSerializer, request.data)
        product = offers.create_product(
            label=data["profile_label"],
            displayed_data=data["displayed_data"],
            product_category_pk=data["profile_category_pk"],
            free=True,
            n_days_validity=None,
            n_tasks_limit=None,
        )
        return Response({"profile_pk": product.pk})

    @extend_schema(
        request=s.ProfileUpdateSerializer,
        responses={200: s.pk_response("profile_pk"), **ADMIN_ERRORS},
        summary="Edit a profile (label, category, names)",
    )
    def post(self, request: Request) -> Response:
        serializer = s.ProfileUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        product = offers.update_product(serializer.validated_data["profile_pk"], serializer.changes(), profile=True)
        return Response({"profile_pk": product.pk})


class ProductTaskAssociationView(AdminView):
    @extend_schema(
        request=s.ProductTaskSerializer,
        responses={200: s.pk_response("product_task_association_pk"), **ADMIN_ERRORS},
        summary="Add a task to a product (holders of an active purchase get it now)",
    )
    def put(self, request: Request) -> Response:
        data = validated(s.ProductTaskSerializer, request.data)
        product = Product.objects.filter(pk=data["product_pk"]).first()
        if product is None:
            raise Missing("product_pk: not found")
        association = add_task_to_product(product, _task(data["task_pk"]))
        return Response({"product_task_association_pk": association.pk})


class ProfileTaskAssociationView(AdminView):
    @extend_schema(
        request=s.ProfileTaskSerializer,
        responses={200: s.pk_response("profile_task_association_pk"), **ADMIN_ERRORS},
        summary="Add a task to a profile (holders of an active role get it now)",
    )
    def put(self, request: Request) -> Response:
        data = validated(s.ProfileTaskSerializer, request.data)
        profile = offers.profiles().filter(pk=data["profile_pk"]).first()
        if profile is None:
            raise Missing("profile_pk: not found")
        association = add_task_to_product(profile, _task(data["task_pk"]))
        return Response({"profile_task_association_pk": association.pk})


class ManualPurchaseView(AdminView):
    @extend_schema(
        request=s.ManualPurchaseSerializer,
        responses={200: s.pk_response("purchase_pk"), **ADMIN_ERRORS},
        summary="Give a product to a user now (non-free products need custom_purchase_id)",
    )
    def put(self, request: Request) -> Response:
        data = validated(s.ManualPurchaseSerializer, request.data)
        product = Product.objects.filter(pk=data["product_pk"]).select_related("product_category").first()
        if product is None:
            raise Missing("product_pk: not found")
        purchase = grant_product(target_user(data), product, custom_purchase_id=data.get("custom_purchase_id"))
        return Response({"purchase_pk": purchase.pk})

    @extend_schema(
        request=s.PurchasePkSerializer,
        responses={200: s.EmptyResponse, **ADMIN_ERRORS},
        summary="Deactivate a purchase",
    )
    def post(self, request: Request) -> Response:
        data = validated(s.PurchasePkSerializer, request.data)
        purchase = Purchase.objects.filter(pk=data["purchase_pk"]).first()
        if purchase is None:
            raise Missing("purchase_pk: not found")
        deactivate_purchase(purchase, reason="ended by an admin")
        return Response({})


class RoleView(AdminView):
    """A role is a purchase of a profile."""

    @extend_schema(
        request=s.RoleSerializer,
        responses={200: s.pk_response("role_pk"), **ADMIN_ERRORS},
        summary="Give a profile to a user (a role replaces the user's current plan)",
    )
    def put(self, request: Request) -> Response:
        data = validated(s.RoleSerializer, request.data)
        profile = offers.profiles().filter(pk=data["profile_pk"]).select_related("product_category").first()
        if profile is None:
            raise Missing("profile_pk: not found")
        role = grant_product(target_user(data), profile)
        return Response({"role_pk": role.pk})

    @extend_schema(request=s.RolePkSerializer, responses={200: s.EmptyResponse, **ADMIN_ERRORS}, summary="End a role")
    def post(self, request: Request) -> Response:
        data = validated(s.RolePkSerializer, request.data)
        role = Purchase.objects.filter(pk=data["role_pk"], product__in=offers.profiles()).first()
        if role is None:
            raise Missing("role_pk: not found")
        deactivate_purchase(role, reason="role ended by an admin")
        return Response({})
