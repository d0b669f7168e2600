"""Lusha: Person API v2 (contacts) and Company Signals v3 (an ``IntentFeed``).

Person: ``GET /v2/person`` by email, LinkedIn URL, or name and company.
Docs: https://docs.lusha.com/apis/openapi (v2). Key in the ``api_key`` header. Not found is
HTTP 200 with ``contact.error.name == "EMPTY_DATA"`` (or a 404); out of credits is HTTP 402.
Any other 200 must be ``{"contact": {"data": ...}}``: a body without them is a bad response.
Cost: a credit when a contact is returned (``isCreditCharged``); misses are not charged.

Company signals (``company_signals``, docs/intent-feeds.md). v3 takes Lusha company ids, so
the domain is resolved first: ``POST /v3/companies/search`` with ``{"companies":
[{"clientReferenceId", "domain"}]}``; a result carrying ``error`` (``NOT_FOUND``), or none,
is a miss (a 200 without ``results``, from either call, is a bad response). Then ``POST
/v3/companies/signals`` with ``{"ids", "signalTypes": FEED_TYPES, "startDate",
"maxResultsPerSignal"}``: each result carries ``id``, ``companyName``, ``domain`` and one
array per requested type, its items dated by ``signalDate`` (news: ``articlePublishedDate``,
else ``eventEffectiveDate``). ``signal_code`` maps the types to our codes. Docs:
https://docs.lusha.com/api-reference/signals/company-signals.md and
https://docs.lusha.com/signals/company-signals.md (envelope; v3 OpenAPI
``V3CompanySignalsResponse``); item fields as in the v2 signal examples, since the v3 schema
leaves items open. Lusha charges per matched signal: ``SIGNAL_CREDITS`` credits, each
priced like a hit (``cost_per_hit``), is ``cost_per_signal``. Only buying intent is asked
for and mapped: decreases (headcount, traffic, IT spend) and risk news are no reason to
buy, would cost credits, and are skipped if they come.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime, time
from typing import Any

from cleanlist_server.domain.enums import Department
from cleanlist_server.domain.records import ProviderResult, Query
from cleanlist_server.engine.runner import ProviderBadResponse
from cleanlist_server.intent.feeds import FeedItem, merge_items
from cleanlist_server.intent.jobs import IntentSignalData, department_code
from cleanlist_server.normalize.titles import classify_department
from cleanlist_server.providers.http import (
    MISS,
    HttpProvider,
    VendorVerdict,
    expect_envelope,
    parse_date,
)
from cleanlist_server.providers.vendors._group_b import (
    EMAIL_FIELDS,
    LOCATION_FIELDS,
    NAME_FIELDS,
    PHONE_FIELDS,
    TITLE_FIELDS,
    first_last,
    grade_confidence,
    identifiers,
    latest,
    obj,
    objs,
    retry_after_from,
    span_of,
)

NO_EMAIL_CONFIDENCE = 0.75  # phones and firmographics only: Lusha grades emails, nothing else
SIGNAL_CREDITS = 1.0
"""Credits per matched company signal (Lusha's ``showSignalsCompany`` action; assumed 1)."""
MAX_PER_TYPE = 5
FEED_TYPES = (
    "surgeInHiring", "surgeInHiringByDepartment", "surgeInHiringByLocation",
    "headcountIncrease1m", "headcountIncrease3m", "headcountIncrease6m", "headcountIncrease12m",
    "websiteTrafficIncrease", "itSpendIncrease", "commercialActivityNews",
    "corporateStrategyNews", "financialEventsNews", "peopleNews", "marketIntelligenceNews",
    "productActivityNews",
)  # fmt: skip
"""The signal types asked for: those that make a lead more likely to buy."""
CODES = {
    "surgeInHiring": "hiring_surge",
    "surgeInHiringByLocation": "hiring_location_surge",
    "websiteTrafficIncrease": "web_traffic_surge",
    "itSpendIncrease": "it_spend_increase",
}
"""Fixed mappings; ``signal_code`` derives the others (headcount, departments, news)."""
_IDENTITY = frozenset({"companyId", "companyName", "domain", "signalId", "signalDate"})


class LushaProvider(HttpProvider):
    name = "lusha"
    fields = (
        NAME_FIELDS
        | TITLE_FIELDS
        | EMAIL_FIELDS
        | LOCATION_FIELDS
        | PHONE_FIELDS
        | {"personal_email", "linkedin_url", "twitter_url", "job_start_date"}
        | {"company_name", "company_domain", "company_website", "company_description"}
        | {"company_size", "company_revenue", "company_hq_location", "company_hq_city"}
        | {"company_hq_country", "company_linkedin_url"}
    )
    # 412: the name is not a valid first + last name; 451: GDPR, Lusha may not return this
    # contact. Both say "no answer for this input", not that the provider is in trouble.
    not_found = frozenset({404, 412, 451})

    def accepts(self, query: Query) -> bool:
        return self._params(identifiers(query)) is not None

    async def lookup(self, query: Query) -> ProviderResult:
        params = self._params(identifiers(query))
        assert params is not None
        payload = await self.get_json(
            "/v2/person", params=params, headers=self._auth, envelope=("contact",)
        )
        if payload is None:
            return ProviderResult.miss(self.name)
        contact = expect_envelope(payload["contact"], ("data",), f"{self.name} GET /v2/person")
        data = obj(contact["data"])
        if not data:
            return ProviderResult.miss(self.name)
        emails = objs(data.get("emailAddresses"))
        phones = objs(data.get("phoneNumbers"))
        work = next((e for e in emails if _kind(e) != "private"), {})
        private = next((e for e in emails if _kind(e) == "private"), {})
        mobile = next((p for p in phones if _kind(p) == "mobile"), {})
        direct = next((p for p in phones if _kind(p) != "mobile"), {})
        raw = {
            "email": work.get("address") or work.get("email"),
            "personal_email": private.get("address") or private.get("email"),
            "mobile": mobile.get("number"),
            "phone": direct.get("number"),
            **_person(data),
            **_company(obj(data.get("company"))),
        }
        graded = work.get("emailConfidence") or private.get("emailConfidence")
        seen = latest(data.get("updateDate"), *(x.get("updateDate") for x in emails + phones))
        confidence = grade_confidence(graded, NO_EMAIL_CONFIDENCE)
        return self.result(raw, observed_at=seen, confidence=confidence)

    @staticmethod
    def _params(ids: Mapping[str, str]) -> dict[str, str] | None:
        """One documented identifier set: email, else LinkedIn, else name and company."""
        if "email" in ids:
            return {"email": ids["email"]}
        if "linkedin_url" in ids:
            return {"linkedinUrl": ids["linkedin_url"]}
        names = first_last(ids)
        if names is None:
            return None
        if "company_domain" in ids:
            company = {"companyDomain": ids["company_domain"]}
        elif "company_name" in ids:
            company = {"companyName": ids["company_name"]}
        else:
            return None
        return {"firstName": names[0], "lastName": names[1], **company}

    def vendor_error(self, status: int, payload: Any) -> VendorVerdict:
        error = obj(obj(payload).get("contact")).get("error") if status == 200 else None
        if not error:
            return None
        if obj(error).get("name") == "EMPTY_DATA":
            return MISS
        return ProviderBadResponse("lusha: HTTP 200 carrying a contact error")

    @property
    def cost_per_signal(self) -> float:
        return SIGNAL_CREDITS * self.cost_per_hit

    async def company_signals(self, domain: str, since: datetime) -> list[IntentSignalData]:
        """The company's Lusha signals since ``since`` (``[]`` when Lusha does not know it)."""
        company_id = await self._company_id(domain)
        if company_id is None:
            return []
        body = {
            "ids": [company_id],
            "signalTypes": list(FEED_TYPES),
            "startDate": since.astimezone(UTC).date().isoformat(),
            "maxResultsPerSignal": MAX_PER_TYPE,
        }
        payload = await self.post_json(
            "/v3/companies/signals", json=body, headers=self._auth, envelope=("results",)
        )
        results = objs(obj(payload).get("results"))
        result = next((r for r in results if str(r.get("id")) == company_id), {})
        items = [item for kind, found in result.items() for item in feed_items(kind, found)]
        day = datetime.combine(since.astimezone(UTC).date(), time(), UTC)  # startDate is a day
        return merge_items(items, source=self.name, since=day, now=self.clock())

    async def _company_id(self, domain: str) -> str | None:
        body = {"companies": [{"clientReferenceId": "1", "domain": domain}]}
        payload = await self.post_json(
            "/v3/companies/search", json=body, headers=self._auth, envelope=("results",)
        )
        found = next(iter(objs(obj(payload).get("results"))), {})
        company_id = found.get("id")
        if found.get("error") or company_id is None or str(company_id) == "":
            return None
        return str(company_id)

    @property
    def _auth(self) -> dict[str, str]:
        return {"api_key": self.key}

    def interpret(
        self, status: int, headers: Mapping[str, str], content: bytes, where: str
    ) -> Any | None:
        # A 429 says when the window reopens in the RateLimit-Reset header (seconds).
        if status == 429:
            headers = retry_after_from(headers, "ratelimit-reset")
        return super().interpret(status, headers, content, where)


def signal_code(vendor_type: str, item: Mapping[str, Any]) -> str | None:
    """Our code for a Lusha company signal type (None: not mapped, the item is skipped)."""
    if vendor_type in CODES:
        return CODES[vendor_type]
    if vendor_type.startswith("headcountIncrease"):
        return "headcount_growth"
    if vendor_type == "surgeInHiringByDepartment":
        department = classify_department(str(item.get("department") or ""))
        return None if department in (None, Department.OTHER) else department_code(department)
    if vendor_type.endswith("News") and vendor_type not in ("News", "riskNews"):
        return "news_" + re.sub(r"(?<!^)(?=[A-Z])", "_", vendor_type[: -len("News")]).lower()
    return None


def feed_items(vendor_type: str, found: Any) -> list[FeedItem]:
    """The dated, mapped items of one signal array of a result (other keys give none)."""
    out = []
    for item in objs(found):
        code = signal_code(vendor_type, item)
        when = parse_date(
            item.get("signalDate") or item.get("articlePublishedDate")
            or item.get("eventEffectiveDate")
        )  # fmt: skip
        if code is None or when is None:
            continue
        detail = {
            k: v[:300] if isinstance(v, str) else v
            for k, v in item.items()
            if k not in _IDENTITY and isinstance(v, str | int | float | bool)
        }
        out.append(FeedItem(code, when.astimezone(UTC), vendor_type, detail))
    return out


def _kind(item: Mapping[str, Any]) -> str:
    """``type``/``emailType``/``phoneType`` (the single and bulk examples differ), lowered."""
    return str(item.get("type") or item.get("emailType") or item.get("phoneType") or "").lower()


def _person(data: Mapping[str, Any]) -> dict[str, Any]:
    location, social = obj(data.get("location")), obj(data.get("socialLinks"))
    return {
        "first_name": data.get("firstName"),
        "last_name": data.get("lastName"),
        "full_name": data.get("fullName"),
        "title": obj(data.get("jobTitle")).get("title"),
        "job_start_date": data.get("jobStartDate"),
        "linkedin_url": social.get("linkedin"),
        "twitter_url": social.get("xUrl"),
        "city": location.get("city"),
        "state": location.get("state"),
        "country": location.get("country"),
    }


def _company(company: Mapping[str, Any]) -> dict[str, Any]:
    domains, location = obj(company.get("domains")), obj(company.get("location"))
    return {
        "company_name": company.get("name"),
        "company_description": company.get("description"),
        "company_domain": company.get("fqdn") or domains.get("email"),
        "company_website": domains.get("homepage"),
        "company_size": span_of(company.get("companySize")),
        "company_revenue": span_of(company.get("revenueRange")),
        "company_hq_city": location.get("city"),
        "company_hq_country": location.get("country"),
        "company_linkedin_url": obj(company.get("social")).get("linkedin"),
    }


ADAPTER = LushaProvider
