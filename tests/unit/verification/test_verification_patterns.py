from __future__ import annotations

import pytest

from cleanlist_server.verification.patterns import candidates, fold, learn, patterns_of, render


@pytest.mark.parametrize(
    ("raw", "folded"),
    [("José María", "josemaria"), ("O'Neil", "oneil"), ("van der Berg", "vanderberg"), ("", "")],
)
def test_fold(raw: str, folded: str) -> None:
    assert fold(raw) == folded


@pytest.mark.parametrize(
    ("pattern", "local"),
    [
        ("first.last", "jane.smith"),
        ("flast", "jsmith"),
        ("first", "jane"),
        ("firstlast", "janesmith"),
        ("f.last", "j.smith"),
        ("first_last", "jane_smith"),
        ("firstl", "janes"),
        ("last.first", "smith.jane"),
        ("last", "smith"),
    ],
)
def test_render(pattern: str, local: str) -> None:
    assert render(pattern, "Jane", "Smith") == local


def test_global_order_then_known_patterns_first() -> None:
    plain = candidates("Jane", "Smith", "acme.com")
    assert plain[:3] == ["jane.smith@acme.com", "jsmith@acme.com", "jane@acme.com"]
    known = candidates("Jane", "Smith", "acme.com", known=["first_last"])
    assert known[0] == "jane_smith@acme.com" and len(known) == len(set(known))


def test_learning_a_domain_pattern() -> None:
    examples = [
        ("bob.stone", "Bob", "Stone"),
        ("al.ng", "Al", "Ng"),
        ("cwu", "Chen", "Wu"),
        ("x9", "Ann", "Lee"),
    ]
    assert learn(examples) == ["first.last", "flast"]
    assert patterns_of("bob.stone", "Bob", "Stone") == ["first.last"]


def test_names_that_fold_to_nothing_give_no_candidates() -> None:
    assert candidates("李", "王", "acme.com") == []


@pytest.mark.parametrize(
    ("address", "valid"),
    [
        ("a" * 64 + "@example.org", True),
        ("a" * 65 + "@example.org", False),  # RFC 5321: 64 octets at most
        ('"john doe"@example.org', False),
        ("john..doe@example.org", False),
        ("john@example.org.", False),
        ("john+tag@example.org", True),
        ("üser@bücher.de", True),
    ],
)
def test_syntax_edges(address: str, valid: bool) -> None:
    from cleanlist_server.verification.syntax import check_syntax

    assert check_syntax(address).valid is valid
