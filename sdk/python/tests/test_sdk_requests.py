"""How each method turns into an HTTP request, and what it returns (both clients)."""

from __future__ import annotations

import json
import uuid

import httpx
import pytest
from cleanlist import APIResponseValidationError, Result
from sdkharness import API_KEY, BASE_URL, resolve

pytestmark = pytest.mark.asyncio

CONTACT = {
    "id": "ev_c9x2kf8",
    "status": "completed",
    "contact": {"email": "jane.smith@acme.com", "title": "VP of Marketing"},
    "meta": {"credits_used": 1},
}


def body(request: httpx.Request) -> object:
    return json.loads(request.content)


async def test_contact_sends_only_given_fields(make):
    h = make(httpx.Response(200, json=CONTACT))
    await resolve(h.client.enrich.contact(email="jane@acme.com", include_phone=False))
    request = h.recorder.last
    assert request.method == "POST"
    assert str(request.url) == f"{BASE_URL}/v1/enrich/contact"
    assert request.headers["content-type"] == "application/json"
    assert body(request) == {"email": "jane@acme.com", "include_phone": False}


async def test_contact_sends_every_identifier_and_extra_fields(make):
    h = make()
    await resolve(
        h.client.enrich.contact(
            linkedin_url="https://linkedin.com/in/janesmith",
            first_name="Jane",
            last_name="Smith",
            full_name="Jane Smith",
            company_name="Acme Corp",
            company_domain="acme.com",
            include_phone=True,
            fields=["title"],
            ignored=None,
        )
    )
    assert body(h.recorder.last) == {
        "linkedin_url": "https://linkedin.com/in/janesmith",
        "first_name": "Jane",
        "last_name": "Smith",
        "full_name": "Jane Smith",
        "company_name": "Acme Corp",
        "company_domain": "acme.com",
        "include_phone": True,
        "fields": ["title"],
    }


async def test_lead_adds_icp_profile_and_limit(make):
    h = make()
    await resolve(
        h.client.enrich.lead(company_domain="techflow.io", icp_profile_id="icp_1", limit=5)
    )
    request = h.recorder.last
    assert (request.method, request.url.path) == ("POST", "/v1/enrich/lead")
    assert body(request) == {"company_domain": "techflow.io", "icp_profile_id": "icp_1", "limit": 5}


async def test_enrichments_retrieve_escapes_the_id(make):
    h = make()
    await resolve(h.client.enrichments.retrieve("ev_c9x2kf8"))
    await resolve(h.client.enrichments.retrieve("../credits"))
    first, second = h.requests
    assert (first.method, first.url.path, first.content) == (
        "GET",
        "/v1/enrichments/ev_c9x2kf8",
        b"",
    )
    assert second.url.raw_path == b"/v1/enrichments/..%2Fcredits"


async def test_enrichments_retrieve_rejects_an_empty_id(make):
    h = make()
    with pytest.raises(ValueError):
        await resolve(h.client.enrichments.retrieve(""))
    assert h.requests == []


async def test_credits_retrieve(make):
    h = make(httpx.Response(200, json={"balance": 30}))
    result = await resolve(h.client.credits.retrieve())
    assert (h.recorder.last.method, h.recorder.last.url.path) == ("GET", "/v1/credits")
    assert result == {"balance": 30}


async def test_verify_email(make):
    h = make()
    await resolve(h.client.verify.email("jane@acme.com"))
    request = h.recorder.last
    assert (request.method, request.url.path) == ("POST", "/v1/verify/email")
    assert body(request) == {"email": "jane@acme.com"}


async def test_standard_headers(make):
    h = make()
    await resolve(h.client.credits.retrieve())
    headers = h.recorder.last.headers
    assert headers["authorization"] == f"Bearer {API_KEY}"
    assert headers["user-agent"] == "cleanlist-python/0.1.0"
    assert headers["accept"] == "application/json"


