"""The exercise pages a trainee uses: check, restore, hints, simulator, predict."""

import pytest
from django.urls import reverse

from exercises.models import ExerciseProgress, Submission
from tests.exercises.conftest import OWN_PASSWORD_REFERENCE, SEED_BROKEN

pytestmark = pytest.mark.django_db


def test_exercises_need_an_account(client, exercises):
    for url in [
        reverse("exercises:list"),
        reverse("exercises:exercise", args=["own-password"]),
    ]:
        response = client.get(url)
        assert response.status_code == 302
    response = client.post(
        reverse("exercises:check", args=["own-password"]), {"policy": "{}"}
    )
    assert response.status_code == 302
    assert not Submission.objects.exists()


def test_the_page_starts_with_the_starter_and_never_shows_the_reference(
    client, alice, exercises
):
    client.force_login(alice)
    html = client.get(reverse("exercises:exercise", args=["own-password"])).content
    html = html.decode()
    assert "iam: ChangePassword" in html
    assert "${aws:username}" in html  # from the starter
    assert OWN_PASSWORD_REFERENCE not in html
    assert '"iam:ChangePassword", "iam:GetUser"' not in html


def test_check_keeps_invalid_text_and_pins_problems(client, alice, exercises):
    client.force_login(alice)
    url = reverse("exercises:check", args=["own-password"])
    response = client.post(url, {"policy": SEED_BROKEN})
    assert response.status_code == 302
    submission = Submission.objects.get()
    assert submission.text == SEED_BROKEN
    page = client.get(reverse("exercises:exercise", args=["own-password"]))
    html = page.content.decode()
    assert "not valid yet" in html
    assert 'data-line="8"' in html
    assert "iam: ChangePassword" in html  # the text is back in the editor


