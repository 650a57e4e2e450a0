"""
Pay at start-up what a server process's first requests would otherwise pay.

A fresh process compiles each template the first time a page uses it, builds
the URL resolver and imports the Markdown and form libraries lazily: its first
page took about 180 ms instead of 6. When a workshop starts, hundreds of people
join within a minute, so every process's first requests land in that rush.
config/wsgi.py calls warm_up() once the application is loaded, in production
mode only (the development server reloads too often for it to pay).
"""

from pathlib import Path

from django.template import engines
from django.template.utils import get_app_template_dirs
from django.urls import get_resolver

# The templates trainees' pages use: ours and the form packs'. The admin's are
# left to compile on first use.
TEMPLATE_PACKS = ("bootstrap5", "django/forms")


def _template_names(directory: Path, *, only: tuple[str, ...] = ()) -> list[str]:
    names = []
    for path in sorted(directory.rglob("*.html")):
        name = path.relative_to(directory).as_posix()
        if not only or name.startswith(only):
            names.append(name)
    return names


def warm_up() -> int:
    """Compile the trainee-facing templates and build the URL resolver.

    Returns how many templates were compiled."""
    # Imports every view module and builds the lookup tables of reverse().
    get_resolver().reverse_dict  # noqa: B018
    engine = engines["django"].engine
    names = []
    for directory in engine.dirs:
        names += _template_names(Path(directory))
    for directory in get_app_template_dirs("templates"):
        names += _template_names(directory, only=TEMPLATE_PACKS)
    for name in dict.fromkeys(names):
        engine.get_template(name)
    return len(names)
