"""
Reading the curriculum content that ships in `responsibility/content/`.

Areas, categories (with their duties), services (with their overrides) are YAML;
services may be split over `services.yaml` and `services-*.yaml`. Guides are
Markdown files with a YAML front matter block. Guides and services may name their
`source`, the AWS page they follow (for a service, the page behind its
placement). Reading checks the references between files, so a typo fails loudly
before anything is written.
"""

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from curriculum.loading import ContentLoadError
from curriculum.sources import source_problem

from .models import Owner

CONTENT_DIR = Path(__file__).resolve().parent / "content"


class ContentError(ContentLoadError):
    """The content files are malformed or refer to something that does not exist."""


@dataclass
class Content:
    areas: list[dict] = field(default_factory=list)
    categories: list[dict] = field(default_factory=list)
    services: list[dict] = field(default_factory=list)
    guides: list[dict] = field(default_factory=list)


def _load_yaml(path: Path) -> list[dict]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ContentError(f"{path.name}: {exc}") from exc
    if not isinstance(data, list):
        raise ContentError(f"{path.name}: expected a list of entries at the top level")
    return data


def _read_guide(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    if not text.startswith("---\n"):
        raise ContentError(
            f"{path.name}: a guide starts with a '---' front matter block"
        )
    try:
        front, body = text[4:].split("\n---\n", 1)
        meta = yaml.safe_load(front)
    except (ValueError, yaml.YAMLError) as exc:
        raise ContentError(f"{path.name}: unreadable front matter: {exc}") from exc
    if not isinstance(meta, dict):
        raise ContentError(f"{path.name}: front matter must be a mapping")
    if "source" in meta and (problem := source_problem(meta["source"])):
        raise ContentError(f"{path.name}: {meta.get('slug')}: {problem}")
    return {**meta, "body": body.strip() + "\n"}


def _require(entry: dict, keys: tuple[str, ...], where: str) -> None:
    if not isinstance(entry, dict):
        raise ContentError(f"{where}: expected a mapping, got {entry!r}")
    missing = [key for key in keys if key not in entry]
    if missing:
        raise ContentError(f"{where}: missing {', '.join(missing)}")


def _check_duties(duties: dict, area_slugs: set[str], where: str) -> None:
    if not isinstance(duties, dict):
        raise ContentError(f"{where}: expected a mapping of area slug to duty")
    for area, duty in duties.items():
        if area not in area_slugs:
            raise ContentError(f"{where}: unknown area {area!r}")
        _require(duty, ("owner", "explanation"), f"{where}.{area}")
        if duty["owner"] not in Owner.values:
            raise ContentError(
                f"{where}.{area}: owner must be one of {', '.join(Owner.values)}"
            )


def _check_unique(entries: list[dict], name: str) -> None:
    seen = set()
    for entry in entries:
        if entry["slug"] in seen:
            raise ContentError(f"{name}: duplicate slug {entry['slug']!r}")
        seen.add(entry["slug"])


def service_files(directory: Path = CONTENT_DIR) -> list[Path]:
    """services.yaml, then every services-*.yaml in order of name."""
    return [directory / "services.yaml", *sorted(directory.glob("services-*.yaml"))]


def _load_services(directory: Path) -> tuple[list[dict], dict[int, str]]:
    """
    The services of every service file, and the name of the file each came from
    (by the entry's id). A repeated slug is refused naming the file, and the file
    that already has it.
    """
    services: list[dict] = []
    files: dict[int, str] = {}
    owners: dict[str, str] = {}
    for path in service_files(directory):
        entries = _load_yaml(path)
        for entry in entries:
            slug = entry.get("slug") if isinstance(entry, dict) else None
            if isinstance(slug, str) and slug in owners:
                where = (
                    "" if owners[slug] == path.name else f", already in {owners[slug]}"
                )
                raise ContentError(f"{path.name}: duplicate slug {slug!r}{where}")
            if isinstance(slug, str):
                owners[slug] = path.name
            files[id(entry)] = path.name
        services.extend(entries)
    return services, files


def read_content(directory: Path = CONTENT_DIR) -> Content:
    """Read and cross-check every content file under `directory`."""
    services, service_file = _load_services(directory)
    content = Content(
        areas=_load_yaml(directory / "areas.yaml"),
        categories=_load_yaml(directory / "categories.yaml"),
        services=services,
        guides=[_read_guide(p) for p in sorted((directory / "guides").glob("*.md"))],
    )
    for entry in content.areas:
        _require(entry, ("slug", "name", "order", "description"), "areas.yaml")
    for entry in content.categories:
        _require(
            entry,
            ("slug", "name", "order", "summary", "aws_manages", "customer_manages"),
            "categories.yaml",
        )
    for entry in content.services:
        _require(
            entry,
            ("slug", "name", "short_name", "category", "description", "docs_url"),
            service_file[id(entry)],
        )
    for entry in content.guides:
        _require(entry, ("slug", "title", "order", "summary"), "guides")
    # _load_services has refused a repeated service slug, naming the files.
    for entries, name in [
        (content.areas, "areas.yaml"),
        (content.categories, "categories.yaml"),
        (content.guides, "guides"),
    ]:
        _check_unique(entries, name)

    area_slugs = {a["slug"] for a in content.areas}
    category_slugs = {c["slug"] for c in content.categories}
    for category in content.categories:
        where = f"categories.yaml: {category['slug']}.duties"
        _check_duties(category.get("duties", {}), area_slugs, where)
    for service in content.services:
        name = service_file[id(service)]
        if "source" in service and (problem := source_problem(service["source"])):
            raise ContentError(f"{name}: {service['slug']}: {problem}")
        if service["category"] not in category_slugs:
            raise ContentError(
                f"{name}: {service['slug']}: unknown category {service['category']!r}"
            )
        where = f"{name}: {service['slug']}.overrides"
        _check_duties(service.get("overrides") or {}, area_slugs, where)
    return content
