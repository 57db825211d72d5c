from django.urls import path

from apps.executions.api.views import UserTaskExecutionRunView, UserTaskExecutionView

urlpatterns = [
    path("user_task_execution", UserTaskExecutionView.as_view(), name="user-task-execution"),
    path("user_task_execution_run", UserTaskExecutionRunView.as_view(), name="user-task-execution-run"),
]
