"""Files of a session: ``GET /voice`` (a message's audio) and ``GET|PUT /image``."""

from __future__ import annotations

from django.http import HttpResponseBase
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.chat import files, services
from apps.chat.api.history_serializers import (
    ImageQuerySerializer,
    ImageStoredSerializer,
    ImageUploadSerializer,
    VoiceQuerySerializer,
)
from apps.chat.models import Message, Sender
from apps.core.api.files import ranged_file_response
from apps.core.api.parsers import FormParser, MultiPartParser
from apps.core.api.permissions import request_user


class VoiceView(APIView):
    @extend_schema(
        parameters=[VoiceQuerySerializer],
        responses={
            (200, "audio/*"): OpenApiResponse(
                OpenApiTypes.BINARY,
                description='the audio (byte ranges supported); `{"status": "processing"}` (JSON) while the '
                "assistant's speech is not ready yet",
            ),
            206: OpenApiResponse(OpenApiTypes.BINARY, description="the requested byte range"),
            400: OpenApiResponse(description="bad parameter, named in `error`"),
            404: OpenApiResponse(description="message not found (or not the user's), or it has no audio"),
        },
        summary="The audio of a message of one of the user's sessions",
    )
    def get(self, request: Request) -> HttpResponseBase:
        user = request_user(request)
        query = VoiceQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        message = (
            Message.objects.select_related("session")
            .filter(
                pk=query.validated_data["message_pk"],
                session__user=user,
                session__deleted_by_user=False,
            )
            .first()
        )
        if message is None:
            raise NotFound("message_pk: not found")
        path = files.message_audio(message)
        if path is None:
            if message.sender == Sender.MOJO and message.in_error_state is None:
                return Response({"status": "processing"})
            raise NotFound("message_pk: this message has no audio")
        return ranged_file_response(request, path)


class ImageView(APIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        parameters=[ImageQuerySerializer],
        responses={
            (200, "image/*"): OpenApiResponse(OpenApiTypes.BINARY, description="the image"),
            400: OpenApiResponse(description="bad parameter (a file name with a path is refused)"),
            404: OpenApiResponse(description="session (of the user) or image not found"),
        },
        summary="An image of one of the user's sessions (form inputs, chat images)",
    )
    def get(self, request: Request) -> HttpResponseBase:
        user = request_user(request)
        query = ImageQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        session = services.user_session(user, params["session_id"])
        if session is None:
            raise NotFound("session_id: not found")
        if files.safe_filename(params["filename"]) != params["filename"]:
            raise ValidationError({"filename": "must be a plain file name"})
        path = files.session_image(session, params["filename"])
        if path is None:
            raise NotFound("filename: not found")
        return ranged_file_response(request, path)

    @extend_schema(
        request={"multipart/form-data": ImageUploadSerializer},
        responses={
            200: ImageStoredSerializer,
            400: OpenApiResponse(description="not an accepted image type, or bad parameter"),
            404: OpenApiResponse(description="session not found (or not the user's)"),
            413: inline_serializer("ImageTooLarge", {"error": serializers.CharField()}),
        },
        summary="Upload an image into one of the user's sessions; answers the stored file name",
    )
    def put(self, request: Request) -> Response:
        user = request_user(request)
        serializer = ImageUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        session = services.user_session(user, data["session_id"])
        if session is None:
            raise NotFound("session_id: not found")
        filename = files.store_session_image(session, data["file"])
        return Response({"filename": filename})
