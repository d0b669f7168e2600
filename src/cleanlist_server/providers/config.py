"""Provider (waterfall) configuration: one TOML file plus environment overrides.

Sources, lowest to highest precedence:

1. built-in defaults (order ``kb, email_verifier, email_finder``, strategy ``static``);
2. the TOML file: ``path`` argument, else ``$CLEANLIST_CONFIG``, else ``./cleanlist.toml``
   when it exists;
3. environment variables: ``CLEANLIST_PROVIDERS``, ``CLEANLIST_STRATEGY`` and
   ``CLEANLIST_PROVIDER_<NAME>_<SETTING>``.

Every problem raises :class:`ProviderConfigError` naming the offending TOML key or
variable; a value is never echoed (it could be an API key). ``docs/providers-config.md``
describes the format.
"""

from __future__ import annotations

import math
import os
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, cast

__all__ = [
    "BUILT_IN",
    "COMMERCIAL",
    "DEFAULT_COSTS",
    "DEFAULT_ORDER",
    "DEFAULT_STRATEGY",
    "DEFAULT_URLS",
    "KNOWN_PROVIDERS",
    "STRATEGIES",
    "ProviderConfigError",
    "ProviderSettings",
    "ProviderStatus",
    "Strategy",
    "WaterfallConfig",
    "load_provider_config",
]

Strategy = Literal["static", "adaptive"]
ProviderStatus = Literal["enabled", "disabled", "missing_key"]

_BUILT_IN_ORDER = ("kb", "email_verifier", "email_finder", "phone", "website", "dns", "gravatar")
_COMMERCIAL_ORDER = (
    "apollo",
    "pdl",
    "hunter",
    "zerobounce",
    "neverbounce",
    "prospeo",
    "findymail",
    "dropcontact",
    "lusha",
    "rocketreach",
    "contactout",
    "snov",
    "leadmagic",
)

KNOWN_PROVIDERS: tuple[str, ...] = _BUILT_IN_ORDER + _COMMERCIAL_ORDER
BUILT_IN: frozenset[str] = frozenset(_BUILT_IN_ORDER)
COMMERCIAL: frozenset[str] = frozenset(_COMMERCIAL_ORDER)

#: Documented public API base URL of each commercial provider
#: (see the provider notes under shared/research/providers).
DEFAULT_URLS: dict[str, str] = {
    "apollo": "https://api.apollo.io",
    "pdl": "https://api.peopledatalabs.com",
    "hunter": "https://api.hunter.io",
    "zerobounce": "https://api.zerobounce.net",
    "neverbounce": "https://api.neverbounce.com",
    "prospeo": "https://api.prospeo.io",
    "findymail": "https://app.findymail.com",
    "dropcontact": "https://api.dropcontact.com",
    "lusha": "https://api.lusha.com",
    "rocketreach": "https://api.rocketreach.co",
    "contactout": "https://api.contactout.com",
    "snov": "https://api.snov.io",
    "leadmagic": "https://api.leadmagic.io",
    "gravatar": "https://api.gravatar.com",
    "website": "https://{domain}/",
}

#: Default cost of each commercial provider per call and per hit, in US cents, from its
#: public pricing (credits per lookup times the price of a credit on an entry plan; see
#: docs/providers-config.md). Override with ``cost_per_call`` / ``cost_per_hit``.
DEFAULT_COSTS: dict[str, tuple[float, float]] = {
    "apollo": (0.0, 2.0),
    "pdl": (0.0, 28.0),
    "hunter": (0.0, 4.9),
    "zerobounce": (0.8, 0.0),
    "neverbounce": (0.8, 0.0),
    "prospeo": (0.0, 3.9),
    "findymail": (0.0, 4.9),
    "dropcontact": (0.0, 9.0),
    "lusha": (0.0, 15.0),
    "rocketreach": (0.0, 18.0),
    "contactout": (0.0, 12.0),
    "snov": (0.0, 3.9),
    "leadmagic": (0.0, 2.5),
}

#: Waterfall used when neither the file nor the environment names one: the built-ins
#: that need no key and no network beyond DNS/SMTP (``website`` fetches company
#: homepages and ``gravatar`` sends email hashes to Gravatar: both are opt-in).
DEFAULT_ORDER: tuple[str, ...] = ("kb", "email_verifier", "email_finder", "phone", "dns")
DEFAULT_STRATEGY: Strategy = "static"
STRATEGIES: tuple[Strategy, ...] = ("static", "adaptive")

