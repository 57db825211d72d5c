"""Request and response shapes of the product, profile and purchase routes (original names)."""

from __future__ import annotations

import functools

from rest_framework import serializers

from apps.accounts.profile import available_languages


class ClientTimeMixin(serializers.Serializer):
    datetime = serializers.CharField(required=False, help_text="client time (ISO 8601); ignored")
    version = serializers.CharField(required=False, help_text="client app version")


class LanguageCodeField(serializers.CharField):
    def __init__(self, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(max_length=2, **kwargs)

    def to_internal_value(self, data):  # type: ignore[no-untyped-def]
        value = super().to_internal_value(data)
        if value not in available_languages():
            raise serializers.ValidationError(f"unsupported language (available: {', '.join(available_languages())})")
        return value


class CategoryTextSerializer(serializers.Serializer):
    language_code = LanguageCodeField()
    name_for_user = serializers.CharField(max_length=255)
    description_for_user = serializers.CharField(max_length=255)


class CategoryTextUpdateSerializer(serializers.Serializer):
    language_code = LanguageCodeField()
    name_for_user = serializers.CharField(max_length=255, required=False)
    description_for_user = serializers.CharField(max_length=255, required=False)


class ProductNameSerializer(serializers.Serializer):
    language_code = LanguageCodeField()
    name = serializers.CharField(max_length=255)


class CategoryCreateSerializer(ClientTimeMixin):
    label = serializers.CharField(max_length=255)  # type: ignore[assignment]
    displayed_data = CategoryTextSerializer(many=True, allow_empty=False)
    emoji = serializers.CharField(max_length=255)
    implicit_goal = serializers.CharField(max_length=255)
    visible = serializers.BooleanField()


class _CategoryChanges(ClientTimeMixin):
    label = serializers.CharField(max_length=255, required=False)  # type: ignore[assignment]
    displayed_data = CategoryTextUpdateSerializer(many=True, required=False)
    emoji = serializers.CharField(max_length=255, required=False)
    implicit_goal = serializers.CharField(max_length=255, required=False)
    visible = serializers.BooleanField(required=False)


class CategoryUpdateSerializer(_CategoryChanges):
    product_category_pk = serializers.IntegerField()


class ProfileCategoryUpdateSerializer(_CategoryChanges):
    profile_category_pk = serializers.IntegerField()


class Limit(serializers.IntegerField):
    def __init__(self, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(min_value=1, allow_null=True, **kwargs)


class ProductCreateSerializer(ClientTimeMixin):
    product_label = serializers.CharField(max_length=255)
    displayed_data = ProductNameSerializer(many=True, allow_empty=False)
    product_category_pk = serializers.IntegerField(allow_null=True)
    is_free = serializers.BooleanField()
    n_days_validity = Limit(help_text="days of validity from the purchase; null = no limit")
    n_tasks_limit = Limit(help_text="task executions allowed; null = no limit")
    product_stripe_id = serializers.CharField(max_length=255, required=False, allow_null=True, allow_blank=True)
    product_apple_id = serializers.CharField(max_length=255, required=False, allow_null=True, allow_blank=True)


class _ProductChanges(ClientTimeMixin):
    label = serializers.CharField(max_length=255, required=False)  # type: ignore[assignment]
    product_category_fk = serializers.IntegerField(required=False, allow_null=True)
    profile_category_fk = serializers.IntegerField(required=False, allow_null=True)
    displayed_data = ProductNameSerializer(many=True, required=False)
    product_stripe_id = serializers.CharField(max_length=255, required=False, allow_null=True)
    product_apple_id = serializers.CharField(max_length=255, required=False, allow_null=True)
    is_free = serializers.BooleanField(required=False)
    n_days_validity = Limit(required=False)
    n_tasks_limit = Limit(required=False)

    def changes(self) -> dict:
        data = dict(self.validated_data)
        for ignored in ("datetime", "version", "product_pk", "profile_pk"):
            data.pop(ignored, None)
        for alias in ("product_category_fk", "profile_category_fk"):
            if alias in data:
                data["product_category_pk"] = data.pop(alias)
        if "is_free" in data:
            data["free"] = data.pop("is_free")
        return data


class ProductUpdateSerializer(_ProductChanges):
    product_pk = serializers.IntegerField()


class ProfileCreateSerializer(ClientTimeMixin):
    profile_label = serializers.CharField(max_length=255)
    displayed_data = ProductNameSerializer(many=True, allow_empty=False)
    profile_category_pk = serializers.IntegerField(allow_null=True)


class ProfileUpdateSerializer(_ProductChanges):
    profile_pk = serializers.IntegerField()


class ProductTaskSerializer(ClientTimeMixin):
    product_pk = serializers.IntegerField()
    task_pk = serializers.IntegerField()


class ProfileTaskSerializer(ClientTimeMixin):
    profile_pk = serializers.IntegerField()
    task_pk = serializers.IntegerField()


class _TargetUser(ClientTimeMixin):
    user_id = serializers.CharField(max_length=255, required=False)
    user_email = serializers.CharField(max_length=255, required=False)

    def validate(self, attrs: dict) -> dict:
        if not attrs.get("user_id") and not attrs.get("user_email"):
            raise serializers.ValidationError({"user_id": "user_id or user_email is required"})
        return attrs


class ManualPurchaseSerializer(_TargetUser):
    product_pk = serializers.IntegerField()
    custom_purchase_id = serializers.CharField(max_length=255, required=False, allow_null=True, allow_blank=True)


class PurchasePkSerializer(ClientTimeMixin):
    purchase_pk = serializers.IntegerField()


class RoleSerializer(_TargetUser):
    profile_pk = serializers.IntegerField()


class RolePkSerializer(ClientTimeMixin):
    role_pk = serializers.IntegerField()


class StripeCheckoutSerializer(ClientTimeMixin):
    stripe_session_id = serializers.CharField(max_length=255)
    product_stripe_id = serializers.CharField(max_length=255)


class FreeProductSerializer(ClientTimeMixin):
    product_category_pk = serializers.IntegerField()


class CheckExpiredSerializer(ClientTimeMixin):
    n_purchases = serializers.IntegerField(required=False, min_value=1)


# --- responses --------------------------------------------------------------------------------------


class CategoryItemSerializer(serializers.Serializer):
    product_category_pk = serializers.IntegerField()
    emoji = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField()


class CategoryListSerializer(serializers.Serializer):
    product_categories = CategoryItemSerializer(many=True)


class CurrentPurchaseSerializer(serializers.Serializer):
    product_name = serializers.CharField()
    remaining_days = serializers.IntegerField(allow_null=True)
    n_validity_days = serializers.IntegerField(allow_null=True)
    n_tasks_limit = serializers.IntegerField(allow_null=True)
    n_tasks_consumed = serializers.IntegerField()
    tasks = serializers.ListField(child=serializers.CharField())
    is_free_product = serializers.BooleanField()


class ExpiredPurchaseSerializer(serializers.Serializer):
    product_name = serializers.CharField()
    remaining_days = serializers.IntegerField(allow_null=True)
    n_days_validity = serializers.IntegerField(allow_null=True)
    n_tasks_limit = serializers.IntegerField(allow_null=True)
    n_tasks_consumed = serializers.IntegerField()
    tasks = serializers.ListField(child=serializers.CharField())
    is_free_product = serializers.BooleanField()


class PurchasableProductSerializer(serializers.Serializer):
    product_pk = serializers.IntegerField()
    name = serializers.CharField()
    product_stripe_id = serializers.CharField(allow_null=True)
    product_apple_id = serializers.CharField(allow_null=True)
    n_days_validity = serializers.IntegerField(allow_null=True)
    n_tasks_limit = serializers.IntegerField(allow_null=True)
    stripe_price = serializers.CharField(allow_null=True)
    tasks = serializers.ListField(child=serializers.CharField())


class PurchaseOverviewSerializer(serializers.Serializer):
    purchasable_products = PurchasableProductSerializer(many=True)
    current_purchases = CurrentPurchaseSerializer(many=True)
    last_expired_purchase = ExpiredPurchaseSerializer(many=True)


class FreeProductResponseSerializer(serializers.Serializer):
    purchasable_products = PurchasableProductSerializer(many=True)
    current_purchases = CurrentPurchaseSerializer(many=True)


@functools.cache
def pk_response(name: str) -> type[serializers.Serializer]:
    """``{<name>: int}`` (one class per name, so the schema has one component each)."""
    return type(
        f"{name.title().replace('_', '')}Response", (serializers.Serializer,), {name: serializers.IntegerField()}
    )


class PurchasePksSerializer(serializers.Serializer):
    purchase_pks = serializers.ListField(child=serializers.IntegerField())


class IsConfiguredSerializer(serializers.Serializer):
    is_configured = serializers.BooleanField()


class StripeIgnoredSerializer(serializers.Serializer):
    ignored_event_type = serializers.CharField()


class EmptyResponse(serializers.Serializer):
    pass
