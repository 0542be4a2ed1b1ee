"""Large inputs (issue 30, class 8): the size checks' price, and frameworks that grow linearly.

Run: ``python benchmarks/bench_limits.py``. Prints, measured in this run (median of 3):

1. ``build_index`` of a framework of 2,500, 5,000 and 10,000 indicators (one node, two economies) and the ratio of
   each time to the previous one (2 for a build linear in the number of indicators; the per-indicator source
   columns checked the same categories once per column before, which made 10,000 indicators quadratic);
2. ``load_framework`` of YAML files of 1,250, 2,500 and 5,000 indicators, and the same ratio;
3. the refusals: a 50 MB CSV file of one line and a framework file of 100,000 indicators (seconds to the error);
4. the price of the line check on a well-formed 100 MB CSV file (seconds, and MB per second).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
from timing import median_time

from ictindex import Framework, build_index, limits, load_framework
from ictindex.errors import IctIndexError


def framework(n: int) -> dict:
    return {
        "code": "big",
        "name": "big",
        "index": "I",
        "nodes": [{"code": "I", "name": "I", "children": [{"code": f"x{i}"} for i in range(n)]}],
        "indicators": [{"code": f"x{i}", "name": f"Indicator {i}", "unit": "%"} for i in range(n)],
    }


def panel(n: int) -> pd.DataFrame:
    values = np.random.default_rng(0).uniform(0, 100, size=2 * n)
    return pd.DataFrame(
        {
            "economy": np.repeat(["KOR", "NER"], n),
            "year": 2023,
            "indicator": [f"x{i}" for i in range(n)] * 2,
            "value": values,
        }
    )


def yaml_text(n: int) -> str:
    children = "".join(f"  - code: x{i}\n" for i in range(n))
    indicators = "".join(f"- code: x{i}\n  name: Indicator {i}\n  unit: '%'\n" for i in range(n))
    head = "code: big\nname: big\nindex: I\nnodes:\n- code: I\n  name: I\n  children:\n"
    return f"{head}{children}indicators:\n{indicators}"


def refused(call) -> float:
    def run() -> None:
        try:
            call()
        except IctIndexError:
            return
        raise AssertionError("not refused")

    return median_time(run, repeat=3)


def main() -> None:
    print("1. build_index, one node over n indicators, 2 economies")
    previous = None
    for n in (2_500, 5_000, 10_000):
        fw, data = Framework.from_dict(framework(n)), panel(n)
        seconds = median_time(lambda fw=fw, data=data: build_index(data, fw), repeat=3)
        ratio = f"  x{seconds / previous:.2f} for twice the indicators" if previous else ""
        print(f"   {n:>6,} indicators: {seconds:6.2f} s{ratio}")
        previous = seconds
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        print("2. load_framework of a YAML file")
        previous = None
        for n in (1_250, 2_500, 5_000):
            path = folder / f"fw{n}.yaml"
            path.write_text(yaml_text(n), encoding="utf-8")
            seconds = median_time(lambda path=path: load_framework(path), repeat=3)
            ratio = f"  x{seconds / previous:.2f} for twice the indicators" if previous else ""
            print(f"   {n:>6,} indicators ({path.stat().st_size / 1e6:.1f} MB): {seconds:6.2f} s{ratio}")
            previous = seconds
        print("3. refused before parsing")
        one_line = folder / "one_line.csv"
        one_line.write_bytes(b"economy,year,indicator,value" + b",x" * 25_000_000)
        print(f"   50 MB CSV of one line: {refused(lambda: build_index(one_line, 'doi')):.2f} s to the error")
        big = folder / "fw100000.yaml"
        big.write_text(yaml_text(100_000), encoding="utf-8")
        print(f"   framework file of 100,000 indicators: {refused(lambda: load_framework(big)):.3f} s to the error")
        print(
            f"   framework of 100,000 indicators (a dict): "
            f"{refused(lambda: Framework.from_dict(framework(100_000))):.3f} s to the error"
        )
        print("4. the line check on a well-formed CSV file")
        rows = folder / "rows.csv"
        line = b"KOR,2023,internet_users,97.2\n"
        rows.write_bytes(b"economy,year,indicator,value\n" + line * (100_000_000 // len(line)))
        seconds = median_time(lambda: limits.check_text_file(rows), repeat=3)
        print(
            f"   {rows.stat().st_size / 1e6:.0f} MB: {seconds:.2f} s ({rows.stat().st_size / 1e6 / seconds:.0f} MB/s)"
        )


if __name__ == "__main__":
    main()
