"""POST /v1/enrich/contact and friends, through a real server on each backend."""

from __future__ import annotations

import secrets
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from cleanlist_server.api.schemas import ContactEnrichment, Credits
from tests.conftest import Server

CSV = """First Name,Last Name,Email,Job Title,Company Name,Website,Phone Number,Mobile Phone Number,City,State/Region,Country/Region,Number of Employees,Industry,Annual Revenue,LinkedIn URL
Jane,Smith,Jane.Smith@Acme.com,"VP, Sales & BD",Acme Corp,https://www.acme.com,(415) 555-0142,+1 415 555 0198,San Francisco,CA,United States,250,Computer Software,75000000,https://www.linkedin.com/in/JaneSmith/
Bob,Jones,bob@acme.com,Sr. SWE,Acme Corp,acme.com,,,,,,250,Computer Software,,
Carla,Diaz,carla@beta.io,Marketing Coordinator,Beta,beta.io,,,Madrid,,Spain,12,Marketing & Advertising,,
"""


def load(server: Server, csv_text: str, tmp_path: Path, account: str) -> str:
    path = tmp_path / f"contacts-{secrets.token_hex(3)}.csv"
    path.write_text(csv_text)
    return server.cli("import", str(path), "--account", account, "--json").stdout


def new_account(
    server: Server, csv_text: str, tmp_path: Path, *, test: bool = False
) -> tuple[str, str]:
    """A fresh account holding ``csv_text`` as its import: (its name, a key)."""
    name = "acct_" + secrets.token_hex(4)
    key = server.new_key(name, test=test)
    load(server, csv_text, tmp_path, name)
    return name, key


@pytest.fixture
def account(server: Server, tmp_path: Path) -> tuple[str, str]:
    return new_account(server, CSV, tmp_path)


def enrich(client: httpx.Client, **body: object) -> httpx.Response:
    return client.post("/v1/enrich/contact", json=body)


def test_seed_request_returns_the_seed_shape(server: Server, account: tuple[str, str]) -> None:
    _, key = account
    with server.client(key) as c:
        r = enrich(c, email="jane.smith@acme.com")
    assert r.status_code == 200, r.text
    body = r.json()
    ContactEnrichment.model_validate(body)  # the documented schema, enforced
    assert set(body) == {"id", "status", "contact", "meta"}
    assert body["id"].startswith("ev_") and body["status"] == "completed"
    contact = body["contact"]
    assert contact["email"] == "jane.smith@acme.com"
    assert contact["email_status"] == "invalid"  # acme.com has no mail route in the sandbox
    assert (contact["first_name"], contact["last_name"]) == ("Jane", "Smith")
    assert contact["title"] == "VP of Sales"
    assert contact["seniority"] == "vp" and contact["department"] == "Sales"
    assert contact["linkedin_url"] == "https://linkedin.com/in/janesmith"
    assert contact["phone"] == "+14155550142" and contact["mobile"] == "+14155550198"
    assert contact["phone_type"] == "direct_dial"
    assert contact["location"] == "San Francisco, CA"
    assert (contact["company_name"], contact["company_domain"]) == ("Acme Corp", "acme.com")
    assert contact["company_size"] == "201-500"
    assert contact["company_revenue"] == "$50M-$100M"
    assert contact["company_industry"]
    assert contact["twitter_url"] is None
    meta = body["meta"]
    assert meta["credits_used"] == 11
    # The knowledge base found her; the email verifier checked the address she gave.
    assert meta["providers_queried"] == 2 and meta["providers_matched"] == 1
    assert 0 < meta["confidence"] <= 1
    assert meta["enriched_at"].endswith("Z")
    assert r.headers["x-request-id"].startswith("req_")


def test_returned_emails_are_verified_live(server: Server, tmp_path: Path) -> None:
    _, key = new_account(
        server,
        "Email,First Name,Last Name,Title\n"
        "jane@acme.test,Jane,Doe,CTO\n"
        "ghost@acme.test,Gus,Ghost,CFO\n"
        "jane@catchall.test,Jane,Roe,CEO\n"
        "jane@greylist.test,Jane,Grey,COO\n",
        tmp_path,
    )
    with server.client(key) as c:
        statuses = {
            email: enrich(c, email=email).json()["contact"]["email_status"]
            for email in (
                "jane@acme.test",
                "ghost@acme.test",
                "jane@catchall.test",
                "jane@greylist.test",
            )
        }
    assert statuses == {
        "jane@acme.test": "valid",
        "ghost@acme.test": "invalid",
        "jane@catchall.test": "catch-all",
        "jane@greylist.test": "unknown",
    }


