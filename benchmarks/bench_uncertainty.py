"""Uncertainty analysis: whole calls, streamed memory, parallel chunks, and COINr side by side.

Run: ``python benchmarks/bench_uncertainty.py [--quick] [--no-memory]``. Prints, measured in this run:

1. bundled ``doi_current`` 2023, weights +/-25 % + arithmetic/geometric mean + two normalisations (min-max to
   0.01-1, percentile rank) + leave one indicator out: median seconds of one whole ``ictindex.uncertainty(...)``
   call of 10,000 replications (compiling and checking the spec included), with the draws kept and streamed, and
   the ratio to a loop of ``build_index`` calls with the same sampled choices (``result.replication(i)``);
2. peak memory (``ru_maxrss`` of a fresh process) of ``uncertainty`` at n = 10^6, streamed (issue 26: < 1 GiB);
3. the same call at n = 100,000 with ``n_jobs=1`` and ``n_jobs=2``, and whether the results are identical;
4. COINr's own uncertainty example (vignette "Sensitivity Analysis", ``../shared/coinr/ua_asem.R``) on its ASEM
   data: winsorisation limit 1-5, min-max 1-100 or z-score (10, 2), weights +/-25 % on levels 2-3, arithmetic or
   geometric mean. One whole ``ictindex.uncertainty(...)`` call of 100,000 replications (the nominal model and
   the five winsorisation variants compiled, the spec checked) is timed interleaved with COINr's
   ``get_sensitivity`` (when ``Rscript`` and COINr 1.1.14 are installed: ``bash ../shared/coinr/setup.sh``),
   and the ratio of replications per second is printed (issue 26: >= 5,000x).
"""

from __future__ import annotations

import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
from timing import median_time

import ictindex
from ictindex import datasets
from ictindex.resources import bundled_dir

DOI_SPEC = {
    "weights": {"noise": 0.25},
    "aggregation": ["arithmetic", "geometric"],
    "normalisation": [{"method": "minmax", "target": [0.01, 1]}, "percentile"],
    "exclude_indicator": True,
}
DOI_BUILD = {"years": 2023, "reference_year": 2023}
COINR_SPEC = {
    "weights": {"nodes": {"Conn": 0.25, "Sust": 0.25, "Index": 0.25}},
    "normalisation": [
        {"method": "minmax", "target": [1, 100]},
        {"method": "zscore", "params": {"centre": 10, "spread": 2}},
    ],
    "aggregation": ["arithmetic", "geometric"],
    "treatment": [{"method": "winsorise", "winmax": k} for k in range(1, 6)],
}
#: COINr's example coin (R/examples.R, build_example_coin).
COINR_EXAMPLE = {
    "imputation": {"method": "group_mean", "by": "EurAsia_group"},
    "screening": {"min_share": 0.9, "count": "imputed"},
    "treatment": {"method": "winsorise", "winmax": 5},
    "normalisation": {"method": "minmax", "low": 0, "high": 100},
}
COINR_SCRIPT = Path(os.environ.get("ICTINDEX_COINR_DIR", Path(__file__).resolve().parents[2] / "shared" / "coinr"))


def bench_doi(quick: bool) -> None:
    panel = datasets.load("itu")
    n = 10_000
    timings = {}
    for keep in (True, False):
        timings[keep] = median_time(
            lambda keep=keep: (
                ictindex.uncertainty(panel, "doi_current", DOI_SPEC, n=n, keep_draws=keep, **DOI_BUILD).ranks
            ),
            3 if quick else 5,
        )
    result = ictindex.uncertainty(panel, "doi_current", DOI_SPEC, n=n, keep_draws=True, **DOI_BUILD)
    loops = 10 if quick else 30
    start = time.perf_counter()
    rebuilt = [result.replication(i) for i in range(loops)]
    loop_per_second = loops / (time.perf_counter() - start)
    index = result.problem.base.framework.index
    diff = max(
        float(
            np.nanmax(
                np.abs(
                    r.scores.set_index(["economy", "year"])[index].reindex(result.units).to_numpy() - result.scores[i]
                )
            )
        )
        for i, r in enumerate(rebuilt)
    )
    print(
        f"doi_current 2023: {len(result.units)} economies, {len(result.problem.base.edges)} edges; factors "
        f"{[f.name for f in result.problem.factors]}"
    )
    for keep, seconds in timings.items():
        print(
            f"  one whole call, {n:,} replications ({'draws kept' if keep else 'streamed'}): median {seconds:.3f} s "
            f"= {n / seconds:,.0f} replications/s"
        )
    print(f"  loop of build_index ({loops} replications replayed): {loop_per_second:,.1f} replications/s")
    print(
        f"  ratio (streamed call / loop): {n / timings[False] / loop_per_second:,.0f}x; largest difference {diff:.1e}"
    )


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child_memory(n: int) -> dict:
    panel = datasets.load("itu")
    before = _rss_mib()
    start = time.perf_counter()
    result = ictindex.uncertainty(panel, "doi_current", DOI_SPEC, n=n, **DOI_BUILD)
    result.ranks  # noqa: B018 - the summary table is part of the work
    seconds = time.perf_counter() - start
    return {"n": n, "seconds": seconds, "before_mib": before, "peak_mib": _rss_mib(), "kept": result.draws is not None}


