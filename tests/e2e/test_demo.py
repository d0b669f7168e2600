"""`cleanlist demo`: sandbox mail world + server + demo data, all on loopback."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.conftest import free_port


def test_demo_enriches_and_verifies_with_no_vendor_key(tmp_path: Path) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLEANLIST_")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "cleanlist_server", "demo", "--port", str(port)],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert proc.stdout is not None
        key = ""
        deadline = time.monotonic() + 60
        while not key and time.monotonic() < deadline:
            line = proc.stdout.readline()
            assert line, "demo exited before printing its key"
            if line.startswith("demo API key"):
                key = line.rsplit(" ", 1)[1].strip()
        base = f"http://127.0.0.1:{port}"
        while time.monotonic() < deadline:
            try:
                if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        headers = {"Authorization": f"Bearer {key}"}
        with httpx.Client(base_url=base, headers=headers, timeout=30) as c:
            jane = c.post("/v1/enrich/contact", json={"email": "jane@acme.test"}).json()
            bob = c.post("/v1/enrich/contact", json={"email": "bob@full.test"}).json()
            found = c.post(
                "/v1/enrich/contact",
                json={"full_name": "Jane Doe", "company_domain": "acme.test"},
            ).json()
            maya = c.post(
                "/v1/enrich/contact?expand=provenance",
                json={"email": "maya.patel@northwind.test"},
            ).json()
        assert jane["contact"]["title"] == "VP of Marketing"
        assert jane["contact"]["email_status"] == "valid"
        assert bob["contact"]["email_status"] == "risky"
        assert found["contact"]["email"] == "jane@acme.test"
        # The market's first memorable person: a rich record from the sandbox vendors.
        assert maya["contact"]["title"] == "VP of Sales"
        assert maya["contact"]["company_name"] == "Northwind Analytics"
        assert maya["contact"]["email_status"] == "valid"
        assert maya["meta"]["providers_matched"] >= 3
        called = {p["name"] for p in maya["provenance"]["providers"]}
        assert {"apollo", "pdl"} & called
        assert (tmp_path / "data" / "demo.db").exists()
    finally:
        proc.terminate()
        proc.wait(timeout=20)
