"""The agenda editor without JavaScript: "Move up", "Move down" and "Add a row"
send the form, and the server returns it rearranged, nothing saved yet."""

import pytest
from django.urls import reverse

from workshops.forms import AGENDA_MAX, agenda_rearranged
from workshops.models import Workshop

pytestmark = pytest.mark.django_db


def _data(*values, **extra):
    data = {
        "title": "Monday",
        "date": "2026-12-07",
        "agenda-TOTAL_FORMS": str(len(values)),
        "agenda-INITIAL_FORMS": "0",
    }
    for index, value in enumerate(values):
        data[f"agenda-{index}-content"] = value
    return {**data, **extra}


def test_a_plain_save_is_not_a_rearrangement():
    assert agenda_rearranged(_data("quiz:1")) is None


def test_move_up_and_down_swap_neighbours():
    rows = ("quiz:1", "exercise:2", "quiz:3")
    assert agenda_rearranged(_data(*rows, **{"agenda-move": "2:up"})) == (
        ["quiz:1", "quiz:3", "exercise:2"],
        "1:up",
    )
    assert agenda_rearranged(_data(*rows, **{"agenda-move": "1:up"})) == (
        ["exercise:2", "quiz:1", "quiz:3"],
        "0:down",  # "Move up" is disabled on the first row
    )
    assert agenda_rearranged(_data(*rows, **{"agenda-move": "0:down"})) == (
        ["exercise:2", "quiz:1", "quiz:3"],
        "1:down",
    )


@pytest.mark.parametrize(
    "move", ["0:up", "2:down", "9:up", "-1:down", "x:up", "1:sideways", "١:up", ":"]
)
def test_moves_out_of_range_or_malformed_change_nothing(move):
    rows = ("quiz:1", "exercise:2", "quiz:3")
    assert agenda_rearranged(_data(*rows, **{"agenda-move": move})) == (
        list(rows),
        "",
    )


def test_add_a_row_appends_an_empty_one_up_to_the_maximum():
    assert agenda_rearranged(_data("quiz:1", **{"agenda-add": "1"})) == (
        ["quiz:1", ""],
        "1:new",
    )
    full = _data(*["quiz:1"] * AGENDA_MAX, **{"agenda-add": "1"})
    rows, _ = agenda_rearranged(full)
    assert len(rows) == AGENDA_MAX
    huge = _data("quiz:1", **{"agenda-add": "1", "agenda-TOTAL_FORMS": "100000"})
    rows, _ = agenda_rearranged(huge)
    assert len(rows) == AGENDA_MAX
    bad = _data("quiz:1", **{"agenda-add": "1", "agenda-TOTAL_FORMS": "lots"})
    assert agenda_rearranged(bad) == ([""], "0:new")


def test_moving_a_row_re_renders_the_form_in_the_new_order(
    client, quiz, exercises, charlie
):
    client.force_login(charlie)
    exercise = exercises["read-reports"]
    data = _data(
        f"quiz:{quiz.pk}", f"exercise:{exercise.pk}", **{"agenda-move": "1:up"}
    )
    response = client.post(reverse("workshops:create"), data)
    assert response.status_code == 200
    assert not Workshop.objects.exists()  # nothing saved
    html = response.content.decode()
    first = html.index('name="agenda-0-content"')
    second = html.index('name="agenda-1-content"')
    chosen = html.index(f'value="exercise:{exercise.pk}" selected')
    assert first < chosen < second
    assert 'value="Monday"' in html  # what was typed is kept
    # The moved item is now first: its "Move down" button has the focus.
    assert (
        'value="0:down" class="btn btn-outline-secondary" data-move="down" autofocus'
        in (html)
    )
    assert html.count("autofocus") == 1


def test_adding_a_row_on_the_edit_page_keeps_the_agenda(
    client, workshop, quiz, charlie
):
    client.force_login(charlie)
    data = _data(f"quiz:{quiz.pk}", **{"agenda-add": "1"})
    response = client.post(reverse("workshops:edit", args=[workshop.pk]), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="agenda-1-content"' in html
    assert 'name="agenda-TOTAL_FORMS" value="2"' in html
    assert workshop.items.count() == 2  # unchanged until saved


def test_saving_after_a_move_saves_the_new_order(client, quiz, exercises, charlie):
    client.force_login(charlie)
    exercise = exercises["read-reports"]
    data = _data(f"exercise:{exercise.pk}", f"quiz:{quiz.pk}", "")
    response = client.post(reverse("workshops:create"), data)
    assert response.status_code == 302
    workshop = Workshop.objects.get()
    assert [item.content for item in workshop.items.all()] == [exercise, quiz]


def test_the_create_page_starts_with_one_row_and_the_buttons(client, charlie):
    client.force_login(charlie)
    html = client.get(reverse("workshops:create")).content.decode()
    assert 'name="agenda-0-content"' in html
    assert 'name="agenda-1-content"' not in html
    assert "Add a row" in html and "Move up" in html
    assert "/static/js/agenda_editor.js" in html
