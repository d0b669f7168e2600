"""docs/sandbox.md must describe every default-world domain and every behaviour field."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

from cleanlist_server.sandbox import Behaviour, default_world

DOC = Path(__file__).resolve().parents[3] / "docs" / "sandbox.md"


def test_every_default_domain_is_documented() -> None:
    text = DOC.read_text()
    missing = [d.name for d in default_world().domains if f"`{d.name}`" not in text]
    assert not missing


def test_every_behaviour_field_is_documented() -> None:
    text = DOC.read_text()
    missing = [f.name for f in fields(Behaviour) if f.name != "garbage_bytes"]
    assert not [name for name in missing if f"`{name}`" not in text]
