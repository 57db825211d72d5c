"""Routes reading and managing a user's tasks, executions and produced texts: ``GET /user_task``,
``POST /user_task_execution_title``, ``GET /user_task_execution_produced_text``, ``/produced_text``.

(``GET|DELETE /user_task_execution`` live with its ``PUT`` in ``views.py``.) Another user's object
answers 404 exactly like a missing one, and nothing changes.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, PolymorphicProxySerializer, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.catalog.models import Platform
from apps.chat.services import user_session
from apps.core.api.pagination import page_bounds
from apps.core.api.permissions import request_user
from apps.executions import selectors, services
from apps.executions.api.result_serializers import (
    ExecutionProducedTextQuerySerializer,
    ExecutionProducedTextSerializer,
    ExecutionTitleSerializer,
    ProducedTextListSerializer,
    ProducedTextPkSerializer,
    ProducedTextQuerySerializer,
    ProducedTextSerializer,
    SavedProducedTextSerializer,
    SaveProducedTextSerializer,
    SuccessTrueSerializer,
    UserTaskDetailSerializer,
    UserTaskListSerializer,
    UserTaskQuerySerializer,
)
from apps.executions.api.views import owned_execution
from apps.executions.models import ProducedText

NOT_FOUND = OpenApiResponse(description="not found (or not the user's)")
BAD_INPUT = OpenApiResponse(description="bad parameter, named in `error`")


class UserTaskView(APIView):
    @extend_schema(
        parameters=[UserTaskQuerySerializer],
        responses={
            200: OpenApiResponse(
                PolymorphicProxySerializer(
                    component_name="UserTaskOrList",
                    serializers=[UserTaskListSerializer, UserTaskDetailSerializer],
                    resource_type_field_name=None,
                ),
                description="the user's enabled tasks on the platform, then teasing tasks (`enabled: false`); "
                "with `user_task_pk`: that one task",
            ),
            400: BAD_INPUT,
            404: OpenApiResponse(description="unknown platform, or user task not found on it"),
        },
        summary="The tasks the user can run on a platform (names in the user's language)",
    )
    def get(self, request: Request) -> Response:
        user = request_user(request)
        query = UserTaskQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        platform = Platform.objects.filter(name=params["platform"]).first()
        if platform is None:
            raise NotFound(f"platform: unknown platform {params['platform']!r}")
        if params.get("user_task_pk") is not None:
            detail = selectors.user_task_detail(user, platform.pk, params["user_task_pk"])
            if detail is None:
                raise NotFound("user_task_pk: not found")
            return Response(detail)
        offset, limit = page_bounds(request.query_params, "n_user_tasks")
        return Response({"user_tasks": selectors.user_task_list(user, platform.pk, offset=offset, limit=limit)})


class UserTaskExecutionTitleView(APIView):
    @extend_schema(
        request=ExecutionTitleSerializer,
        responses={200: SuccessTrueSerializer, 400: BAD_INPUT, 404: NOT_FOUND},
        summary="Rename an execution",
    )
    def post(self, request: Request) -> Response:
        user = request_user(request)
        serializer = ExecutionTitleSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        execution = owned_execution(user, serializer.validated_data["user_task_execution_pk"])
        services.rename_execution(execution, serializer.validated_data["title"])
        return Response({"success": True})


class UserTaskExecutionProducedTextView(APIView):
    @extend_schema(
        parameters=[ExecutionProducedTextQuerySerializer],
        responses={200: ExecutionProducedTextSerializer, 400: BAD_INPUT, 404: NOT_FOUND},
        summary="One version of an execution's produced text, by 1-based index (oldest first)",
    )
    def get(self, request: Request) -> Response:
        user = request_user(request)
        query = ExecutionProducedTextQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        execution = owned_execution(user, params["user_task_execution_pk"])
        index = params["produced_text_version_index"]
        version = services.execution_version(execution, index)
        if version is None:
            return Response({"produced_text_version_pk": None})
        return Response(
            {
                "produced_text_version_pk": version.pk,
                "produced_text_pk": version.produced_text_id,
                "produced_text_title": version.title,
                "produced_text_production": version.production,
                "produced_text_version_index": index,
            }
        )


def _owned_produced_text(user, pk: int) -> ProducedText:  # type: ignore[no-untyped-def]
    produced_text = ProducedText.objects.filter(pk=pk, user=user, deleted_by_user__isnull=True).first()
    if produced_text is None:
        raise NotFound("produced_text_pk: not found")
    return produced_text


class ProducedTextView(APIView):
    @extend_schema(
        parameters=[ProducedTextQuerySerializer],
        responses={
            200: OpenApiResponse(
                PolymorphicProxySerializer(
                    component_name="ProducedTextOrList",
                    serializers=[ProducedTextListSerializer, ProducedTextSerializer],
                    resource_type_field_name=None,
                ),
                description="the user's texts as their latest version, newest first; with `produced_text_pk`: "
                "that one text",
            ),
            400: BAD_INPUT,
            404: NOT_FOUND,
        },
        summary="The user's produced texts (latest version of each)",
    )
    def get(self, request: Request) -> Response:
        user = request_user(request)
        query = ProducedTextQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        versions = selectors.latest_versions_of_user(user)
        if query.validated_data.get("produced_text_pk") is not None:
            version = versions.filter(produced_text_id=query.validated_data["produced_text_pk"]).first()
            if version is None:
                raise NotFound("produced_text_pk: not found")
            return Response(selectors.produced_text_json(version))
        offset, limit = page_bounds(request.query_params, "n_produced_texts")
        return Response(
            {"produced_texts": [selectors.produced_text_json(v) for v in versions[offset : offset + limit]]}
        )

    @extend_schema(
        request=SaveProducedTextSerializer,
        responses={200: SavedProducedTextSerializer, 400: BAD_INPUT, 404: NOT_FOUND},
        summary="Save a text: a new version of `produced_text_pk` (or of the execution's text), else a new text",
    )
    def post(self, request: Request) -> Response:
        user = request_user(request)
        serializer = SaveProducedTextSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        produced_text = None
        if data.get("produced_text_pk") is not None:
            produced_text = _owned_produced_text(user, data["produced_text_pk"])
        execution = None
        if data.get("user_task_execution_pk") is not None:
            execution = owned_execution(user, data["user_task_execution_pk"])
        if data.get("session_id") and user_session(user, data["session_id"]) is None:
            raise NotFound("session_id: not found")
        version = services.save_produced_text_version(
            user_id=user.pk,
            title=data.get("title"),
            production=data["production"],
            execution=execution if produced_text is None else None,
            session_id=data.get("session_id") or None,
            produced_text=produced_text,
        )
        return Response({"produced_text_pk": version.produced_text_id, "produced_text_version_pk": version.pk})

    @extend_schema(
        parameters=[ProducedTextPkSerializer],
        responses={
            200: inline_serializer("DeletedProducedText", {"produced_text_pk": serializers.IntegerField()}),
            404: NOT_FOUND,
        },
        summary="Delete a produced text (soft)",
    )
    def delete(self, request: Request) -> Response:
        user = request_user(request)
        query = ProducedTextPkSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        produced_text = _owned_produced_text(user, query.validated_data["produced_text_pk"])
        services.delete_produced_text(produced_text)
        return Response({"produced_text_pk": produced_text.pk})
