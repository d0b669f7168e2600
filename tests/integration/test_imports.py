"""CSV imports over HTTP and the CLI, through a real server."""

from __future__ import annotations

import json
import secrets
from pathlib import Path

import pytest

from cleanlist_server.api.schemas import ImportReport
from tests.conftest import Server, start_server, stop_server

SALES_NAV = """First Name,Last Name,Title,Company,Profile URL,Geography,Email
Ana,Lima,Gerente de Vendas,Orbita,https://www.linkedin.com/in/ana-lima-123/,"São Paulo, Brazil",ana@orbita.com.br
Tom,Baker,Head of Growth,Kite,https://linkedin.com/in/tombaker,"London, United Kingdom",
"""

APOLLO = """First Name,Last Name,Title,Company,Email,Person Linkedin Url,Website,# Employees,Industry,Work Direct Phone,Mobile Phone,Corporate Phone,City,State,Country
Lea,Krause,Geschäftsführerin,Nordlicht GmbH,lea.krause@nordlicht.de,,https://nordlicht.de,35,Information Technology & Services,,+49 151 23456789,+49 30 1234567,Berlin,,Germany
"""

BROKEN = """Email,Full Name,Company
good@acme.com,Good Person,Acme
not-an-email,Bad Email,Acme
too,many,fields,here
,Nameless Row,
good2@acme.com,Other Person,Acme
"""


def post_csv(server: Server, key: str, text: str, **params: str | list[str]) -> dict[str, object]:
    with server.client(key) as c:
        r = c.post(
            "/v1/imports",
            content=text.encode(),
            headers={"Content-Type": "text/csv"},
            params=params,
        )
    assert r.status_code == 201, r.text
    report: dict[str, object] = r.json()
    ImportReport.model_validate(report)
    return report


def test_http_import_maps_common_exports(server: Server) -> None:
    key = server.new_key()
    report = post_csv(server, key, SALES_NAV)
    assert (report["imported"], report["rejected"]) == (2, 0)
    assert report["columns"] == {
        "First Name": "first_name",
        "Last Name": "last_name",
        "Title": "title",
        "Company": "company_name",
        "Profile URL": "linkedin_url",
        "Geography": "location",
        "Email": "email",
    }
    with server.client(key) as c:
        ana = c.post("/v1/enrich/contact", json={"email": "ana@orbita.com.br"}).json()["contact"]
        tom = c.post(
            "/v1/enrich/contact", json={"linkedin_url": "https://uk.linkedin.com/in/tombaker"}
        ).json()["contact"]
    assert ana["title"] == "Sales Manager" and ana["country_code"] == "BR"
    assert ana["linkedin_url"] == "https://linkedin.com/in/ana-lima-123"
    assert tom["seniority"] == "director" and tom["company_name"] == "Kite"


def test_multipart_upload_and_phone_columns(server: Server) -> None:
    key = server.new_key()
    with server.client(key) as c:
        r = c.post("/v1/imports", files={"file": ("apollo.csv", APOLLO.encode(), "text/csv")})
        assert r.status_code == 201, r.text
        assert r.json()["filename"] == "apollo.csv"
        lea = c.post("/v1/enrich/contact", json={"email": "lea.krause@nordlicht.de"}).json()
    contact = lea["contact"]
    assert contact["mobile"] == "+4915123456789"
    assert contact["phone"] == "+4915123456789" and contact["phone_type"] == "mobile"
    assert contact["company_phone"] == "+49301234567"
    assert contact["company_size"] == "11-50" and contact["seniority"] == "c_level"
    assert lea["meta"]["credits_used"] == 11


def test_bad_rows_are_rejected_with_line_numbers_and_good_rows_import(server: Server) -> None:
    key = server.new_key()
    report = post_csv(server, key, BROKEN)
    assert report["imported"] == 2 and report["rejected"] == 3
    errors = {e["line"]: e["reason"] for e in report["errors"]}  # type: ignore[attr-defined]
    assert set(errors) == {3, 4, 5}
    assert "invalid email" in errors[3]
    assert "fields" in errors[4]
    assert "identifier" in errors[5] or "company" in errors[5]


def test_importing_twice_changes_nothing(server: Server) -> None:
    key = server.new_key()
    first = post_csv(server, key, SALES_NAV)
    with server.client(key) as c:
        before = c.post("/v1/enrich/contact", json={"email": "ana@orbita.com.br"}).json()
    second = post_csv(server, key, SALES_NAV)
    with server.client(key) as c:
        after = c.post("/v1/enrich/contact", json={"email": "ana@orbita.com.br"}).json()
    assert first["imported"] == 2
    assert (second["imported"], second["merged"], second["unchanged"]) == (0, 0, 2)
    assert before["contact"] == after["contact"]
    assert before["meta"]["enriched_at"] == after["meta"]["enriched_at"]


def test_merge_updates_changed_fields(server: Server) -> None:
    key = server.new_key()
    post_csv(server, key, "Email,Title\nmia@zeta.io,Account Executive\n")
    report = post_csv(server, key, "Email,Title,Company\nmia@zeta.io,Sales Director,Zeta\n")
    assert report["merged"] == 1
    with server.client(key) as c:
        mia = c.post("/v1/enrich/contact", json={"email": "mia@zeta.io"}).json()["contact"]
    assert (mia["title"], mia["seniority"], mia["company_name"]) == (
        "Sales Director",
        "director",
        "Zeta",
    )


def test_mapping_overrides_and_errors(server: Server) -> None:
    key = server.new_key()
    text = "Contact Mail,Role\nzed@omega.io,CTO\n"
    report = post_csv(server, key, text, map=["Contact Mail=email", "Role=title"])
    assert report["imported"] == 1
    with server.client(key) as c:
        bad = c.post(
            "/v1/imports",
            content=text.encode(),
            headers={"Content-Type": "text/csv"},
            params={"map": "Nope=email"},
        )
        unknown = c.post(
            "/v1/imports", content=b"foo,bar\n1,2\n", headers={"Content-Type": "text/csv"}
        )
        empty = c.post("/v1/imports", content=b"", headers={"Content-Type": "text/csv"})
    assert bad.status_code == 400 and bad.json()["error"]["param"] == "map"
    assert unknown.status_code == 400 and unknown.json()["error"]["code"] == "no_known_columns"
    assert empty.status_code == 400 and empty.json()["error"]["param"] == "file"


def test_cli_import_reports_rejects_and_is_idempotent(server: Server, tmp_path: Path) -> None:
    account = "acct_" + secrets.token_hex(4)
    path = tmp_path / "broken.csv"
    path.write_text(BROKEN)
    first = server.cli("import", str(path), "--account", account, "--json")
    second = server.cli("import", str(path), "--account", account, "--json")
    one, two = json.loads(first.stdout), json.loads(second.stdout)
    assert (one["imported"], one["rejected"]) == (2, 3)
    assert (two["imported"], two["unchanged"], two["rejected"]) == (0, 2, 3)
    assert "line 3: rejected: invalid email" in first.stderr


@pytest.mark.parametrize("backend", ["sqlite"])
def test_data_survives_a_restart(tmp_path: Path, backend: str) -> None:
    url = f"sqlite:///{tmp_path / 'keep.db'}"
    srv = start_server(tmp_path, url)
    try:
        key = srv.new_key("keeper")
        post_csv(srv, key, SALES_NAV)
    finally:
        stop_server(srv)
    srv = start_server(tmp_path, url)
    try:
        with srv.client(key) as c:
            r = c.post("/v1/enrich/contact", json={"email": "ana@orbita.com.br"})
        assert r.json()["status"] == "completed"
    finally:
        stop_server(srv)
