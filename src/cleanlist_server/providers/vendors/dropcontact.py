"""Dropcontact enrichment: an asynchronous batch of one contact, then polling for the result.

Docs: https://developer.dropcontact.com. ``POST /v1/enrich/all`` answers a ``request_id``;
``GET /v1/enrich/all/{request_id}`` answers ``success: false`` until the batch is done. Key in
``X-Access-Token``. Out of credits is HTTP 403. Not found: the contact comes back without an
``email`` array. Cost: 1 credit per contact whose email is found; misses are free.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from cleanlist_server.domain.records import ProviderResult, Query
from cleanlist_server.engine.runner import (
    ProviderBadResponse,
    ProviderQuotaExceeded,
    ProviderTimeout,
)
from cleanlist_server.providers.http import HttpProvider, VendorVerdict
from cleanlist_server.providers.vendors._group_b import (
    EMAIL_FIELDS,
    NAME_FIELDS,
    PENDING,
    PHONE_FIELDS,
    TITLE_FIELDS,
    Pending,
    has_identity,
    identifiers,
    obj,
    objs,
    poll,
)

# Dropcontact has no score; its ``qualification`` says how sure it is of an address:
# nominative@pro is a checked personal work address, catch_all@pro a guess on a domain that
# accepts everything, nominative@perso a personal (free-mail) address.
QUALIFICATIONS: dict[str, tuple[str, str | None, float]] = {
    "nominative@pro": ("email", "valid", 0.9),
    "catch_all@pro": ("email", "catch-all", 0.6),
    "nominative@perso": ("personal_email", None, 0.8),
}
NO_EMAIL_CONFIDENCE = 0.7  # firmographics and LinkedIn only, matched on our identifiers
INPUTS = {
    "email": "email",
    "first_name": "first_name",
    "last_name": "last_name",
    "full_name": "full_name",
    "company_name": "company",
    "company_domain": "website",
    "linkedin_url": "linkedin",
}


class DropcontactProvider(HttpProvider):
    name = "dropcontact"
    fields = (
        NAME_FIELDS
        | TITLE_FIELDS
        | EMAIL_FIELDS
        | PHONE_FIELDS
        | {"personal_email", "linkedin_url", "company_name", "company_domain"}
        | {"company_website", "company_linkedin_url", "company_employee_count", "company_size"}
    )
    poll_interval: float = 0.2
    """Seconds between polls (Dropcontact suggests 15-30 s; the runner's deadline caps it)."""
    max_polls: int = 25
    """Polls before giving up with ``ProviderTimeout``: the batch is still running, which
    says nothing about the person, so it is reported as trouble (retryable), not a miss."""

    def accepts(self, query: Query) -> bool:
        return has_identity(identifiers(query))

    async def lookup(self, query: Query) -> ProviderResult:
        ids = identifiers(query)
        contact = {field: ids[name] for name, field in INPUTS.items() if name in ids}
        headers = {"X-Access-Token": self.key}
        body = {"data": [contact], "siren": False, "language": "en"}
        started = obj(await self.post_json("/v1/enrich/all", json=body, headers=headers))
        if not started.get("request_id"):
            raise ProviderBadResponse("dropcontact: no request_id in the answer")
        path = f"/v1/enrich/all/{quote(str(started['request_id']), safe='')}"

        async def step() -> list[dict[str, Any]] | Pending | None:
            payload = await self.get_json(path, headers=headers)
            if payload is None:  # the request is unknown (404): nothing to report
                return None
            return objs(obj(payload).get("data")) if obj(payload).get("success") else PENDING

        rows = await poll(step, interval=self.poll_interval, attempts=self.max_polls)
        if isinstance(rows, Pending):
            raise ProviderTimeout(f"dropcontact: not ready after {self.max_polls} polls")
        return self._result(rows[0] if rows else {})

    def _result(self, row: Mapping[str, Any]) -> ProviderResult:
        emails = objs(row.get("email"))
        if not emails:  # documented not-found: the contact comes back as sent
            return ProviderResult.miss(self.name)
        raw = {
            "first_name": row.get("first_name"),
            "last_name": row.get("last_name"),
            "full_name": row.get("full_name"),
            "title": row.get("job"),
            "phone": row.get("phone"),
            "linkedin_url": row.get("linkedin"),
            "company_name": row.get("company"),
            "company_website": row.get("website"),
            "company_linkedin_url": row.get("company_linkedin"),
            "company_employee_count": row.get("nb_employees"),
        }
        scores: dict[str, float] = {}
        for entry in emails:
            key, status, score = QUALIFICATIONS.get(str(entry.get("qualification")), ("", None, 0))
            if key and key not in scores:
                raw[key], scores[key] = entry.get("email"), score
                if key == "email":
                    raw["email_status"] = status
        # The work address is what the result is about; the personal one when it is alone.
        confidence = scores.get("email") or scores.get("personal_email") or NO_EMAIL_CONFIDENCE
        return self.result(raw, confidence=confidence)

    def vendor_error(self, status: int, payload: Any) -> VendorVerdict:
        if status == 403:  # Dropcontact's "no credits left", not a refused key (401)
            return ProviderQuotaExceeded("dropcontact: HTTP 403 (out of credits)")
        body = obj(payload)
        if status != 200 or body.get("error") is not True:
            return None
        if "credit" in str(body.get("reason")).lower():
            return ProviderQuotaExceeded("dropcontact: out of credits (HTTP 200 error body)")
        return ProviderBadResponse("dropcontact: HTTP 200 carrying an error")


ADAPTER = DropcontactProvider
