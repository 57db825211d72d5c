"""Account routes at the original's paths (no trailing slash)."""

from django.urls import path

from apps.accounts.api import views

urlpatterns = [
    path("user", views.UserView.as_view(), name="user"),
    path("password", views.PasswordView.as_view(), name="password"),
    path("change_password", views.ChangePasswordView.as_view(), name="change-password"),
    path("logout_everywhere", views.LogoutEverywhereView.as_view(), name="logout-everywhere"),
    path("terms_and_conditions", views.TermsAndConditionsView.as_view(), name="terms-and-conditions"),
    path("onboarding", views.OnboardingView.as_view(), name="onboarding"),
    path("language", views.LanguageView.as_view(), name="language"),
    path("timezone", views.TimezoneView.as_view(), name="timezone"),
    path("goal", views.GoalView.as_view(), name="goal"),
    path("device", views.DeviceView.as_view(), name="device"),
    path("error", views.ErrorView.as_view(), name="error"),
    path("company", views.CompanyView.as_view(), name="company"),
    path("vocabulary", views.VocabularyView.as_view(), name="vocabulary"),
]
