"""Provider configuration: defaults, TOML file, environment overrides, errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from cleanlist_server.providers.config import (
    BUILT_IN,
    COMMERCIAL,
    DEFAULT_COSTS,
    DEFAULT_ORDER,
    DEFAULT_URLS,
    KNOWN_PROVIDERS,
    ProviderConfigError,
    ProviderSettings,
    WaterfallConfig,
    load_provider_config,
)

SECRET = "sk-live-VERY-SECRET-123"


@pytest.fixture(autouse=True)
def _empty_cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep a stray ./cleanlist.toml in the repo from leaking into the tests."""
    monkeypatch.chdir(tmp_path)


def write(tmp_path: Path, text: str, name: str = "conf.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def load(tmp_path: Path, toml: str | None = None, **env: str) -> WaterfallConfig:
    path = write(tmp_path, toml) if toml is not None else None
    return load_provider_config(env=env, path=path)


# --- constants -----------------------------------------------------------------------


def test_known_providers_order_and_partition() -> None:
    assert KNOWN_PROVIDERS[:7] == (
        "kb",
        "email_verifier",
        "email_finder",
        "phone",
        "website",
        "dns",
        "gravatar",
    )
    assert KNOWN_PROVIDERS[7:] == (
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
    assert set(KNOWN_PROVIDERS) == BUILT_IN | COMMERCIAL
    assert not BUILT_IN & COMMERCIAL
    assert set(DEFAULT_URLS) == COMMERCIAL | {"gravatar", "website"}
    assert set(DEFAULT_COSTS) == COMMERCIAL
    assert all(url.startswith("https://") for url in DEFAULT_URLS.values())
    assert DEFAULT_URLS["dropcontact"] == "https://api.dropcontact.com"


# --- defaults ------------------------------------------------------------------------


def test_defaults_when_nothing_configured(tmp_path: Path) -> None:
    config = load(tmp_path)
    assert config.order == DEFAULT_ORDER == ("kb", "email_verifier", "email_finder", "phone", "dns")
    assert config.strategy == "static"
    assert set(config.providers) == set(KNOWN_PROVIDERS)
    kb = config.providers["kb"]
    assert kb == ProviderSettings(name="kb", enabled=True)
    assert (kb.timeout, kb.retries, kb.rate_per_second, kb.concurrency) == (10.0, 2, None, 8)
    assert (kb.cost_per_call, kb.cost_per_hit) == (0.0, 0.0)
    assert (kb.breaker_failures, kb.breaker_reset) == (5, 30.0)
    assert config.providers["apollo"].status == "disabled"
    assert config.providers["apollo"].url == "https://api.apollo.io"
    assert config.providers["phone"].url is None


def test_default_file_in_cwd_is_read(tmp_path: Path) -> None:
    write(tmp_path, '[waterfall]\norder = ["dns"]\n', name="cleanlist.toml")
    assert load_provider_config(env={}).order == ("dns",)


def test_cleanlist_config_variable_names_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, '[waterfall]\norder = ["phone"]\n', name="other.toml")
    write(tmp_path, '[waterfall]\norder = ["dns"]\n', name="cleanlist.toml")
    assert load_provider_config(env={"CLEANLIST_CONFIG": str(path)}).order == ("phone",)


def test_path_argument_wins_over_cleanlist_config(tmp_path: Path) -> None:
    a = write(tmp_path, '[waterfall]\norder = ["phone"]\n', name="a.toml")
    b = write(tmp_path, '[waterfall]\norder = ["dns"]\n', name="b.toml")
    assert load_provider_config(env={"CLEANLIST_CONFIG": str(a)}, path=b).order == ("dns",)


# --- file only -----------------------------------------------------------------------

FULL_TOML = f"""
[waterfall]
order = ["kb", "apollo", "hunter", "email_finder"]
strategy = "adaptive"

[providers.apollo]
key = "{SECRET}"
url = "https://apollo.example/"
timeout = 4.5
retries = 0
rate_per_second = 2
concurrency = 3
cost_per_call = 0.01
cost_per_hit = 0.05
breaker_failures = 7
breaker_reset = 60

[providers.hunter]
enabled = false
key = "h"

[providers.gravatar]
enabled = true
"""


def test_file_only(tmp_path: Path) -> None:
    config = load(tmp_path, FULL_TOML)
    assert config.strategy == "adaptive"
    # hunter disabled by its table, gravatar appended by enabled = true
    assert config.order == ("kb", "apollo", "email_finder", "gravatar")
    apollo = config.providers["apollo"]
    assert apollo == ProviderSettings(
        name="apollo",
        enabled=True,
        key=SECRET,
        url="https://apollo.example",
        timeout=4.5,
        retries=0,
        rate_per_second=2.0,
        concurrency=3,
        cost_per_call=0.01,
        cost_per_hit=0.05,
        breaker_failures=7,
        breaker_reset=60.0,
    )
    assert apollo.status == "enabled"
    assert config.providers["hunter"].status == "disabled"
    assert config.providers["email_verifier"].status == "disabled"


def test_empty_file_gives_defaults(tmp_path: Path) -> None:
    assert load(tmp_path, "").order == DEFAULT_ORDER


# --- env only ------------------------------------------------------------------------


def test_env_only(tmp_path: Path) -> None:
    config = load(
        tmp_path,
        CLEANLIST_PROVIDERS=" Hunter , kb,",
        CLEANLIST_STRATEGY="ADAPTIVE",
        CLEANLIST_PROVIDER_HUNTER_KEY=SECRET,
    )
    assert config.order == ("hunter", "kb")
    assert config.strategy == "adaptive"
    assert config.providers["hunter"].key == SECRET
    assert config.providers["hunter"].status == "enabled"
    assert config.providers["email_verifier"].enabled is False


def test_env_none_reads_os_environ(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLEANLIST_PROVIDERS", "dns")
    assert load_provider_config().order == ("dns",)


# --- env wins over file --------------------------------------------------------------


def test_env_wins_over_file(tmp_path: Path) -> None:
    config = load(
        tmp_path,
        FULL_TOML,
        CLEANLIST_PROVIDERS="hunter,apollo",
        CLEANLIST_STRATEGY="static",
        CLEANLIST_PROVIDER_APOLLO_TIMEOUT="1",
        CLEANLIST_PROVIDER_APOLLO_KEY="env-key",
    )
    # the env list is the enabled set: the file's hunter enabled=false and gravatar
    # enabled=true no longer apply
    assert config.order == ("hunter", "apollo")
    assert config.strategy == "static"
    apollo = config.providers["apollo"]
    assert apollo.timeout == 1.0
    assert apollo.key == "env-key"
    assert apollo.retries == 0  # untouched file values survive
    assert config.providers["gravatar"].enabled is False


def test_env_enabled_flag_wins_over_list(tmp_path: Path) -> None:
    config = load(
        tmp_path,
        CLEANLIST_PROVIDERS="kb,dns",
        CLEANLIST_PROVIDER_DNS_ENABLED="false",
        CLEANLIST_PROVIDER_PHONE_ENABLED="yes",
    )
    assert config.order == ("kb", "phone")


def test_empty_env_values_count_as_unset(tmp_path: Path) -> None:
    config = load(
        tmp_path,
        FULL_TOML,
        CLEANLIST_PROVIDERS="",
        CLEANLIST_STRATEGY=" ",
        CLEANLIST_PROVIDER_APOLLO_KEY="",
        CLEANLIST_CONFIG="",
    )
    assert config.order == ("kb", "apollo", "email_finder", "gravatar")
    assert config.providers["apollo"].key == SECRET


# --- every override ------------------------------------------------------------------

OVERRIDES: list[tuple[str, str, str, Any]] = [
    ("KEY", "abc", "key", "abc"),
    ("URL", "http://localhost:9000/", "url", "http://localhost:9000"),
    ("TIMEOUT", "2.5", "timeout", 2.5),
    ("RETRIES", "4", "retries", 4),
    ("RATE", "0.5", "rate_per_second", 0.5),
    ("CONCURRENCY", "16", "concurrency", 16),
    ("COST_PER_CALL", "0.002", "cost_per_call", 0.002),
    ("COST_PER_HIT", "0.1", "cost_per_hit", 0.1),
    ("BREAKER_FAILURES", "3", "breaker_failures", 3),
    ("BREAKER_RESET", "12", "breaker_reset", 12.0),
    ("ENABLED", "true", "enabled", True),
]


@pytest.mark.parametrize(("suffix", "raw", "attribute", "expected"), OVERRIDES)
@pytest.mark.parametrize("provider", ["email_verifier", "zerobounce"])
def test_every_env_override(
    tmp_path: Path, provider: str, suffix: str, raw: str, attribute: str, expected: Any
) -> None:
    var = f"CLEANLIST_PROVIDER_{provider.upper()}_{suffix}"
    settings = load(tmp_path, **{var: raw}).providers[provider]
    assert getattr(settings, attribute) == expected


@pytest.mark.parametrize(("suffix", "raw", "attribute", "expected"), OVERRIDES)
def test_every_env_override_beats_file(
    tmp_path: Path, suffix: str, raw: str, attribute: str, expected: Any
) -> None:
    toml = """
[providers.snov]
enabled = false
key = "file"
url = "https://file.example"
timeout = 99
retries = 9
rate_per_second = 99
concurrency = 99
cost_per_call = 9
cost_per_hit = 9
breaker_failures = 99
breaker_reset = 99
"""
    settings = load(tmp_path, toml, **{f"CLEANLIST_PROVIDER_SNOV_{suffix}": raw}).providers["snov"]
    assert getattr(settings, attribute) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1", True), ("on", True), ("Yes", True), ("0", False), ("off", False), ("FALSE", False)],
)
def test_enabled_boolean_spellings(tmp_path: Path, raw: str, expected: bool) -> None:
    settings = load(tmp_path, CLEANLIST_PROVIDER_KB_ENABLED=raw).providers["kb"]
    assert settings.enabled is expected


# --- missing key ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("env", "name", "status"),
    [
        ({"CLEANLIST_PROVIDERS": "kb,apollo"}, "apollo", "missing_key"),
        (
            {"CLEANLIST_PROVIDERS": "kb,apollo", "CLEANLIST_PROVIDER_APOLLO_KEY": "k"},
            "apollo",
            "enabled",
        ),
        ({"CLEANLIST_PROVIDER_APOLLO_KEY": "k"}, "apollo", "disabled"),
        ({"CLEANLIST_PROVIDERS": "kb,gravatar"}, "gravatar", "enabled"),
        ({"CLEANLIST_PROVIDERS": "kb"}, "gravatar", "disabled"),
    ],
)
def test_status(tmp_path: Path, env: dict[str, str], name: str, status: str) -> None:
    assert load(tmp_path, **env).providers[name].status == status


