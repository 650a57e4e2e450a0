from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
    UserCreationForm,
)
from django.contrib.auth.models import User


class CrispyFormMixin:
    """Give a form a crispy helper with one primary submit button."""

    submit_label = "Save"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", self.submit_label))


class SignUpForm(CrispyFormMixin, UserCreationForm):
    submit_label = "Create account"
    email = forms.EmailField(
        required=False, help_text="Optional; used only to reset a forgotten password."
    )

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "email")


class LoginForm(CrispyFormMixin, AuthenticationForm):
    submit_label = "Log in"


class PasswordChangeCrispyForm(CrispyFormMixin, PasswordChangeForm):
    submit_label = "Change password"


class PasswordResetCrispyForm(CrispyFormMixin, PasswordResetForm):
    submit_label = "Send the reset link"


class SetPasswordCrispyForm(CrispyFormMixin, SetPasswordForm):
    submit_label = "Set the new password"