def test_a_live_mailbox_outweighs_an_older_employer(server: Server, tmp_path: Path) -> None:
    """Your import files a person at their old company; the address you look them up by
    is a live mailbox at another one. The check is the newer observation of the two.
    (The address is one no other test checks: a stored check is reused, dated when it
    was made, and one made before the import would rightly lose to it.)"""
    _, key = new_account(
        server,
        "Email,First Name,Last Name,Company Name,Website\n"
        "bob@disabled.test,Bob,Doe,Oldco,oldco.test\n"
        "ghost@acme.test,Gus,Ghost,Oldco,oldco.test\n"
        "jane@catchall.test,Jane,Roe,Oldco,oldco.test\n",
        tmp_path,
    )
    time.sleep(1.1)  # the check must come after the import, also at one-second precision
    with server.client(key) as c:
        live, gone, any_name = (
            c.post("/v1/enrich/contact?expand=provenance", json={"email": email}).json()
            for email in ("bob@disabled.test", "ghost@acme.test", "jane@catchall.test")
        )
    assert live["contact"]["company_domain"] == "disabled.test"
    domain = live["provenance"]["fields"]["company_domain"]
    assert domain["source"] == "email_verifier"
    assert [fv["value"] for fv in domain["rejected"]] == ["oldco.test"]
    assert live["contact"]["company_name"] is None  # Oldco's name is not the new one's
    # A dead mailbox, or a server that accepts any name, places no one anywhere.
    for r, status in ((gone, "invalid"), (any_name, "catch-all")):
        assert r["contact"]["email_status"] == status
        assert r["contact"]["company_domain"] == "oldco.test"
        assert r["contact"]["company_name"] == "Oldco"


def test_other_identifiers(server: Server, account: tuple[str, str]) -> None:
    _, key = account
    with server.client(key) as c:
        by_link = enrich(c, linkedin_url="linkedin.com/in/janesmith", include_phone=False).json()
        by_name = enrich(c, first_name="bob", last_name="JONES", company_domain="acme.com").json()
        by_full = enrich(c, full_name="Carla Diaz", company_name="Beta").json()
    assert by_link["contact"]["email"] == "jane.smith@acme.com"
    assert by_link["contact"]["phone"] is None and by_link["contact"]["mobile"] is None
    assert by_link["meta"]["credits_used"] == 1
    assert by_name["contact"]["title"] == "Senior Software Engineer"
    assert by_name["contact"]["seniority"] == "individual_contributor"
    assert by_full["contact"]["email"] == "carla@beta.io"
    assert by_full["contact"]["country_code"] == "ES"


def test_not_found_costs_nothing(server: Server, account: tuple[str, str]) -> None:
    _, key = account
    with server.client(key) as c:
        before = c.get("/v1/credits").json()["balance"]
        r = enrich(c, email="nobody@nowhere-corp.com")
        after = c.get("/v1/credits").json()["balance"]
    assert r.status_code == 200
    assert r.json()["status"] == "not_found" and r.json()["contact"] is None
    ContactEnrichment.model_validate(r.json())
    assert r.json()["meta"]["credits_used"] == 0
    assert before == after == 30


def test_enrichment_is_retrievable_by_its_account_only(
    server: Server, account: tuple[str, str]
) -> None:
    _, key = account
    other = server.new_key()
    with server.client(key) as c:
        first = enrich(c, email="bob@acme.com").json()
        again = c.get(f"/v1/enrichments/{first['id']}")
    assert again.status_code == 200 and again.json() == first
    with server.client(other) as c:
        stolen = c.get(f"/v1/enrichments/{first['id']}")
    assert stolen.status_code == 404
    assert stolen.json()["error"]["code"] == "not_found"


def test_accounts_never_see_each_others_imports(server: Server, account: tuple[str, str]) -> None:
    other = server.new_key()
    with server.client(other) as c:
        r = enrich(c, email="jane.smith@acme.com")
    assert r.json()["status"] == "not_found"


