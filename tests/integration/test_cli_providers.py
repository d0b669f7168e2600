"""`cleanlist providers`: the configured waterfall, with keys never printed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path


def run(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("CLEANLIST_PROVIDER")}
    return subprocess.run(
        [sys.executable, "-m", "cleanlist_server", "providers", "--json"],
        env={**base, **env},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_order_status_and_hidden_keys(tmp_path: Path) -> None:
    (tmp_path / "cleanlist.toml").write_text(
        '[waterfall]\norder = ["kb", "pdl"]\n\n[providers.pdl]\ncost_per_hit = 0.28\n'
    )
    done = run(
        tmp_path,
        CLEANLIST_PROVIDERS="kb,email_finder,apollo,hunter",
        CLEANLIST_PROVIDER_HUNTER_KEY="hunter-secret-key",
    )
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    assert doc["order"] == ["kb", "email_finder", "apollo", "hunter"]  # the environment wins
    status = {p["name"]: p["status"] for p in doc["providers"]}
    assert status["hunter"] == "enabled" and status["apollo"] == "missing_key"
    assert status["pdl"] == "disabled"
    assert next(p for p in doc["providers"] if p["name"] == "pdl")["cost_per_hit"] == 0.28
    assert "hunter-secret-key" not in done.stdout + done.stderr


def test_unknown_provider_is_an_error_naming_it(tmp_path: Path) -> None:
    done = run(tmp_path, CLEANLIST_PROVIDERS="kb,nope")
    assert done.returncode == 2
    assert "nope" in done.stderr and "CLEANLIST_PROVIDERS" in done.stderr
