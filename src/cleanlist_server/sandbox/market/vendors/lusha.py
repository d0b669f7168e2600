"""Lusha's wire format: Person API v2 and the v3 company search and Company Signals.

- ``GET /v2/person`` (https://docs.lusha.com/apis/openapi): a miss is HTTP 200 with
  ``contact.error`` ``EMPTY_DATA``. ``score`` is rendered as the email's
  ``emailConfidence`` grade and ``observed_at`` as ``updateDate``.
- ``POST /v3/companies/search`` (v3 OpenAPI ``searchCompanies``): ``{"companies":
  [{"clientReferenceId", "id" | "domain" | "name"}]}``, 1-100; each a preview (``id``,
  ``name``, ``domain`` as ``www.<domain>``, ``employeeCount``, ``industry``, ``location``,
  ``socialLinks``, ``has``) or ``{"clientReferenceId", "error": {"code": "NOT_FOUND"}}``.
- ``POST /v3/companies/signals`` (https://docs.lusha.com/api-reference/signals/
  company-signals.md): ``{"ids", "signalTypes", "startDate", "maxResultsPerSignal"}``;
  one result per id (``id``, ``companyName``, ``domain``, then one array per requested type,
  empty when nothing matched; an id Lusha does not cover is a ``NOT_FOUND`` entry), plus
  ``startDate``, ``endDate`` and ``billing``. Items as in Lusha's signal examples.

Key in the ``api_key`` header. Errors are ``{"statusCode": ..., "message": ...}``; out of
credits is HTTP 402; 429 carries the ``RateLimit-*`` headers. A company's id is
``stable_id(domain)`` as a string (the person API's ``companyId``).

**Signals from the truth** (``truth_signals``): the company's ``events.company_events`` (as
of the population's ``today``) as ``surgeInHiring``, ``surgeInHiringByDepartment`` (in
Lusha's department labels, ``DEPARTMENTS``) and ``headcountIncrease<1m|3m|6m|12m>`` items.
Only companies the vendor's view covers (``view.company``) have signals. The truth is the
``population`` of the market's view (the core wraps it to count hits); a view without one
(a test's ``FakeView``) knows no signals.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from cleanlist_server.domain.enums import Department
from cleanlist_server.sandbox.market.events import company_events
from cleanlist_server.sandbox.market.model import Population, TrueCompany
from cleanlist_server.sandbox.market.vendors._group_b import (
    bounds,
    domain_of,
    enough,
    grade,
    iso_date,
    location_text,
    phone_text,
    reply,
    stable_hex,
    stable_id,
    text,
)
from cleanlist_server.sandbox.market.wire import (
    ErrorKind,
    MarketRequest,
    MarketResponse,
    VendorCompanyRecord,
    VendorRecord,
    VendorView,
)

RATE_HEADERS = {"RateLimit-Limit": "60", "RateLimit-Remaining": "0", "RateLimit-Reset": "1"}
ERRORS: dict[ErrorKind, tuple[int, str, dict[str, str]]] = {
    "auth": (401, "Invalid API key", {}),
    "quota": (402, "Your account requires payment", {}),
    "rate_limited": (429, "Hourly rate limit exceeded", RATE_HEADERS),
    "server": (500, "Internal server error", {}),
}
NOT_FOUND = {"code": "NOT_FOUND", "message": "Company not found"}
EMPTY_DATA = {"code": 3, "name": "EMPTY_DATA", "message": "Could not find requested data"}
SIGNAL_TYPES = (
    "linkedinActivityIntent", "websiteTrafficDecrease", "websiteTrafficIncrease",
    "itSpendIncrease", "itSpendDecrease", "surgeInHiring", "headcountIncrease1m",
    "headcountIncrease3m", "headcountIncrease6m", "headcountIncrease12m", "headcountDecrease1m",
    "headcountDecrease3m", "headcountDecrease6m", "headcountDecrease12m",
    "surgeInHiringByDepartment", "surgeInHiringByLocation", "riskNews", "commercialActivityNews",
    "corporateStrategyNews", "financialEventsNews", "peopleNews", "marketIntelligenceNews",
    "productActivityNews",
)  # fmt: skip
"""The documented ``signalTypes`` (besides ``allSignals``)."""
DEFAULT_SINCE = timedelta(days=180)
"""Without ``startDate``: the last six months (the documented default of the v2 calls)."""
DEPARTMENTS = {
    Department.EXECUTIVE: "General Management", Department.SALES: "Sales",
    Department.MARKETING: "Marketing", Department.ENGINEERING: "Engineering & Technical",
    Department.PRODUCT: "Product", Department.DESIGN: "Product",
    Department.DATA: "Research & Analytics", Department.IT: "Information Technology",
    Department.OPERATIONS: "Operations", Department.FINANCE: "Finance",
    Department.HR: "Human Resources", Department.LEGAL: "Legal",
    Department.CUSTOMER_SUCCESS: "Customer Service", Department.RESEARCH: "Research & Analytics",
    Department.OTHER: "Other",
}  # fmt: skip
"""Our departments in Lusha's (coarser) department taxonomy."""
SENIORITY = {
    "owner": "Founder",
    "c_level": "Executive",
    "vp": "VP",
    "director": "Director",
    "manager": "Manager",
    "individual_contributor": "Senior",
    "entry": "Entry",
}


