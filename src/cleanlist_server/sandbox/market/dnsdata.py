"""DNS records of the sandbox market's companies, from the dns provider's own table.

One source of truth: ``providers/data/dns_signatures.json``, read through
``providers.dns_intel.load_signatures``, so whatever the generator publishes the dns
provider recognises, by the same names.

- ``MAIL_PROVIDERS``: ``TrueCompany.mail_provider`` key -> its MX records (preference,
  host), e.g. ``"google": ((1, "aspmx.l.google.com"), (5, "alt1.aspmx.l.google.com"), ...)``.
  ``"self"`` is not in it: a self-hosted domain gets ``mx1.<domain>`` (``mx_records`` does
  that, and personalises tenant-specific hosts such as ``<slug>.mail.protection.outlook.com``).
- ``SAAS_TOOLS``: the product names the generator may put in ``TrueCompany.saas_tools``.
- ``txt_records(company)``: the apex TXT records: an SPF record including the mail
  provider's and each tool's sending domain, and each tool's verification record.

Every TXT string stays within the 255 bytes of one DNS character-string (the sandbox DNS
server sends each as one string). When the includes do not fit in one SPF record they are
spread over several ``v=spf1`` records: a sandbox simplification (real DNS would chain them
through ``include:_spf.<domain>`` sub-records, which the dns provider also follows).
"""

from __future__ import annotations

from cleanlist_server.providers.dns_intel import load_signatures

from .model import TrueCompany
from .sites import fill_placeholders

__all__ = ["MAIL_PROVIDERS", "MAX_TXT_LENGTH", "SAAS_TOOLS", "mx_records", "txt_records"]

MAX_TXT_LENGTH = 255
_GENERIC_SEED = "tenant.sandbox"


def _mail_providers() -> dict[str, tuple[tuple[int, str], ...]]:
    return {
        sig.key: tuple((pref, fill_placeholders(host, _GENERIC_SEED)) for pref, host in sig.records)
        for sig in load_signatures().mail_providers
    }


MAIL_PROVIDERS: dict[str, tuple[tuple[int, str], ...]] = _mail_providers()
"""Mail provider key -> MX (preference, host) records; tenant-specific parts generic."""

SAAS_TOOLS: tuple[str, ...] = tuple(tool.name for tool in load_signatures().tools)
"""Product names the generator may pick for ``TrueCompany.saas_tools``."""


def mx_records(company: TrueCompany) -> tuple[tuple[int, str], ...]:
    """The MX records of ``company``: its provider's, personalised; ``mx1.<domain>`` for a
    self-hosted (or unknown) provider."""
    sig = load_signatures().mail_provider(company.mail_provider)
    if sig is None:
        return ((10, f"mx1.{company.domain}"),)
    return tuple((pref, fill_placeholders(host, company.domain)) for pref, host in sig.records)


def txt_records(company: TrueCompany) -> tuple[str, ...]:
    """The apex TXT records of ``company``: SPF first, then verification records.

    Tools missing from the table are skipped (they would be invisible in real DNS too).
    """
    table = load_signatures()
    domain = company.domain
    includes: list[str] = []
    verifications: list[str] = []
    mail = table.mail_provider(company.mail_provider)
    if mail is not None and mail.spf_example:
        includes.append(fill_placeholders(mail.spf_example, f"{domain}:{mail.key}"))
    for name in company.saas_tools:
        tool = table.tool(name)
        if tool is None:
            continue
        seed = f"{domain}:{tool.name}"
        if tool.spf_example:
            includes.append(fill_placeholders(tool.spf_example, seed))
        if tool.txt:
            template = tool.txt_example or tool.txt[0] + "{hex}"
            verifications.append(fill_placeholders(template, seed))
    base = "v=spf1 mx" if mail is None else "v=spf1"
    return (*_spf_records(base, list(dict.fromkeys(includes))), *verifications)


def _spf_records(base: str, includes: list[str]) -> list[str]:
    tail = " ~all"
    records: list[str] = []
    current = base
    for target in includes:
        term = f" include:{target}"
        if len(current) + len(term) + len(tail) > MAX_TXT_LENGTH and current != base:
            records.append(current + tail)
            current = "v=spf1"
        current += term
    records.append(current + tail)
    return records
