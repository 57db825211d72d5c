"""Chat history routes: ``/session`` (create, list, delete) and ``GET /message``."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.chat import files, history, services
from apps.chat.api.history_serializers import (
    CreatedSessionSerializer,
    CreateSessionSerializer,
    MessageListSerializer,
    MessageQuerySerializer,
    SessionIdResponseSerializer,
    SessionIdSerializer,
    SessionListQuerySerializer,
    SessionListSerializer,
)
from apps.chat.models import SessionMode
from apps.core.api.pagination import page_bounds
from apps.core.api.permissions import request_user

BAD_INPUT = OpenApiResponse(description="bad parameter, named in `error`")
NOT_FOUND = OpenApiResponse(description="session not found (or not the user's)")


class SessionView(APIView):
    @extend_schema(
        request=CreateSessionSerializer,
        responses={
            200: CreatedSessionSerializer,
            400: BAD_INPUT,
            401: OpenApiResponse(description="terms and conditions not accepted"),
        },
        summary="Open a free chat session",
    )
    def put(self, request: Request) -> Response:
        user = request_user(request)
        serializer = CreateSessionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        session = services.create_session(user, platform=serializer.validated_data["platform"], mode=SessionMode.CHAT)
        return Response({"session_id": session.pk, "intro_done": user.company_id is not None})

    @extend_schema(
        parameters=[SessionListQuerySerializer],
        responses={200: SessionListSerializer, 400: BAD_INPUT},
        summary="The user's free chat sessions that have messages, newest first",
    )
    def get(self, request: Request) -> Response:
        user = request_user(request)
        SessionListQuerySerializer(data=request.query_params).is_valid(raise_exception=True)
        offset, limit = page_bounds(request.query_params, "n_sessions")
        sessions = history.chat_sessions(user).only("id", "title")[offset : offset + limit]
        return Response({"sessions": [{"title": s.title, "session_id": s.pk} for s in sessions]})

    @extend_schema(
        parameters=[SessionIdSerializer],
        responses={200: SessionIdResponseSerializer, 404: NOT_FOUND},
        summary="Delete a session (soft: hidden from the lists)",
    )
    def delete(self, request: Request) -> Response:
        user = request_user(request)
        query = SessionIdSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        session = services.user_session(user, query.validated_data["session_id"])
        if session is None:
            raise NotFound("session_id: not found")
        history.delete_session(session)
        return Response({"session_id": session.pk})


class MessageView(APIView):
    @extend_schema(
        parameters=[MessageQuerySerializer],
        responses={200: MessageListSerializer, 400: BAD_INPUT, 404: NOT_FOUND},
        summary="A page of a session's messages; marks them (and the drafts they carry) read",
    )
    def get(self, request: Request) -> Response:
        user = request_user(request)
        query = MessageQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        session = services.user_session(user, params["session_id"])
        if session is None:
            raise NotFound("session_id: not found")
        offset, limit = page_bounds(request.query_params, "n_messages")
        messages = history.message_page(
            session,
            offset=offset,
            limit=limit,
            offset_direction=params["offset_direction"],
            user_task_execution_pk=params.get("user_task_execution_pk"),
        )
        audio = files.audio_flags(session, messages)
        history.mark_read(session.pk, messages)
        return Response(
            {
                "messages": [
                    {
                        "message_pk": message.pk,
                        "sender": message.sender,
                        "message": message.message,
                        "audio": audio[message.pk],
                        "in_error_state": message.in_error_state is not None,
                    }
                    for message in messages
                ]
            }
        )