CONFIG_ENV = "CLEANLIST_CONFIG"
PROVIDERS_ENV = "CLEANLIST_PROVIDERS"
STRATEGY_ENV = "CLEANLIST_STRATEGY"
PARALLEL_ENV = "CLEANLIST_PARALLEL"
DEFAULT_CONFIG_FILE = "cleanlist.toml"
_PROVIDER_ENV_PREFIX = "CLEANLIST_PROVIDER_"


class ProviderConfigError(ValueError):
    """The provider configuration is invalid; the message names the key or variable."""


@dataclass(frozen=True)
class ProviderSettings:
    """Resolved settings of one provider. ``key`` never appears in ``repr``/``str``."""

    name: str
    enabled: bool
    key: str | None = field(default=None, repr=False)
    url: str | None = None
    timeout: float = 10.0
    retries: int = 2
    rate_per_second: float | None = None
    concurrency: int = 8
    cost_per_call: float = 0.0
    cost_per_hit: float = 0.0
    breaker_failures: int = 5
    breaker_reset: float = 30.0

    @property
    def status(self) -> ProviderStatus:
        """``disabled``; ``missing_key`` (enabled commercial provider without key); ``enabled``."""
        if not self.enabled:
            return "disabled"
        if self.name in COMMERCIAL and not self.key:
            return "missing_key"
        return "enabled"


@dataclass(frozen=True)
class WaterfallConfig:
    """The waterfall: enabled providers in order, the strategy, every known provider."""

    order: tuple[str, ...]
    strategy: Strategy
    providers: dict[str, ProviderSettings]
    parallel: bool = False
    """Call eligible providers concurrently (lower latency, more spend)."""


# --- value parsing -------------------------------------------------------------------
# Each parser takes the raw value (TOML value or environment string) and the name of
# its source (TOML key or variable) and returns the typed value or raises.

_Parser = Callable[[object, str], Any]


def _err(where: str, problem: str) -> ProviderConfigError:
    return ProviderConfigError(f"{where}: {problem}")


def _parse_bool(value: object, where: str) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        text = value.strip().lower()
        if text in ("1", "true", "yes", "on"):
            return True
        if text in ("0", "false", "no", "off"):
            return False
    raise _err(where, "expected a boolean (true/false)")


def _parse_str(value: object, where: str) -> str | None:
    if not isinstance(value, str):
        raise _err(where, "expected a string")
    text = value.strip()
    return text or None


def _parse_url(value: object, where: str) -> str | None:
    text = _parse_str(value, where)
    if text is None:
        return None
    if not text.startswith(("http://", "https://")) or len(text.split("://", 1)[1]) == 0:
        raise _err(where, "expected an http(s):// URL")
    return text.rstrip("/")


def _number(value: object, where: str, kind: type[int] | type[float]) -> float:
    if isinstance(value, bool):
        raise _err(where, f"expected {'an integer' if kind is int else 'a number'}")
    if isinstance(value, str):
        try:
            return kind(value.strip())
        except ValueError:
            raise _err(where, f"expected {'an integer' if kind is int else 'a number'}") from None
    if kind is int and isinstance(value, int):
        return value
    if kind is float and isinstance(value, (int, float)):
        return float(value)
    raise _err(where, f"expected {'an integer' if kind is int else 'a number'}")


def _int(minimum: int) -> _Parser:
    def parse(value: object, where: str) -> int:
        number = int(_number(value, where, int))
        if number < minimum:
            raise _err(where, f"must be >= {minimum}")
        return number

    return parse


def _float(*, positive: bool) -> _Parser:
    def parse(value: object, where: str) -> float:
        number = float(_number(value, where, float))
        if not math.isfinite(number):
            raise _err(where, "must be a finite number")
        if positive and number <= 0:
            raise _err(where, "must be > 0")
        if not positive and number < 0:
            raise _err(where, "must be >= 0")
        return number

    return parse


