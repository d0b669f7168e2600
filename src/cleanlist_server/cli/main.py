"""The ``cleanlist`` command: serve, keys, import, credits, migrate, settings."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any, TypeVar

import orjson
import typer
from rich.console import Console
from rich.table import Table

from cleanlist_server import bootstrap
from cleanlist_server.config import Settings
from cleanlist_server.errors import ApiError
from cleanlist_server.services.imports import ImportOptions
from cleanlist_server.storage import accounts
from cleanlist_server.storage.migrate import migrate

app = typer.Typer(no_args_is_help=True, help="Self-hosted contact and lead enrichment API.")
keys_app = typer.Typer(no_args_is_help=True, help="Create, list and revoke API keys.")
credits_app = typer.Typer(no_args_is_help=True, help="Show and grant credits.")
app.add_typer(keys_app, name="keys")
app.add_typer(credits_app, name="credits")
# Piped output keeps whole lines (tables are not cut to 80 columns).
out = Console() if sys.stdout.isatty() else Console(width=200)
err = Console(stderr=True)
T = TypeVar("T")


def now() -> datetime:
    return datetime.now(UTC)


def run(work: Callable[[bootstrap.Container], Awaitable[T]]) -> T:
    """Migrate, build the container, run ``work``, close; API errors exit 1."""

    async def main() -> T:
        settings = Settings()
        await migrate(settings.database_url)
        container = bootstrap.build(settings)
        try:
            return await work(container)
        finally:
            await container.close()

    try:
        return asyncio.run(main())
    except ApiError as exc:
        err.print(f"[red]error:[/red] {exc.message}")
        raise typer.Exit(1) from None


async def _create_key(container: bootstrap.Container, account: str, mode: str) -> tuple[str, int]:
    async with container.db.write() as conn:
        account_id = await accounts.get_or_create_account(conn, account, now=now())
        return await accounts.create_key(conn, account_id, mode=mode, now=now())


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Bind address [CLEANLIST_HOST].")] = None,
    port: Annotated[int | None, typer.Option(help="Port [CLEANLIST_PORT].")] = None,
    workers: Annotated[int | None, typer.Option(help="Worker processes.")] = None,
    new_key: Annotated[
        str | None,
        typer.Option(help="Create an API key for this account first and print it."),
    ] = None,
) -> None:
    """Run the API server (migrations run first; data is kept across restarts)."""
    import uvicorn

    from cleanlist_server.bootstrap import verifier_config
    from cleanlist_server.verification import helo_warnings

    settings = Settings()
    for warning in helo_warnings(verifier_config(settings)):
        err.print(f"[yellow]warning:[/yellow] {warning}", highlight=False)
    asyncio.run(migrate(settings.database_url))
    if new_key:
        key, _ = run(lambda c: _create_key(c, new_key, "live"))
        out.print(f"API key for account [bold]{new_key}[/bold] (shown once):\n{key}")
    bind_host, bind_port = host or settings.host, port or settings.port
    out.print(f"Serving on http://{bind_host}:{bind_port}  (database: {settings.database_url})")
    uvicorn.run(
        "cleanlist_server.api.app:app_from_env",
        factory=True,
        host=bind_host,
        port=bind_port,
        workers=workers or settings.workers,
        log_level=settings.log_level,
        access_log=False,
    )


@app.command()
def demo(
    host: Annotated[str, typer.Option(help="Bind address.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.")] = 8000,
) -> None:
    """Start the sandbox market and the API on it, with a demo key, contacts and web events.

    Everything stays on loopback: 13 commercial vendors speaking their documented APIs,
    company websites and job boards (one HTTP server), DNS and SMTP hosts for the verifier
    (docs/sandbox-market.md, docs/sandbox.md). Every provider is enabled, with the
    market's keys; no key of any real vendor is needed. A new demo account also gets the
    market's site events (``sandbox/market/events.py``), as ``POST /v1/events`` would.
    """
    import os
    from importlib import resources

    import uvicorn

    from cleanlist_server.providers.config import KNOWN_PROVIDERS
    from cleanlist_server.sandbox.market.events import batches, market_events
    from cleanlist_server.sandbox.market.running import demo_market, mail_world, start_market
    from cleanlist_server.sandbox.world import default_world, start_world
    from cleanlist_server.storage.intent import has_events

    population = demo_market()
    spec = mail_world(population)
    for domain in default_world().domains:  # acme.test & co: the scripted mail behaviours
        spec.add(domain)
    world = start_world(spec)
    try:
        market = start_market(population, latency_scale=0.2, with_mail=False)
    except BaseException:
        world.stop()
        raise
    os.environ.update(
        {
            **world.env(),
            **market.env(),
            "CLEANLIST_PROVIDERS": ",".join(KNOWN_PROVIDERS),
            "CLEANLIST_ALLOW_TEST_DOMAINS": "true",
            "CLEANLIST_EGRESS_ALLOW": "127.0.0.0/8",
            "CLEANLIST_SMTP_HELO": "demo.cleanlist.test",
            "CLEANLIST_SMTP_FROM": "verify@demo.cleanlist.test",
        }
    )
    os.environ.setdefault("CLEANLIST_DATABASE_URL", "sqlite:///./data/demo.db")
    demo_csv = resources.files("cleanlist_server.sandbox") / "data" / "demo_contacts.csv"

    async def seed(c: bootstrap.Container) -> str:
        key, _ = await _create_key(c, "demo", "live")
        async with c.db.read() as conn:
            account_id = await accounts.account_id_by_name(conn, "demo")
        assert account_id is not None
        with demo_csv.open("rb") as handle:
            await c.importer.run(account_id, handle, filename="demo_contacts.csv")
        await c.credits.grant("demo", 1000, note="demo")
        async with c.db.read() as conn:
            seen = await has_events(conn, account_id)
        for batch in [] if seen else batches(market_events(population)):
            await c.events.record(account_id, batch)
        return key

    try:
        key = run(seed)
        print(f"demo API key (account 'demo'): {key}", flush=True)
        out.print(
            f"try: curl -s -X POST http://{host}:{port}/v1/enrich/contact "
            f'-H "Authorization: Bearer {key}" -H "Content-Type: application/json" '
            """-d '{"email": "maya.patel@northwind.test"}'""",
            highlight=False,
        )
        out.print(
            "and /v1/enrich/lead with the same body: her visit to pricing and demo request",
            highlight=False,
        )
        out.print(
            f"sandbox market at {market.url} ({len(market.vendors)} vendors, "
            f"{len(population.people)} people); your own contacts: jane@acme.test",
            highlight=False,
        )
        uvicorn.run(
            "cleanlist_server.api.app:app_from_env",
            factory=True,
            host=host,
            port=port,
            log_level="warning",
        )
    finally:
        market.stop()
        world.stop()


@app.command()
def verify(
    addresses: Annotated[list[str] | None, typer.Argument(help="Email addresses.")] = None,
    file: Annotated[
        Path | None,
        typer.Option("--file", "-f", help="A file with one address per line ('-' = stdin)."),
    ] = None,
) -> None:
    """Verify addresses live (syntax, DNS/MX, SMTP); print one JSON object per line."""
    from cleanlist_server.bootstrap import verifier_config
    from cleanlist_server.net.egress import EgressPolicy
    from cleanlist_server.verification import EmailVerifier, helo_warnings

    settings = Settings()
    config = verifier_config(settings)
    for warning in helo_warnings(config):
        err.print(f"[yellow]warning:[/yellow] {warning}", highlight=False)
    emails = list(addresses or []) + (list(_read_addresses(file)) if file else [])
    if not emails:
        err.print("[red]error:[/red] give addresses or --file")
        raise typer.Exit(2)
    policy = EgressPolicy.from_strings(settings.egress_allow, settings.egress_deny)

    async def work() -> None:
        verifier = EmailVerifier(config, policy)
        for start in range(0, len(emails), 1000):
            for result in await verifier.verify_many(emails[start : start + 1000]):
                sys.stdout.write(orjson.dumps(result.to_dict()).decode() + "\n")
                sys.stdout.flush()

    asyncio.run(work())


def _read_addresses(path: Path) -> list[str]:
    text = sys.stdin.read() if str(path) == "-" else path.read_text(encoding="utf-8-sig")
    lines = (line.strip() for line in text.splitlines())
    return [line for line in lines if line and not line.startswith("#")]


@app.command()
def providers(
    json_out: Annotated[
        bool, typer.Option("--json", help="Print JSON instead of a table.")
    ] = False,
) -> None:
    """List the configured providers: order, status, cost, observed hit rate and latency.

    Status is enabled, disabled, missing_key, or circuit_open (its breaker was open at
    the server's last report). Reads cleanlist.toml (CLEANLIST_CONFIG) and
    CLEANLIST_PROVIDER_* variables; keys are never printed. Observations (calls, hit
    rate, mean latency, errors by kind, reliability) are what every server process using
    this database recorded.
    """
    from cleanlist_server.engine.stats import Totals
    from cleanlist_server.providers.config import ProviderConfigError, load_provider_config

    try:
        config = load_provider_config()
    except ProviderConfigError as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from None
    observed = asyncio.run(_observed_stats())
    position = {name: i + 1 for i, name in enumerate(config.order)}
    rows = []
    for p in sorted(config.providers.values(), key=lambda p: position.get(p.name, 999)):
        seen = observed.get(p.name, Totals())
        status: str = p.status
        if status == "enabled" and seen.breaker == "open":
            status = "circuit_open"
        rows.append(
            {
                "name": p.name,
                "position": position.get(p.name),
                "status": status,
                "url": p.url,
                "timeout": p.timeout,
                "cost_per_call": p.cost_per_call,
                "cost_per_hit": p.cost_per_hit,
                **seen.as_dict(),
            }
        )
    if json_out:
        doc = {
            "strategy": config.strategy,
            "parallel": config.parallel,
            "order": list(config.order),
            "providers": rows,
        }
        sys.stdout.write(orjson.dumps(doc, option=orjson.OPT_INDENT_2).decode() + "\n")
        return
    table = Table(
        "#",
        "provider",
        "status",
        "cost/call",
        "cost/hit",
        "calls",
        "hit rate",
        "latency",
        "errors",
        "url",
    )
    for r in rows:
        table.add_row(
            str(r["position"] or "-"),
            str(r["name"]),
            str(r["status"]),
            f"{r['cost_per_call']:g}",
            f"{r['cost_per_hit']:g}",
            str(r["calls"]),
            "-" if r["hit_rate"] is None else f"{r['hit_rate']:.0%}",
            "-" if r["mean_latency_ms"] is None else f"{r['mean_latency_ms']:.0f} ms",
            ", ".join(f"{k} {v}" for k, v in sorted(r["errors"].items())) or "-",
            str(r["url"] or ""),
        )
    out.print(f"strategy: {config.strategy}" + (" (parallel)" if config.parallel else ""))
    out.print(table)


async def _observed_stats() -> dict[str, Any]:
    """Provider statistics stored by servers using this database ({} when there are none)."""
    from cleanlist_server.engine.stats import row_totals
    from cleanlist_server.storage.db import Database
    from cleanlist_server.storage.tables import provider_stats

    settings = Settings()
    await migrate(settings.database_url)
    db = Database(settings.database_url)
    try:
        async with db.read() as conn:
            rows = (await conn.execute(provider_stats.select())).mappings().all()
        return {row["name"]: row_totals(row) for row in rows}
    finally:
        await db.dispose()


@app.command("refresh-intent")
def refresh_intent(
    domain: Annotated[
        list[str] | None,
        typer.Option("--domain", "-d", help="Refresh this company domain now (repeatable)."),
    ] = None,
    limit: Annotated[
        int | None,
        typer.Option(min=1, help="Most domains due [CLEANLIST_INTENT_REFRESH_BATCH]."),
    ] = None,
    json_out: Annotated[bool, typer.Option("--json", help="One JSON report per line.")] = False,
) -> None:
    """Refresh companies' intent signals (job boards, website/DNS technologies, feeds).

    With --domain, those domains now; without, the domains that are due, as one cycle of
    the server's scheduler. Prints what each refresh found.
    """
    from cleanlist_server.normalize.domains import registrable_domain

    wanted = []
    for raw in domain or ():
        found = registrable_domain(raw)
        if found is None:
            err.print(f"[red]error:[/red] {raw!r} is not a domain name")
            raise typer.Exit(2)
        wanted.append(found)

    async def work(c: bootstrap.Container) -> list[dict[str, Any]]:
        if wanted:
            return [await c.intent.refresh(d) for d in dict.fromkeys(wanted)]
        return await c.intent.refresh_due(limit or c.settings.intent_refresh_batch)

    reports = run(work)
    for report in reports:
        if json_out:
            sys.stdout.write(orjson.dumps(report).decode() + "\n")
            continue
        hiring, tech = report["hiring"], report["technology"]
        signals = hiring.get("signals", []) + tech.get("signals", [])
        for name, feed in report.get("feeds", {}).items():
            signals += [f"{code} ({name})" for code in feed.get("signals", [])]
        out.print(
            f"{report['domain']}: {report['status']}; "
            f"boards {', '.join(hiring.get('boards', [])) or '-'} "
            f"({hiring.get('postings', 0)} postings); "
            f"technologies {', '.join(tech['technologies']) or '-'}; "
            f"signals {', '.join(signals) or '-'}"
            + (f"; errors: {'; '.join(report['errors'])}" if report["errors"] else ""),
            highlight=False,
        )
    if not reports and not json_out:
        out.print("no domain is due")


@app.command("migrate")
def migrate_cmd() -> None:
    """Bring the database to the newest schema (serve does this too)."""
    settings = Settings()
    asyncio.run(migrate(settings.database_url))
    out.print("database is up to date")


@keys_app.command("create")
def keys_create(
    account: Annotated[str, typer.Option(help="Account name (created if new).")],
    test: Annotated[bool, typer.Option("--test", help="A test-mode key (no credits).")] = False,
) -> None:
    """Create a key and print it once; only its hash is stored."""
    key, key_id = run(lambda c: _create_key(c, account, "test" if test else "live"))
    err.print(f"key id {key_id} for account {account!r}; store it now, it is not shown again:")
    print(key)


@keys_app.command("list")
def keys_list(
    account: Annotated[str | None, typer.Option(help="Only this account's keys.")] = None,
) -> None:
    """List keys (prefix only, never the secret)."""

    async def work(c: bootstrap.Container) -> list[accounts.KeyRecord]:
        async with c.db.read() as conn:
            return await accounts.list_keys(conn, account)

    table = Table("id", "account", "prefix", "mode", "created", "revoked")
    for k in run(work):
        revoked = k.revoked_at.isoformat(timespec="seconds") if k.revoked_at else ""
        created = k.created_at.isoformat(timespec="seconds")
        table.add_row(str(k.id), k.account_name, k.prefix + "…", k.mode, created, revoked)
    out.print(table)


@keys_app.command("revoke")
def keys_revoke(ident: Annotated[str, typer.Argument(help="Key id, prefix or the key.")]) -> None:
    """Revoke a key; requests with it get 401 from then on."""

    async def work(c: bootstrap.Container) -> list[int]:
        async with c.db.write() as conn:
            return await accounts.revoke_key(conn, ident, now=now())

    try:
        revoked = run(work)
    except ValueError as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(1) from None
    if not revoked:
        err.print(f"[red]error:[/red] no key matches {ident!r}")
        raise typer.Exit(1)
    out.print(f"revoked key {revoked[0]}")


@app.command("import")
def import_cmd(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="CSV file.")],
    account: Annotated[
        str, typer.Option(help="Account whose knowledge base gets the rows.")
    ] = "default",
    map_: Annotated[
        list[str] | None,
        typer.Option("--map", help="Column override source=target (repeatable)."),
    ] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Import contacts and companies (HubSpot, Salesforce, Sales Navigator, Apollo exports)."""
    settings = Settings()

    def on_reject(line: int, reason: str) -> None:
        err.print(f"line {line}: rejected: {reason}", highlight=False)

    async def work(c: bootstrap.Container) -> dict[str, Any]:
        async with c.db.write() as conn:
            account_id = await accounts.get_or_create_account(conn, account, now=now())
        options = ImportOptions(
            mapping=tuple(map_ or ()),
            default_region=settings.default_phone_region,
            error_limit=settings.import_error_limit,
        )
        with file.open("rb") as handle:
            report = await c.importer.run(
                account_id, handle, filename=file.name, options=options, on_reject=on_reject
            )
        return report.as_dict()

    report = run(work)
    if json_out:
        sys.stdout.write(orjson.dumps(report, option=orjson.OPT_INDENT_2).decode() + "\n")
        return
    out.print(
        f"{report['rows']} rows: {report['imported']} imported, {report['merged']} merged, "
        f"{report['unchanged']} unchanged, {report['rejected']} rejected "
        f"({report['dropped_values']} invalid values dropped)"
    )


@credits_app.command("grant")
def credits_grant(
    amount: Annotated[int, typer.Argument(help="Credits to add (negative corrects).")],
    account: Annotated[str, typer.Option(help="Account name.")],
    note: Annotated[str | None, typer.Option(help="Why, for the ledger.")] = None,
) -> None:
    """Top an account up with credits that never lapse."""
    balance = run(lambda c: c.credits.grant(account, amount, note=note))
    out.print(f"{account}: balance {balance.total} ({balance.free} free, {balance.paid} paid)")


@credits_app.command("show")
def credits_show(account: Annotated[str, typer.Option(help="Account name.")]) -> None:
    """Print an account's balance, grants and period as JSON."""

    async def work(c: bootstrap.Container) -> dict[str, Any]:
        async with c.db.read() as conn:
            account_id = await accounts.account_id_by_name(conn, account)
        if account_id is None:
            raise ApiError(f"No account named {account!r}.")
        return await c.credits.summary(account_id)

    sys.stdout.write(orjson.dumps(run(work), option=orjson.OPT_INDENT_2).decode() + "\n")


@app.command("settings")
def settings_cmd(
    markdown: Annotated[bool, typer.Option(help="Print the docs table.")] = False,
) -> None:
    """List every setting with its environment variable, default and meaning."""
    rows = settings_rows()
    if markdown:
        print(settings_markdown(rows))
        return
    table = Table("variable", "default", "description")
    for name, default, description in rows:
        table.add_row(name, default, description)
    out.print(table)


def settings_rows() -> list[tuple[str, str, str]]:
    rows = []
    for name, field in Settings.model_fields.items():
        default = "" if field.default is None else str(field.default)
        rows.append((f"CLEANLIST_{name.upper()}", default, field.description or ""))
    return rows


def settings_markdown(rows: list[tuple[str, str, str]]) -> str:
    lines = ["| variable | default | meaning |", "|---|---|---|"]
    lines += [f"| `{n}` | `{d}` | {desc} |" for n, d, desc in rows]
    return "\n".join(lines)


def main() -> None:
    app()
