"""Purchase routes of users (GET/PUT /purchase, onboarding's free product, categories), Stripe
webhooks (POST /purchase, /subscription_end) and the scheduler's service routes."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from apps.accounts.authentication import ServiceSecretAuthentication, TokenAuthentication
from apps.core.api.pagination import MAX_PAGE
from apps.core.api.permissions import BackofficeSecretAuthentication, IsAdmin
from apps.core.api.views_base import ServiceView, current_user, validated
from apps.notifications import services as notifications
from apps.products import offers
from apps.products.api import serializers as s
from apps.products.api.admin_views import category_create, category_update
from apps.products.api.permissions import IsAdminOrScheduler, IsAdminOrSchedulerOrWebapp
from apps.products.services.expiry import expired_purchase_ids
from apps.products.services.purchases import associate_free_product
from apps.products.services.stripe import (
    complete_stripe_checkout,
    end_stripe_subscription,
    open_stripe_checkout,
    verify_stripe_event,
)
from apps.products.tasks import sweep_expired_purchases

ERRORS = {
    400: OpenApiResponse(description='bad input: `{"error": "<field>: <problem>"}`'),
    403: OpenApiResponse(description="not signed in, or not allowed"),
}
STRIPE_ERRORS = {
    400: OpenApiResponse(description="bad signature or malformed event (nothing changed)"),
    404: OpenApiResponse(description="no purchase for this Stripe object (admins are e-mailed)"),
    503: OpenApiResponse(description="the webhook secret is not configured"),
}
SERVICE_AUTH = [BackofficeSecretAuthentication, ServiceSecretAuthentication, TokenAuthentication]


def _stripe_id(value: object) -> str | None:
    """A Stripe id field: a string, or an expanded object carrying its ``id``."""
    if isinstance(value, dict):
        value = value.get("id")
    return str(value)[:255] if value else None


class ProductCategoryView(ServiceView):
    """PUT/POST (admin): create/edit a category. GET (user): the categories offered at onboarding."""

    method_permissions = {"PUT": [IsAdmin], "POST": [IsAdmin], "GET": [IsAuthenticated]}

    @extend_schema(
        request=s.CategoryCreateSerializer,
        responses={
            200: s.pk_response("product_category_pk"),
            **ERRORS,
            409: OpenApiResponse(description="label exists"),
        },
        summary="Create a product category",
    )
    def put(self, request: Request) -> Response:
        return Response({"product_category_pk": category_create(request).pk})

    @extend_schema(
        request=s.CategoryUpdateSerializer,
        responses={200: s.pk_response("product_category_pk"), **ERRORS, 404: OpenApiResponse(description="not found")},
        summary="Edit a product category",
    )
    def post(self, request: Request) -> Response:
        data = validated(s.CategoryUpdateSerializer, request.data)
        return Response({"product_category_pk": category_update(data.pop("product_category_pk"), data).pk})

    @extend_schema(
        parameters=[s.ClientTimeMixin],
        responses={200: s.CategoryListSerializer, **ERRORS},
        summary="Visible product categories, in the user's language",
    )
    def get(self, request: Request) -> Response:
        return Response({"product_categories": offers.visible_categories(current_user(request).language_code)})


class PurchaseView(ServiceView):
    """GET/PUT (user): the user's purchases; start a Stripe checkout. POST: Stripe's webhook."""

    method_authentication = {"POST": []}
    method_permissions = {"POST": [AllowAny]}

    @extend_schema(
        parameters=[s.ClientTimeMixin],
        responses={200: s.PurchaseOverviewSerializer, **ERRORS},
        summary="Current purchases, products the user can buy, and the last expired purchases",
    )
    def get(self, request: Request) -> Response:
        return Response(offers.purchase_overview(current_user(request)))

    @extend_schema(
        request=s.StripeCheckoutSerializer,
        responses={
            200: s.pk_response("purchase_pk"),
            **ERRORS,
            404: OpenApiResponse(description="no active product with this Stripe id"),
            409: OpenApiResponse(description="subscription while one is active, or checkout already recorded"),
        },
        summary="Record a Stripe checkout the web app opened (inactive until Stripe confirms payment)",
    )
    def put(self, request: Request) -> Response:
        data = validated(s.StripeCheckoutSerializer, request.data)
        purchase = open_stripe_checkout(current_user(request), data["stripe_session_id"], data["product_stripe_id"])
        return Response({"purchase_pk": purchase.pk})

    @extend_schema(
        request={"application/json": dict},
        responses={200: s.pk_response("purchase_pk"), **STRIPE_ERRORS},
        summary="Stripe webhook `checkout.session.completed` (signed with STRIPE_WEBHOOK_SECRET_NEW_PURCHASE)",
    )
    def post(self, request: Request) -> Response:
        event = verify_stripe_event(
            request.body, request.headers.get("Stripe-Signature"), settings.STRIPE_WEBHOOK_SECRET_NEW_PURCHASE
        )
        if event["type"] != "checkout.session.completed":
            return Response({"ignored_event_type": event["type"]})
        obj = event["data"]["object"]
        details = obj.get("customer_details")
        purchase = complete_stripe_checkout(
            str(obj.get("id")),
            _stripe_id(obj.get("customer")),
            _stripe_id(obj.get("subscription")),
            details.get("email") if isinstance(details, dict) else None,
        )
        return Response({"purchase_pk": purchase.pk})


class SubscriptionEndView(ServiceView):
    authentication_classes: list[type] = []
    permission_classes = [AllowAny]

    @extend_schema(
        request={"application/json": dict},
        responses={200: s.pk_response("purchase_pk"), **STRIPE_ERRORS},
        summary="Stripe webhook: subscription deleted or update expired (STRIPE_WEBHOOK_SECRET_END_PURCHASE)",
    )
    def post(self, request: Request) -> Response:
        event = verify_stripe_event(
            request.body, request.headers.get("Stripe-Signature"), settings.STRIPE_WEBHOOK_SECRET_END_PURCHASE
        )
        if event["type"] not in ("customer.subscription.deleted", "customer.subscription.pending_update_expired"):
            return Response({"ignored_event_type": event["type"]})
        purchase = end_stripe_subscription(str(event["data"]["object"].get("id")))
        return Response({"purchase_pk": purchase.pk})


class AssociateFreeProductView(ServiceView):
    @extend_schema(
        request=s.FreeProductSerializer,
        responses={
            200: s.FreeProductResponseSerializer,
            **ERRORS,
            404: OpenApiResponse(description="category not found"),
            409: OpenApiResponse(description="the user already had a purchase"),
        },
        summary="Onboarding: choose a category and receive its free trial (once per user)",
    )
    def put(self, request: Request) -> Response:
        data = validated(s.FreeProductSerializer, request.data)
        associate_free_product(current_user(request), data["product_category_pk"])
        return Response(
            {
                "purchasable_products": offers.purchasable_products(current_user(request)),
                "current_purchases": offers.current_purchases(current_user(request)),
            }
        )


class CheckExpiredPurchasesView(ServiceView):
    authentication_classes = SERVICE_AUTH
    permission_classes = [IsAdminOrScheduler]

    @extend_schema(
        request=s.CheckExpiredSerializer,
        parameters=[s.CheckExpiredSerializer],
        responses={200: s.PurchasePksSerializer, 403: ERRORS[403]},
        summary="Queue the expiry sweep now (it also runs hourly from celery-beat); lists due purchases",
    )
    def post(self, request: Request) -> Response:
        params = validated(s.CheckExpiredSerializer, request.query_params)
        body = validated(s.CheckExpiredSerializer, request.data or {})
        limit = min(params.get("n_purchases") or body.get("n_purchases") or MAX_PAGE, MAX_PAGE)
        due = expired_purchase_ids(limit=limit)
        transaction.on_commit(sweep_expired_purchases.delay)
        return Response({"purchase_pks": due})


class IsEmailServiceConfiguredView(ServiceView):
    authentication_classes = SERVICE_AUTH
    permission_classes = [IsAdminOrSchedulerOrWebapp]

    @extend_schema(
        parameters=[s.ClientTimeMixin],
        responses={200: s.IsConfiguredSerializer, 403: ERRORS[403]},
        summary="Whether e-mails really leave the system (not the console/dummy backend)",
    )
    def get(self, request: Request) -> Response:
        return Response({"is_configured": notifications.email_service_configured()})


class IsPushNotifServiceConfiguredView(ServiceView):
    authentication_classes = SERVICE_AUTH
    permission_classes = [IsAdminOrScheduler]

    @extend_schema(
        parameters=[s.ClientTimeMixin],
        responses={200: s.IsConfiguredSerializer, 403: ERRORS[403]},
        summary="Whether Firebase push notifications are configured",
    )
    def get(self, request: Request) -> Response:
        return Response({"is_configured": notifications.push_service_configured()})