# TOML field -> (environment suffix, parser)
_FIELDS: dict[str, tuple[str, _Parser]] = {
    "enabled": ("ENABLED", _parse_bool),
    "key": ("KEY", _parse_str),
    "url": ("URL", _parse_url),
    "timeout": ("TIMEOUT", _float(positive=True)),
    "retries": ("RETRIES", _int(0)),
    "rate_per_second": ("RATE", _float(positive=True)),
    "concurrency": ("CONCURRENCY", _int(1)),
    "cost_per_call": ("COST_PER_CALL", _float(positive=False)),
    "cost_per_hit": ("COST_PER_HIT", _float(positive=False)),
    "breaker_failures": ("BREAKER_FAILURES", _int(1)),
    "breaker_reset": ("BREAKER_RESET", _float(positive=True)),
}
_SUFFIX_TO_FIELD = {suffix: name for name, (suffix, _) in _FIELDS.items()}


def env_var(provider: str, setting: str) -> str:
    """The environment variable of one provider setting (``setting`` as in TOML)."""
    return f"{_PROVIDER_ENV_PREFIX}{provider.upper()}_{_FIELDS[setting][0]}"


def _parse_names(items: list[str], where: str) -> tuple[str, ...]:
    seen: list[str] = []
    for raw in items:
        name = raw.strip().lower()
        if name not in KNOWN_PROVIDERS:
            raise _err(where, f"unknown provider {name!r} (known: {', '.join(KNOWN_PROVIDERS)})")
        if name in seen:
            raise _err(where, f"provider {name!r} listed twice")
        seen.append(name)
    return tuple(seen)


def _parse_strategy(value: object, where: str) -> Strategy:
    if isinstance(value, str) and value.strip().lower() in STRATEGIES:
        return cast(Strategy, value.strip().lower())
    raise _err(where, f"expected one of {', '.join(STRATEGIES)}")


# --- file ----------------------------------------------------------------------------


def _config_path(env: Mapping[str, str], path: Path | None) -> Path | None:
    if path is not None:
        if not path.is_file():
            raise ProviderConfigError(f"config file not found: {path}")
        return path
    configured = env.get(CONFIG_ENV, "").strip()
    if configured:
        candidate = Path(configured)
        if not candidate.is_file():
            raise ProviderConfigError(f"{CONFIG_ENV}: config file not found: {candidate}")
        return candidate
    default = Path(DEFAULT_CONFIG_FILE)
    return default if default.is_file() else None


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise ProviderConfigError(f"{path}: invalid TOML ({exc})") from None
    except OSError as exc:
        raise ProviderConfigError(f"{path}: cannot read ({exc.strerror})") from None


class _Draft:
    """Mutable accumulator while layering defaults, file and environment."""

    def __init__(self) -> None:
        self.order: tuple[str, ...] = DEFAULT_ORDER
        self.strategy: Strategy = DEFAULT_STRATEGY
        self.parallel = False
        self.values: dict[str, dict[str, Any]] = {name: {} for name in KNOWN_PROVIDERS}


def _apply_file(draft: _Draft, data: dict[str, Any], path: Path) -> None:
    prefix = f"{path}: "
    for top in data:
        if top not in ("waterfall", "providers"):
            raise ProviderConfigError(f"{prefix}unknown key {top!r}")
    waterfall = data.get("waterfall", {})
    if not isinstance(waterfall, dict):
        raise ProviderConfigError(f"{prefix}'waterfall' must be a table")
    for key in waterfall:
        if key not in ("order", "strategy", "parallel"):
            raise ProviderConfigError(f"{prefix}unknown key 'waterfall.{key}'")
    if "order" in waterfall:
        order = waterfall["order"]
        if not isinstance(order, list) or not all(isinstance(item, str) for item in order):
            raise ProviderConfigError(f"{prefix}waterfall.order: expected a list of names")
        draft.order = _parse_names(order, f"{prefix}waterfall.order")
    if "strategy" in waterfall:
        draft.strategy = _parse_strategy(waterfall["strategy"], f"{prefix}waterfall.strategy")
    if "parallel" in waterfall:
        draft.parallel = _parse_bool(waterfall["parallel"], f"{prefix}waterfall.parallel")
    providers = data.get("providers", {})
    if not isinstance(providers, dict):
        raise ProviderConfigError(f"{prefix}'providers' must be a table")
    for name, table in providers.items():
        if name not in KNOWN_PROVIDERS:
            raise ProviderConfigError(
                f"{prefix}providers.{name}: unknown provider (known: {', '.join(KNOWN_PROVIDERS)})"
            )
        if not isinstance(table, dict):
            raise ProviderConfigError(f"{prefix}providers.{name} must be a table")
        for key, value in table.items():
            where = f"{prefix}providers.{name}.{key}"
            if key not in _FIELDS:
                raise ProviderConfigError(f"{prefix}unknown key 'providers.{name}.{key}'")
            draft.values[name][key] = _FIELDS[key][1](value, where)


