from django.urls import path

from apps.executions.api.result_views import (
    ProducedTextView,
    UserTaskExecutionProducedTextView,
    UserTaskExecutionTitleView,
    UserTaskView,
)
from apps.executions.api.views import UserTaskExecutionRunView, UserTaskExecutionView

urlpatterns = [
    path("user_task", UserTaskView.as_view(), name="user-task"),
    path("user_task_execution", UserTaskExecutionView.as_view(), name="user-task-execution"),
    path("user_task_execution_run", UserTaskExecutionRunView.as_view(), name="user-task-execution-run"),
    path("user_task_execution_title", UserTaskExecutionTitleView.as_view(), name="user-task-execution-title"),
    path(
        "user_task_execution_produced_text",
        UserTaskExecutionProducedTextView.as_view(),
        name="user-task-execution-produced-text",
    ),
    path("produced_text", ProducedTextView.as_view(), name="produced-text"),
]
