"""The engine: many weight sets at once, builds at sub-national scale, deep trees.

Run: ``python benchmarks/bench_engine.py [--quick]``. Prints, measured in this run:

1. bundled ``doi_current`` 2023: one ``IndexModel.evaluate`` of 10,000 weight sets (each weight
   x U(0.75, 1.25), renormalised within its parent) -> replications per second, and the ratio to a
   loop of ``build_index`` calls with the same weights (a framework per weight set);
2. peak memory of ``evaluate`` for 100,000 weight sets (a fresh process; ``ru_maxrss`` above the
   compiled model);
3. ``build_index`` on synthetic sub-national panels (``units="any"``) of 2,000, 20,000 and 200,000
   units x 10 years x 11 indicators, as a wide table (a row per unit and year) and as a long one (a row per
   value): median seconds of three fresh processes, seconds per 1,000 units and peak memory;
4. a 2,000-level chain framework: load and build seconds.
"""

from __future__ import annotations

import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from timing import median_time

from ictindex import Framework, build_index, datasets, load_framework
from ictindex.model import compile_model

HERE = Path(__file__).resolve().parent


def noisy_weights(model, n: int, seed: int = 0) -> np.ndarray:
    """``n`` weight sets: every nominal weight x U(0.75, 1.25), renormalised within its parent."""
    rng = np.random.default_rng(seed)
    w = model.weights[None, :] * rng.uniform(0.75, 1.25, size=(n, len(model.edges)))
    parents = np.asarray([model.nodes.index(p) for p, _ in model.edges])
    for p in np.unique(parents):
        cols = parents == p
        w[:, cols] /= w[:, cols].sum(axis=1, keepdims=True)
    return w


def with_weights(fw: Framework, model, row: np.ndarray) -> Framework:
    """The framework with one weight set written into its nodes (what a user of build_index would do)."""
    data = fw.model_dump()
    position = {edge: j for j, edge in enumerate(model.edges)}
    for node in data["nodes"]:
        for child in node["children"]:
            child["weight"] = float(row[position[(node["code"], child["code"])]])
    return Framework.model_validate(data)


def bench_weights(quick: bool) -> None:
    panel = datasets.load("itu")
    fw = load_framework("doi_current")
    model = compile_model(panel, fw, years=2023)
    n = 10_000
    weights = noisy_weights(model, n)
    seconds = median_time(lambda: model.evaluate(weights), 3 if quick else 7)
    per_second = n / seconds
    loops = 10 if quick else 30
    frameworks = [with_weights(fw, model, weights[i]) for i in range(loops)]
    start = time.perf_counter()
    looped = [build_index(panel, f, years=2023) for f in frameworks]
    loop_per_second = loops / (time.perf_counter() - start)
    # the same numbers both ways
    scores = model.evaluate(weights[:loops])[:, :, model.nodes.index(fw.index)]
    index = model.units
    diff = max(
        float(
            np.nanmax(np.abs(r.scores.set_index(["economy", "year"])[fw.index].reindex(index).to_numpy() - scores[i]))
        )
        for i, r in enumerate(looped)
    )
    print(f"doi_current 2023: {len(model.units)} economies, {len(model.edges)} edges")
    print(f"  evaluate, {n:,} weight sets: median {seconds:.3f} s = {per_second:,.0f} replications/s")
    print(f"  loop of build_index ({loops} calls): {loop_per_second:,.1f} replications/s")
    print(f"  ratio evaluate / loop: {per_second / loop_per_second:,.0f}x; largest difference {diff:.1e}")


def _child(code: str) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--child", code], capture_output=True, text=True, check=True, cwd=HERE
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child_memory() -> dict:
    panel = datasets.load("itu")
    model = compile_model(panel, "doi_current", years=2023)
    weights = noisy_weights(model, 100_000)
    before = _rss_mib()
    start = time.perf_counter()
    out = model.evaluate(weights)
    seconds = time.perf_counter() - start
    return {"before": before, "peak": _rss_mib(), "seconds": seconds, "output_mib": out.nbytes / 2**20}