# --- environment ---------------------------------------------------------------------


def _split_provider_var(var: str) -> tuple[str, str] | None:
    """``CLEANLIST_PROVIDER_EMAIL_FINDER_KEY`` -> ``("email_finder", "key")``."""
    rest = var[len(_PROVIDER_ENV_PREFIX) :]
    for suffix, setting in _SUFFIX_TO_FIELD.items():
        if rest.endswith("_" + suffix):
            name = rest[: -len(suffix) - 1].lower()
            if name in KNOWN_PROVIDERS:
                return name, setting
    return None


def _apply_env(draft: _Draft, env: Mapping[str, str]) -> None:
    listed = env.get(PROVIDERS_ENV, "").strip()
    if listed:
        draft.order = _parse_names([i for i in listed.split(",") if i.strip()], PROVIDERS_ENV)
        # The list is the enabled set: file-level enabled flags no longer apply.
        for values in draft.values.values():
            values.pop("enabled", None)
    strategy = env.get(STRATEGY_ENV, "").strip()
    if strategy:
        draft.strategy = _parse_strategy(strategy, STRATEGY_ENV)
    parallel = env.get(PARALLEL_ENV, "").strip()
    if parallel:
        draft.parallel = _parse_bool(parallel, PARALLEL_ENV)
    for var in sorted(env):
        if not var.startswith(_PROVIDER_ENV_PREFIX):
            continue
        raw = env[var]
        split = _split_provider_var(var)
        if split is None:
            raise ProviderConfigError(
                f"{var}: unknown provider or setting "
                f"(expected {_PROVIDER_ENV_PREFIX}<NAME>_<SETTING>, NAME one of "
                f"{', '.join(n.upper() for n in KNOWN_PROVIDERS)}; SETTING one of "
                f"{', '.join(_SUFFIX_TO_FIELD)})"
            )
        if not raw.strip():
            continue  # an empty variable counts as unset
        name, setting = split
        draft.values[name][setting] = _FIELDS[setting][1](raw, var)


# --- entry point ---------------------------------------------------------------------


def load_provider_config(
    env: Mapping[str, str] | None = None, path: Path | None = None
) -> WaterfallConfig:
    """Resolve the waterfall from defaults, the TOML file and the environment.

    ``env`` defaults to ``os.environ``. A provider is enabled when it is in the order,
    unless its ``enabled`` setting says otherwise; ``enabled = true`` on a provider not
    in the order appends it. The resulting ``order`` lists only enabled providers
    (commercial ones without a key included: their status is ``missing_key``).
    """
    environ: Mapping[str, str] = os.environ if env is None else env
    draft = _Draft()
    config_path = _config_path(environ, path)
    if config_path is not None:
        _apply_file(draft, _read_toml(config_path), config_path)
    _apply_env(draft, environ)

    providers: dict[str, ProviderSettings] = {}
    for name in KNOWN_PROVIDERS:
        values = dict(draft.values[name])
        enabled = bool(values.pop("enabled", name in draft.order))
        if values.get("url") is None:
            values["url"] = DEFAULT_URLS.get(name)
        call, hit = DEFAULT_COSTS.get(name, (0.0, 0.0))
        values.setdefault("cost_per_call", call)
        values.setdefault("cost_per_hit", hit)
        providers[name] = ProviderSettings(name=name, enabled=enabled, **values)

    order = [name for name in draft.order if providers[name].enabled]
    order += [name for name in KNOWN_PROVIDERS if providers[name].enabled and name not in order]
    return WaterfallConfig(
        order=tuple(order), strategy=draft.strategy, providers=providers, parallel=draft.parallel
    )
