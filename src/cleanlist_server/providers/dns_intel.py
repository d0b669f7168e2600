"""What a company's public DNS says about the software it uses.

Free, no key: three kinds of records every mail-sending company publishes.

- MX: who receives its mail (Google Workspace, Microsoft 365, Zoho, a security gateway such
  as Proofpoint or Mimecast ...). Authoritative and current: mail would bounce otherwise.
- SPF (``v=spf1`` TXT): ``include:``/``redirect=`` targets name every service allowed to
  send mail as the domain (Salesforce, HubSpot, Mailchimp, SendGrid, Zendesk ...). Includes
  pointing into the company's own domain (``include:_spf.acme.com``) are followed, up to
  ``MAX_OWN_INCLUDES`` extra lookups (best effort: a failing nested lookup is skipped).
- TXT verification records (``google-site-verification=``, ``MS=``, ``docusign=``,
  ``atlassian-domain-verification=`` ...): a service once verified the domain.

The answer is one canonical field, ``company_tech_stack``: the sorted product names found,
the mail provider included. Its confidence is the lowest prior among the kinds of evidence
that contributed (``CONFIDENCE``): MX 0.95 (it is how mail is routed now), SPF 0.85 (current
senders, but includes linger after a contract ends), TXT 0.75 (verification records are
rarely removed when a subscription is cancelled).

The tables are ``providers/data/dns_signatures.json`` (``load_signatures``); the sandbox
(``sandbox/market/dnsdata.py``) publishes its records from the same table.

Lookups use the verifier's resolver (``verification.resolver.DnspythonResolver``): the same
nameservers (``dns_nameservers``), per-try timeout and lifetime, the same egress checks.
NXDOMAIN, or nothing recognisable, is a miss; a timeout raises ``ProviderTimeout``, SERVFAIL
or REFUSED ``ProviderUnavailable``, and nameservers all refused by the egress policy a
non-retryable ``ProviderError``.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from importlib import resources
from typing import Any, Literal, Protocol

from cleanlist_server.domain.records import FieldValue, ProviderResult, Query
from cleanlist_server.engine.runner import ProviderTimeout
from cleanlist_server.net.egress import EgressPolicy
from cleanlist_server.providers.base import ProviderError, ProviderUnavailable
from cleanlist_server.verification.config import VerifierConfig
from cleanlist_server.verification.resolver import DnspythonResolver, DnsStatus, MxAnswer

__all__ = [
    "CONFIDENCE",
    "DnsFacts",
    "DnsProvider",
    "DnspythonIntelResolver",
    "Evidence",
    "IntelResolver",
    "MailProviderSignature",
    "Signatures",
    "ToolSignature",
    "TxtAnswer",
    "analyze",
    "is_spf",
    "load_signatures",
    "spf_targets",
]

EvidenceKind = Literal["mx", "spf", "txt"]
CONFIDENCE: dict[EvidenceKind, float] = {"mx": 0.95, "spf": 0.85, "txt": 0.75}
MAX_OWN_INCLUDES = 3

_HOSTNAME = re.compile(r"^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$")
_SPF_TERM = re.compile(r"^[+\-~?]?(include:|redirect=|exists:)(.+)$", re.IGNORECASE)


# --- the signature table ----------------------------------------------------------------


@dataclass(frozen=True)
class MailProviderSignature:
    key: str
    """The sandbox's ``TrueCompany.mail_provider`` value (``google``, ``microsoft`` ...)."""
    name: str
    """The product name reported in ``company_tech_stack``."""
    mx: tuple[str, ...]
    spf: tuple[str, ...]
    spf_example: str | None
    records: tuple[tuple[int, str], ...]
    """Typical MX records (templates: ``{slug}``, ``{digits}``), for the sandbox."""


@dataclass(frozen=True)
class ToolSignature:
    name: str
    spf: tuple[str, ...]
    spf_example: str | None
    txt: tuple[str, ...]
    txt_example: str | None


@dataclass(frozen=True)
class Signatures:
    mail_providers: tuple[MailProviderSignature, ...]
    tools: tuple[ToolSignature, ...]

    def mail_provider(self, key: str) -> MailProviderSignature | None:
        return next((m for m in self.mail_providers if m.key == key), None)

    def tool(self, name: str) -> ToolSignature | None:
        return next((t for t in self.tools if t.name == name), None)


