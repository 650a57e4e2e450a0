from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms

from accounts.names import clean_name
from exercises.models import Exercise
from labs.models import Lab
from quizzes.models import Quiz

from .models import CODE_LENGTH, Workshop, code_normalise


class JoinForm(forms.Form):
    """A join code, and a display name for someone who is not signed in."""

    code = forms.CharField(
        label="Join code",
        max_length=20,
        help_text="Six letters and digits, as shown by your instructor. "
        "Case, spaces and dashes do not matter.",
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters"}
        ),
    )
    display_name = forms.CharField(
        label="Your name",
        max_length=60,
        help_text="Shown to your instructor, and to the room if the leaderboard "
        "is on. You get an account without a password; you can add one later.",
    )

    # The join link's signature (workshops/throttling.py), carried from the link.
    key = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, signed_in: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if signed_in:
            del self.fields["display_name"]
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", "Join"))

    def clean_code(self) -> str:
        code = code_normalise(self.cleaned_data["code"])
        if len(code) != CODE_LENGTH:
            raise forms.ValidationError(
                f"A join code has {CODE_LENGTH} characters; this one has {len(code)}."
            )
        return code

    def clean_display_name(self) -> str:
        name = clean_name(self.cleaned_data["display_name"])
        if not name:
            raise forms.ValidationError("Give the name to show to your instructor.")
        return name


class WorkshopForm(forms.ModelForm):
    class Meta:
        model = Workshop
        fields = ["title", "date", "show_leaderboard"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


def content_choices() -> list:
    """Quizzes, exercises and labs a workshop can use, grouped, as "quiz:<pk>"
    values."""
    quizzes = [
        (f"quiz:{q.pk}", q.title) for q in Quiz.objects.filter(is_published=True)
    ]
    exercises = [
        (f"exercise:{e.pk}", e.title)
        for e in Exercise.objects.filter(is_published=True)
    ]
    labs = [
        (f"lab:{lab.pk}", lab.title) for lab in Lab.objects.filter(is_published=True)
    ]
    return [
        ("", "(none)"),
        ("Quizzes", quizzes),
        ("Policy exercises", exercises),
        ("Labs", labs),
    ]


class AgendaItemForm(forms.Form):
    """One line of the agenda: pick a quiz, an exercise or a lab; leave empty to
    drop it."""

    content = forms.ChoiceField(required=False)

    def __init__(self, *args, choices: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["content"].choices = choices
        css = "form-select is-invalid" if self.errors.get("content") else "form-select"
        self.fields["content"].widget.attrs["class"] = css
        number = int(self.prefix.rsplit("-", 1)[-1]) + 1 if self.prefix else 1
        self.fields["content"].label = f"Item {number}"


class BaseAgendaFormSet(forms.BaseFormSet):
    def __init__(self, *args, **kwargs):
        self.choices = content_choices()
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "choices": self.choices}

    def contents(self) -> list[Quiz | Exercise | Lab]:
        """The chosen quizzes, exercises and labs, in order, without repeats."""
        values = [f.cleaned_data.get("content") for f in self.forms]
        values = [v for v in values if v]
        ids = {"quiz": [], "exercise": [], "lab": []}
        for value in values:
            kind, pk = value.split(":")
            ids[kind].append(int(pk))
        found = {
            "quiz": Quiz.objects.in_bulk(ids["quiz"]),
            "exercise": Exercise.objects.in_bulk(ids["exercise"]),
            "lab": Lab.objects.in_bulk(ids["lab"]),
        }
        chosen, seen = [], set()
        for value in values:
            if value in seen:
                continue
            seen.add(value)
            kind, pk = value.split(":")
            chosen.append(found[kind][int(pk)])
        return chosen

    def clean(self):
        if any(self.errors):
            return
        if not any(f.cleaned_data.get("content") for f in self.forms):
            raise forms.ValidationError("Choose at least one quiz, exercise or lab.")


AGENDA_MAX = 30

AgendaFormSet = forms.formset_factory(
    AgendaItemForm, formset=BaseAgendaFormSet, extra=1, max_num=AGENDA_MAX
)


def agenda_rearranged(data) -> tuple[list[str], str] | None:
    """
    The agenda's rows after the "Move up", "Move down" or "Add a row" button a
    form was sent with, and the button to focus again; None for a plain save.
    These buttons make the editor work without JavaScript (agenda_editor.js
    does the same in place). Whatever was sent, the result is a list of at most
    AGENDA_MAX raw values, checked only when the form is saved.
    """
    move = data.get("agenda-move", "")
    add = "agenda-add" in data
    if not move and not add:
        return None
    try:
        total = int(data.get("agenda-TOTAL_FORMS", "0"))
    except ValueError:
        total = 0
    total = max(0, min(total, AGENDA_MAX))
    rows = [str(data.get(f"agenda-{i}-content", ""))[:40] for i in range(total)]
    if add:
        if len(rows) < AGENDA_MAX:
            rows.append("")
        return rows, f"{len(rows) - 1}:new"
    index, _, direction = move.partition(":")
    if not index.isascii() or not index.isdigit() or direction not in ("up", "down"):
        return rows, ""
    index = int(index)
    other = index - 1 if direction == "up" else index + 1
    if not (0 <= index < len(rows) and 0 <= other < len(rows)):
        return rows, ""
    rows[index], rows[other] = rows[other], rows[index]
    if other in (0, len(rows) - 1):
        # At the end it moved to, that button is disabled: focus the other one.
        direction = "down" if direction == "up" else "up"
    return rows, f"{other}:{direction}"


def _choice_value(item) -> str:
    if item.quiz_id:
        return f"quiz:{item.quiz_id}"
    return f"lab:{item.lab_id}" if item.lab_id else f"exercise:{item.exercise_id}"


def agenda_initial(workshop: Workshop) -> list[dict]:
    return [{"content": _choice_value(i)} for i in workshop.items.all()]