def test_missing_key_provider_stays_in_order(tmp_path: Path) -> None:
    config = load(tmp_path, CLEANLIST_PROVIDERS="kb,pdl,hunter", CLEANLIST_PROVIDER_HUNTER_KEY="k")
    assert config.order == ("kb", "pdl", "hunter")
    assert [config.providers[n].status for n in config.order] == [
        "enabled",
        "missing_key",
        "enabled",
    ]


def test_status_direct() -> None:
    assert ProviderSettings(name="lusha", enabled=True).status == "missing_key"
    assert ProviderSettings(name="lusha", enabled=True, key="x").status == "enabled"
    assert ProviderSettings(name="lusha", enabled=False, key="x").status == "disabled"
    assert ProviderSettings(name="kb", enabled=True).status == "enabled"


# --- key hidden ----------------------------------------------------------------------


def test_key_hidden_in_repr_and_str(tmp_path: Path) -> None:
    config = load(tmp_path, FULL_TOML, CLEANLIST_PROVIDER_SNOV_KEY=SECRET)
    for text in (repr(config), str(config), repr(config.providers["apollo"])):
        assert SECRET not in text
    assert "apollo" in repr(config.providers["apollo"])
    assert config.providers["snov"].key == SECRET


# --- errors --------------------------------------------------------------------------