@lru_cache(maxsize=1)
def load_signatures() -> Signatures:
    """The table of ``providers/data/dns_signatures.json``."""
    path = resources.files("cleanlist_server.providers") / "data" / "dns_signatures.json"
    data: dict[str, Any] = json.loads(path.read_text("utf-8"))
    mail = tuple(
        MailProviderSignature(
            key=entry["key"],
            name=entry["name"],
            mx=_lower(entry.get("mx", ())),
            spf=_lower(entry.get("spf", ())),
            spf_example=entry.get("spf_example"),
            records=tuple((int(pref), str(host)) for pref, host in entry.get("records", ())),
        )
        for entry in data["mail_providers"]
    )
    tools = tuple(
        ToolSignature(
            name=entry["name"],
            spf=_lower(entry.get("spf", ())),
            spf_example=entry.get("spf_example"),
            txt=tuple(entry.get("txt", ())),
            txt_example=entry.get("txt_example"),
        )
        for entry in data["tools"]
    )
    return Signatures(mail, tools)


def _lower(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(_host(item) for item in items)


# --- pure analysis ----------------------------------------------------------------------


@dataclass(frozen=True)
class Evidence:
    product: str
    kind: EvidenceKind
    detail: str
    """The MX host, SPF target or TXT prefix that matched."""


@dataclass(frozen=True)
class DnsFacts:
    mail_provider: str | None
    """Key of the provider behind the most preferred recognised MX (``google`` ...)."""
    evidence: tuple[Evidence, ...]

    @property
    def products(self) -> list[str]:
        return sorted({e.product for e in self.evidence})

    @property
    def confidence(self) -> float:
        kinds = {e.kind for e in self.evidence}
        return min((CONFIDENCE[k] for k in kinds), default=0.0)


def is_spf(text: str) -> bool:
    head = text.strip()[:7].lower()
    return head == "v=spf1" or head == "v=spf1 "


def spf_targets(text: str) -> list[str]:
    """The domains an SPF record delegates to (``include:``, ``redirect=``, ``exists:``).

    Macros are dropped: ``exists:%{i}._spf.mta.salesforce.com`` gives
    ``_spf.mta.salesforce.com``.
    """
    if not is_spf(text):
        return []
    out: list[str] = []
    for term in text.split()[1:]:
        match = _SPF_TERM.match(term)
        if match is None:
            continue
        target = match.group(2)
        if "%{" in target:
            target = target.rsplit("}", 1)[-1].lstrip(".")
        target = _host(target)
        if target and "%" not in target:
            out.append(target)
    return out


def analyze(
    mx: Iterable[tuple[int, str]],
    txt: Iterable[str],
    *,
    signatures: Signatures | None = None,
) -> DnsFacts:
    """Recognise products in MX records (preference, host) and TXT strings."""
    table = signatures or load_signatures()
    evidence: list[Evidence] = []
    mail_provider = None
    for _, host in sorted((int(p), _host(h)) for p, h in mx):
        for sig in table.mail_providers:
            if host and _suffix_match(host, sig.mx):
                evidence.append(Evidence(sig.name, "mx", host))
                mail_provider = mail_provider or sig.key
                break
    texts = list(txt)
    senders: list[MailProviderSignature | ToolSignature] = [*table.mail_providers, *table.tools]
    for target in (t for text in texts for t in spf_targets(text)):
        for named in senders:
            if _suffix_match(target, named.spf):
                evidence.append(Evidence(named.name, "spf", target))
                break
    for text in texts:
        folded = text.strip().casefold()
        for tool in table.tools:
            prefix = next((p for p in tool.txt if folded.startswith(p.casefold())), None)
            if prefix is not None:
                evidence.append(Evidence(tool.name, "txt", prefix))
                break
    return DnsFacts(mail_provider, tuple(dict.fromkeys(evidence)))


def _suffix_match(host: str, suffixes: Sequence[str]) -> bool:
    return any(host == s or host.endswith("." + s) for s in suffixes)


def _host(name: str) -> str:
    return name.strip().rstrip(".").lower()


# --- the resolver -------------------------------------------------------------------------


@dataclass(frozen=True)
class TxtAnswer:
    status: DnsStatus
    texts: tuple[str, ...] = ()
    """One string per TXT record, its character-strings concatenated (RFC 7208 3.3)."""


class IntelResolver(Protocol):
    async def mx(self, domain: str) -> MxAnswer: ...

    async def txt(self, name: str) -> TxtAnswer: ...


class DnspythonIntelResolver(DnspythonResolver):
    """The verifier's resolver (same nameservers, timeouts, egress checks) plus TXT."""

    async def txt(self, name: str) -> TxtAnswer:
        status, answer = await self._query(name, "TXT")
        if answer is None:
            return TxtAnswer(status)
        texts = tuple(
            b"".join(getattr(record, "strings", ())).decode("utf-8", "replace") for record in answer
        )
        return TxtAnswer(DnsStatus.OK, texts)


# --- the provider -------------------------------------------------------------------------


class DnsProvider:
    """``company_tech_stack`` from MX, SPF and TXT records; see the module docstring."""

    name = "dns"
    requires_key = False
    cost_per_call = 0.0
    cost_per_hit = 0.0
    fields = frozenset({"company_tech_stack"})
    reads = frozenset({"company_domain"})
    """What it looks at: asked again (free) when the employer's domain changes in a run."""

    def __init__(
        self,
        config: VerifierConfig,
        policy: EgressPolicy,
        *,
        resolver: IntelResolver | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.resolver: IntelResolver = resolver or DnspythonIntelResolver(config, policy)
        self.clock = clock

    def accepts(self, query: Query) -> bool:
        return _domain(query) is not None

    async def lookup(self, query: Query) -> ProviderResult:
        domain = _domain(query)
        if domain is None:
            return ProviderResult.miss(self.name)
        mx, txt = await asyncio.gather(self.resolver.mx(domain), self.resolver.txt(domain))
        _raise_for(domain, "MX", mx.status)
        _raise_for(domain, "TXT", txt.status)
        if DnsStatus.NXDOMAIN in (mx.status, txt.status):
            return ProviderResult.miss(self.name)
        texts = list(txt.texts) + await self._own_includes(domain, txt.texts)
        facts = analyze(((r.preference, r.host) for r in mx.records), texts)
        if not facts.evidence:
            return ProviderResult.miss(self.name)
        value = FieldValue(facts.products, self.name, self.clock(), facts.confidence)
        return ProviderResult(
            self.name,
            matched=True,
            fields={"company_tech_stack": value},
            about={"company_domain": domain},
        )

    async def _own_includes(self, domain: str, texts: Sequence[str]) -> list[str]:
        """SPF records of includes inside the company's own domain, a few levels deep."""
        seen: set[str] = {domain}
        found: list[str] = []
        pending = _own_targets(domain, texts, seen)
        while pending and len(seen) <= MAX_OWN_INCLUDES:
            batch = pending[: MAX_OWN_INCLUDES + 1 - len(seen)]
            seen.update(batch)
            answers = await asyncio.gather(*(self.resolver.txt(name) for name in batch))
            spf = [t for a in answers if a.status is DnsStatus.OK for t in a.texts if is_spf(t)]
            found += spf
            pending = _own_targets(domain, spf, seen)
        return found


def _own_targets(domain: str, texts: Iterable[str], seen: set[str]) -> list[str]:
    targets = (t for text in texts for t in spf_targets(text))
    own = [t for t in targets if t.endswith("." + domain) and t not in seen]
    return list(dict.fromkeys(own))


def _raise_for(domain: str, rtype: str, status: DnsStatus) -> None:
    where = f"dns {rtype} {domain}"
    if status is DnsStatus.TIMEOUT:
        raise ProviderTimeout(f"{where}: timed out")
    if status is DnsStatus.ERROR:
        raise ProviderUnavailable(f"{where}: the nameserver failed (SERVFAIL/REFUSED)")
    if status is DnsStatus.DENIED:
        raise ProviderError(f"{where}: no configured nameserver is allowed by the egress policy")


def _domain(query: Query) -> str | None:
    value = query.value("company_domain")
    if not isinstance(value, str):
        return None
    host = _host(value)
    return host if _HOSTNAME.match(host) else None
