"""POST /v1/imports (CSV body or multipart upload) and GET /v1/imports/{id}."""

from __future__ import annotations

import tempfile
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from starlette.datastructures import UploadFile

from cleanlist_server.api.auth import authenticate
from cleanlist_server.api.routes.enrich import json
from cleanlist_server.api.schemas import ErrorBody, ImportReport
from cleanlist_server.errors import InvalidRequest
from cleanlist_server.services.enrich import Caller
from cleanlist_server.services.imports import ImportOptions

router = APIRouter(prefix="/v1", tags=["imports"])
SPOOL_BYTES = 8 * 1024 * 1024

CSV_BODY = {
    "requestBody": {
        "content": {
            "text/csv": {"schema": {"type": "string"}},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {"file": {"type": "string", "format": "binary"}},
                    "required": ["file"],
                }
            },
        },
        "required": True,
    }
}


@router.post(
    "/imports",
    response_model=ImportReport,
    status_code=201,
    responses={c: {"model": ErrorBody} for c in (400, 401, 413, 422)},
    openapi_extra=CSV_BODY,
    summary="Import contacts and companies from a CSV export into the knowledge base",
)
async def create_import(
    request: Request,
    caller: Annotated[Caller, Depends(authenticate)],
    map: Annotated[list[str] | None, Query(description="Column overrides: source=target")] = None,
) -> object:
    content_type = request.headers.get("content-type", "")
    container = request.app.state.container
    options = ImportOptions(
        mapping=tuple(map or ()),
        default_region=container.settings.default_phone_region,
        error_limit=container.settings.import_error_limit,
    )
    with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as spool:
        filename = await _receive(request, content_type, spool)
        spool.seek(0)
        report = await container.importer.run(
            caller.account_id,
            spool,
            filename=filename,
            options=options,  # type: ignore[arg-type]
        )
    return json(report.as_dict(), status=201)


async def _receive(
    request: Request, content_type: str, spool: tempfile.SpooledTemporaryFile[bytes]
) -> str | None:
    if content_type.startswith("multipart/form-data"):
        form = await request.form(max_files=1, max_fields=10)
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise InvalidRequest("Send the CSV in a form field named 'file'.", param="file")
        while chunk := await upload.read(1 << 20):
            spool.write(chunk)
        return upload.filename
    if content_type.split(";")[0].strip() in ("text/csv", "application/csv", "text/plain", ""):
        async for chunk in request.stream():
            spool.write(chunk)
        return None
    raise InvalidRequest(
        f"Send text/csv or multipart/form-data, not {content_type!r}.",
        param="Content-Type",
        code="unsupported_media_type",
    )


@router.get(
    "/imports/{import_id}",
    response_model=ImportReport,
    responses={404: {"model": ErrorBody}, 401: {"model": ErrorBody}},
)
async def get_import(
    import_id: str, request: Request, caller: Annotated[Caller, Depends(authenticate)]
) -> object:
    return json(await request.app.state.container.importer.get(caller.account_id, import_id))