def _fail(status: int, message: str, headers: Mapping[str, str] | None = None) -> MarketResponse:
    return reply(status, {"statusCode": status, "message": message}, headers)


class LushaWire:
    name = "lusha"

    def key_of(self, request: MarketRequest) -> str | None:
        return request.headers.get("api_key")

    def error(self, kind: ErrorKind, request: MarketRequest) -> MarketResponse:
        return _fail(*ERRORS[kind])

    def handle(self, request: MarketRequest, view: VendorView) -> MarketResponse:
        route = (request.method, request.path.rstrip("/"))
        if route == ("POST", "/v3/companies/search"):
            return _search(request.json(), view)
        if route == ("POST", "/v3/companies/signals"):
            return _signals(request.json(), view)
        if route != ("GET", "/v2/person"):
            return _fail(404, "Resource not found")
        q = request.query
        lookup = {
            "email": text(q.get("email")),
            "linkedin_url": text(q.get("linkedinUrl")),
            "first_name": text(q.get("firstName")),
            "last_name": text(q.get("lastName")),
            "company_domain": domain_of(q.get("companyDomain")),
            "company_name": text(q.get("companyName")),
        }
        if not enough(lookup):
            return _fail(400, "Provide email, linkedinUrl, or firstName, lastName and a company")
        record = view.person(**lookup)
        if record is None:
            contact = {"error": EMPTY_DATA, "isCreditCharged": False, "data": None}
        else:
            contact = {"error": None, "isCreditCharged": True, "data": _data(record)}
        return reply(200, {"contact": contact})


def _data(record: VendorRecord) -> dict[str, Any]:
    f, updated = record.fields, iso_date(record.observed_at)
    emails = [
        {
            "address": f[key],
            "type": kind,
            "emailConfidence": grade(record.score),
            "updateDate": updated,
        }
        for key, kind in (("email", "work"), ("personal_email", "private"))
        if f.get(key)
    ]
    phones = [
        {"number": phone_text(f[key]), "phoneType": kind, "doNotCall": False, "updateDate": updated}
        for key, kind in (("phone", "Direct"), ("mobile", "Mobile"))
        if f.get(key) and not (key == "phone" and f[key] == f.get("mobile"))
    ]
    return {
        "companyId": stable_id(f.get("company_domain")) if f.get("company_name") else None,
        "firstName": f.get("first_name"),
        "lastName": f.get("last_name"),
        "fullName": f.get("full_name"),
        "emailAddresses": emails,
        "phoneNumbers": phones,
        "location": {
            "country": f.get("country"),
            "countryIso2": f.get("country_code"),
            "continent": None,
            "rawLocation": location_text(f.get("city"), f.get("state"), f.get("country")),
            "city": f.get("city"),
            "state": f.get("state"),
            "stateCode": None,
            "isEuContact": None,
        },
        "jobTitle": {
            "seniority": SENIORITY.get(str(f.get("seniority"))),
            "title": f.get("title"),
            "departments": [f["department"]] if f.get("department") else [],
        },
        "socialLinks": {"linkedin": f.get("linkedin_url"), "xUrl": f.get("twitter_url")},
        "jobStartDate": f.get("job_start_date"),
        "personId": stable_id(record.person_id),
        "updateDate": updated,
        "company": _company(f),
    }