ENV_ERRORS: list[tuple[dict[str, str], str]] = [
    ({"CLEANLIST_PROVIDERS": "kb,nope"}, "CLEANLIST_PROVIDERS"),
    ({"CLEANLIST_PROVIDERS": "kb,kb"}, "CLEANLIST_PROVIDERS"),
    ({"CLEANLIST_STRATEGY": "random"}, "CLEANLIST_STRATEGY"),
    ({"CLEANLIST_PROVIDER_NOPE_KEY": SECRET}, "CLEANLIST_PROVIDER_NOPE_KEY"),
    ({"CLEANLIST_PROVIDER_APOLLO_TOKEN": SECRET}, "CLEANLIST_PROVIDER_APOLLO_TOKEN"),
    ({"CLEANLIST_PROVIDER_APOLLO_TIMEOUT": "fast"}, "CLEANLIST_PROVIDER_APOLLO_TIMEOUT"),
    ({"CLEANLIST_PROVIDER_APOLLO_TIMEOUT": "0"}, "CLEANLIST_PROVIDER_APOLLO_TIMEOUT"),
    ({"CLEANLIST_PROVIDER_APOLLO_TIMEOUT": "nan"}, "CLEANLIST_PROVIDER_APOLLO_TIMEOUT"),
    ({"CLEANLIST_PROVIDER_APOLLO_TIMEOUT": "inf"}, "CLEANLIST_PROVIDER_APOLLO_TIMEOUT"),
    ({"CLEANLIST_PROVIDER_APOLLO_RETRIES": "1.5"}, "CLEANLIST_PROVIDER_APOLLO_RETRIES"),
    ({"CLEANLIST_PROVIDER_APOLLO_RETRIES": "-1"}, "CLEANLIST_PROVIDER_APOLLO_RETRIES"),
    ({"CLEANLIST_PROVIDER_APOLLO_RATE": "-2"}, "CLEANLIST_PROVIDER_APOLLO_RATE"),
    ({"CLEANLIST_PROVIDER_APOLLO_CONCURRENCY": "0"}, "CLEANLIST_PROVIDER_APOLLO_CONCURRENCY"),
    ({"CLEANLIST_PROVIDER_APOLLO_COST_PER_CALL": "-1"}, "CLEANLIST_PROVIDER_APOLLO_COST_PER_CALL"),
    ({"CLEANLIST_PROVIDER_APOLLO_COST_PER_HIT": "x"}, "CLEANLIST_PROVIDER_APOLLO_COST_PER_HIT"),
    (
        {"CLEANLIST_PROVIDER_APOLLO_BREAKER_FAILURES": "0"},
        "CLEANLIST_PROVIDER_APOLLO_BREAKER_FAILURES",
    ),
    ({"CLEANLIST_PROVIDER_APOLLO_BREAKER_RESET": "-1"}, "CLEANLIST_PROVIDER_APOLLO_BREAKER_RESET"),
    ({"CLEANLIST_PROVIDER_APOLLO_ENABLED": "maybe"}, "CLEANLIST_PROVIDER_APOLLO_ENABLED"),
    ({"CLEANLIST_PROVIDER_APOLLO_URL": "ftp://x"}, "CLEANLIST_PROVIDER_APOLLO_URL"),
    ({"CLEANLIST_CONFIG": "/nonexistent/cleanlist.toml"}, "CLEANLIST_CONFIG"),
]


