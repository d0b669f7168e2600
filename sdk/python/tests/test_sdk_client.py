"""Client construction, configuration and lifetime."""

from __future__ import annotations

import contextlib
import io
import os
from importlib import metadata
from pathlib import Path

import cleanlist
import httpx
import pytest
from cleanlist import AsyncCleanlist, Cleanlist, CleanlistError, Result
from sdkharness import API_KEY, Recorder

SEED_SAMPLE = """\
from cleanlist import Cleanlist
client = Cleanlist(api_key=os.environ["CLEANLIST_API_KEY"])
result = client.enrich.contact(email="jane@acme.com")
print(result["contact"]["title"])
"""


def test_the_seed_sample_runs_verbatim(monkeypatch: pytest.MonkeyPatch):
    """The product page's Python sample, against a stubbed default transport (no socket)."""
    recorder = Recorder(httpx.Response(200, json={"contact": {"title": "VP of Marketing"}}))
    monkeypatch.setattr(httpx.HTTPTransport, "handle_request", lambda self, r: recorder(r))
    monkeypatch.setenv("CLEANLIST_API_KEY", API_KEY)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(SEED_SAMPLE, {"os": os})
    assert out.getvalue() == "VP of Marketing\n"
    assert str(recorder.last.url) == "https://api.cleanlist.ai/v1/enrich/contact"
    assert recorder.last.headers["authorization"] == f"Bearer {API_KEY}"


@pytest.mark.parametrize("cls", [Cleanlist, AsyncCleanlist])
def test_missing_api_key_fails_at_construction(cls):
    with pytest.raises(CleanlistError, match="CLEANLIST_API_KEY"):
        cls()
    with pytest.raises(CleanlistError):
        cls(api_key="")


@pytest.mark.parametrize("cls", [Cleanlist, AsyncCleanlist])
def test_settings_come_from_the_environment(cls, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("CLEANLIST_API_KEY", "clnl_live_env")
    monkeypatch.setenv("CLEANLIST_BASE_URL", "http://localhost:8000/")
    client = cls()
    assert (client.api_key, client.base_url) == ("clnl_live_env", "http://localhost:8000")
    explicit = cls(api_key="clnl_live_arg", base_url="https://enrich.internal")
    assert (explicit.api_key, explicit.base_url) == ("clnl_live_arg", "https://enrich.internal")


def test_positional_api_key_and_defaults():
    client = Cleanlist(API_KEY)
    assert client.base_url == "https://api.cleanlist.ai"
    assert client.max_retries == 2
    assert client.timeout == httpx.Timeout(60.0, connect=10.0)


@pytest.mark.parametrize("base_url", ["api.cleanlist.ai", "ftp://api.cleanlist.ai", "http://[::1"])
def test_base_url_must_be_http(base_url):
    with pytest.raises(CleanlistError, match="base_url"):
        Cleanlist(API_KEY, base_url=base_url)


@pytest.mark.parametrize("max_retries", [-1, 1.5, True])
def test_max_retries_must_be_a_non_negative_int(max_retries):
    with pytest.raises(ValueError, match="max_retries"):
        Cleanlist(API_KEY, max_retries=max_retries)


def test_repr_never_shows_the_key():
    assert API_KEY not in repr(Cleanlist(API_KEY))
    assert API_KEY not in repr(AsyncCleanlist(API_KEY))


def test_context_manager_closes_its_own_pool():
    with Cleanlist(API_KEY, transport=httpx.MockTransport(Recorder())) as client:
        client.credits.retrieve()
    assert client._http.is_closed


@pytest.mark.asyncio
async def test_async_context_manager_closes_its_own_pool():
    async with AsyncCleanlist(API_KEY, transport=httpx.MockTransport(Recorder())) as client:
        await client.credits.retrieve()
    assert client._http.is_closed


def test_a_caller_supplied_http_client_is_used_and_left_open():
    recorder = Recorder()
    http = httpx.Client(transport=httpx.MockTransport(recorder), headers={"X-Proxy": "yes"})
    with Cleanlist(API_KEY, http_client=http) as client:
        client.credits.retrieve()
    assert recorder.last.headers["x-proxy"] == "yes"
    assert recorder.last.headers["user-agent"] == "cleanlist-python/0.1.0"
    assert not http.is_closed
    http.close()


@pytest.mark.asyncio
async def test_a_caller_supplied_async_http_client_is_left_open():
    http = httpx.AsyncClient(transport=httpx.MockTransport(Recorder()))
    async with AsyncCleanlist(API_KEY, http_client=http) as client:
        await client.credits.retrieve()
    assert not http.is_closed
    await http.aclose()


def test_with_options_shares_the_pool_and_never_closes_it():
    client = Cleanlist(API_KEY, transport=httpx.MockTransport(Recorder()))
    with client.with_options(max_retries=0) as quick:
        assert quick._http is client._http
        assert quick.max_retries == 0
        assert quick.timeout == client.timeout
    assert not client._http.is_closed
    assert client.with_options(timeout=None).timeout == httpx.Timeout(None)
    client.close()
    assert client._http.is_closed


@pytest.mark.asyncio
async def test_http_client_of_the_wrong_kind_is_rejected():
    async with httpx.AsyncClient() as async_http:
        with pytest.raises(TypeError):
            Cleanlist(API_KEY, http_client=async_http)  # type: ignore[arg-type]
    with httpx.Client() as sync_http:
        with pytest.raises(TypeError):
            AsyncCleanlist(API_KEY, http_client=sync_http)  # type: ignore[arg-type]
        with pytest.raises(TypeError, match="not both"):
            Cleanlist(API_KEY, http_client=sync_http, transport=httpx.MockTransport(Recorder()))


def test_sync_and_async_clients_have_the_same_methods():
    transport = httpx.MockTransport(Recorder())
    sync, async_ = (
        Cleanlist(API_KEY, transport=transport),
        AsyncCleanlist(API_KEY, transport=transport),
    )
    for name in ("enrich", "enrichments", "credits", "imports", "verify"):
        sync_methods = {m for m in dir(getattr(sync, name)) if not m.startswith("_")}
        async_methods = {m for m in dir(getattr(async_, name)) if not m.startswith("_")}
        assert sync_methods == async_methods != set()


def test_result_can_be_built_and_used_as_a_plain_dict():
    result = Result({"a": 1})
    assert result == {"a": 1}
    assert (result.http_status, result.request_id) == (200, None)
    assert dict(result) == {"a": 1}


def test_version_matches_the_distribution():
    assert cleanlist.__version__ == metadata.version("cleanlist") == "0.1.0"


def test_the_package_is_typed():
    assert (Path(cleanlist.__file__).parent / "py.typed").is_file()


def test_everything_in_all_is_importable():
    for name in cleanlist.__all__:
        assert hasattr(cleanlist, name), name
    from cleanlist.types import ContactResult, LeadResult

    assert {"id", "status", "contact", "meta"} <= set(ContactResult.__annotations__)
    assert {"id", "status", "lead", "meta"} <= set(LeadResult.__annotations__)
