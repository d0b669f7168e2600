"""Findymail email finder: a LinkedIn URL, or a name and a company, in; a verified email out.

Docs: https://app.findymail.com/docs (``POST /api/search/linkedin``, ``POST /api/search/name``).
Key as ``Authorization: Bearer``. Not found is HTTP 404 (or ``"contact": null``, or a contact
without an email); a 200 with no ``contact`` key is a bad response. Running out of
credits may come back as HTTP 200 ``{"error": "Not enough credits"}``. Cost: 1 finder credit
per email found; misses are free.
"""

from __future__ import annotations

from typing import Any

from cleanlist_server.domain.records import ProviderResult, Query
from cleanlist_server.engine.runner import ProviderBadResponse, ProviderQuotaExceeded
from cleanlist_server.providers.http import HttpProvider, VendorVerdict
from cleanlist_server.providers.vendors._group_b import (
    EMAIL_FIELDS,
    NAME_FIELDS,
    full_name,
    has_name_and_company,
    identifiers,
    obj,
)

# Findymail returns only addresses it has verified and gives no score of its own.
VERIFIED_CONFIDENCE = 0.9


class FindymailProvider(HttpProvider):
    name = "findymail"
    fields = NAME_FIELDS | EMAIL_FIELDS | {"company_domain", "company_website"}

    def accepts(self, query: Query) -> bool:
        ids = identifiers(query)
        return not query.email and bool(ids.get("linkedin_url") or has_name_and_company(ids))

    async def lookup(self, query: Query) -> ProviderResult:
        ids = identifiers(query)
        auth = {"Authorization": f"Bearer {self.key}", "Accept": "application/json"}
        body: dict[str, str | None]
        if "linkedin_url" in ids:
            path, body = "/api/search/linkedin", {"linkedin_url": ids["linkedin_url"]}
        else:  # "domain" may also be a company name
            company = ids.get("company_domain") or ids.get("company_name")
            path, body = "/api/search/name", {"name": full_name(ids), "domain": company}
        payload = await self.post_json(path, json=body, headers=auth, envelope=("contact",))
        contact = obj(obj(payload).get("contact"))
        if not contact.get("email"):
            return ProviderResult.miss(self.name)
        raw = {
            "email": contact["email"],
            "email_status": "valid",
            "full_name": contact.get("name"),
            "company_domain": contact.get("domain"),
        }
        return self.result(raw, confidence=VERIFIED_CONFIDENCE)

    def vendor_error(self, status: int, payload: Any) -> VendorVerdict:
        error = obj(payload).get("error") if status == 200 else None
        if not error:
            return None
        if "credit" in str(error).lower():
            return ProviderQuotaExceeded("findymail: out of credits (HTTP 200 error body)")
        return ProviderBadResponse("findymail: HTTP 200 carrying an error")


ADAPTER = FindymailProvider