def _company(f: Mapping[str, Any]) -> dict[str, Any] | None:
    if not f.get("company_name"):
        return None
    domain = f.get("company_domain")
    size, revenue = bounds(f.get("company_size")), bounds(f.get("company_revenue"))
    return {
        "name": f["company_name"],
        "description": f.get("company_description"),
        "domains": {
            "homepage": f.get("company_website") or (f"https://{domain}" if domain else None),
            "email": domain,
        },
        "fqdn": domain,
        "location": {
            "country": f.get("company_hq_country"),
            "countryIso2": None,
            "continent": None,
            "rawLocation": f.get("company_hq_location"),
            "city": f.get("company_hq_city"),
            "state": None,
        },
        "companySize": list(size) if size[0] is not None else None,
        "revenueRange": list(revenue) if revenue[0] is not None else None,
        "logoUrl": None,
        "social": {"linkedin": f.get("company_linkedin_url"), "crunchbase": None},
    }


WIRE = LushaWire()


# --- v3 companies -------------------------------------------------------------------------


def _population(view: VendorView) -> Population | None:
    inner = getattr(view, "view", view)  # the core's counting wrapper holds the MarketView
    population = getattr(inner, "population", None)
    return population if isinstance(population, Population) else None


def company_id(domain: str) -> str:
    return str(stable_id(domain))


def _by_id(view: VendorView, wanted: str) -> VendorCompanyRecord | None:
    population = _population(view)
    if population is None:
        return None
    found = (c for c in population.companies.values() if company_id(c.domain) == wanted)
    company = next(found, None)
    return view.company(domain=company.domain) if company is not None else None


def _items(body: Any, key: str) -> list[Any] | None:
    items = body.get(key) if isinstance(body, dict) else None
    return items if isinstance(items, list) and 1 <= len(items) <= 100 else None


def _search(body: Any, view: VendorView) -> MarketResponse:
    companies = _items(body, "companies")
    if companies is None or not all(isinstance(c, dict) for c in companies):
        return _fail(400, "companies must hold 1 to 100 company objects")
    results = []
    for item in companies:
        ref = {"clientReferenceId": text(item.get("clientReferenceId"))}
        if text(item.get("id")):
            record = _by_id(view, str(text(item.get("id"))))
        else:
            record = view.company(domain=domain_of(item.get("domain")), name=text(item.get("name")))
        if record is None:
            results.append({**ref, "error": NOT_FOUND})
        else:
            results.append({**ref, **_preview(record.fields)})
    found = sum("error" not in r for r in results)
    return reply(
        200,
        {
            "requestId": _request_id("search", body),
            "results": results,
            "billing": {"creditsCharged": found, "resultsReturned": found},
        },
    )


def _preview(f: Mapping[str, Any]) -> dict[str, Any]:
    domain = str(f.get("company_domain") or "")
    low, high = bounds(f.get("company_size"))
    has = [k for k, field in (("description", "company_description"),) if f.get(field)]
    return {
        "id": company_id(domain),
        "name": f.get("company_name"),
        "domain": f"www.{domain}",
        "employeeCount": {"exact": f.get("company_employee_count"), "min": low, "max": high},
        "industry": f.get("company_industry"),
        "location": {"city": f.get("company_hq_city"), "country": f.get("company_hq_country")},
        "socialLinks": {"linkedin": f.get("company_linkedin_url")},
        "has": [*has, "logoUrl", "socialLinks"],
    }


@dataclass(frozen=True)
class _SignalQuery:
    ids: list[str]
    types: tuple[str, ...]
    cap: int
    start: date | None


