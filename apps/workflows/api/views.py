"""Workflow routes: validate/reject a step, relaunch after an error, edit a result, restart, and
the scheduler's relaunch of stuck steps. Another user's step or execution is a 404."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.authentication import ServiceSecretAuthentication, TokenAuthentication
from apps.core.api.parsers import FormParser, JSONParser, MultiPartParser
from apps.core.api.permissions import BackofficeSecretAuthentication
from apps.executions.selectors import user_execution
from apps.workflows import runner, services
from apps.workflows.api.permissions import IsSchedulerOrAdmin
from apps.workflows.api.serializers import (
    MessageSerializer,
    NewResultSerializer,
    RelaunchedSerializer,
    RestartSerializer,
    StepRelaunchSerializer,
    StepResultSerializer,
    StepValidationSerializer,
    SweepSerializer,
)
from apps.workflows.models import UserWorkflowStepExecution

NOT_FOUND = "user_workflow_step_execution_pk: not found"


def _step(user: Any, pk: int) -> UserWorkflowStepExecution:
    try:
        return services.owned_step_execution(user, pk)
    except UserWorkflowStepExecution.DoesNotExist:
        raise NotFound(NOT_FOUND) from None


def _conflict(error: Exception) -> Response:
    return Response({"error": str(error)}, status=status.HTTP_409_CONFLICT)


CONFLICT = OpenApiResponse(description="the step's state does not allow it (still running, failed, rejected…)")


class StepExecutionView(APIView):
    @extend_schema(
        request=StepValidationSerializer,
        responses={200: MessageSerializer, 404: OpenApiResponse(description="not the user's step"), 409: CONFLICT},
        summary="Validate a step (the workflow goes on) or reject it (then say what to change in the chat)",
    )
    def post(self, request: Request) -> Response:
        serializer = StepValidationSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        step_execution = _step(request.user, data["user_workflow_step_execution_pk"])
        try:
            if data["validated"]:
                services.validate(step_execution)
            else:
                services.reject(step_execution)
        except services.WorkflowConflict as error:
            return _conflict(error)
        return Response({"message": "Step validated"})

    @extend_schema(
        request=StepRelaunchSerializer,
        responses={200: MessageSerializer, 404: OpenApiResponse(description="not the user's step")},
        summary="Run the workflow again after a failed step",
    )
    def put(self, request: Request) -> Response:
        serializer = StepRelaunchSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.relaunch(_step(request.user, serializer.validated_data["user_workflow_step_execution_pk"]))
        return Response({"message": "Workflow relaunched"})


class StepExecutionResultView(APIView):
    @extend_schema(
        request=StepResultSerializer,
        responses={200: NewResultSerializer, 404: OpenApiResponse(description="not the user's step"), 409: CONFLICT},
        summary="Edit a step's result before validating it (a new result version by the user)",
    )
    def put(self, request: Request) -> Response:
        serializer = StepResultSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        step_execution = _step(request.user, data["user_workflow_step_execution_pk"])
        try:
            row = services.edit_result(step_execution, data["result"])
        except services.InvalidResult as error:
            raise ValidationError({"result": str(error)}) from None
        except services.WorkflowConflict as error:
            return _conflict(error)
        return Response({"new_result": row.result})


class RestartWorkflowView(APIView):
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(
        request={"multipart/form-data": RestartSerializer, "application/json": RestartSerializer},
        responses={
            200: MessageSerializer,
            400: OpenApiResponse(description="not a workflow, or an input does not fit the form"),
            404: OpenApiResponse(description="not the user's execution"),
            409: OpenApiResponse(description="the workflow went past its first step"),
        },
        summary="Restart a workflow from its first step with new inputs",
    )
    def post(self, request: Request) -> Response:
        from apps.executions.services import InputError

        serializer = RestartSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        execution = user_execution(request.user, data["user_task_execution_pk"])
        if execution is None:
            raise NotFound("user_task_execution_pk: not found")
        try:
            services.restart(execution, data["inputs"], request.FILES)
        except services.NotAWorkflow as error:
            return Response({"error": str(error)}, status=status.HTTP_400_BAD_REQUEST)
        except InputError as error:
            raise ValidationError({error.field: error.message}) from None
        except services.WorkflowConflict as error:
            return _conflict(error)
        return Response({"message": "Workflow restarted"})


class RelaunchLockedStepsView(APIView):
    authentication_classes = [ServiceSecretAuthentication, BackofficeSecretAuthentication, TokenAuthentication]
    permission_classes = [IsSchedulerOrAdmin]

    @extend_schema(
        request=SweepSerializer,
        responses={
            200: RelaunchedSerializer,
            403: OpenApiResponse(description="not the scheduler nor an admin"),
        },
        summary="Queue again the step executions whose worker died or whose message was lost",
    )
    def post(self, request: Request) -> Response:
        return Response({"user_workflow_step_executions_pk": runner.relaunch_stale_steps()})