@pytest.mark.parametrize(("env", "named"), ENV_ERRORS)
def test_env_errors_name_the_variable(tmp_path: Path, env: dict[str, str], named: str) -> None:
    with pytest.raises(ProviderConfigError) as info:
        load_provider_config(env=env)
    assert named in str(info.value)
    assert SECRET not in str(info.value)
    assert isinstance(info.value, ValueError)


FILE_ERRORS: list[tuple[str, str]] = [
    ("colour = 1", "colour"),
    ("[waterfall]\nspeed = 1", "waterfall.speed"),
    ('[waterfall]\norder = ["kb", "nope"]', "waterfall.order"),
    ('[waterfall]\norder = "kb"', "waterfall.order"),
    ('[waterfall]\nstrategy = "random"', "waterfall.strategy"),
    ("waterfall = 3", "waterfall"),
    ("providers = 3", "providers"),
    ("[providers.nope]\ntimeout = 1", "providers.nope"),
    ("[providers]\napollo = 1", "providers.apollo"),
    (f'[providers.apollo]\ntoken = "{SECRET}"', "providers.apollo.token"),
    ('[providers.apollo]\ntimeout = "fast"', "providers.apollo.timeout"),
    ("[providers.apollo]\ntimeout = true", "providers.apollo.timeout"),
    ("[providers.apollo]\nretries = 1.5", "providers.apollo.retries"),
    ("[providers.apollo]\nconcurrency = 0", "providers.apollo.concurrency"),
    ("[providers.apollo]\nrate_per_second = 0", "providers.apollo.rate_per_second"),
    ("[providers.apollo]\ncost_per_call = -1", "providers.apollo.cost_per_call"),
    ("[providers.apollo]\ncost_per_hit = nan", "providers.apollo.cost_per_hit"),
    ("[providers.apollo]\nbreaker_failures = 0", "providers.apollo.breaker_failures"),
    ("[providers.apollo]\nbreaker_reset = 0", "providers.apollo.breaker_reset"),
    ('[providers.apollo]\nenabled = "sometimes"', "providers.apollo.enabled"),
    ("[providers.apollo]\nkey = 123", "providers.apollo.key"),
    ('[providers.apollo]\nurl = "api.apollo.io"', "providers.apollo.url"),
    (f'[providers.apollo\nkey = "{SECRET}"', "invalid TOML"),
]


