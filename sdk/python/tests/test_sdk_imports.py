"""``client.imports.create``: multipart upload, column mapping, re-sending on retry."""

from __future__ import annotations

import io
import uuid
from pathlib import Path

import httpx
import pytest
from cleanlist import APIConnectionError
from sdkharness import resolve

pytestmark = pytest.mark.asyncio

CSV = b"E-mail,Company\njane@acme.com,Acme\n"


def uploaded(request: httpx.Request) -> bytes:
    """The multipart body with its boundary blanked out, for comparing attempts."""
    boundary = request.headers["content-type"].split("boundary=")[1].encode()
    return request.content.replace(boundary, b"BOUNDARY")


async def test_uploads_a_path_as_the_file_field(make, tmp_path: Path):
    source = tmp_path / "leads.csv"
    source.write_bytes(CSV)
    h = make(lambda _: httpx.Response(202, json={"id": "imp_1", "status": "queued"}))
    result = await resolve(h.client.imports.create(file=source))
    request = h.recorder.last
    assert (request.method, request.url.path) == ("POST", "/v1/imports")
    assert request.headers["content-type"].startswith("multipart/form-data; boundary=")
    assert b'name="file"; filename="leads.csv"' in request.content
    assert b"Content-Type: text/csv" in request.content
    assert CSV in request.content
    assert uuid.UUID(request.headers["idempotency-key"]).version == 4
    assert (result["id"], result.http_status) == ("imp_1", 202)


async def test_mapping_becomes_repeated_map_query_parameters(make, tmp_path: Path):
    source = tmp_path / "leads.csv"
    source.write_bytes(CSV)
    h = make()
    await resolve(
        h.client.imports.create(
            file=str(source), mapping={"E-mail": "email", "Company": "company_name"}
        )
    )
    params = h.recorder.last.url.params
    assert params.get_list("map") == ["E-mail=email", "Company=company_name"]


async def test_no_mapping_no_query(make):
    h = make()
    await resolve(h.client.imports.create(io.BytesIO(CSV)))
    assert h.recorder.last.url.query == b""


async def test_file_object_name_and_overrides(make):
    h = make()
    await resolve(
        h.client.imports.create(
            io.BytesIO(CSV), filename="badge-scans.csv", content_type="application/octet-stream"
        )
    )
    assert b'filename="badge-scans.csv"' in h.recorder.last.content
    assert b"Content-Type: application/octet-stream" in h.recorder.last.content


async def test_anonymous_file_object_gets_a_default_name(make):
    h = make()
    await resolve(h.client.imports.create(io.BytesIO(CSV)))
    assert b'filename="upload.csv"' in h.recorder.last.content


async def test_a_retry_resends_the_whole_file(make, tmp_path: Path):
    source = tmp_path / "leads.csv"
    source.write_bytes(CSV)
    fileobj = io.BytesIO(CSV)
    fileobj.read()  # a caller that forgot to rewind still uploads the whole file
    for file in (source, fileobj):
        h = make(lambda _: httpx.Response(503), lambda _: httpx.Response(200, json={}))
        await resolve(h.client.imports.create(file))
        first, second = h.requests
        assert CSV in first.content
        assert uploaded(first) == uploaded(second)
        assert first.headers["idempotency-key"] == second.headers["idempotency-key"]


class Pipe(io.RawIOBase):
    """A readable stream that cannot seek, like stdin or a socket."""

    def __init__(self, data: bytes) -> None:
        self._data = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def]
        chunk = self._data.read(len(buffer))
        buffer[: len(chunk)] = chunk
        return len(chunk)


async def test_a_stream_that_cannot_seek_is_sent_once(make):
    h = make(httpx.ConnectError("reset"))
    with pytest.raises(APIConnectionError):
        await resolve(h.client.imports.create(Pipe(CSV)))
    assert len(h.requests) == 1
    assert CSV in h.requests[0].content


async def test_a_source_column_with_equals_sign_is_rejected(make):
    h = make()
    with pytest.raises(ValueError, match="cannot contain '='"):
        await resolve(h.client.imports.create(io.BytesIO(CSV), mapping={"a=b": "email"}))
    assert h.requests == []
