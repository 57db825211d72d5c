from django.urls import path

from apps.workflows.api.views import (
    RelaunchLockedStepsView,
    RestartWorkflowView,
    StepExecutionResultView,
    StepExecutionView,
)

urlpatterns = [
    path("user_workflow_step_execution", StepExecutionView.as_view(), name="user-workflow-step-execution"),
    path(
        "user_workflow_step_execution_result",
        StepExecutionResultView.as_view(),
        name="user-workflow-step-execution-result",
    ),
    path("restart_user_workflow_execution", RestartWorkflowView.as_view(), name="restart-user-workflow-execution"),
    path(
        "relaunch_locked_workflow_step_executions",
        RelaunchLockedStepsView.as_view(),
        name="relaunch-locked-workflow-step-executions",
    ),
]
