"""Workflow routes: validate/reject a step, relaunch after an error, edit a result, restart, and
the scheduler's relaunch of stuck steps. Another user's step or execution is a 404."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.exceptions import NotFound
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
        step_execution = services.owned_step_execution(request.user, data["user_workflow_step_execution_pk"])
        if data["validated"]:
            services.validate(step_execution)
        else:
            services.reject(step_execution)
        return Response({"message": "Step validated"})

    @extend_schema(
        request=StepRelaunchSerializer,
        responses={200: MessageSerializer, 404: OpenApiResponse(description="not the user's step")},
        summary="Run the workflow again after a failed step",
    )
    def put(self, request: Request) -> Response:
        serializer = StepRelaunchSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.relaunch(
            services.owned_step_execution(request.user, serializer.validated_data["user_workflow_step_execution_pk"])
        )
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
        step_execution = services.owned_step_execution(request.user, data["user_workflow_step_execution_pk"])
        row = services.edit_result(step_execution, data["result"])
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
        serializer = RestartSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        execution = user_execution(request.user, data["user_task_execution_pk"])
        if execution is None:
            raise NotFound("user_task_execution_pk: not found")
        services.restart(execution, data["inputs"], request.FILES)
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
