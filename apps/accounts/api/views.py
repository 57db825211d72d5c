"""Account routes: login and registration (/user), passwords, and the signed-in user's settings."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from apps.accounts import profile, services
from apps.accounts.api import serializers as s
from apps.accounts.authentication import TokenAuthentication
from apps.accounts.throttles import CredentialAccountThrottle, CredentialAddressThrottle, admin_notice_allowed
from apps.accounts.tokens import revoke_tokens
from apps.chat import services as chat
from apps.chat.client_errors import report_client_error
from apps.core.api.pagination import paginate
from apps.core.api.permissions import BackofficeSecretAuthentication, is_admin_request
from apps.core.api.views_base import ServiceView, current_user, validated
from apps.executions.spelling import correct_spelling

ERRORS = {
    400: OpenApiResponse(description='bad input: `{"error": "<field>: <problem>"}`'),
    403: OpenApiResponse(description="not signed in, or not allowed"),
}
THROTTLED = {429: OpenApiResponse(description="too many attempts for this account or address")}


class UserView(ServiceView):
    """POST: log in (or first social login = registration). PUT: register with a password.
    DELETE: delete (anonymise) the signed-in account."""

    method_authentication = {
        "POST": [],
        "PUT": [BackofficeSecretAuthentication, TokenAuthentication],
        "DELETE": [TokenAuthentication],
    }
    method_permissions = {"POST": [AllowAny], "PUT": [AllowAny], "DELETE": [IsAuthenticated]}
    method_throttles = {
        "POST": [CredentialAddressThrottle, CredentialAccountThrottle],
        "PUT": [CredentialAddressThrottle],
        "DELETE": [],
    }

    @extend_schema(
        request=s.LoginSerializer,
        responses={200: s.LoginResponseSerializer, **ERRORS, **THROTTLED},
        summary="Log in with email_password, google, microsoft or apple; returns an access token",
    )
    def post(self, request: Request) -> Response:
        data = validated(s.LoginSerializer, request.data)
        if data["login_method"] == "email_password":
            user = services.login_with_password(data["email"], data["password"])
        else:
            identity = services.identity_for(data["login_method"], data)
            user = services.login_with_identity(identity, app_version=data.get("version"))
        return Response(services.login_payload(user))

    @extend_schema(
        request=s.RegisterSerializer,
        responses={
            200: s.LoginResponseSerializer,
            **ERRORS,
            409: OpenApiResponse(description="email already registered"),
            **THROTTLED,
        },
        summary="Register with e-mail and password (skip_user_validation: admins only)",
    )
    def put(self, request: Request) -> Response:
        data = validated(s.RegisterSerializer, request.data)
        profile.check_language(data["language_code"])
        user = services.register(
            email=data["email"],
            name=data["name"],
            password=data["password"],
            language_code=data["language_code"],
            skip_user_validation=data["skip_user_validation"],
            by_admin=is_admin_request(request),
            app_version=data.get("version"),
        )
        return Response(services.login_payload(user))

    @extend_schema(
        request=None,
        responses={200: s.UserIdSerializer, 403: ERRORS[403]},
        summary="Delete the signed-in account: disabled at once, identity anonymised, purchases ended",
    )
    def delete(self, request: Request) -> Response:
        user_id = current_user(request).pk
        services.delete_account(current_user(request))
        return Response({"user_id": user_id})


class PasswordView(ServiceView):
    """PUT: e-mail a reset link. POST: set a new password with the link's token."""

    authentication_classes: list[type] = []
    permission_classes = [AllowAny]
    method_throttles = {
        "PUT": [CredentialAddressThrottle, CredentialAccountThrottle],
        "POST": [CredentialAddressThrottle],
    }

    @extend_schema(
        request=s.PasswordResetRequestSerializer,
        responses={
            200: s.PasswordMessageSerializer,
            400: ERRORS[400],
            404: OpenApiResponse(description="no account with this e-mail"),
            **THROTTLED,
        },
        summary="E-mail a password reset link (valid 10 minutes, once)",
    )
    def put(self, request: Request) -> Response:
        data = validated(s.PasswordResetRequestSerializer, request.data)
        services.request_password_reset(data["email"])
        return Response({"message": "Email sent."})

    @extend_schema(
        request=s.PasswordResetSerializer,
        responses={
            200: s.PasswordMessageSerializer,
            400: ERRORS[400],
            403: OpenApiResponse(description="link expired, already used or invalid"),
            **THROTTLED,
        },
        summary="Set a new password with the reset link's token (body field `Authorization`)",
    )
    def post(self, request: Request) -> Response:
        data = validated(s.PasswordResetSerializer, request.data)
        services.reset_password(data["Authorization"], data["new_password"])
        return Response({"message": "Password updated."})


