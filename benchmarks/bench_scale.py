"""Builds of gridded panels beyond one machine's memory (Dask, two passes) and in memory, measured in one run.

Run: ``python benchmarks/bench_scale.py [--units N] [--memory-units M] [--sample S] [--folder DIR] [--keep]
[--quick] [--steps dask,sample,memory]`` (defaults: 10^7 units, 2,000,000, 100,000; ``--quick``: 200,000,
100,000, 50,000; ``--steps``: the measured steps to run, all by default). Prints, measured
in this run (each large step in a fresh process, for its own peak memory, ``ru_maxrss``):

1. writing the synthetic gridded panel: ``N`` grid cells x 10 years x the 11 DOI indicators (each cell a level
   per indicator, a trend, noise; 1 % of values missing; percentages to two decimals), one Parquet file per
   50,000 cells (partitioned by unit): seconds and size on disk;
2. the Dask build of the whole dataset (min-max normalisation fitted per year, latest-value imputation; pass one,
   pass two, ranks) writing its scores, coverage, issues, imputations, flags and floored values to Parquet:
   seconds, microseconds per cell, peak memory of the process (issue 26: < 8 GiB);
3. the first ``S`` cells: the Dask build against the in-memory build of the same cells (largest difference of
   any node score, ranks equal; issue 26: 1e-12), median seconds of each (3 runs) and their ratio;
4. the in-memory build of the first ``M`` cells (read into pandas first) as issue 26 measured it (the DOI as
   published: goalposts, no imputation): seconds, microseconds per cell, peak memory during the build and of the
   process, bytes per cell (issue 26: < 6 GiB at 2,000,000 cells).

The dataset is deleted at the end unless ``--keep``.
"""

from __future__ import annotations

import json
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

PER_FILE = 50_000
YEARS = range(2014, 2024)
BUILD = {"units": "any", "normalisation": "minmax", "imputation": "latest"}
#: The in-memory build measured as issue 26 measured it: the DOI as published (goalposts, no imputation).
MEMORY_BUILD = {"units": "any"}
WRITTEN = ["scores", "coverage", "issues", "imputations", "flags", "floored"]
HIGHER = ["mobile_coverage", "hh_fixed_line", "hh_computer", "hh_internet", "mobile_subscribers"]


# -- the synthetic panel -----------------------------------------------------------------------------------------
def cells(start: int, count: int, seed: int = 26) -> object:
    """One file's cells as an Arrow table: economy (cell code), year, one column per DOI indicator."""
    import pyarrow as pa

    from ictindex import load_framework

    rng = np.random.default_rng([seed, start])
    n_years = len(YEARS)
    rows = count * n_years
    codes = pa.array([f"G{u:09d}" for u in range(start, start + count)])
    columns = {
        "economy": codes.take(pa.array(np.repeat(np.arange(count, dtype="int32"), n_years))),  # plain text
        "year": pa.array(np.tile(np.arange(YEARS.start, YEARS.stop, dtype="int64"), count)),
    }
    trend = np.tile(np.arange(n_years), count)
    for code in load_framework("doi").indicator_codes:
        level = np.repeat(rng.uniform(2, 90, count), n_years)
        if "tariff" in code:  # a price share: lower is better, falling over time
            value = np.clip(level * 0.4 - 1.2 * trend + rng.normal(0, 2, rows), 0.1, 100)
        else:
            value = np.clip(level + (1.5 if code in HIGHER else 2.5) * trend + rng.normal(0, 3, rows), 0, 100)
        value = np.round(value, 2)
        value[rng.random(rows) < 0.01] = np.nan
        columns[code] = pa.array(value, from_pandas=True)
    return pa.table(columns)


def write_dataset(folder: Path, units: int) -> list[Path]:
    import pyarrow.parquet as pq

    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for k, start in enumerate(range(0, units, PER_FILE)):
        path = folder / f"part-{k:05d}.parquet"
        pq.write_table(cells(start, min(PER_FILE, units - start)), path, compression="zstd")
        files.append(path)
    return files


