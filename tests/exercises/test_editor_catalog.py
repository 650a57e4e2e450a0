"""The policy editor's completion catalog, a static file generated from iam's."""

import json

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from exercises.management.commands.editor_catalog import (
    EDITOR_CATALOG,
    editor_catalog,
)

SHIPPED = settings.BASE_DIR / "static" / EDITOR_CATALOG


def test_the_shipped_editor_catalog_is_up_to_date():
    assert SHIPPED.read_text(encoding="utf-8") == editor_catalog(), (
        "Run `manage.py editor_catalog` (or `make editor`) and commit the file."
    )
    call_command("editor_catalog", "--check")


def test_the_editor_catalog_holds_actions_keys_and_arn_templates():
    document = json.loads(editor_catalog())
    s3 = document["services"]["s3"]
    assert "GetObject" in s3["actions"]
    object_arn = "arn:${Partition}:s3:::${BucketName}/${ObjectName}"
    assert s3["resources"]["object"] == object_arn
    assert "s3:prefix" in s3["conditions"]
    assert "aws:SourceIp" in document["globalConditionKeys"]
    # Small enough to fetch once: measured 0.78 MB raw, 0.14 MB gzipped.
    assert len(editor_catalog().encode()) < 1_000_000


def test_the_check_fails_on_a_stale_file(tmp_path, settings):
    settings.BASE_DIR = tmp_path
    (tmp_path / "static" / EDITOR_CATALOG).parent.mkdir(parents=True)
    (tmp_path / "static" / EDITOR_CATALOG).write_text("{}\n")
    with pytest.raises(CommandError, match="out of date"):
        call_command("editor_catalog", "--check")
    call_command("editor_catalog")
    call_command("editor_catalog", "--check")
