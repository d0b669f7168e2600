"""Every setting is documented, and docs/configuration.md is the generated table."""

from __future__ import annotations

from pathlib import Path

from cleanlist_server.cli.main import settings_markdown, settings_rows
from cleanlist_server.config import Settings

ROOT = Path(__file__).resolve().parents[2]


def test_every_setting_has_a_description() -> None:
    for name, field in Settings.model_fields.items():
        assert field.description, name


def test_configuration_doc_is_current() -> None:
    doc = (ROOT / "docs" / "configuration.md").read_text()
    assert settings_markdown(settings_rows()) in doc, "run: cleanlist settings --markdown"


def test_readme_names_every_setting() -> None:
    readme = (ROOT / "README.md").read_text()
    missing = [n for n, _, _ in settings_rows() if n not in readme]
    assert not missing
