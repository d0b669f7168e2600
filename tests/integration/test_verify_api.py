"""POST /v1/verify/email(/batch) and `cleanlist verify`, against the sandbox mail world."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from cleanlist_server.api.schemas import VerifyBatchResponse, VerifyResult
from cleanlist_server.sandbox.world import RunningWorld, default_world
from tests.conftest import Server, sandbox_env


def test_single_check_has_the_documented_shape(server: Server) -> None:
    with server.client(server.new_key()) as c:
        r = c.post("/v1/verify/email", json={"email": " Jane@ACME.test "})
    assert r.status_code == 200, r.text
    body = r.json()
    VerifyResult.model_validate(body)
    assert body["email"] == "jane@acme.test"
    assert body["email_status"] == "valid"
    checks = body["checks"]
    assert checks["mx"] == ["mx1.acme.test", "mx2.acme.test"]
    assert checks["smtp"]["code"] == 250
    assert checks["catch_all"] is False
    assert 0 <= body["score"] <= 100 and body["verified_at"].endswith("Z")


def test_batch_matches_the_sandbox_truth(server: Server) -> None:
    expected = {email: status.value for email, status in default_world().expectations().items()}
    with server.client(server.new_key()) as c:
        r = c.post("/v1/verify/email/batch", json={"emails": list(expected)})
    assert r.status_code == 200, r.text
    VerifyBatchResponse.model_validate(r.json())
    got = {res["email"]: res["email_status"] for res in r.json()["results"]}
    assert got == expected


@pytest.mark.parametrize(
    ("body", "status", "param"),
    [
        ({}, 422, "email"),
        ({"email": 5}, 422, "email"),
        ({"email": "a@b.test", "x": 1}, 422, "x"),
    ],
)
def test_bad_single_requests(server: Server, body: object, status: int, param: str) -> None:
    with server.client(server.new_key()) as c:
        r = c.post("/v1/verify/email", json=body)
    assert r.status_code == status and r.json()["error"]["param"] == param


def test_garbage_is_invalid_not_an_error(server: Server) -> None:
    with server.client(server.new_key()) as c:
        r = c.post("/v1/verify/email", json={"email": "not an address"})
    assert r.status_code == 200
    assert r.json()["email_status"] == "invalid"
    assert r.json()["checks"]["syntax"]["valid"] is False


def test_batch_limits(server: Server) -> None:
    with server.client(server.new_key()) as c:
        over = c.post("/v1/verify/email/batch", json={"emails": ["a@b.test"] * 1001})
        empty = c.post("/v1/verify/email/batch", json={"emails": []})
    assert over.status_code == 422 and over.json()["error"]["param"] == "emails"
    assert empty.status_code == 422 and empty.json()["error"]["param"] == "emails"


def test_cli_verify_prints_json_lines(mail_world: RunningWorld, tmp_path: Path) -> None:
    listing = tmp_path / "emails.txt"
    listing.write_text("# a comment\njane@catchall.test\n\nnobody@acme.test\n")
    env = {
        **sandbox_env(mail_world),
        "CLEANLIST_EGRESS_ALLOW": "127.0.0.0/8",
        "PATH": "/usr/bin:/bin",
    }
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "cleanlist_server",
            "verify",
            "jane@acme.test",
            "--file",
            str(listing),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert [(x["email"], x["email_status"]) for x in lines] == [
        ("jane@acme.test", "valid"),
        ("jane@catchall.test", "catch-all"),
        ("nobody@acme.test", "invalid"),
    ]


def test_reserved_names_are_undeliverable_by_default(mail_world: RunningWorld) -> None:
    env = {
        **sandbox_env(mail_world),
        "CLEANLIST_ALLOW_TEST_DOMAINS": "false",
        "CLEANLIST_EGRESS_ALLOW": "127.0.0.0/8",
    }
    done = subprocess.run(
        [sys.executable, "-m", "cleanlist_server", "verify", "jane@acme.test"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    result = json.loads(done.stdout)
    assert result["email_status"] == "invalid" and "reserved_domain" in result["reasons"]
