"""The backoffice task catalogue routes (``reference/routes.md`` §6 and PUT /text_edit_action).

Admin only: Django staff, or the original's ``Authorization: <BACKOFFICE_SECRET>`` header. Bad
input is a 400 naming the field (``{"error": "task_displayed_data[0].json_input: required"}``),
a name already taken a 409; nothing is stored then.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.assistants.messages import start_text_edit
from apps.catalog import services
from apps.catalog.api import serializers as s
from apps.catalog.definition import flatten_errors
from apps.catalog.models import Task, TaskJsonRequest, TextEditAction, TextType
from apps.core.api.pagination import paginate
from apps.core.api.permissions import IsAdmin, request_user

ADMIN_RESPONSES = {
    400: OpenApiResponse(description='bad input: `{"error": "<field path>: <message>", "fields": {...}}`'),
    401: OpenApiResponse(description="no credentials"),
    403: OpenApiResponse(description="not an admin (Django staff or the backoffice secret header)"),
}


def validated(serializer_class: type, data: Any) -> dict[str, Any]:
    """Validated data, or a 400 naming each bad field by its path (``displayed_data[0].name``)."""
    serializer = serializer_class(data=data)
    if not serializer.is_valid():
        raise ValidationError(flatten_errors(serializer.errors))
    return dict(serializer.validated_data)


class AdminView(APIView):
    permission_classes = [IsAdmin]


class TaskView(AdminView):
    @extend_schema(
        request=s.TaskDefinitionSerializer,
        responses={
            200: s.TaskPkSerializer,
            409: OpenApiResponse(description="name_for_system taken"),
            **ADMIN_RESPONSES,
        },
        summary="Create a task from its JSON definition",
    )
    def put(self, request: Request) -> Response:
        task = services.create_task_definition(request.data)
        return Response({"task_pk": task.pk})

    @extend_schema(
        request=s.TaskEditSerializer,
        responses={
            200: s.TaskPkSerializer,
            404: OpenApiResponse(description="unknown task"),
            409: OpenApiResponse(description="name_for_system taken by another task"),
            **ADMIN_RESPONSES,
        },
        summary="Edit fields of a task (steps cannot be edited)",
    )
    def post(self, request: Request) -> Response:
        task = services.edit_task(request.data)
        return Response({"task_pk": task.pk})

    @extend_schema(
        parameters=[s.TaskPkQuerySerializer],
        responses={200: s.TaskJsonSerializer, 404: OpenApiResponse(description="unknown task"), **ADMIN_RESPONSES},
        summary="A task as JSON",
    )
    def get(self, request: Request) -> Response:
        task = self._task(request)
        return Response(services.task_json(task))

    @extend_schema(
        parameters=[s.TaskPkQuerySerializer],
        responses={
            200: s.TaskPkSerializer,
            404: OpenApiResponse(description="unknown task"),
            409: OpenApiResponse(description="users have run the task: remove it from its products instead"),
            **ADMIN_RESPONSES,
        },
        summary="Delete a task nobody has run, with its displayed data, links and steps",
    )
    def delete(self, request: Request) -> Response:
        task = self._task(request)
        services.delete_task(task)
        return Response({"task_pk": task.pk})

    @staticmethod
    def _task(request: Request) -> Task:
        query = validated(s.TaskPkQuerySerializer, request.query_params)
        task = Task.objects.select_related("output_text_type").filter(pk=query["task_pk"]).first()
        if task is None:
            raise NotFound("task_pk: not found")
        return task


class TextTypeView(AdminView):
    @extend_schema(
        request=s.TextTypeCreateSerializer,
        responses={200: s.TextTypePkSerializer, 409: OpenApiResponse(description="name exists"), **ADMIN_RESPONSES},
        summary="Create a text type",
    )
    def put(self, request: Request) -> Response:
        data = validated(s.TextTypeCreateSerializer, request.data)
        text_type = services.create_text_type(data["text_type_name"])
        return Response({"text_type_pk": text_type.pk})

    @extend_schema(
        parameters=[s.TextTypeListQuerySerializer],
        responses={200: s.TextTypeListSerializer, **ADMIN_RESPONSES},
        summary="Text types, by pk (paged with n_text_types and offset)",
    )
    def get(self, request: Request) -> Response:
        page = paginate(TextType.objects.order_by("id"), request.query_params, "n_text_types")
        return Response({"text_types": s.TextTypeSerializer(page, many=True).data})

    @extend_schema(
        request=s.TextTypeLinkSerializer,
        responses={
            200: s.TextTypeLinkedSerializer,
            409: OpenApiResponse(description="already linked"),
            **ADMIN_RESPONSES,
        },
        summary="Offer a text-edit action on a text type",
    )
    def post(self, request: Request) -> Response:
        data = validated(s.TextTypeLinkSerializer, request.data)
        text_type = TextType.objects.filter(pk=data["text_type_pk"]).first()
        if text_type is None:
            raise ValidationError({"text_type_pk": "not found"})
        action = TextEditAction.objects.filter(pk=data["text_edit_action_pk"]).first()
        if action is None:
            raise ValidationError({"text_edit_action_pk": "not found"})
        association = services.link_text_edit_action(text_type, action)
        return Response({"text_edit_action_text_type_association_pk": association.pk})


class TextEditActionAdminView(AdminView):
    """``/text_edit_action``: ``PUT`` creates an action (admins); ``POST`` runs one on the caller's
    produced text (users) — one path, two audiences, as the original."""

    def get_permissions(self) -> list[Any]:
        if self.request is not None and self.request.method == "POST":
            return [IsAuthenticated()]
        return list(super().get_permissions())

    @extend_schema(
        request=s.TextEditActionRunSerializer,
        responses={
            200: inline_serializer(
                "TextEditActionRunResult",
                {"success": serializers.CharField(), "message_pk": serializers.IntegerField()},
            ),
            400: OpenApiResponse(description="the action is unknown or applies to no text type"),
            404: OpenApiResponse(description="produced text version not found"),
        },
        summary="Apply a text-edit action to a produced text; the new version streams on the session socket",
    )
    def post(self, request: Request) -> Response:
        data = validated(s.TextEditActionRunSerializer, request.data)
        message = start_text_edit(
            request_user(request),
            produced_text_version_pk=data["produced_text_version_pk"],
            text_edit_action_pk=data["text_edit_action_pk"],
            platform=data["platform"],
            message_pk=data.get("message_pk"),
        )
        return Response({"success": "ok", "message_pk": message.pk})

    @extend_schema(
        request=s.TextEditActionCreateSerializer,
        responses={200: s.TextEditActionPkSerializer, **ADMIN_RESPONSES},
        summary="Create a text-edit action",
    )
    def put(self, request: Request) -> Response:
        data = validated(s.TextEditActionCreateSerializer, request.data)
        action = services.create_text_edit_action(data["emoji"], data["prompt_file_name"], data["displayed_data"])
        return Response({"text_edit_action_pk": action.pk})


class TaskJsonView(AdminView):
    @extend_schema(
        request=s.TaskJsonCreateSerializer,
        responses={202: s.TaskJsonRequestSerializer, **ADMIN_RESPONSES},
        summary="Ask the LLM for a task definition (generated in the background; poll GET /task_json)",
    )
    def post(self, request: Request) -> Response:
        data = validated(s.TaskJsonCreateSerializer, request.data)
        task_json_request = services.request_task_json(data["task_requirements"])
        return Response(s.TaskJsonRequestSerializer(task_json_request).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        parameters=[s.TaskJsonQuerySerializer],
        responses={
            200: s.TaskJsonRequestSerializer,
            404: OpenApiResponse(description="unknown request"),
            **ADMIN_RESPONSES,
        },
        summary="A task_json request: its status and, once done, the generated definition",
    )
    def get(self, request: Request) -> Response:
        query = validated(s.TaskJsonQuerySerializer, request.query_params)
        task_json_request = TaskJsonRequest.objects.filter(pk=query["task_json_pk"]).first()
        if task_json_request is None:
            raise NotFound("task_json_pk: not found")
        return Response(s.TaskJsonRequestSerializer(task_json_request).data)
