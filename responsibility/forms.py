from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms

from .models import Service, ServiceCategory


class ServiceFilterForm(forms.Form):
    """Search and filter for the service list (a GET form)."""

    q = forms.CharField(label="Search", required=False, max_length=100)
    category = forms.ModelChoiceField(
        queryset=ServiceCategory.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label="All categories",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.form_class = "row row-cols-md-auto g-3 align-items-end"
        self.helper.add_input(Submit("", "Filter", css_class="btn-primary"))


class CompareForm(forms.Form):
    """Pick two different services to compare side by side."""

    first = forms.ModelChoiceField(
        label="From",
        queryset=Service.objects.select_related("category"),
        to_field_name="slug",
    )
    second = forms.ModelChoiceField(
        label="To",
        queryset=Service.objects.select_related("category"),
        to_field_name="slug",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.form_class = "row row-cols-md-auto g-3 align-items-end"
        self.helper.add_input(Submit("", "Compare", css_class="btn-primary"))

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("first"), cleaned.get("second")
        if first and second and first == second:
            raise forms.ValidationError("Choose two different services to compare.")
        return cleaned