class ChangePasswordView(ServiceView):
    throttle_classes = [CredentialAccountThrottle]

    @extend_schema(
        request=s.ChangePasswordSerializer,
        responses={200: s.PasswordChangedSerializer, **ERRORS, **THROTTLED},
        summary="Change the signed-in user's password (current password required)",
        description="Every token issued before the change stops working; the answer holds a fresh one.",
    )
    def post(self, request: Request) -> Response:
        data = validated(s.ChangePasswordSerializer, request.data)
        token = services.change_password(current_user(request), data["old_password"], data["new_password"])
        return Response({"message": "Password updated.", "token": token})


class LogoutEverywhereView(ServiceView):
    @extend_schema(
        request=None,
        responses={200: s.SuccessFlagSerializer, 401: OpenApiResponse(description="not signed in")},
        summary="Log out everywhere: revoke every token of the signed-in user (this one included)",
        description="Every token issued so far, on every device and socket, stops working at once; "
        "sign in again for a new one.",
    )
    def post(self, request: Request) -> Response:
        revoke_tokens(current_user(request).pk)
        return Response({"success": True})


class TermsAndConditionsView(ServiceView):
    @extend_schema(
        request=s.TermsSerializer,
        responses={200: s.SuccessFlagSerializer, **ERRORS},
        summary="Accept the terms and conditions (stores the client's datetime)",
    )
    def put(self, request: Request) -> Response:
        data = validated(s.TermsSerializer, request.data)
        profile.accept_terms(current_user(request), profile.parse_client_datetime(data["datetime"]))
        return Response({"success": True})


class OnboardingView(ServiceView):
    @extend_schema(
        request=s.ClientTimeMixin,
        responses={200: s.UserIdSerializer, **ERRORS},
        summary="Mark the onboarding as presented",
    )
    def put(self, request: Request) -> Response:
        profile.mark_onboarding_presented(current_user(request))
        return Response({"user_id": current_user(request).pk})

    @extend_schema(
        parameters=[s.ClientTimeMixin],
        responses={200: s.OnboardingSerializer, **ERRORS},
        summary="Whether the onboarding was presented",
    )
    def get(self, request: Request) -> Response:
        return Response({"onboarding_presented": current_user(request).onboarding_presented is not None})


class LanguageView(ServiceView):
    """POST (signed in): set the user's language. GET (public): the interface languages and strings."""

    method_authentication = {"GET": []}
    method_permissions = {"GET": [AllowAny]}

    @extend_schema(
        request=s.LanguageSetSerializer,
        responses={200: s.SuccessTextSerializer, **ERRORS},
        summary="Set the user's language (en, es, fr)",
    )
    def post(self, request: Request) -> Response:
        data = validated(s.LanguageSetSerializer, request.data)
        profile.set_language(current_user(request), data["language_code"])
        return Response({"success": "Language updated"})

    @extend_schema(
        parameters=[s.LanguageQuerySerializer],
        responses={200: s.LanguageResponseSerializer},
        summary="Available languages and the interface strings of one (English when unknown)",
    )
    def get(self, request: Request) -> Response:
        data = validated(s.LanguageQuerySerializer, request.query_params)
        return Response(
            {
                "available_languages": profile.available_languages(),
                "language_json_file": profile.language_strings(data["language_code"]),
            }
        )


class TimezoneView(ServiceView):
    @extend_schema(
        request=s.TimezoneSerializer,
        responses={200: s.SuccessTextSerializer, **ERRORS},
        summary="Set the user's timezone offset (minutes, JavaScript convention)",
    )
    def post(self, request: Request) -> Response:
        data = validated(s.TimezoneSerializer, request.data)
        profile.set_timezone_offset(current_user(request), data["timezone_offset"])
        return Response({"success": "Timezone updated"})


class GoalView(ServiceView):
    @extend_schema(
        request=s.GoalSerializer, responses={200: s.SuccessTextSerializer, **ERRORS}, summary="Set the user's goal"
    )
    def put(self, request: Request) -> Response:
        data = validated(s.GoalSerializer, request.data)
        profile.set_goal(current_user(request), data["goal"])
        return Response({"success": "Goal updated"})


