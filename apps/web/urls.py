"""The web UI at ``/app/`` (pages only; the data comes from the REST routes at the root)."""

from django.urls import path

from apps.web import views

app_name = "web"

urlpatterns = [
    path("", views.tasks, name="home"),
    path("login/", views.login, name="login"),
    path("signup/", views.signup, name="signup"),
    path("onboarding/", views.onboarding, name="onboarding"),
    path("tasks/", views.tasks, name="tasks"),
    path("tasks/<int:user_task_pk>/", views.new_task, name="new-task"),
    path("executions/<int:user_task_execution_pk>/", views.execution, name="execution"),
    path("history/", views.history, name="history"),
    path("todos/", views.todos, name="todos"),
    path("settings/", views.settings_page, name="settings"),
]
