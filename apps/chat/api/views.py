"""Chat routes: ``PUT /user_message`` (every chat turn starts here)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.assistants.messages import post_user_message
from apps.chat import files, services
from apps.chat.api.serializers import StoredMessageSerializer, UserMessageSerializer, server_time
from apps.core.api.parsers import FormParser, JSONParser, MultiPartParser
from apps.core.api.permissions import request_user


class UserMessageView(APIView):
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(
        request={"multipart/form-data": UserMessageSerializer, "application/json": UserMessageSerializer},
        responses={
            200: OpenApiResponse(
                StoredMessageSerializer,
                description='the stored message (also on a retry); `{"status": "processing"}` while the '
                "same message is still being received",
            ),
            400: OpenApiResponse(description="bad input, named in `error`"),
            404: OpenApiResponse(description="session or execution not found"),
        },
        summary="Send a chat message; the answer arrives on the session WebSocket",
    )
    def put(self, request: Request) -> Response:
        user = request_user(request)
        serializer = UserMessageSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        session = services.user_session(user, data["session_id"])
        if session is None:
            raise NotFound("Session not found")
        audio_name = None
        if data.get("file") is not None:
            restore = files.audio_to_restore(session, data["message_id"], data.get("message_pk"))
            audio_name = files.store_message_audio(session, data["message_id"], data["file"], name=restore)
        options = {
            "platform": data["platform"],
            "use_message_placeholder": data["use_message_placeholder"],
            "use_draft_placeholder": data["use_draft_placeholder"],
            "audio": audio_name is not None,
        }
        try:
            posted = post_user_message(
                user,
                session,
                message_id=data["message_id"],
                text=data.get("text"),
                audio_file=audio_name,
                message_date=server_time(data["message_date"], user.timezone_offset),
                message_pk=data.get("message_pk"),
                user_task_execution_pk=data.get("user_task_execution_pk"),
                options=options,
            )
        except BaseException:
            files.remove_message_audio(session, audio_name)
            raise
        if audio_name is not None and posted.message.message.get("audio_file") != audio_name:
            files.remove_message_audio(session, audio_name)  # a retry: the first upload's file stays
        if posted.processing:
            return Response({"status": "processing"}, status=status.HTTP_200_OK)
        return Response(posted.message.message, status=status.HTTP_200_OK)
