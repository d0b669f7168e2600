"""The seeds' code samples, run against a real server, plus the SDK's error mapping."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from cleanlist import (
    AsyncCleanlist,
    AuthenticationError,
    Cleanlist,
    InsufficientCreditsError,
    UnprocessableEntityError,
)

from tests.conftest import Server

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "contacts.csv"

# The seed's Python sample, verbatim. The seed omits `import os`, so it is prepended.
SEED_PYTHON = """from cleanlist import Cleanlist
client = Cleanlist(api_key=os.environ["CLEANLIST_API_KEY"])
result = client.enrich.contact(email="jane@acme.com")
print(result["contact"]["title"])"""

SEED_CURL = """curl -X POST https://api.cleanlist.ai/v1/enrich/contact \\
-H "Authorization: Bearer $CLEANLIST_API_KEY" \\
-H "Content-Type: application/json" \\
-d '{"email": "jane@acme.com"}'"""


@pytest.fixture(scope="module")
def seeded(server: Server) -> tuple[Server, str]:
    key = server.new_key("seed-samples")
    server.cli("import", str(EXAMPLES), "--account", "seed-samples")
    server.cli("credits", "grant", "1000", "--account", "seed-samples")
    return server, key


def test_python_sample_runs_verbatim(seeded: tuple[Server, str]) -> None:
    server, key = seeded
    env = {**os.environ, "CLEANLIST_API_KEY": key, "CLEANLIST_BASE_URL": server.base_url}
    done = subprocess.run(
        [sys.executable, "-c", "import os\n" + SEED_PYTHON],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "VP of Marketing"


def test_curl_sample_runs_with_only_the_host_changed(seeded: tuple[Server, str]) -> None:
    server, key = seeded
    command = SEED_CURL.replace("https://api.cleanlist.ai", server.base_url)
    env = {**os.environ, "CLEANLIST_API_KEY": key}
    done = subprocess.run(
        ["bash", "-c", command + " -s"], env=env, capture_output=True, text=True, timeout=60
    )
    body = json.loads(done.stdout)
    assert body["status"] == "completed"
    assert body["contact"]["title"] == "VP of Marketing"
    assert body["contact"]["phone"] == "+14155550142"


def test_sdk_errors_map_to_exception_classes(seeded: tuple[Server, str]) -> None:
    server, key = seeded
    bad = Cleanlist(api_key="clnl_live_" + "x" * 32, base_url=server.base_url)
    with bad, pytest.raises(AuthenticationError) as auth:
        bad.enrich.contact(email="jane@acme.com")
    assert auth.value.code == "invalid_api_key" and auth.value.request_id
    with Cleanlist(api_key=key, base_url=server.base_url) as client:
        with pytest.raises(UnprocessableEntityError) as bad_email:
            client.enrich.contact(email="nope")
        assert bad_email.value.param == "email"
        retry_key = "sdk-retry-1"
        first = client.enrich.contact(email="mike.chen@techflow.io", idempotency_key=retry_key)
        again = client.enrich.contact(email="mike.chen@techflow.io", idempotency_key=retry_key)
        assert first["id"] == again["id"]
        assert client.enrichments.retrieve(first["id"])["contact"]["seniority"] == "director"


def test_out_of_credits_is_a_typed_error(server: Server) -> None:
    key = server.new_key("broke-account")
    server.cli("import", str(EXAMPLES), "--account", "broke-account")
    with Cleanlist(api_key=key, base_url=server.base_url, max_retries=0) as client:
        for _ in range(2):
            client.enrich.contact(email="jane@acme.com")  # 11 + 11 of 30
        with pytest.raises(InsufficientCreditsError) as exc:
            client.enrich.contact(email="jane@acme.com")
        assert exc.value.status_code == 402
        assert client.credits.retrieve()["balance"] == 8


async def test_async_client_has_the_same_methods(seeded: tuple[Server, str]) -> None:
    server, key = seeded
    async with AsyncCleanlist(api_key=key, base_url=server.base_url) as client:
        result = await client.enrich.contact(
            first_name="Lukas", last_name="Weber", company_domain="nordlicht.de"
        )
        credits = await client.credits.retrieve()
    assert result["contact"]["email"] == "lukas.weber@nordlicht.de"
    assert result["contact"]["seniority"] == "c_level"
    assert credits["paid_balance"] >= 0


def test_sdk_import_upload(server: Server, tmp_path: Path) -> None:
    key = server.new_key()
    path = tmp_path / "crm.csv"
    path.write_text("Work Mail,Role\nzoe@upload.io,Head of People\n")
    with Cleanlist(api_key=key, base_url=server.base_url) as client:
        report = client.imports.create(file=path, mapping={"Work Mail": "email", "Role": "title"})
        found = client.enrich.contact(email="zoe@upload.io")
    assert report["imported"] == 1
    assert found["contact"]["department"] == "HR"
