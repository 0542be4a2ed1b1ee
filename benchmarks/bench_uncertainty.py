"""Uncertainty analysis: replications per second, against rebuilding the index per replication.

Run: ``python benchmarks/bench_uncertainty.py [--quick]``. Prints, measured in this run:

1. bundled ``doi_current`` 2023, weights +/-25 % + arithmetic/geometric mean + two normalisations
   (min-max to 0.01-1, percentile rank; both positive, as a geometric mean needs) + leave one
   indicator out: seconds and replications per second of ``uncertainty`` at n = 10,000 (the
   evaluation and summary; the one-off compile and spec check are timed apart), and the ratio to a
   loop of ``build_index`` calls with the same sampled choices (``result.replication(i)``, n = 50);
2. peak memory of ``uncertainty`` at n = 100,000 (a fresh process; ``ru_maxrss``);
3. COINr's own uncertainty example (vignette "Sensitivity Analysis") on its ASEM data: noise
   +/-25 % on the pillar and sub-index weights, min-max 1-100 or z-score (mean 10, sd 2),
   arithmetic or geometric mean, and winsorisation limit 1-5 when the treatment stage exists:
   replications per second at n = 10,000 (COINr: about 8 per second on this kind of machine).
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
import warnings
from pathlib import Path

import numpy as np
from timing import median_time

import ictindex
from ictindex import datasets
from ictindex.resources import bundled_dir
from ictindex.spec import BuildSpec
from ictindex.uncertainty import prepare, run, unit_sample

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
}
COINR_PER_SECOND = 8.0
COINR_EXAMPLE = {
    "imputation": {"method": "group_mean", "by": "EurAsia_group"},
    "screening": {"min_share": 0.9, "count": "imputed"},
    "treatment": {"method": "winsorise", "winmax": 5},
    "normalisation": {"method": "minmax", "low": 0, "high": 100},
}


def bench_doi(quick: bool) -> None:
    panel = datasets.load("itu")
    n = 10_000
    start = time.perf_counter()
    problem = prepare(panel, "doi_current", DOI_SPEC, **DOI_BUILD)
    setup = time.perf_counter() - start
    sample = unit_sample(n, problem.dimension, seed=0)

    def analysis() -> None:
        run(problem, sample).ranks  # noqa: B018 - the summary table is part of the work

    seconds = median_time(analysis, 3 if quick else 5)
    result = run(problem, sample)
    loops = 10 if quick else 50
    start = time.perf_counter()
    rebuilt = [result.replication(i) for i in range(loops)]
    loop_per_second = loops / (time.perf_counter() - start)
    index = problem.base.framework.index
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
    per_second = n / seconds
    print(
        f"doi_current 2023: {len(result.units)} economies, {len(problem.base.edges)} edges; factors "
        f"{[f.name for f in problem.factors]} ({problem.dimension} sample columns)"
    )
    print(f"  compile and check the spec (once): {setup:.2f} s")
    print(f"  uncertainty, {n:,} replications: median {seconds:.3f} s = {per_second:,.0f} replications/s")
    print(f"  loop of build_index ({loops} replications replayed): {loop_per_second:,.1f} replications/s")
    print(f"  ratio: {per_second / loop_per_second:,.0f}x; largest difference {diff:.1e}")


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child_memory() -> dict:
    panel = datasets.load("itu")
    problem = prepare(panel, "doi_current", DOI_SPEC, **DOI_BUILD)
    before = _rss_mib()
    n = 100_000
    start = time.perf_counter()
    result = run(problem, unit_sample(n, problem.dimension, seed=0))
    result.ranks  # noqa: B018
    return {"n": n, "seconds": time.perf_counter() - start, "before_mib": before, "peak_mib": _rss_mib()}


def bench_memory() -> None:
    out = subprocess.run(
        [sys.executable, __file__, "--child"], capture_output=True, text=True, check=True, cwd=Path(__file__).parent
    )
    m = json.loads(out.stdout.strip().splitlines()[-1])
    print(
        f"  peak memory at n = {m['n']:,}: {m['peak_mib']:,.0f} MiB (process; {m['peak_mib'] - m['before_mib']:,.0f}"
        f" MiB above the compiled model), {m['seconds']:.1f} s"
    )


def bench_coinr(quick: bool) -> None:
    folder = bundled_dir("data") / "coinr_asem"
    panel, framework = ictindex.read_coinr(folder / "ASEM_iData.csv", folder / "ASEM_iMeta.csv", denominate=True)
    spec = dict(COINR_SPEC)
    with_treatment = "treatment" in BuildSpec.model_fields
    if with_treatment:
        spec["treatment"] = [{"method": "winsorise", "winmax": k} for k in range(1, 6)]
    n = 10_000
    start = time.perf_counter()
    # COINr's example coin (R/examples.R): group-mean imputation, screening, winsorisation (issue 14's stages)
    example = COINR_EXAMPLE if with_treatment else {"units": "any"}
    with warnings.catch_warnings():  # winsorisation limits 4 and 5 treat the same points here: said, and drawn
        warnings.simplefilter("ignore", UserWarning)
        problem = prepare(panel, framework, spec, **example)
    setup = time.perf_counter() - start
    sample = unit_sample(n, problem.dimension, seed=0)
    seconds = median_time(lambda: run(problem, sample).ranks, 3 if quick else 5)
    per_second = n / seconds
    print(
        f"COINr ASEM example: {len(problem.base.units)} units, {len(problem.base.edges)} edges; factors "
        f"{[f.name for f in problem.factors]}" + ("" if with_treatment else " (no treatment stage in this version)")
    )
    print(f"  compile and check the spec (once): {setup:.2f} s")
    print(
        f"  uncertainty, {n:,} replications: median {seconds:.3f} s = {per_second:,.0f} replications/s; "
        f"{per_second / COINR_PER_SECOND:,.0f}x COINr's {COINR_PER_SECOND:.0f}/s"
    )


def main() -> None:
    if "--child" in sys.argv:
        print(json.dumps(child_memory()))
        return
    quick = "--quick" in sys.argv
    bench_doi(quick)
    bench_memory()
    bench_coinr(quick)


if __name__ == "__main__":
    main()
