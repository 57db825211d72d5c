"""Execution routes: create an execution, run it from its form, apply a text-edit action."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import Q
from drf_spectacular.utils import OpenApiResponse, PolymorphicProxySerializer, extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.assistants import runs
from apps.catalog import selectors as catalog
from apps.core.api.pagination import page_bounds
from apps.core.api.parsers import FormParser, JSONParser, MultiPartParser
from apps.core.api.permissions import request_user
from apps.executions import selectors, services
from apps.executions.api.result_serializers import (
    ExecutionListSerializer,
    ExecutionPkResponseSerializer,
    ExecutionPkSerializer,
    ExecutionQuerySerializer,
    ExecutionSerializer,
)
from apps.executions.api.serializers import (
    CreatedExecutionSerializer,
    CreateExecutionSerializer,
    RunExecutionSerializer,
    SuccessSerializer,
)
from apps.executions.models import UserTask, UserTaskExecution
from apps.workflows.selectors import step_executions_by_execution


def owned_execution(user, pk: int) -> UserTaskExecution:  # type: ignore[no-untyped-def]
    """The user's (not deleted) execution; another user's is a 404 like a missing one."""
    execution = selectors.user_execution(user, pk)
    if execution is None:
        raise NotFound("user_task_execution_pk: not found")
    return execution


def executions_json(
    executions: Sequence[UserTaskExecution], user: Any, *, single: bool = False
) -> list[dict[str, Any]]:
    """The executions' JSON with the step executions of the workflow ones (read from workflows)."""
    workflow_executions = [e for e in executions if e.user_task.task.type == "workflow"]
    step_runs = step_executions_by_execution(workflow_executions) if workflow_executions else {}
    return selectors.executions_json(executions, user, step_runs=step_runs, single=single)


class UserTaskExecutionView(APIView):
    @extend_schema(
        request=CreateExecutionSerializer,
        responses={
            200: CreatedExecutionSerializer,
            401: OpenApiResponse(description="terms and conditions not accepted"),
            402: OpenApiResponse(description='`{"error": "no_purchase"}`: no active purchase allows this task'),
            404: OpenApiResponse(description="user task not found"),
        },
        summary="Create an execution of one of the user's tasks (not started until run or first message)",
    )
    def put(self, request: Request) -> Response:
        user = request_user(request)
        serializer = CreateExecutionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        user_task = UserTask.objects.select_related("task").filter(pk=data["user_task_pk"], user=user).first()
        if user_task is None:
            raise NotFound("user_task_pk: not found")
        origin = None
        if data.get("user_task_execution_fk") is not None:
            origin = owned_execution(user, data["user_task_execution_fk"])
        execution = runs.create_execution(user, user_task, platform=data["platform"], predefined_action_from=origin)
        task = user_task.task
        return Response(
            {
                "user_task_execution_pk": execution.pk,
                "json_input": execution.json_input_values,
                "actions": catalog.predefined_actions(task, user.language_code),
                "text_edit_actions": catalog.text_edit_actions(task, user.language_code),
                "session_id": execution.session_id,
                "intro_done": user.company_id is not None,
            }
        )

    @extend_schema(
        parameters=[ExecutionQuerySerializer],
        responses={
            200: OpenApiResponse(
                PolymorphicProxySerializer(
                    component_name="ExecutionOrList",
                    serializers=[ExecutionListSerializer, ExecutionSerializer],
                    resource_type_field_name=None,
                ),
                description="the list (started, not deleted, newest first); with `user_task_execution_pk`: "
                "that one execution (with `deleted_by_user`)",
            ),
            400: OpenApiResponse(description="bad parameter, named in `error`"),
            404: OpenApiResponse(description="execution not found"),
        },
        summary="The user's executions, or one execution, with their latest produced text",
    )
    def get(self, request: Request) -> Response:
        user = request_user(request)
        query = ExecutionQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        executions = selectors.user_executions(user)
        if params.get("user_task_execution_pk") is not None:
            execution = executions.filter(pk=params["user_task_execution_pk"]).first()
            if execution is None:
                raise NotFound("user_task_execution_pk: not found")
            return Response(executions_json([execution], user, single=True)[0])
        offset, limit = page_bounds(request.query_params, "n_user_task_executions")
        executions = executions.filter(start_date__isnull=False, deleted_by_user__isnull=True)
        if params.get("search_filter"):
            text = params["search_filter"]
            executions = executions.filter(Q(title__icontains=text) | Q(summary__icontains=text))
        if params.get("user_task_pks"):
            executions = executions.filter(user_task_id__in=params["user_task_pks"])
        page = list(executions.order_by("-id")[offset : offset + limit])
        return Response({"user_task_executions": executions_json(page, user)})

    @extend_schema(
        parameters=[ExecutionPkSerializer],
        responses={200: ExecutionPkResponseSerializer, 404: OpenApiResponse(description="execution not found")},
        summary="Delete an execution (soft: hidden from the lists)",
    )
    def delete(self, request: Request) -> Response:
        user = request_user(request)
        query = ExecutionPkSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        execution = owned_execution(user, query.validated_data["user_task_execution_pk"])
        services.delete_execution(execution)
        return Response({"user_task_execution_pk": execution.pk})


class UserTaskExecutionRunView(APIView):
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(
        request={"multipart/form-data": RunExecutionSerializer, "application/json": RunExecutionSerializer},
        responses={
            200: SuccessSerializer,
            400: OpenApiResponse(description="an input does not fit the task's form (named in `error`)"),
            404: OpenApiResponse(description="execution not found"),
        },
        summary="Start an execution from its form; the result streams on the session WebSocket",
    )
    def post(self, request: Request) -> Response:
        serializer = RunExecutionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        execution = owned_execution(request.user, data["user_task_execution_pk"])
        options = {
            "platform": data["platform"],
            "use_message_placeholder": data["use_message_placeholder"],
            "use_draft_placeholder": data["use_draft_placeholder"],
        }
        runs.run_from_form(execution, data["inputs"], request.FILES, options)
        return Response({"success": "ok"})