def bench_memory(quick: bool) -> None:
    n = 100_000 if quick else 1_000_000
    out = subprocess.run(
        [sys.executable, __file__, "--child", str(n)],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).parent,
    )
    m = json.loads(out.stdout.strip().splitlines()[-1])
    print(
        f"  peak memory at n = {m['n']:,} ({'draws kept' if m['kept'] else 'streamed'}): {m['peak_mib']:,.0f} MiB "
        f"(process; {m['peak_mib'] - m['before_mib']:,.0f} MiB above the loaded panel), {m['seconds']:.1f} s "
        f"= {m['n'] / m['seconds']:,.0f} replications/s"
    )


def bench_jobs(quick: bool) -> None:
    panel = datasets.load("itu")
    n = 20_000 if quick else 200_000
    start = time.perf_counter()
    ictindex.uncertainty(panel, "doi_current", DOI_SPEC, n=64, n_jobs=2, **DOI_BUILD)  # joblib starts its workers
    startup = time.perf_counter() - start
    runs, seconds = {}, {}
    for jobs in (1, 2):
        start = time.perf_counter()
        runs[jobs] = ictindex.uncertainty(panel, "doi_current", DOI_SPEC, n=n, n_jobs=jobs, **DOI_BUILD)
        seconds[jobs] = time.perf_counter() - start
    same = all(
        np.array_equal(getattr(runs[1].summary, a), getattr(runs[2].summary, a))
        for a in ("rank_counts", "score_counts")
    ) and runs[1].ranks.equals(runs[2].ranks)
    print(
        f"  n = {n:,}: n_jobs=1 {seconds[1]:.2f} s, n_jobs=2 {seconds[2]:.2f} s (ratio {seconds[1] / seconds[2]:.2f}; "
        f"the workers started before, in {startup:.1f} s); results identical: {same}"
    )


def _coinr_available() -> bool:
    if shutil.which("Rscript") is None or not (COINR_SCRIPT / "ua_asem.R").exists():
        return False
    check = subprocess.run(
        ["Rscript", "-e", 'cat(as.character(packageVersion("COINr")))'], capture_output=True, text=True
    )
    return check.returncode == 0 and check.stdout.strip() == "1.1.14"


def _coinr_rate(n: int, folder: str) -> float:
    out = subprocess.run(
        ["Rscript", str(COINR_SCRIPT / "ua_asem.R"), str(n), f"{folder}/coinr_ranks.csv", "101"],
        capture_output=True,
        text=True,
        check=True,
    )
    return float(re.search(r"rep_per_s=([0-9.]+)", out.stdout).group(1))


def bench_coinr(quick: bool) -> None:
    folder = bundled_dir("data") / "coinr_asem"
    panel, framework = ictindex.read_coinr(folder / "ASEM_iData.csv", folder / "ASEM_iMeta.csv", denominate=True)
    n, coinr_n, rounds = 100_000, (20 if quick else 100), (1 if quick else 3)

    def whole_call() -> ictindex.UncertaintyResult:
        with warnings.catch_warnings():  # winsorisation limits 4 and 5 treat the same points here: said, and drawn
            warnings.simplefilter("ignore", UserWarning)
            result = ictindex.uncertainty(panel, framework, COINR_SPEC, n=n, **COINR_EXAMPLE)
            result.ranks  # noqa: B018
        return result

    result = whole_call()  # warm-up (imports)
    with_coinr = _coinr_available()
    ours, theirs = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(rounds):  # interleaved: both see the same load
            start = time.perf_counter()
            whole_call()
            ours.append(n / (time.perf_counter() - start))
            if with_coinr:
                theirs.append(_coinr_rate(coinr_n, tmp))
    per_second = statistics.median(ours)
    print(
        f"COINr ASEM example: {len(result.units)} units, {len(result.problem.base.edges)} edges; factors "
        f"{[f.name for f in result.problem.factors]}"
    )
    print(
        f"  one whole ictindex.uncertainty call of {n:,} replications (6 models compiled, spec checked): "
        f"median {n / per_second:.2f} s = {per_second:,.0f} replications/s over {rounds} round(s)"
    )
    if not with_coinr:
        print("  COINr not run: install R and COINr 1.1.14 with ../shared/coinr/setup.sh to time it side by side")
        return
    coinr = statistics.median(theirs)
    print(
        f"  COINr 1.1.14 get_sensitivity, {coinr_n} replications, interleaved: median {coinr:.2f} replications/s "
        f"(rounds: {', '.join(f'{r:.2f}' for r in theirs)})"
    )
    print(f"  ratio: {per_second / coinr:,.0f}x COINr's replications per second (issue 26 target: >= 5,000x)")


def main() -> None:
    if "--child" in sys.argv:
        print(json.dumps(child_memory(int(sys.argv[sys.argv.index("--child") + 1]))))
        return
    quick = "--quick" in sys.argv
    bench_doi(quick)
    if "--no-memory" not in sys.argv:
        bench_memory(quick)
    bench_jobs(quick)
    bench_coinr(quick)


if __name__ == "__main__":
    main()