def _signal_query(body: Any) -> _SignalQuery | MarketResponse:
    """The documented request, or the 400 it deserves."""
    ids, types = _items(body, "ids"), _items(body, "signalTypes")
    if ids is None or not all(isinstance(i, str | int) for i in ids):
        return _fail(400, "ids must hold 1 to 100 company ids")
    known = {"allSignals", *SIGNAL_TYPES}
    if types is None or not all(isinstance(t, str) and t in known for t in types):
        return _fail(400, f"signalTypes must be among: {', '.join(sorted(known))}")
    cap = body.get("maxResultsPerSignal", 10)
    if isinstance(cap, bool) or not isinstance(cap, int) or not 1 <= cap <= 100:
        return _fail(400, "maxResultsPerSignal must be an integer from 1 to 100")
    try:
        start = date.fromisoformat(str(body["startDate"])) if "startDate" in body else None
    except ValueError:
        return _fail(400, "startDate must be a date, YYYY-MM-DD")
    wanted = SIGNAL_TYPES if "allSignals" in types else tuple(dict.fromkeys(types))
    return _SignalQuery([str(i) for i in ids], wanted, cap, start)


def _signals(body: Any, view: VendorView) -> MarketResponse:
    query = _signal_query(body)
    if isinstance(query, MarketResponse):
        return query
    population = _population(view)
    today = (population.today if population else None) or date.today()
    start = (query.start or today - DEFAULT_SINCE).isoformat()
    results: list[dict[str, Any]] = []
    for wanted_id in query.ids:
        record = _by_id(view, wanted_id)
        if record is None or population is None:
            results.append({"id": wanted_id, "error": NOT_FOUND})
            continue
        truth = population.companies[record.company_id]
        found = truth_signals(population, truth)
        result: dict[str, Any] = {
            "id": wanted_id,
            "companyName": truth.name,
            "domain": truth.domain,
        }
        for kind in query.types:
            result[kind] = [i for i in found.get(kind, []) if i["signalDate"] >= start][: query.cap]
        results.append(result)
    charged = sum(len(v) for r in results for v in r.values() if isinstance(v, list))
    billing = {"creditsCharged": charged, "resultsReturned": len(results)}
    body = {"results": results, "startDate": start, "endDate": today.isoformat()}
    return reply(200, {**body, "billing": billing})


def _request_id(*parts: Any) -> str:
    h = stable_hex(*parts, length=32)
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def truth_signals(population: Population, company: TrueCompany) -> dict[str, list[dict[str, Any]]]:
    """The company's ``events.company_events`` as Lusha's signal items, by signal type."""
    found = company_events(population, company)
    base = {
        "companyId": company_id(company.domain),
        "companyName": company.name,
        "domain": company.domain,
    }

    def item(kind: str, day: date, **fields: Any) -> dict[str, Any]:
        signal_id = str(stable_id(company.id, kind, day, *fields.values()))
        return {**base, "signalId": signal_id, "signalDate": day.isoformat(), **fields}

    out: dict[str, list[dict[str, Any]]] = {}
    if (h := found.hiring) is not None:
        rate = _rate(h.last_4_weeks / 4, h.weekly_before)
        out["surgeInHiring"] = [
            item(
                "surgeInHiring",
                h.day,
                newJobsPostedLastWeek=h.last_week,
                historicalAvg=h.weekly_before,
                changeRatePercent=rate,
            )
        ]
    departments = [
        item(
            "surgeInHiringByDepartment",
            d.day,
            department=DEPARTMENTS[d.department],
            newJobsPostedLast4Weeks=d.last_4_weeks,
            historicalAvg=d.per_4_weeks_before,
            changeRatePercent=_rate(d.last_4_weeks, d.per_4_weeks_before),
        )
        for d in found.departments
    ]
    if departments:
        out["surgeInHiringByDepartment"] = departments
    for g in found.headcount:
        out[f"headcountIncrease{g.period}"] = [
            item(
                f"headcountIncrease{g.period}",
                g.day,
                baselineEmployeesCount=g.baseline,
                newEmployeesCount=g.employees,
                changeRatePercent=_rate(g.employees, g.baseline),
            )
        ]
    return out


def _rate(now: float, before: float) -> int:
    return round((now - before) / before * 100) if before else 100
