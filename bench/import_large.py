"""Benchmark: `cleanlist import` of 100,000 and 1,000,000 rows; time and peak memory.

Each size runs the real CLI in a child process on a fresh SQLite file, and reports rows/s
and the child's peak resident memory (ru_maxrss). Flat memory shows as (almost) the same
peak for both sizes. Usage: ``python bench/import_large.py [--sizes 100000,1000000]``.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HEADER = (
    "Email,First Name,Last Name,Job Title,Company,Website,Phone Number,City,Country,# Employees\n"
)
TITLES = ('"VP, Sales & BD"', "Sr. SWE", "Head of Growth", "Account Executive", "Geschäftsführer")


def write_csv(path: Path, rows: int) -> None:
    with path.open("w") as out:
        out.write(HEADER)
        for i in range(rows):
            c = i % 20_000
            phone = f"+1 415 555 0{100 + i % 99}" if i % 3 == 0 else ""
            out.write(
                f"p{i}@c{c}.test,First{i},Last{i},{TITLES[i % 5]},Company {c},c{c}.test,"
                f"{phone},Berlin,Germany,{10 + c % 900}\n"
            )


def run(rows: int, tmp: Path) -> tuple[float, float]:
    csv_path = tmp / f"rows{rows}.csv"
    write_csv(csv_path, rows)
    env = {**os.environ, "CLEANLIST_DATABASE_URL": f"sqlite:///{tmp / f'import{rows}.db'}"}
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "cleanlist_server", "import", str(csv_path), "--account", "bench"],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        timeout=3600,
    )
    elapsed = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    # ru_maxrss of children is the max over all children so far: sizes run small to large.
    return elapsed, max(peak, before) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="100000,1000000")
    args = parser.parse_args()
    sizes = sorted(int(s) for s in args.sizes.split(","))
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    with tempfile.TemporaryDirectory() as tmpdir:
        for rows in sizes:
            elapsed, peak_mb = run(rows, Path(tmpdir))
            print(
                f"import {rows:>9,} rows: {elapsed:7.1f} s  {rows / elapsed:>8,.0f} rows/s  peak RSS {peak_mb:6.1f} MB"
            )


if __name__ == "__main__":
    main()
