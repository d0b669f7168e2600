"""Fixtures for the verifier unit tests (fakes live in verification_fakes.py)."""

from __future__ import annotations

import pytest
from verification_fakes import FakeResolver, standard_resolver


@pytest.fixture
def resolver() -> FakeResolver:
    return standard_resolver()
