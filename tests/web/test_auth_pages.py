"""Sign up, onboarding (terms, profile category), settings, log out and log in again, the demo
login; the todos page before any todo exists; 401 sends the browser back to the login page."""

from __future__ import annotations

import pytest

from tests.web.conftest import log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.integration]


def test_it_signs_up_onboards_changes_settings_and_logs_in_again(page, demo):
    from apps.accounts.models import User
    from apps.products.models import Purchase

    # the root sends to the app, which sends a visitor to the login page
    page.goto("/")
    page.wait_for_url("**/app/login/**")
    screenshot(page, "login")
    screenshot(page, "login-phone", phone=True)

    # sign up
    page.get_by_role("link", name="Sign up").click()
    page.get_by_label("Name").fill("Nina Newcomer")
    page.get_by_label("E-mail").fill("nina@example.com")
    page.get_by_label("Password").fill("nina-password-1")
    page.get_by_role("button", name="Sign up").click()

    # onboarding: the terms first, then a profile category
    page.wait_for_url("**/app/onboarding/")
    page.get_by_role("button", name="Continue").click()
    assert page.get_by_role("alert").inner_text().startswith("Please accept the terms")
    page.get_by_label("I accept the terms and conditions").check()
    screenshot(page, "onboarding-terms")
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("heading", name="What do you need an assistant for?").wait_for()
    page.get_by_label("Digital Assistant Demo").check()
    screenshot(page, "onboarding-category", phone=True)
    page.locator("#category-step").get_by_role("button", name="Continue").click()
    page.get_by_role("heading", name="Your company").wait_for()
    page.locator("#company-step").get_by_role("button", name="Skip").click()
    page.get_by_role("button", name="Start").click()
    page.wait_for_url("**/app/")

    nina = User.objects.get(email="nina@example.com")
    assert nina.terms_and_conditions_accepted is not None
    assert nina.onboarding_presented is not None
    assert Purchase.objects.filter(user=nina, active=True).count() == 1

    # the free trial's tasks are offered
    page.get_by_role("link", name="Follow-up email").wait_for()
    screenshot(page, "tasks")
    screenshot(page, "tasks-phone", phone=True)

    # todos: no route yet (or no todo) → says so instead of failing
    page.get_by_role("link", name="Todos").click()
    page.get_by_text("No todos exist yet").wait_for()
    screenshot(page, "todos")

    # settings: language, timezone, password
    page.get_by_role("link", name="Settings").click()
    page.get_by_text("nina@example.com").wait_for()
    page.get_by_label("Language of your assistant").select_option("fr")
    page.get_by_role("button", name="Save language").click()
    page.get_by_text("Language saved.").wait_for()
    page.get_by_label("Your timezone").select_option("-120")
    page.get_by_role("button", name="Save timezone").click()
    page.get_by_text("Timezone saved.").wait_for()
    page.get_by_label("Current password").fill("wrong-password")
    page.get_by_label("New password").fill("nina-password-2")
    page.get_by_role("button", name="Change password").click()
    error = page.get_by_role("alert").first
    error.wait_for()
    assert "password" in error.inner_text().lower() and "Traceback" not in error.inner_text()
    page.get_by_label("Current password").fill("nina-password-1")
    page.get_by_role("button", name="Change password").click()
    page.get_by_text("Password changed.").wait_for()
    screenshot(page, "settings")
    screenshot(page, "settings-phone", phone=True)
    nina.refresh_from_db()
    assert (nina.language_code, nina.timezone_offset) == ("fr", -120)
    assert nina.check_password("nina-password-2")

    # log out → the pages send back to the login page
    page.get_by_role("button", name="Log out").first.click()
    page.wait_for_url("**/app/login/")
    page.goto("/app/history/")
    page.wait_for_url("**/app/login/?next=%2Fapp%2Fhistory%2F")

    # wrong password: a readable message
    page.get_by_label("E-mail", exact=True).fill("nina@example.com")
    page.get_by_label("Password", exact=True).fill("nina-password-1")
    page.get_by_role("button", name="Log in").click()
    assert "Wrong email or password" in page.get_by_role("alert").first.inner_text()

    # the new password works, and the login goes back where the user was going
    page.get_by_label("Password", exact=True).fill("nina-password-2")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/app/history/")
    page.get_by_text("No task yet").wait_for()

    # a token the server refuses (here: an account disabled meanwhile) → back to the login page
    User.objects.filter(pk=nina.pk).update(is_active=False)
    page.goto("/app/")
    page.wait_for_url("**/app/login/**")

    # the demo login
    log_in(page)
    page.get_by_role("link", name="Write a poem").wait_for()
