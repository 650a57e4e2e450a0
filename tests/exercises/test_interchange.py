"""Exercise files carry an exercise's source both ways; a bad one imports nothing."""

import pytest

from curriculum.files import ImportFileError, dump_document
from exercises.interchange import (
    check_exercises,
    exercises_export,
    exercises_import,
    read_exercises,
)
from exercises.models import Exercise

from .conftest import EXERCISES

SOURCE = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies.html"


@pytest.mark.parametrize("format", ["yaml", "json"])
def test_an_exercises_source_survives_export_and_import(exercises, format):
    slug = next(iter(exercises))
    Exercise.objects.filter(slug=slug).update(source=SOURCE)
    text = dump_document(exercises_export(), format=format)
    assert text.count(SOURCE) == 1, "only exercises with a source say so"
    Exercise.objects.filter(slug=slug).update(source="")
    document = check_exercises(read_exercises(text, format=format))
    assert exercises_import(document=document) == {"exercises updated": 1}
    assert Exercise.objects.get(slug=slug).source == SOURCE


def test_an_exercise_with_an_http_source_is_refused_naming_it(db):
    entry = {**EXERCISES["exercises"][0], "source": "http://docs.aws.amazon.com/"}
    with pytest.raises(ImportFileError) as error:
        check_exercises({"exercises": [entry]})
    assert f"Exercise '{entry['slug']}': source must be an https URL" in str(
        error.value
    )