class DeviceView(ServiceView):
    @extend_schema(
        request=s.DeviceSerializer,
        responses={200: s.DeviceResponseSerializer, **ERRORS},
        summary="Register a mobile device's FCM token for push notifications",
    )
    def put(self, request: Request) -> Response:
        data = validated(s.DeviceSerializer, request.data)
        device = profile.register_device(current_user(request), data["fcm_token"])
        return Response({"device_pk": device.pk})


class ErrorView(ServiceView):
    @extend_schema(
        request=s.ErrorReportSerializer,
        responses={200: s.SuccessTextSerializer, **ERRORS},
        summary="Report a client-side error (kept in md_error, e-mailed when notify_admin)",
        description="The e-mail to the admins is throttled per user and in all (ADMIN_NOTIFY_USER_RATE, "
        "ADMIN_NOTIFY_GLOBAL_RATE): over the limit the error is still stored, but not e-mailed.",
    )
    def put(self, request: Request) -> Response:
        data = validated(s.ErrorReportSerializer, request.data)
        notify = data["notify_admin"] and admin_notice_allowed(request, self)
        report_client_error(
            current_user(request), data["error"], notify_admin=notify, session_id=data.get("session_id")
        )
        return Response({"success": "Error logged"})


class CompanyView(ServiceView):
    @extend_schema(
        request=s.CompanyWebsiteSerializer,
        responses={200: s.CompanyResponseSerializer, **ERRORS},
        summary="Set the user's company from its website (learning the site is queued; not implemented yet)",
    )
    def put(self, request: Request) -> Response:
        data = validated(s.CompanyWebsiteSerializer, request.data)
        profile.set_company_website(current_user(request), data["website_url"])
        return Response(profile.company_payload(current_user(request)))

    @extend_schema(
        request=s.CompanyFeedbackSerializer,
        responses={200: s.CompanyResponseSerializer, **ERRORS, 404: OpenApiResponse(description="no company yet")},
        summary="Give feedback on the learned company (recorded; the LLM correction is not implemented yet)",
    )
    def post(self, request: Request) -> Response:
        data = validated(s.CompanyFeedbackSerializer, request.data)
        profile.record_company_feedback(current_user(request), data.get("feedback"), data.get("correct"))
        return Response(profile.company_payload(current_user(request)))


class VocabularyView(ServiceView):
    @extend_schema(
        parameters=[s.VocabularyQuerySerializer],
        responses={200: s.VocabularyListSerializer, **ERRORS},
        summary="The user's vocabulary (words given to speech-to-text), newest first",
    )
    def get(self, request: Request) -> Response:
        validated(s.VocabularyQuerySerializer, request.query_params)
        words = paginate(profile.vocabulary(current_user(request)), request.query_params, "n_words")
        return Response({"vocabulary": s.VocabularyItemSerializer(words, many=True).data})

    @extend_schema(
        request=s.ProperNounsRequestSerializer,
        responses={
            200: s.ProperNounsQueuedSerializer,
            **ERRORS,
            404: OpenApiResponse(description="message not found, or without text"),
        },
        summary="Star the proper nouns of one of the user's messages (on a worker; the tagged text "
        "arrives on the session socket as `proper_nouns_tagged`)",
    )
    def post(self, request: Request) -> Response:
        data = validated(s.ProperNounsRequestSerializer, request.data)
        chat.request_proper_noun_tagging(current_user(request), data["message_pk"])
        return Response({"message_pk": data["message_pk"], "status": "processing"})

    @extend_schema(
        request=s.VocabularyCorrectionSerializer,
        responses={200: s.EmptySerializer, **ERRORS, 404: OpenApiResponse(description="session not found")},
        summary="Correct a spelling in a session (messages, titles, latest text) and remember the word",
    )
    def put(self, request: Request) -> Response:
        data = validated(s.VocabularyCorrectionSerializer, request.data)
        correct_spelling(
            current_user(request), data["session_id"], data["initial_spelling"], data["corrected_spelling"]
        )
        return Response({})

    @extend_schema(
        parameters=[s.VocabularyDeleteSerializer],
        responses={200: s.VocabularyDeletedSerializer, **ERRORS, 404: OpenApiResponse(description="not found")},
        summary="Forget one word of the user's vocabulary",
    )
    def delete(self, request: Request) -> Response:
        data = validated(s.VocabularyDeleteSerializer, request.query_params)
        profile.delete_word(current_user(request), data["user_vocabulary_pk"])
        return Response({"user_vocabulary_pk": data["user_vocabulary_pk"]})
