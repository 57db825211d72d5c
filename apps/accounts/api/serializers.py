"""Request and response shapes of the account routes (the original's parameter names).

``datetime`` (the client's time) is accepted everywhere and ignored, as in the original, except by
PUT /terms_and_conditions which stores it. Secrets are write-only and never trimmed.
"""

from __future__ import annotations

from rest_framework import serializers

LOGIN_METHODS = ("email_password", "google", "microsoft", "apple")
CREDENTIAL_FIELDS = ("password", "google_token", "microsoft_token", "apple_token", "apple_authorization_code")


def secret_field(**kwargs) -> serializers.CharField:  # type: ignore[no-untyped-def]
    return serializers.CharField(write_only=True, trim_whitespace=False, max_length=4096, **kwargs)


class ClientTimeMixin(serializers.Serializer):
    datetime = serializers.CharField(required=False, help_text="client time (ISO 8601); ignored")
    version = serializers.CharField(required=False, help_text="client app version")


class LoginSerializer(ClientTimeMixin):
    email = serializers.CharField(max_length=255)
    login_method = serializers.ChoiceField(choices=LOGIN_METHODS)
    password = secret_field(required=False)
    google_token = secret_field(required=False)
    microsoft_token = secret_field(required=False)
    apple_token = secret_field(required=False)
    apple_authorization_code = secret_field(required=False)

    def validate(self, attrs: dict) -> dict:
        if not any(attrs.get(field) for field in CREDENTIAL_FIELDS):
            raise serializers.ValidationError({"password": "one of " + ", ".join(CREDENTIAL_FIELDS) + " is required"})
        if attrs["login_method"] == "email_password" and not attrs.get("password"):
            raise serializers.ValidationError({"password": "required for login_method email_password"})
        return attrs


class LoginResponseSerializer(serializers.Serializer):
    token = serializers.CharField()
    language_code = serializers.CharField(allow_null=True)
    name = serializers.CharField(allow_null=True)
    terms_and_conditions_agreed = serializers.BooleanField()
    company_fk = serializers.IntegerField(allow_null=True)


class RegisterSerializer(ClientTimeMixin):
    email = serializers.EmailField(max_length=255)
    name = serializers.CharField(max_length=255)
    password = secret_field()
    language_code = serializers.CharField(max_length=5, default="en")
    skip_user_validation = serializers.BooleanField(
        default=False, help_text="admin only: pre-accept terms and onboarding, e-mail a password link"
    )


class PasswordResetRequestSerializer(ClientTimeMixin):
    email = serializers.CharField(max_length=255)


class PasswordResetSerializer(ClientTimeMixin):
    Authorization = secret_field(help_text="the reset token of the e-mailed link")
    new_password = secret_field()


class ChangePasswordSerializer(ClientTimeMixin):
    old_password = secret_field()
    new_password = secret_field()


class PasswordMessageSerializer(serializers.Serializer):
    message = serializers.CharField()


class PasswordChangedSerializer(PasswordMessageSerializer):
    token = serializers.CharField(help_text="a fresh token: every token issued before the change is revoked")


class TermsSerializer(ClientTimeMixin):
    datetime = serializers.CharField(help_text="when the user accepted (ISO 8601); stored as given")


class SuccessFlagSerializer(serializers.Serializer):
    success = serializers.BooleanField()


class SuccessTextSerializer(serializers.Serializer):
    success = serializers.CharField()


class UserIdSerializer(serializers.Serializer):
    user_id = serializers.CharField()


class OnboardingSerializer(serializers.Serializer):
    onboarding_presented = serializers.BooleanField()


class LanguageSetSerializer(ClientTimeMixin):
    language_code = serializers.CharField(max_length=5)


class LanguageQuerySerializer(ClientTimeMixin):
    language_code = serializers.CharField(max_length=5, default="en", allow_blank=True)


class LanguageResponseSerializer(serializers.Serializer):
    available_languages = serializers.DictField(child=serializers.CharField())
    language_json_file = serializers.JSONField()


class TimezoneSerializer(ClientTimeMixin):
    timezone_offset = serializers.IntegerField(help_text="minutes, JavaScript convention (UTC+2 is -120)")


class GoalSerializer(ClientTimeMixin):
    goal = serializers.CharField(max_length=2000, allow_blank=True)


class DeviceSerializer(ClientTimeMixin):
    fcm_token = serializers.CharField(max_length=4096)


class DeviceResponseSerializer(serializers.Serializer):
    device_pk = serializers.IntegerField()


class ErrorReportSerializer(ClientTimeMixin):
    error = serializers.CharField(max_length=20000)
    notify_admin = serializers.BooleanField(default=False)
    session_id = serializers.CharField(max_length=255, required=False, allow_null=True)


class CompanyWebsiteSerializer(ClientTimeMixin):
    website_url = serializers.CharField(max_length=2048)


class CompanyFeedbackSerializer(ClientTimeMixin):
    feedback = serializers.CharField(max_length=5000, required=False, allow_blank=True, allow_null=True)
    correct = serializers.BooleanField(required=False, allow_null=True)


class CompanyResponseSerializer(serializers.Serializer):
    company_pk = serializers.IntegerField(allow_null=True)
    company_emoji = serializers.CharField(allow_null=True)
    company_name = serializers.CharField(allow_null=True)
    company_description = serializers.CharField(allow_null=True)


class VocabularyQuerySerializer(ClientTimeMixin):
    n_words = serializers.IntegerField(required=False, min_value=0)
    offset = serializers.IntegerField(required=False, min_value=0)


class VocabularyItemSerializer(serializers.Serializer):
    user_vocabulary_pk = serializers.IntegerField(source="pk")
    word = serializers.CharField()
    creation_date = serializers.DateTimeField()


class VocabularyListSerializer(serializers.Serializer):
    vocabulary = VocabularyItemSerializer(many=True)


class VocabularyCorrectionSerializer(ClientTimeMixin):
    session_id = serializers.CharField(max_length=255)
    initial_spelling = serializers.CharField(max_length=255, trim_whitespace=False)
    corrected_spelling = serializers.CharField(max_length=255, allow_blank=True, trim_whitespace=False)


class ProperNounsRequestSerializer(ClientTimeMixin):
    message_pk = serializers.IntegerField()


class ProperNounsQueuedSerializer(serializers.Serializer):
    message_pk = serializers.IntegerField()
    status = serializers.CharField(help_text='"processing": the tagged text arrives as `proper_nouns_tagged`')


class VocabularyDeleteSerializer(ClientTimeMixin):
    user_vocabulary_pk = serializers.IntegerField()


class VocabularyDeletedSerializer(serializers.Serializer):
    user_vocabulary_pk = serializers.IntegerField()


class EmptySerializer(serializers.Serializer):
    pass