@pytest.mark.parametrize(
    ("header", "code"),
    [
        (None, "missing_api_key"),
        ("Bearer", "malformed_api_key"),
        ("Basic abc", "malformed_api_key"),
        ("Bearer clnl_live_short", "malformed_api_key"),
        ("Bearer clnl_live_" + "A" * 32, "invalid_api_key"),
    ],
)
def test_bad_keys_get_401(server: Server, header: str | None, code: str) -> None:
    headers = {"Authorization": header} if header else {}
    r = httpx.post(
        server.base_url + "/v1/enrich/contact", json={"email": "a@b.com"}, headers=headers
    )
    assert r.status_code == 401
    assert r.json()["error"] == {
        "type": "authentication_error",
        "code": code,
        "message": r.json()["error"]["message"],
        "param": "Authorization",
    }


def test_revoked_key_gets_401(server: Server) -> None:
    key = server.new_key()
    with server.client(key) as c:
        assert c.get("/v1/credits").status_code == 200
        server.cli("keys", "revoke", key)
        r = c.get("/v1/credits")
    assert r.status_code == 401 and r.json()["error"]["code"] == "revoked_api_key"
    listing = server.cli("keys", "list").stdout
    assert key[:14] in listing and key not in listing


@pytest.mark.parametrize(
    ("body", "status", "param", "code"),
    [
        ({}, 400, "email", "missing_identifier"),
        ({"first_name": "Jane", "last_name": "Smith"}, 400, "company_name", "missing_identifier"),
        (
            {"first_name": "Jane", "company_domain": "acme.com"},
            400,
            "last_name",
            "missing_identifier",
        ),
        ({"email": "not-an-email"}, 422, "email", "invalid_parameter"),
        (
            {"linkedin_url": "https://linkedin.com/company/acme"},
            422,
            "linkedin_url",
            "invalid_parameter",
        ),
        ({"email": 42}, 422, "email", "invalid_parameter"),
        (
            {"email": "a@acme.com", "include_phone": "yes"},
            422,
            "include_phone",
            "invalid_parameter",
        ),
        (
            {"email": "a@acme.com", "favourite_colour": "red"},
            422,
            "favourite_colour",
            "unknown_parameter",
        ),
        (
            {"company_domain": "not a domain", "full_name": "A B"},
            422,
            "company_domain",
            "invalid_parameter",
        ),
        ([1, 2], 400, "body", "invalid_body"),
    ],
)
def test_bad_input_names_the_parameter(
    server: Server, body: object, status: int, param: str, code: str
) -> None:
    key = server.new_key()
    with server.client(key) as c:
        r = c.post("/v1/enrich/contact", json=body)
        balance = c.get("/v1/credits").json()["balance"]
    assert r.status_code == status, r.text
    assert r.json()["error"]["param"] == param
    assert r.json()["error"]["code"] == code
    assert balance == 30


def test_non_json_and_oversized_bodies(server: Server) -> None:
    key = server.new_key()
    with server.client(key) as c:
        garbage = c.post(
            "/v1/enrich/contact", content=b"{email:", headers={"Content-Type": "application/json"}
        )
        huge = c.post(
            "/v1/enrich/contact",
            content=b'{"email": "' + b"a" * 2_000_000 + b'@x.com"}',
            headers={"Content-Type": "application/json"},
        )
    assert garbage.status_code == 400
    assert garbage.json()["error"]["code"] == "invalid_json"
    assert garbage.json()["error"]["param"] == "body"
    assert huge.status_code == 413 and huge.json()["error"]["param"] == "body"


def test_credits_phone_pricing_and_402(server: Server, account: tuple[str, str]) -> None:
    name, key = account
    with server.client(key) as c:
        with_phone = enrich(c, email="jane.smith@acme.com").json()["meta"]["credits_used"]
        email_only = enrich(c, email="bob@acme.com").json()["meta"]["credits_used"]
        capped = enrich(c, email="jane.smith@acme.com", include_phone=False).json()
        credits = c.get("/v1/credits").json()
    Credits.model_validate(credits)
    ContactEnrichment.model_validate(capped)
    assert (with_phone, email_only, capped["meta"]["credits_used"]) == (11, 1, 1)
    assert credits["balance"] == 30 - 13 and credits["used_this_period"] == 13
    assert credits["monthly_grant"] == 30 and credits["grants"][0]["kind"] == "monthly_grant"
    with server.client(key) as c:
        ok = enrich(c, email="jane.smith@acme.com").json()  # 17 -> 6
        broke = enrich(c, email="jane.smith@acme.com")  # needs 11, has 6
        after = c.get("/v1/credits").json()["balance"]
    assert ok["meta"]["credits_used"] == 11
    assert broke.status_code == 402 and broke.json()["error"]["code"] == "insufficient_credits"
    assert after == 6
    server.cli("credits", "grant", "100", "--account", name)
    with server.client(key) as c:
        assert enrich(c, email="jane.smith@acme.com").json()["meta"]["credits_used"] == 11
        final = c.get("/v1/credits").json()
    assert final["balance"] == 95 and final["paid_balance"] == 95 and final["free_balance"] == 0


