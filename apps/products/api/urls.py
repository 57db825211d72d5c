"""Product, profile and purchase routes at the original's paths."""

from django.urls import path

from apps.products.api import admin_views, views

urlpatterns = [
    path("product_category", views.ProductCategoryView.as_view(), name="product-category"),
    path("profile_category", admin_views.ProfileCategoryView.as_view(), name="profile-category"),
    path("product", admin_views.ProductView.as_view(), name="product"),
    path("profile", admin_views.ProfileView.as_view(), name="profile"),
    path("product_task_association", admin_views.ProductTaskAssociationView.as_view(), name="product-task"),
    path("profile_task_association", admin_views.ProfileTaskAssociationView.as_view(), name="profile-task"),
    path("manual_purchase", admin_views.ManualPurchaseView.as_view(), name="manual-purchase"),
    path("role", admin_views.RoleView.as_view(), name="role"),
    path("purchase", views.PurchaseView.as_view(), name="purchase"),
    path("subscription_end", views.SubscriptionEndView.as_view(), name="subscription-end"),
    path("associate_free_product", views.AssociateFreeProductView.as_view(), name="associate-free-product"),
    path("check_expired_purchases", views.CheckExpiredPurchasesView.as_view(), name="check-expired-purchases"),
    path("is_email_service_configured", views.IsEmailServiceConfiguredView.as_view(), name="is-email-configured"),
    path(
        "is_push_notif_service_configured",
        views.IsPushNotifServiceConfiguredView.as_view(),
        name="is-push-configured",
    ),
]
