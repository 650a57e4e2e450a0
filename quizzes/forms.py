from dataclasses import dataclass

from django import forms

from curriculum.forms import StrictJSONField as StrictJSONField  # the admin's
from responsibility.models import Owner

from .grading import EFFECT_LABELS, NumberError, parse_number, sort_items
from .models import Question, QuestionType

SORT_PREFIX = "area__"


@dataclass(frozen=True)
class Control:
    """One answer control as templates/quizzes/includes/answer_fields.html shows it."""

    name: str
    id: str
    label: str
    kind: str  # "radio", "checkbox" or "text"
    inline: bool
    options: list[tuple[str, str, bool]]  # value, label, checked
    value: str
    errors: list[str]
    max_length: int | None
    markdown: bool = False  # the option labels are authors' Markdown (choices)
    inputmode: str = ""  # "decimal" for a number, so phones show a number pad


class NumberField(forms.CharField):
    """A number typed as text and read by grading.parse_number, as a Decimal."""

    def to_python(self, value):
        text = super().to_python(value)
        if text in self.empty_values:
            return None
        try:
            return parse_number(text)
        except NumberError as error:
            raise forms.ValidationError(str(error), code="invalid") from None


class AnswerForm(forms.Form):
    """The answer controls for one question, built from its type."""

    def __init__(
        self,
        *args,
        question: Question,
        choice_order: list[int] | None = None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.question = question
        builder = getattr(self, f"_build_{question.type}")
        builder(choice_order or [])

    def _ordered_choices(self, order: list[int]) -> list[tuple[str, str]]:
        choices = {c.pk: c for c in self.question.choices.all()}
        ids = [pk for pk in order if pk in choices] + [
            pk for pk in choices if pk not in order
        ]
        return [(str(pk), choices[pk].text) for pk in ids]

    def _build_single(self, order):
        self.fields["choice"] = forms.ChoiceField(
            label="Your answer",
            choices=self._ordered_choices(order),
            widget=forms.RadioSelect,
            error_messages={"required": "Choose one answer."},
        )

    def _build_multiple(self, order):
        self.fields["choices"] = forms.MultipleChoiceField(
            label="Choose every answer that applies",
            choices=self._ordered_choices(order),
            widget=forms.CheckboxSelectMultiple,
            error_messages={"required": "Choose at least one answer."},
        )

    def _build_true_false(self, order):
        self.fields["value"] = forms.TypedChoiceField(
            label="True or false?",
            choices=[("true", "True"), ("false", "False")],
            coerce=lambda value: value == "true",
            widget=forms.RadioSelect,
            error_messages={"required": "Choose true or false."},
        )

    def _build_sort(self, order):
        for item in sort_items(self.question):
            name = SORT_PREFIX + item.area_slug
            self.fields[name] = forms.ChoiceField(
                label=item.area_name,
                choices=Owner.choices,
                widget=forms.RadioSelect,
                error_messages={"required": "Say who owns this duty."},
            )

    def _build_policy(self, order):
        self.fields["effect"] = forms.ChoiceField(
            label="What does AWS decide?",
            choices=list(EFFECT_LABELS.items()),
            widget=forms.RadioSelect,
            error_messages={"required": "Choose a decision."},
        )

    def _build_short(self, order):
        self.fields["text"] = forms.CharField(
            label="Your answer",
            max_length=200,
            error_messages={"required": "Type an answer."},
        )

    def _build_numerical(self, order):
        self.fields["number"] = NumberField(
            label="Your answer (a number)",
            # Longer input gets the form's own message rather than a silent cut.
            max_length=None,
            error_messages={"required": "Type a number."},
        )

    def controls(self) -> list[Control]:
        """
        The fields, ready to render. The answer form is on every question page,
        so it is drawn by a small template of its own with Bootstrap's markup
        rather than through crispy-forms' chain of field templates, which cost
        several times as much.
        """
        inline = self.question.type in (QuestionType.TRUE_FALSE, QuestionType.SORT)
        controls = []
        for bound in self:
            widget = bound.field.widget
            value = bound.value()
            if isinstance(widget, forms.CheckboxSelectMultiple):
                kind, chosen = "checkbox", {str(v) for v in value or ()}
            elif isinstance(widget, forms.RadioSelect):
                kind, chosen = "radio", {str(value)} if value is not None else set()
            else:
                kind, chosen = "text", set()
            options = [
                (str(key), str(label), str(key) in chosen)
                for key, label in getattr(bound.field, "choices", ())
            ]
            controls.append(
                Control(
                    name=bound.html_name,
                    id=bound.auto_id,
                    label=str(bound.label),
                    kind=kind,
                    inline=inline,
                    options=options,
                    value="" if value is None or kind != "text" else str(value),
                    errors=list(bound.errors),
                    max_length=getattr(bound.field, "max_length", None),
                    markdown=self.question.type
                    in (QuestionType.SINGLE, QuestionType.MULTIPLE),
                    inputmode="decimal" if isinstance(bound.field, NumberField) else "",
                )
            )
        return controls

    def response(self) -> dict:
        """The cleaned answer in the shape grading expects."""
        data = self.cleaned_data
        match self.question.type:
            case QuestionType.SINGLE:
                return {"choice": int(data["choice"])}
            case QuestionType.MULTIPLE:
                return {"choices": sorted(int(pk) for pk in data["choices"])}
            case QuestionType.TRUE_FALSE:
                return {"value": data["value"]}
            case QuestionType.SORT:
                return {
                    "items": {
                        name.removeprefix(SORT_PREFIX): value
                        for name, value in data.items()
                    }
                }
            case QuestionType.POLICY:
                return {"effect": data["effect"]}
            case QuestionType.SHORT:
                return {"text": data["text"]}
            case QuestionType.NUMERICAL:
                return {"number": str(data["number"])}
        raise ValueError(self.question.type)

    @staticmethod
    def initial_for(question: Question, response: dict) -> dict:
        """Form initial values that show a saved response again."""
        if not response:
            return {}
        match question.type:
            case QuestionType.SINGLE:
                return {"choice": str(response.get("choice"))}
            case QuestionType.MULTIPLE:
                return {"choices": [str(pk) for pk in response.get("choices", [])]}
            case QuestionType.TRUE_FALSE:
                value = response.get("value")
                return {"value": "true" if value else "false"}
            case QuestionType.SORT:
                return {
                    SORT_PREFIX + slug: owner
                    for slug, owner in (response.get("items") or {}).items()
                }
            case QuestionType.POLICY:
                return {"effect": response.get("effect")}
            case QuestionType.SHORT:
                return {"text": response.get("text", "")}
            case QuestionType.NUMERICAL:
                return {"number": response.get("number", "")}
        return {}


class FlagForm(forms.Form):
    """Flag a question for review, or take the flag off."""

    flagged = forms.TypedChoiceField(
        choices=[("true", "Flag for review"), ("false", "Remove the flag")],
        coerce=lambda value: value == "true",
        error_messages={
            "required": "Say whether to flag the question or remove its flag.",
            "invalid_choice": "A flag is either set (true) or removed (false).",
        },
    )