@pytest.mark.parametrize(("toml", "named"), FILE_ERRORS)
def test_file_errors_name_the_key(tmp_path: Path, toml: str, named: str) -> None:
    with pytest.raises(ProviderConfigError) as info:
        load(tmp_path, toml)
    message = str(info.value)
    assert named in message
    assert "conf.toml" in message
    assert SECRET not in message


def test_missing_path_argument(tmp_path: Path) -> None:
    with pytest.raises(ProviderConfigError, match="not found"):
        load_provider_config(env={}, path=tmp_path / "absent.toml")


def test_config_is_frozen(tmp_path: Path) -> None:
    config = load(tmp_path)
    with pytest.raises(AttributeError):
        config.order = ()  # type: ignore[misc]
    with pytest.raises(AttributeError):
        config.providers["kb"].timeout = 1.0  # type: ignore[misc]


def test_parallel_from_file_and_environment(tmp_path: Path) -> None:
    assert load(tmp_path).parallel is False
    assert load(tmp_path, "[waterfall]\nparallel = true\n").parallel is True
    assert (
        load(tmp_path, "[waterfall]\nparallel = true\n", CLEANLIST_PARALLEL="false").parallel
        is False
    )
    with pytest.raises(ProviderConfigError, match="CLEANLIST_PARALLEL"):
        load(tmp_path, CLEANLIST_PARALLEL="maybe")


def test_documented_costs_apply_unless_overridden(tmp_path: Path) -> None:
    config = load(tmp_path, CLEANLIST_PROVIDER_PDL_COST_PER_HIT="10")
    assert config.providers["pdl"].cost_per_hit == 10
    assert config.providers["apollo"].cost_per_hit == DEFAULT_COSTS["apollo"][1]
    assert config.providers["kb"].cost_per_call == 0
