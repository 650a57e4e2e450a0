from django import forms

from curriculum.forms import parse_context

from .models import MAX_POLICY_CHARS


class PolicyForm(forms.Form):
    """The editor's text. Over-long text is refused here, before any grading."""

    policy = forms.CharField(
        label="Your policy",
        required=False,
        strip=False,
        widget=forms.Textarea(
            attrs={
                "rows": 18,
                "spellcheck": "false",
                "autocapitalize": "off",
                "autocomplete": "off",
                "class": "form-control policy-editor",
                "data-editor": "policy",
            }
        ),
    )

    def clean_policy(self) -> str:
        text = self.cleaned_data["policy"]
        if len(text) > MAX_POLICY_CHARS:
            raise forms.ValidationError(
                f"The policy is {len(text):,} characters long; the limit is "
                f"{MAX_POLICY_CHARS:,}. Real policies are far shorter."
            )
        if not text.strip():
            raise forms.ValidationError("Write a policy first: the editor is empty.")
        return text


class SimulatorForm(forms.Form):
    """One request to try against the trainee's own policy."""

    principal = forms.CharField(
        max_length=300, initial="arn:aws:iam::123456789012:user/alice"
    )
    action = forms.CharField(max_length=200, help_text="For example s3:GetObject.")
    resource = forms.CharField(max_length=1000, initial="*")
    context = forms.CharField(
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false"}),
        help_text='Condition keys as JSON, e.g. {"aws:SourceIp": "203.0.113.5"}.',
    )

    def clean_context(self) -> dict:
        try:
            return parse_context(self.cleaned_data["context"])
        except ValueError as error:
            raise forms.ValidationError(str(error)) from error
