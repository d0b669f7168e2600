"""One typed settings object, read once at the entrypoint and passed down.

Every field has a default and a description; ``docs/configuration.md`` is generated
from this class (``cleanlist settings --markdown``) and a test fails when it drifts.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite:///./data/cleanlist.db"


class Settings(BaseSettings):
    """Server configuration, from ``CLEANLIST_*`` environment variables."""

    model_config = SettingsConfigDict(env_prefix="CLEANLIST_", extra="ignore")

    database_url: str = Field(
        DEFAULT_DATABASE_URL,
        description=(
            "Where everything is stored. A SQLite file by default (created with its folder); "
            "`postgresql://user@host:5432/db` for the scale-out mode."
        ),
    )
    host: str = Field("127.0.0.1", description="Address `cleanlist serve` binds to.")
    port: int = Field(8000, ge=1, le=65535, description="Port `cleanlist serve` listens on.")
    workers: int = Field(1, ge=1, le=64, description="Uvicorn worker processes for `serve`.")
    free_monthly_credits: int = Field(
        30,
        ge=0,
        description=(
            "Credits every account is granted each calendar month (UTC); unused ones lapse."
        ),
    )
    max_body_bytes: int = Field(
        1_048_576,
        ge=1024,
        description="Largest JSON request body accepted; larger ones get 413.",
    )
    max_import_bytes: int = Field(
        1_073_741_824,
        ge=1024,
        description="Largest CSV upload accepted by `POST /v1/imports`; larger ones get 413.",
    )
    import_error_limit: int = Field(
        1000,
        ge=0,
        description="Rejected rows listed individually in an import report (all are counted).",
    )
    default_phone_region: str = Field(
        "US",
        description="ISO country assumed for phone numbers written without a country code.",
    )
    kb_fresh_days: int = Field(
        365,
        ge=1,
        description=(
            "Age after which a knowledge-base value counts as stale (lowers its confidence)."
        ),
    )
    idempotency_ttl_hours: int = Field(
        24, ge=1, description="How long an `Idempotency-Key` answer is kept for replay."
    )
    egress_allow: str = Field(
        "",
        description=(
            "Comma-separated CIDRs and host names outbound connections may reach. When set, "
            "everything else is refused (tests and the sandbox use `127.0.0.0/8`)."
        ),
    )
    egress_deny: str = Field(
        "",
        description=(
            "Comma-separated CIDRs and host names always refused. Private, loopback, link-local "
            "and metadata ranges are refused by default unless explicitly allowed."
        ),
    )
    dns_nameservers: str = Field(
        "",
        description=(
            "Comma-separated `host[:port]` DNS servers the email verifier asks; empty = the "
            "system's (/etc/resolv.conf). They must pass the egress policy."
        ),
    )
    dns_timeout: float = Field(3.0, gt=0, description="Seconds per DNS query try.")
    smtp_port: int = Field(25, ge=1, le=65535, description="Port of the mail servers probed.")
    smtp_helo: str = Field(
        "",
        description=(
            "EHLO name for SMTP checks; use a name you own (forward and reverse DNS of the "
            "egress IP). Empty = derived from this host, with a loud warning at start."
        ),
    )
    smtp_from: str = Field(
        "", description="MAIL FROM address for SMTP checks; empty = `verify@<helo>`."
    )
    smtp_proxy: str = Field(
        "", description="Optional SOCKS5 proxy for SMTP checks (`socks5://host:port`)."
    )
    smtp_starttls: bool = Field(True, description="Use STARTTLS when a mail server offers it.")
    smtp_connect_timeout: float = Field(
        10.0, gt=0, description="Seconds to connect to a mail server and read its greeting."
    )
    smtp_command_timeout: float = Field(10.0, gt=0, description="Seconds per SMTP command.")
    smtp_max_connections_per_mx: int = Field(
        5,
        ge=1,
        description=(
            "Concurrent connections to one mail server (politeness; Postfix itself delivers "
            "with up to 20 per destination)."
        ),
    )
    verify_deadline: float = Field(
        30.0, gt=0, description="Seconds one email check may take, everything included."
    )
    verify_batch_deadline: float = Field(
        900.0, gt=0, description="Seconds one batch of checks may take, greylist retries included."
    )
    verify_concurrency: int = Field(
        200, ge=1, description="SMTP sessions and DNS lookups in flight per process."
    )
    verify_cache_days: int = Field(
        30, ge=0, description="Days a stored email check is reused by contact enrichment."
    )
    greylist_retry_after: float = Field(
        60.0, gt=0, description="Seconds before a greylisted address is retried in a batch."
    )
    catch_all_ttl: int = Field(
        86400, ge=0, description="Seconds a domain's catch-all verdict is cached."
    )
    allow_test_domains: bool = Field(
        False,
        description=(
            "Let reserved names (.test, .example, ...) resolve through the configured DNS like "
            "any other domain; the sandbox and tests set it. Off: they are undeliverable."
        ),
    )
    extra_disposable_domains: str = Field(
        "", description="Comma-separated domains to treat as disposable, beside the bundled list."
    )
    extra_free_domains: str = Field(
        "", description="Comma-separated domains to treat as free mail providers."
    )
    extra_role_accounts: str = Field(
        "", description="Comma-separated local parts to treat as role accounts (info, sales, ...)."
    )
    intent_refresh_hours: int = Field(
        168,
        ge=0,
        description=(
            "Hours between refreshes of a company's intent signals (hiring, technology "
            "changes); the server's scheduler refreshes the domains that are due. 0 disables "
            "the schedule (`cleanlist refresh-intent` and first-use refreshes still run)."
        ),
    )
    intent_refresh_batch: int = Field(
        200, ge=1, description="Most domains the scheduler refreshes per hourly cycle."
    )
    intent_inline_timeout: float = Field(
        5.0,
        ge=0,
        description=(
            "Seconds a lead request waits for the first refresh of a company never refreshed "
            "before; the refresh goes on in the background after that. 0: never wait."
        ),
    )
    intent_half_life_days: float = Field(
        30.0,
        gt=0,
        le=3650,
        description=(
            "Days after which an intent signal counts half; the default of ICP profiles that "
            "set no `intent_half_life_days`."
        ),
    )
    intent_feeds: str = Field(
        "auto",
        description=(
            "Commercial intent feeds a refresh asks (vendors charge per signal): `auto` = "
            "every enabled provider with a key that offers one (Lusha company signals), "
            "`none` = no feed, or a comma-separated list of provider names."
        ),
    )
    job_board_urls: str = Field(
        "",
        description=(
            "Comma-separated `board=url` overrides of the job-board API bases (greenhouse, "
            "lever, ashby, workable); empty = their public APIs."
        ),
    )
    log_level: str = Field("info", description="Log level: debug, info, warning, error.")

    @field_validator("database_url")
    @classmethod
    def _strip(cls, value: str) -> str:
        return value.strip()

    @field_validator("intent_feeds")
    @classmethod
    def _feeds(cls, value: str) -> str:
        from cleanlist_server.providers.config import COMMERCIAL

        value = value.strip().lower()
        names = [n.strip() for n in value.split(",") if n.strip()]
        if value in ("auto", "none", ""):
            return value or "none"
        unknown = [n for n in names if n not in COMMERCIAL]
        if unknown:
            raise ValueError(f"not a commercial provider: {', '.join(unknown)}")
        return ",".join(names)

    def feed_names(self) -> tuple[str, ...] | None:
        """``CLEANLIST_INTENT_FEEDS`` as names (None: ``auto``, every capable provider)."""
        if self.intent_feeds == "auto":
            return None
        return () if self.intent_feeds == "none" else self.csv("intent_feeds")

    @field_validator("job_board_urls")
    @classmethod
    def _board_urls(cls, value: str) -> str:
        board_urls(value)
        return value

    def csv(self, name: str) -> tuple[str, ...]:
        """A comma-separated setting as a tuple of trimmed, non-empty items."""
        raw: str = getattr(self, name)
        return tuple(item.strip() for item in raw.split(",") if item.strip())

    def sqlite_path(self) -> Path | None:
        """The database file when the URL names a SQLite file, else None."""
        url = self.database_url
        if not url.startswith("sqlite"):
            return None
        path = url.split(":///", 1)[1] if ":///" in url else ""
        return None if path in ("", ":memory:") else Path(path)


JOB_BOARDS = ("greenhouse", "lever", "ashby", "workable")


def board_urls(value: str) -> dict[str, str]:
    """``CLEANLIST_JOB_BOARD_URLS`` as ``{board: base URL}``; a bad entry raises ValueError."""
    out: dict[str, str] = {}
    for item in value.split(","):
        if not item.strip():
            continue
        board, sep, url = (part.strip() for part in item.partition("="))
        if not sep or board.lower() not in JOB_BOARDS:
            raise ValueError(f"{item.strip()!r}: expected board=url, board one of {JOB_BOARDS}")
        if not url.startswith(("http://", "https://")):
            raise ValueError(f"{item.strip()!r}: the URL must start with http:// or https://")
        out[board.lower()] = url.rstrip("/")
    return out
