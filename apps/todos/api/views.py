"""``/todos``: list what is due, mark read or done, delete (user routes; another user's is a 404)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.api.pagination import paginate
from apps.core.api.permissions import request_user
from apps.executions.selectors import user_execution
from apps.todos import services
from apps.todos.api.serializers import (
    TodoActionSerializer,
    TodoListQuerySerializer,
    TodoListSerializer,
    TodoPkSerializer,
)


class TodosView(APIView):
    @extend_schema(
        parameters=[TodoListQuerySerializer],
        responses={200: TodoListSerializer, 404: OpenApiResponse(description="execution not found")},
        summary="Todos due from today (or all of one execution), soonest first",
    )
    def get(self, request: Request) -> Response:
        user = request_user(request)
        query = TodoListQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        execution_pk = query.validated_data.get("user_task_execution_fk")
        if execution_pk is not None:
            execution = user_execution(user, execution_pk)
            if execution is None:
                raise NotFound("user_task_execution_fk: not found")
            todos = services.user_todos(user).filter(user_task_execution=execution)
        else:
            todos = services.due_todos(user)
        page = paginate(todos, request.query_params, "n_todos")
        return Response({"todos": [services.todo_json(todo) for todo in page], **services.todo_counts(user)})

    @extend_schema(
        request=TodoActionSerializer,
        responses={
            200: inline_serializer(
                "TodoActionResult",
                {
                    "todo_pk": serializers.IntegerField(required=False),
                    "user_task_execution_pk": serializers.IntegerField(required=False),
                    "todo_pks": serializers.ListField(child=serializers.IntegerField(), required=False),
                },
            ),
            400: OpenApiResponse(description="not exactly one of mark_as_read / mark_as_done, or already done"),
            404: OpenApiResponse(description="todo or execution not found"),
        },
        summary="Mark a todo (or an execution's, or all) read, or a todo done",
    )
    def post(self, request: Request) -> Response:
        user = request_user(request)
        action = TodoActionSerializer(data=request.data)
        action.is_valid(raise_exception=True)
        data = action.validated_data
        mine = services.user_todos(user)
        if data.get("todo_pk") is not None:
            todo = mine.filter(pk=data["todo_pk"]).first()
            if todo is None:
                raise NotFound("todo_pk: not found")
            if data["mark_as_done"]:
                services.mark_done(todo)
            else:
                services.mark_read(mine.filter(pk=todo.pk))
            return Response({"todo_pk": todo.pk})
        if data.get("user_task_execution_pk") is not None:
            execution = user_execution(user, data["user_task_execution_pk"])
            if execution is None:
                raise NotFound("user_task_execution_pk: not found")
            services.mark_read(mine.filter(user_task_execution=execution))
            return Response({"user_task_execution_pk": execution.pk})
        return Response({"todo_pks": services.mark_read(mine)})

    @extend_schema(
        parameters=[TodoPkSerializer],
        responses={200: inline_serializer("TodoDeleted", {"todo_pk": serializers.IntegerField()}), 404: None},
        summary="Delete a todo (soft)",
    )
    def delete(self, request: Request) -> Response:
        user = request_user(request)
        query = TodoPkSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        todo = services.user_todos(user).filter(pk=query.validated_data["todo_pk"]).first()
        if todo is None:
            raise NotFound("todo_pk: not found")
        services.delete_todo(todo)
        return Response({"todo_pk": todo.pk})
