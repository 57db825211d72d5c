"""Request shapes of the ``/todos`` routes (the original's parameter names)."""

from __future__ import annotations

from rest_framework import serializers


class TodoListQuerySerializer(serializers.Serializer):
    n_todos = serializers.IntegerField(required=False, min_value=0)
    offset = serializers.IntegerField(required=False, min_value=0)
    user_task_execution_fk = serializers.IntegerField(required=False)
    datetime = serializers.CharField(required=False)


class TodoActionSerializer(serializers.Serializer):
    todo_pk = serializers.IntegerField(required=False)
    user_task_execution_pk = serializers.IntegerField(required=False)
    mark_as_read = serializers.BooleanField(default=False)
    mark_as_done = serializers.BooleanField(default=False)
    datetime = serializers.CharField(required=False)

    def validate(self, attrs: dict) -> dict:
        if attrs["mark_as_read"] == attrs["mark_as_done"]:
            raise serializers.ValidationError({"mark_as_read": "set exactly one of mark_as_read and mark_as_done"})
        if attrs["mark_as_done"] and attrs.get("todo_pk") is None:
            raise serializers.ValidationError({"todo_pk": "required to mark a todo as done"})
        return attrs


class TodoPkSerializer(serializers.Serializer):
    todo_pk = serializers.IntegerField()
    datetime = serializers.CharField(required=False)


class TodoSerializer(serializers.Serializer):
    todo_pk = serializers.IntegerField()
    user_task_execution_fk = serializers.IntegerField()
    description = serializers.CharField()
    scheduled_date = serializers.DateField(allow_null=True)
    completed = serializers.DateTimeField(allow_null=True)
    creation_date = serializers.DateTimeField()
    read_by_user = serializers.DateTimeField(allow_null=True)


class TodoListSerializer(serializers.Serializer):
    todos = TodoSerializer(many=True)
    user_has_never_done_todo = serializers.BooleanField()
    n_todos_not_read = serializers.IntegerField()
