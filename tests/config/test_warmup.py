"""The start-up warm-up compiles every template trainees' pages use."""

from pathlib import Path

from django.conf import settings
from django.template import engines

from config.warmup import warm_up


def test_every_template_of_ours_compiles_at_start_up():
    ours = list((Path(settings.BASE_DIR) / "templates").rglob("*.html"))
    assert warm_up() > len(ours)
    loader = engines["django"].engine.template_loaders[0]
    cached = set(loader.get_template_cache)
    assert {"base.html", "quizzes/question.html", "bootstrap5/field.html"} <= cached