# -- measured steps (each in its own process) ---------------------------------------------------------------------
class PeakDuring:
    """The largest resident memory of this process while the block runs (sampled every 10 ms)."""

    def __enter__(self) -> PeakDuring:
        import psutil

        self.process, self.peak, self.running = psutil.Process(), 0, True

        def watch() -> None:
            while self.running:
                self.peak = max(self.peak, self.process.memory_info().rss)
                time.sleep(0.01)

        self.thread = threading.Thread(target=watch, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.running = False
        self.thread.join()
        self.peak = max(self.peak, self.process.memory_info().rss)


def _max_rss() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def child_dask(folder: str, out: str) -> dict:
    import dask

    import ictindex

    dask.config.set(scheduler="threads", num_workers=2)
    start = time.perf_counter()
    result = ictindex.build_index(folder, "doi", **BUILD)
    learned = time.perf_counter() - start
    result.to_parquet(out, tables=WRITTEN)
    seconds = time.perf_counter() - start
    size = sum(p.stat().st_size for p in Path(out).rglob("*") if p.is_file())
    return {"seconds": seconds, "pass_one": learned, "peak": _max_rss(), "written": size, "units": result.fitted.units}


def _read(files: list[str]) -> object:
    import pyarrow.parquet as pq

    table = pq.read_table(files)
    return table.to_pandas(self_destruct=True)  # Arrow's buffers let go as the columns are converted


def child_memory(files: list[str]) -> dict:
    import gc

    import psutil
    import pyarrow.parquet as pq

    import ictindex

    warm = pq.read_table(files[0]).slice(0, 2000).to_pandas()
    ictindex.build_index(warm, "doi", **MEMORY_BUILD)  # imports and first calls, not timed
    del warm
    gc.collect()
    imports = psutil.Process().memory_info().rss
    frame = _read(files)
    gc.collect()
    loaded = psutil.Process().memory_info().rss
    start = time.perf_counter()
    with PeakDuring() as during:
        result = ictindex.build_index(frame, "doi", **MEMORY_BUILD)
    seconds = time.perf_counter() - start
    units = frame["economy"].nunique()
    with PeakDuring() as tables:
        scores = result.scores
    return {
        "seconds": seconds,
        "units": units,
        "imports": imports,
        "loaded": loaded,
        "peak_build": during.peak,
        "peak_process": _max_rss(),
        "scores_rows": len(scores),
        "peak_scores": tables.peak,
    }


def child_sample(files: list[str]) -> dict:
    import dask

    import ictindex

    dask.config.set(scheduler="threads", num_workers=2)
    frame = _read(files)
    timings: dict[str, list[float]] = {"memory": [], "dask": []}
    for _ in range(3):
        start = time.perf_counter()
        memory = ictindex.build_index(frame, "doi", **BUILD)
        memory.scores  # noqa: B018 - the table is part of the work
        timings["memory"].append(time.perf_counter() - start)
        start = time.perf_counter()
        computed = ictindex.build_index([str(f) for f in files], "doi", **BUILD).compute()
        timings["dask"].append(time.perf_counter() - start)
    a = memory.scores.set_index(["economy", "year"])
    b = computed.scores.set_index(["economy", "year"]).reindex(a.index)
    nodes = memory.node_codes
    difference = float(np.nanmax(np.abs(a[nodes].to_numpy(float) - b[nodes].to_numpy(float))))
    same_missing = bool((a[nodes].isna().to_numpy() == b[nodes].isna().to_numpy()).all())
    return {
        "units": int(frame["economy"].nunique()),
        "rows": len(a),
        "difference": difference,
        "same_missing": same_missing,
        "ranks_equal": bool((a["rank"] == b["rank"]).all()),
        "memory": statistics.median(timings["memory"]),
        "dask": statistics.median(timings["dask"]),
    }


def _child(*args: str) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--child", *args], capture_output=True, text=True, cwd=Path(__file__).parent
    )
    if out.returncode != 0:
        raise RuntimeError(out.stderr[-3000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def _gib(n: float) -> str:
    return f"{n / 2**30:.2f} GiB"


# -- the run ------------------------------------------------------------------------------------------------------
def main() -> None:
    if "--child" in sys.argv:
        kind, *rest = sys.argv[sys.argv.index("--child") + 1 :]
        files = json.loads(rest[0]) if kind in ("memory", "sample") else None
        result = {
            "dask": lambda: child_dask(*rest),
            "memory": lambda: child_memory(files),
            "sample": lambda: child_sample(files),
        }[kind]()
        print(json.dumps(result))
        return
    quick = "--quick" in sys.argv

    def option(name: str, default: int) -> int:
        return int(sys.argv[sys.argv.index(name) + 1].replace("_", "")) if name in sys.argv else default

    units = option("--units", 200_000 if quick else 10_000_000)
    memory_units = option("--memory-units", 100_000 if quick else 2_000_000)
    sample = option("--sample", 50_000 if quick else 100_000)
    steps = (
        sys.argv[sys.argv.index("--steps") + 1].split(",") if "--steps" in sys.argv else ["dask", "sample", "memory"]
    )
    base = Path(sys.argv[sys.argv.index("--folder") + 1]) if "--folder" in sys.argv else Path(tempfile.mkdtemp())
    folder, out = base / "cells", base / "built"
    try:
        start = time.perf_counter()
        files = write_dataset(folder, units)
        seconds = time.perf_counter() - start
        size = sum(f.stat().st_size for f in files)
        print(
            f"synthetic gridded panel: {units:,} cells x {len(YEARS)} years x 11 indicators = {units * len(YEARS):,} "
            f"rows in {len(files)} Parquet files, {_gib(size)} on disk; written in {seconds:.0f} s"
        )
        if "dask" in steps:
            _print_dask(_child("dask", str(folder), str(out)), units)
        per_file = [str(f) for f in files]
        if "sample" in steps:
            _print_sample(_child("sample", json.dumps(per_file[: max(1, sample // PER_FILE)])))
        if "memory" in steps:
            _print_memory(_child("memory", json.dumps(per_file[: max(1, memory_units // PER_FILE)])))
    finally:
        if "--keep" not in sys.argv:
            shutil.rmtree(base, ignore_errors=True)


def _print_dask(d: dict, units: int) -> None:
    print(
        f"Dask build of all {units:,} cells (pass one {d['pass_one']:.0f} s; then pass two and ranks, writing "
        f"{', '.join(WRITTEN)}, {_gib(d['written'])}): {d['seconds']:.0f} s = {d['seconds'] / units * 1e6:.1f} us "
        f"per cell; peak memory {_gib(d['peak'])} (issue 26: < 8 GiB)"
    )


def _print_sample(s: dict) -> None:
    print(
        f"sample of {s['units']:,} cells ({s['rows']:,} unit-years): Dask build vs in memory, largest difference "
        f"of a node score {s['difference']:.1e} (issue 26: 1e-12), same units unscored: {s['same_missing']}, ranks "
        f"equal: {s['ranks_equal']}; median seconds {s['dask']:.1f} (Dask, computed) and {s['memory']:.1f} "
        f"(in memory): ratio {s['dask'] / s['memory']:.2f}"
    )


def _print_memory(m: dict) -> None:
    above = m["peak_build"] - m["imports"]
    print(
        f"in-memory build (goalposts, no imputation) of {m['units']:,} cells: {m['seconds']:.0f} s = "
        f"{m['seconds'] / m['units'] * 1e6:.1f} us "
        f"per cell; peak during the build {_gib(m['peak_build'])} (issue 26: < 6 GiB; the panel read into pandas "
        f"{_gib(m['loaded'] - m['imports'])} of it), process peak {_gib(m['peak_process'])}; "
        f"{above / m['units'] / 1024:.2f} KiB per cell above the imports (input included); the scores table of "
        f"{m['scores_rows']:,} rows made afterwards: peak {_gib(m['peak_scores'])}"
    )


if __name__ == "__main__":
    main()