def test_check_with_htmx_returns_the_results_panel(client, alice, exercises):
    client.force_login(alice)
    response = client.post(
        reverse("exercises:check", args=["own-password"]),
        {"policy": OWN_PASSWORD_REFERENCE},
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert "✔ Correct" in html
    progress = ExerciseProgress.objects.get(user=alice)
    assert progress.solved
    listing = client.get(reverse("exercises:list")).content.decode()
    assert "✔ Solved" in listing


def test_an_empty_or_oversized_policy_is_a_form_error(client, alice, exercises):
    client.force_login(alice)
    url = reverse("exercises:check", args=["own-password"])
    response = client.post(url, {"policy": "   "})
    assert response.status_code == 422
    assert "editor is empty" in response.content.decode()
    big = "{" + " " * 10_000 + "}"
    response = client.post(url, {"policy": big})
    assert response.status_code == 422
    assert "the limit is 10,000" in response.content.decode()
    assert not Submission.objects.exists()


def test_a_past_submission_can_be_restored(client, alice, bob, exercises):
    client.force_login(alice)
    url = reverse("exercises:check", args=["own-password"])
    client.post(url, {"policy": '{"first": 1}'})
    client.post(url, {"policy": OWN_PASSWORD_REFERENCE})
    first = Submission.objects.order_by("pk").first()
    page = client.get(
        reverse("exercises:exercise", args=["own-password"]), {"restore": first.pk}
    )
    assert "{&quot;first&quot;: 1}" in page.content.decode()
    page = client.get(
        reverse("exercises:exercise", args=["own-password"]), {"restore": "²"}
    )
    assert page.status_code == 200
    client.force_login(bob)
    response = client.get(
        reverse("exercises:exercise", args=["own-password"]), {"restore": first.pk}
    )
    assert response.status_code == 404


def test_hints_are_revealed_one_at_a_time(client, alice, exercises):
    client.force_login(alice)
    page_url = reverse("exercises:exercise", args=["own-password"])
    assert "Look at line 7." not in client.get(page_url).content.decode()
    client.post(reverse("exercises:hint", args=["own-password"]))
    html = client.get(page_url).content.decode()
    assert "Look at line 7." in html
    assert "Actions have no spaces." not in html
    for _ in range(3):
        client.post(reverse("exercises:hint", args=["own-password"]))
    assert ExerciseProgress.objects.get(user=alice).hints_shown == 2


def test_the_simulator_evaluates_the_trainees_own_text(client, alice, exercises):
    client.force_login(alice)
    response = client.post(
        reverse("exercises:simulate", args=["own-password"]),
        {
            "policy": OWN_PASSWORD_REFERENCE,
            "principal": "arn:aws:iam::123456789012:user/alice",
            "action": "iam:ChangePassword",
            "resource": "arn:aws:iam::123456789012:user/alice",
            "context": "",
        },
        headers={"HX-Request": "true"},
    )
    assert "Decision: <strong>Allow</strong>" in response.content.decode()
    bad = client.post(
        reverse("exercises:simulate", args=["own-password"]),
        {"policy": "{}", "principal": "x", "action": "s3:GetObject",
         "resource": "*", "context": "[1, 2"},
        headers={"HX-Request": "true"},
    )  # fmt: skip
    assert bad.status_code == 422
    assert "Not valid JSON" in bad.content.decode()


def test_predict_exercise_is_graded_from_ticks(client, alice, exercises):
    client.force_login(alice)
    exercise = exercises["predict-s3"]
    ids = {t.label: t.pk for t in exercise.tests.all()}
    response = client.post(
        reverse("exercises:predict", args=["predict-s3"]),
        {"allowed": [str(ids["Read a report"]), "999999", "junk", "²"]},
    )
    assert response.status_code == 302
    submission = Submission.objects.get()
    assert submission.correct
    html = client.get(reverse("exercises:exercise", args=["predict-s3"])).content
    assert "Every prediction is right" in html.decode()


def test_unpublished_exercises_are_hidden_from_trainees(client, alice, exercises):
    exercises["own-password"].is_published = False
    exercises["own-password"].save()
    client.force_login(alice)
    url = reverse("exercises:exercise", args=["own-password"])
    assert client.get(url).status_code == 404


def test_a_check_that_could_not_finish_says_so_and_never_solves(
    client, alice, exercises, monkeypatch
):
    """Issue 13, item 1: no difference found by a search cut short proves nothing."""
    import iam

    compare = iam.compare

    def cut_short(*args, **kwargs):
        return compare(*args, **kwargs, budget=iam.Budget(requests=1, seconds=600))

    monkeypatch.setattr(iam, "compare", cut_short)
    client.force_login(alice)
    response = client.post(
        reverse("exercises:check", args=["own-password"]),
        {"policy": OWN_PASSWORD_REFERENCE},
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert "Could not verify" in html
    assert "✔ Correct" not in html
    # The page says why: here, the request budget.
    assert "the search stopped at its limit (1 requests" in html
    assert "Simplify your policy" in html
    submission = Submission.objects.get()
    assert "stopped at its limit" in submission.result["undecided"]
    assert not submission.correct
    assert submission.score < 1.0
    assert not ExerciseProgress.objects.get(user=alice).solved


def test_the_page_shows_each_counterexample_with_its_cause_and_line(
    client, alice, exercises
):
    wide = OWN_PASSWORD_REFERENCE.replace(
        '["iam:ChangePassword", "iam:GetUser"]', '"iam:*"'
    )
    client.force_login(alice)
    html = client.post(
        reverse("exercises:check", args=["own-password"]),
        {"policy": wide},
        headers={"HX-Request": "true"},
    ).content.decode()
    assert "Too permissive" in html
    assert "Statement 1, on line 4, allows it." in html
    assert 'data-line="4"' in html
    assert "Other requests your policy also allows:" in html
    assert html.count("Your policy also allows iam:") == 3


def test_a_hint_asked_with_htmx_comes_back_in_place(client, alice, exercises):
    """Issue 15: no redirect and no whole page, so the editor keeps its text."""
    client.force_login(alice)
    response = client.post(
        reverse("exercises:hint", args=["own-password"]),
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert "Look at line 7." in html
    assert "autofocus" in html  # focus moves to the hint just revealed
    assert "Show a hint (1 left)" in html
    assert ExerciseProgress.objects.get(user=alice).hints_shown == 1


def test_the_visible_tests_are_shown_before_the_first_check(client, alice, exercises):
    client.force_login(alice)
    html = client.get(reverse("exercises:exercise", args=["own-password"])).content
    html = html.decode()
    assert "Alice changes her password" in html
    assert "Alice reads her user" in html
    assert "and 1 hidden one" in html
    assert "Alice changes Bob" not in html  # a hidden test is only counted


def test_a_predict_exercise_asks_to_tick_and_check(client, alice, exercises):
    client.force_login(alice)
    html = client.get(reverse("exercises:exercise", args=["predict-s3"])).content
    html = html.decode()
    assert "Tick every request the policy allows and check" in html
    assert "Check your policy" not in html
    assert "editor.bundle.js" not in html  # no editor on a predict exercise


def test_problems_and_findings_carry_their_inline_markers(client, alice, exercises):
    """The editor draws a marker for each item marked data-diagnostic."""
    client.force_login(alice)
    response = client.post(
        reverse("exercises:check", args=["own-password"]),
        {"policy": SEED_BROKEN},
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert 'data-diagnostic data-line="8"' in html
    assert 'data-severity="error"' in html
    assert 'data-message="' in html


def test_the_page_shows_the_result_of_the_submission_on_it(client, alice, exercises):
    # Results are rendered once per submission and kept (exercises/views.py):
    # each visit must still show the result of the submission it displays.
    client.force_login(alice)
    check = reverse("exercises:check", args=["own-password"])
    page_url = reverse("exercises:exercise", args=["own-password"])
    client.post(check, {"policy": '{"first": 1}'})
    for _ in range(2):
        html = client.get(page_url).content.decode()
        assert "Your policy is not valid yet" in html
    client.post(check, {"policy": OWN_PASSWORD_REFERENCE})
    html = client.get(page_url).content.decode()
    assert "✔ Correct" in html and "Your policy is not valid yet" not in html
    first = Submission.objects.order_by("pk").first()
    html = client.get(page_url, {"restore": first.pk}).content.decode()
    assert "Your policy is not valid yet" in html and "✔ Correct" not in html


def test_the_page_cites_the_exercises_source_under_the_scenario(
    client, alice, exercises
):
    from exercises.models import Exercise

    source = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies.html"
    url = reverse("exercises:exercise", args=["own-password"])
    client.force_login(alice)
    assert "Source:" not in client.get(url).content.decode()
    exercise = Exercise.objects.get(slug="own-password")
    exercise.source = source
    exercise.save()  # tells the page cache, as an admin's edit does
    page = client.get(url).content.decode()
    link = f'Source: <a href="{source}" rel="noopener noreferrer">'
    assert page.index("The task") < page.index(link) < page.index("Your policy")
