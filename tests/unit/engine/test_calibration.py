"""Calibration: isotonic fits, the maps per mode, the shipped table, the error measure."""

from __future__ import annotations

import json

from cleanlist_server.engine.calibration import (
    Calibrator,
    Curve,
    expected_calibration_error,
    field_score,
    fit_isotonic,
)


def test_isotonic_fit_is_monotone_and_pools_violators() -> None:
    xs, ys = fit_isotonic([0.1, 0.2, 0.3, 0.4], [0.0, 1.0, 0.0, 1.0])
    assert ys == sorted(ys)
    curve = Curve(tuple(xs), tuple(ys))
    assert curve(0.1) == 0.0 and curve(0.4) == 1.0
    assert curve(0.25) == 0.5  # 0.2 and 0.3 disagree: pooled to their mean


def test_a_curve_interpolates_and_clamps() -> None:
    curve = Curve((0.2, 0.6), (0.1, 0.9))
    assert abs(curve(0.4) - 0.5) < 1e-9
    assert curve(0.0) == 0.1 and curve(1.0) == 0.9
    assert Curve((), ())(0.37) == 0.37  # no table: the identity


def test_each_mode_has_its_record_map_and_others_get_the_pooled_one() -> None:
    pooled = Curve((0.0, 1.0), (0.5, 0.5))
    adaptive = Curve((0.0, 1.0), (0.2, 0.2))
    calibrator = Calibrator(record=pooled, records={"adaptive": adaptive})
    assert calibrator.record_confidence(0.7, "adaptive") == 0.2
    assert calibrator.record_confidence(0.7, "static") == 0.5
    assert calibrator.record_confidence(0.7) == 0.5


def test_the_table_round_trips_through_json() -> None:
    calibrator = Calibrator(
        Curve((0.0, 1.0), (0.1, 0.9)),
        Curve((0.0, 1.0), (0.3, 0.8)),
        {"fitted_by": "test"},
        {"parallel": Curve((0.0, 1.0), (0.0, 0.6))},
    )
    again = Calibrator.from_json(json.loads(json.dumps(calibrator.to_json())))
    assert again == calibrator
    old = Calibrator.from_json({"field": {"x": [0, 1], "y": [0, 1]}, "record": {}})
    assert old.records == {} and old.record_confidence(0.4, "adaptive") == 0.4


def test_the_shipped_table_maps_every_mode_monotonically() -> None:
    shipped = Calibrator.shipped()
    assert set(shipped.records) == {"static", "adaptive", "parallel"}
    for mode in (*shipped.records, None):
        mapped = [shipped.record_confidence(x / 20, mode) for x in range(21)]
        assert mapped == sorted(mapped)
        assert mapped[0] >= 0.0 and mapped[-1] <= 0.99


def test_more_agreeing_sources_raise_a_field_score() -> None:
    one = field_score(0.8, 1, 1, 0.5)
    two = field_score(0.8, 2, 2, 0.5)
    contested = field_score(0.8, 1, 2, 0.5)
    assert contested < one < two
    assert field_score(0.8, 1, 1, 0.5, age_days=700) < one  # old evidence fades


def test_calibration_error_is_the_weighted_gap_per_bin() -> None:
    assert expected_calibration_error([0.9] * 10, [True] * 9 + [False]) < 1e-9
    assert abs(expected_calibration_error([0.9] * 10, [True] * 5 + [False] * 5) - 0.4) < 1e-9
    assert expected_calibration_error([], []) == 0.0