def test_test_mode_keys_are_never_charged(server: Server, tmp_path: Path) -> None:
    _, key = new_account(server, CSV, tmp_path, test=True)
    with server.client(key) as c:
        r = enrich(c, email="jane.smith@acme.com").json()
        assert c.get("/v1/credits").json()["balance"] == 30
    assert r["status"] == "completed" and r["meta"]["credits_used"] == 0


def test_idempotency_key_replays_and_charges_once(server: Server, account: tuple[str, str]) -> None:
    _, key = account
    idem = {"Idempotency-Key": "retry-" + secrets.token_hex(4)}
    with server.client(key) as c:
        first = c.post("/v1/enrich/contact", json={"email": "bob@acme.com"}, headers=idem)
        second = c.post("/v1/enrich/contact", json={"email": "bob@acme.com"}, headers=idem)
        reused = c.post("/v1/enrich/contact", json={"email": "jane.smith@acme.com"}, headers=idem)
        balance = c.get("/v1/credits").json()["balance"]
    assert first.status_code == second.status_code == 200
    assert first.json() == second.json()
    assert second.headers.get("idempotent-replayed") == "true"
    assert reused.status_code == 422 and reused.json()["error"]["code"] == "idempotency_key_reused"
    assert balance == 29


def test_concurrent_calls_never_overdraw(server: Server, account: tuple[str, str]) -> None:
    _, key = account  # 30 credits; each call costs 11: exactly two can succeed

    def call(_: int) -> int:
        with server.client(key) as c:
            return enrich(c, email="jane.smith@acme.com").status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        codes = list(pool.map(call, range(8)))
    with server.client(key) as c:
        balance = c.get("/v1/credits").json()["balance"]
    assert sorted(codes) == [200, 200] + [402] * 6
    assert balance == 8


def test_openapi_documents_at_least_40_contact_fields(server: Server) -> None:
    spec = httpx.get(server.base_url + "/openapi.json").json()
    contact = spec["components"]["schemas"]["Contact"]["properties"]
    assert len(contact) >= 40
    seed = {
        "email", "email_status", "first_name", "last_name", "title", "seniority", "department",
        "linkedin_url", "phone", "phone_type", "mobile", "location", "company_name",
        "company_domain", "company_industry", "company_size", "company_revenue",
    }  # fmt: skip
    assert seed <= set(contact)
    assert all(prop.get("description") for prop in contact.values())


def test_email_finder_needs_no_paid_provider(server: Server, tmp_path: Path) -> None:
    name = "acct_" + secrets.token_hex(4)
    key = server.new_key(name)
    with server.client(key) as c:
        found = enrich(c, first_name="Jane", last_name="Doe", company_domain="acme.test").json()
        guess = enrich(c, full_name="Jane Roe", company_domain="catchall.test").json()
        nobody = enrich(c, first_name="Zed", last_name="Zulu", company_domain="acme.test").json()
    assert found["status"] == "completed"
    assert found["contact"]["email"] == "jane@acme.test"  # the 'first' pattern, checked live
    assert found["contact"]["email_status"] == "valid"
    assert found["meta"]["providers_matched"] == 1 and found["meta"]["credits_used"] == 1
    assert guess["contact"]["email"] == "jane.roe@catchall.test"
    assert guess["contact"]["email_status"] == "catch-all"
    assert guess["meta"]["confidence"] < found["meta"]["confidence"]
    assert nobody["status"] == "not_found" and nobody["meta"]["credits_used"] == 0


def test_email_finder_learns_the_domain_pattern(server: Server, tmp_path: Path) -> None:
    _, key = new_account(server, "Email,First Name,Last Name\nbob@acme.test,Bob,Stone\n", tmp_path)
    with server.client(key) as c:
        r = enrich(
            c, first_name="Jane", last_name="Smith", company_name="Acme", company_domain="acme.test"
        ).json()
    assert r["contact"]["email"] == "jane@acme.test"