def synthetic_panel(units: int, years: int = 10, seed: int = 1) -> pd.DataFrame:
    """Sub-national units x years x the 11 DOI indicators, as a wide table (values in indicator units)."""
    rng = np.random.default_rng(seed)
    fw = load_framework("doi")
    codes = [f"U{i:07d}" for i in range(units)]
    frame = pd.DataFrame({"economy": np.repeat(codes, years), "year": np.tile(np.arange(2014, 2014 + years), units)})
    for ind in fw.indicators:
        high = 100.0 if ind.unit.strip() == "%" else 150.0
        frame[ind.code] = rng.uniform(0, high, len(frame)).round(2)
    return frame


def child_scale(units: int, layout: str = "wide") -> dict:
    panel = synthetic_panel(units)
    if layout == "long":  # the same values as a long table: one row per value (11 per row of the wide table)
        panel = panel.melt(id_vars=["economy", "year"], var_name="indicator", value_name="value")
    before = _rss_mib()
    start = time.perf_counter()
    result = build_index(panel, "doi", units="any")
    seconds = time.perf_counter() - start
    return {
        "units": units,
        "seconds": seconds,
        "peak": _rss_mib(),
        "before": before,
        "scored": int(result.scores["rank"].notna().sum()),
    }


def chain(levels: int) -> dict:
    nodes = [
        {"code": f"N{i}", "name": f"N{i}", "children": [{"code": f"N{i + 1}"}, {"code": f"x{i}"}]}
        for i in range(levels - 1)
    ]
    nodes.append({"code": f"N{levels - 1}", "name": "last", "children": [{"code": f"x{levels - 1}"}]})
    indicators = [{"code": f"x{i}", "name": f"x{i}", "unit": "%"} for i in range(levels)]
    return {"code": "chain", "name": "chain", "index": "N0", "nodes": nodes, "indicators": indicators}


def bench_chain() -> None:
    data = chain(2000)
    start = time.perf_counter()
    fw = Framework.from_dict(data)
    load = time.perf_counter() - start
    panel = pd.DataFrame(
        {
            "economy": ["KOR", "ARG"] * 2000,
            "year": 2023,
            "indicator": [f"x{i}" for i in range(2000) for _ in range(2)],
            "value": np.tile([90.0, 60.0], 2000),
        }
    )
    start = time.perf_counter()
    result = build_index(panel, fw)
    built = time.perf_counter() - start
    print(f"2,000-level chain: load {load:.2f} s, build {built:.2f} s, KOR {result.scores['N0'].iloc[1]:.3f}")


def main() -> None:
    quick = "--quick" in sys.argv
    bench_weights(quick)
    memory = _child("memory")
    print(
        f"  evaluate, 100,000 weight sets: {memory['seconds']:.2f} s, peak {memory['peak']:,.0f} MiB "
        f"({memory['peak'] - memory['before']:,.0f} MiB above the compiled model; output "
        f"{memory['output_mib']:,.0f} MiB)"
    )
    sizes = (2_000, 20_000) if quick else (2_000, 20_000, 200_000)
    repeats = 1 if quick else 3
    for layout in ("wide", "long"):
        print(f"build_index, a {layout} table (median of {repeats} fresh processes):")
        for n in sizes:
            runs = [_child(f"{'long' if layout == 'long' else 'scale'}:{n}") for _ in range(repeats)]
            seconds = statistics.median(run["seconds"] for run in runs)
            peak = max(run["peak"] for run in runs)
            print(
                f"  {n:>7,} units x 10 years x 11 indicators: {seconds:6.2f} s, "
                f"{1000 * seconds / n:.3f} s per 1,000 units, peak {peak:,.0f} MiB"
            )
    bench_chain()


if __name__ == "__main__":
    if "--child" in sys.argv:
        task = sys.argv[sys.argv.index("--child") + 1]
        kind, _, size = task.partition(":")
        result = child_memory() if task == "memory" else child_scale(int(size), "long" if kind == "long" else "wide")
        print(json.dumps(result))
    else:
        main()