async def test_default_headers_are_sent(make):
    h = make(default_headers={"X-Tenant": "acme"})
    await resolve(h.client.credits.retrieve())
    assert h.recorder.last.headers["x-tenant"] == "acme"


async def test_posts_carry_a_fresh_uuid4_idempotency_key_and_gets_none(make):
    h = make()
    await resolve(h.client.enrich.contact(email="a@acme.com"))
    await resolve(h.client.enrich.contact(email="a@acme.com"))
    await resolve(h.client.enrichments.retrieve("ev_1"))
    first, second, get = h.requests
    key = first.headers["idempotency-key"]
    assert uuid.UUID(key).version == 4
    assert second.headers["idempotency-key"] != key
    assert "idempotency-key" not in get.headers


@pytest.mark.parametrize(
    "call",
    [
        lambda c: c.enrich.contact(email="a@acme.com", idempotency_key="order-42"),
        lambda c: c.enrich.lead(email="a@acme.com", idempotency_key="order-42"),
        lambda c: c.verify.email("a@acme.com", idempotency_key="order-42"),
    ],
)
async def test_caller_idempotency_key_is_used(make, call):
    h = make()
    await resolve(call(h.client))
    assert h.recorder.last.headers["idempotency-key"] == "order-42"
    assert "idempotency_key" not in h.recorder.last.content.decode()


async def test_result_is_a_dict_with_http_context(make):
    h = make(httpx.Response(200, json=CONTACT, headers={"X-Request-ID": "req_123"}))
    result = await resolve(h.client.enrich.contact(email="jane@acme.com"))
    assert isinstance(result, Result)
    assert isinstance(result, dict)
    assert result == CONTACT
    assert result["contact"]["title"] == "VP of Marketing"
    assert result.request_id == "req_123"
    assert result.http_status == 200
    assert result.headers["x-request-id"] == "req_123"
    assert json.loads(json.dumps(result)) == CONTACT


async def test_empty_success_body_is_an_empty_result(make):
    h = make(httpx.Response(204))
    result = await resolve(h.client.credits.retrieve())
    assert result == {}
    assert result.http_status == 204


@pytest.mark.parametrize(
    "response",
    [
        lambda _: httpx.Response(200, text="<html>gateway</html>"),
        lambda _: httpx.Response(200, json=[1, 2]),
    ],
)
async def test_success_body_that_is_not_a_json_object(make, response):
    h = make(response)
    with pytest.raises(APIResponseValidationError) as info:
        await resolve(h.client.credits.retrieve())
    assert info.value.status_code == 200
    assert len(h.requests) == 1


async def test_base_url_with_a_path_prefix(make):
    h = make(base_url="http://localhost:8000/cleanlist/")
    await resolve(h.client.credits.retrieve())
    assert str(h.recorder.last.url) == "http://localhost:8000/cleanlist/v1/credits"


async def test_timeout_is_sent_with_every_request(make):
    h = make(timeout=5.0)
    await resolve(h.client.credits.retrieve())
    assert h.recorder.last.extensions["timeout"] == httpx.Timeout(5.0).as_dict()


async def test_default_timeout_is_60s_with_10s_to_connect(make):
    h = make()
    await resolve(h.client.credits.retrieve())
    assert h.recorder.last.extensions["timeout"] == {
        "connect": 10.0,
        "read": 60.0,
        "write": 60.0,
        "pool": 60.0,
    }


async def test_with_options_overrides_per_call(make):
    h = make(httpx.Response(500))
    quick = h.client.with_options(timeout=2.0, max_retries=0)
    quick._sleep = h.client._sleep
    with pytest.raises(Exception):  # noqa: B017 - the status error is tested elsewhere
        await resolve(quick.enrich.contact(email="a@acme.com"))
    assert len(h.requests) == 1
    assert h.recorder.last.extensions["timeout"]["read"] == 2.0
    assert h.client.max_retries == 2
    assert quick.enrich._client is quick
