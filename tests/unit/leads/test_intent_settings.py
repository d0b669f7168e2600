"""The intent settings and constants that must agree with other modules."""

from __future__ import annotations

import pytest

from cleanlist_server.config import JOB_BOARDS, Settings, board_urls
from cleanlist_server.intent.jobs import BOARDS
from cleanlist_server.services.intent import DEFAULT_WEIGHT, WEIGHTS, weight_of


def test_the_settings_know_every_job_board() -> None:
    assert JOB_BOARDS == BOARDS


def test_job_board_urls() -> None:
    assert board_urls("") == {}
    assert board_urls(
        " greenhouse=http://127.0.0.1:9/jobs/greenhouse/ , Lever=https://l.test "
    ) == {
        "greenhouse": "http://127.0.0.1:9/jobs/greenhouse",
        "lever": "https://l.test",
    }


@pytest.mark.parametrize("value", ["monster=http://x", "greenhouse", "greenhouse=ftp://x"])
def test_bad_job_board_urls_are_refused_at_start(value: str) -> None:
    with pytest.raises(ValueError, match="job_board_urls"):
        Settings(job_board_urls=value)


def test_signal_weights() -> None:
    assert weight_of("requested_demo") == 15.0
    assert weight_of("hiring_engineering") == DEFAULT_WEIGHT
    assert weight_of("adopted_hubspot") == DEFAULT_WEIGHT
    assert all(0 < w <= 15 for w in WEIGHTS.values())
