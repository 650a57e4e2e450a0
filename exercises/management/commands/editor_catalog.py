import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from iam import catalog
from iam.catalog import GLOBAL_CONDITION_KEYS

# Served as a static file: the policy editor fetches it the first time it offers
# completions (static/js/editor.js), and browsers cache it like any static file.
EDITOR_CATALOG = Path("data") / "editor-catalog.json"


def editor_catalog() -> str:
    """The policy editor's completions from the engine's catalog, as JSON text:
    per service prefix its action names, ARN templates by resource type and
    condition keys, and the global condition keys."""
    services = {}
    for prefix in catalog.services():
        actions = catalog.actions_for_service(prefix)
        entry: dict = {"actions": [action.partition(":")[2] for action in actions]}
        if resources := catalog.resource_types(prefix):
            entry["resources"] = resources
        if conditions := catalog.condition_keys(prefix):
            entry["conditions"] = sorted(conditions)
        services[prefix] = entry
    document = {
        "source": catalog.source,
        "globalConditionKeys": list(GLOBAL_CONDITION_KEYS),
        "services": services,
    }
    return json.dumps(document, sort_keys=True, separators=(",", ":")) + "\n"


class Command(BaseCommand):
    help = (
        "Write the policy editor's completion catalog (actions, condition keys, "
        f"ARN templates) to static/{EDITOR_CATALOG.as_posix()} from iam's catalog. "
        "--check only says whether the file is up to date."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--check",
            action="store_true",
            help="Exit 1 when the file differs from what would be written.",
        )

    def handle(self, *args, check: bool, **options):
        path = Path(settings.BASE_DIR) / "static" / EDITOR_CATALOG
        text = editor_catalog()
        if check:
            current = path.read_text(encoding="utf-8") if path.exists() else ""
            if current != text:
                raise CommandError(
                    f"{path} is out of date: run `manage.py editor_catalog`."
                )
            self.stdout.write(f"{path} is up to date.")
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        size = len(text.encode())
        self.stdout.write(f"Wrote {path} ({size:,} bytes).")
