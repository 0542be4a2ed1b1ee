"""Hostile-input sweep: every case of the bad-input catalogue and every hostile case of issue 30, each in its own
process with a time limit.

Run: ``python benchmarks/hostile_sweep.py [--limit SECONDS] [--only WORD]``. Each case ends in one of:

* ``error``  - the library error the case expects (an ``IctIndexError`` subclass, its message and place);
* ``result`` - a result whose values were checked against what they must be (hand computation or a property);
* ``CRASH``  - an exception that is not a library error;
* ``WRONG``  - a result where an error was expected, the wrong error, or a result that fails its check;
* ``HANG``   - no answer within the time limit (default 120 s).

The script prints one line per case and a summary, and exits with status 1 when any case crashed, was wrong
or hung. Cases run one after another in forked processes (the library is imported once, in the parent).
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import ictindex  # noqa: E402
from ictindex import Framework, build_index, compile_model, divide, limits, load_framework, read_coinr  # noqa: E402
from ictindex.errors import (  # noqa: E402
    CoverageError,
    FrameworkError,
    IctIndexError,
    MethodError,
    PanelError,
    SpecError,
)
from ictindex.registry import register_aggregation, register_normalisation  # noqa: E402
from ictindex.uncertainty import UncertaintySpec, check_run  # noqa: E402


class Wrong(Exception):
    """A result that is not what it must be, or no error where one was due."""


@dataclass(frozen=True)
class Case:
    name: str
    group: str
    run: Callable[[Path], object]
    error: type[IctIndexError] | None = None  # the error expected, or None: a checked result
    checks_error: bool = False  # a catalogue case whose test checks the error itself


def expect(condition: bool, what: str) -> None:
    if not condition:
        raise Wrong(what)


# -- the catalogue ------------------------------------------------------------------------------------------------
def catalogue_cases() -> list[Case]:
    import test_bad_inputs as catalogue

    cases = []
    for case, ident in zip(catalogue.CASES, catalogue.IDS, strict=True):
        if "error" in case:
            check = catalogue.test_bad_input_gives_its_specific_error
            cases.append(Case(ident, "catalogue", lambda tmp, c=case, f=check: f(c), checks_error=True))
        else:
            cases.append(
                Case(ident, "catalogue", lambda tmp, c=case: catalogue.test_documented_handling_is_recorded(c, tmp))
            )
    return cases


# -- issue 30, class by class -------------------------------------------------------------------------------------
POPULATION = pd.DataFrame({"economy": list("ABCD"), "population": [1.0, 3.0, 2.0, 2.0]})


def _divide_near_limit(tmp: Path) -> None:
    x, w = np.array([1.0, 2.0, 3.0, 6.0]), np.array([1.0, 3.0, 2.0, 2.0])
    expect(abs(divide.gini(x * 1.5e307, weights=w) - divide.gini(x, weights=w)) < 1e-12, "gini at 1e307")
    for measure in ("T", "L"):
        big, small = divide.theil(x * 1.5e307, weights=w, measure=measure), divide.theil(x, weights=w, measure=measure)
        expect(abs(big.total - small.total) < 1e-12, f"theil {measure} at 1e307")
    row = divide.inequality(
        pd.DataFrame({"economy": list("ABCD"), "year": 2020, "value": x * 1.5e307}), population=POPULATION
    )
    expect(bool(np.isfinite(row[["mean", "sd", "weighted_mean"]].to_numpy()).all()), "finite moments")


def _divide_zero_weight_group(tmp: Path) -> None:
    a = divide.theil([1.0, 2.0, 3.0, 6.0, 0.0], weights=[1, 3, 2, 2, 0], by=list("aabbc"), measure="L")
    b = divide.theil([1.0, 2.0, 3.0, 6.0], weights=[1, 3, 2, 2], by=list("aabb"), measure="L")
    expect(np.allclose(tuple(a), tuple(b), atol=1e-15), "zero-weight group takes no part")


def _divide_labels(tmp: Path) -> None:
    values = pd.Series([1.0, 2.0, 3.0], index=["A", "B", "C"])
    weights = pd.Series([3.0, 2.0, 1.0], index=["C", "B", "A"])
    expect(abs(divide.gini(values, weights=weights) - divide.gini([1, 2, 3], weights=[1, 2, 3])) < 1e-15, "by label")


def _evaluate_chunk_none(tmp: Path) -> None:
    model = compile_model(PANEL9, "doi", min_coverage=0.3)
    w = np.tile(model.weights, (5, 1))
    expect(np.allclose(model.evaluate(w), model.evaluate(w, chunk=1), atol=1e-12, equal_nan=True), "chunks agree")


OURS = pd.DataFrame({"economy": ["KOR", "ARG", "BRA", "NER"], "year": 2022, "IDI": [90.0, 80.0, 70.0, 20.0]})


def _compare(published: pd.DataFrame, both: int, scores: dict | None = None) -> Callable[[Path], None]:
    def run(tmp: Path) -> None:
        table = ictindex.compare(OURS, published, node="IDI").table.set_index("economy")
        expect(int((table["in"] == "both").sum()) == both, f"{both} compared, got {table['in'].to_dict()}")
        if scores:
            expect(table["score_b"].dropna().to_dict() == scores, f"scores {table['score_b'].to_dict()}")

    return run


IDATA = pd.DataFrame({"uCode": ["AAA", "BBB", "CCC"], "Time": 2020, "x": [1.0, 2.0, 3.0], "y": [3.0, 1.0, 2.0]})


def _imeta(direction: object = 1) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "iCode": ["x", "y", "Index"],
            "iName": ["x", "y", "Index"],
            "Direction": pd.Series([direction, -1, 1], dtype="object"),
            "Weight": [1, 1, 1],
            "Parent": ["Index", "Index", None],
            "Type": ["Indicator", "Indicator", "Aggregate"],
        }
    )


def _coinr_no_time(tmp: Path) -> None:
    panel, fw = read_coinr(IDATA.drop(columns="Time"), _imeta(), year=2019)
    result = build_index(panel, fw, units="any")
    expect(result.years == [2019], f"years {result.years}")
    expect(result.scores.set_index("economy")["Index"].to_dict() == {"AAA": 0.0, "BBB": 75.0, "CCC": 75.0}, "scores")


def _spec_file(text: str) -> Callable[[Path], object]:
    def run(tmp: Path) -> object:
        path = tmp / "spec.yaml"
        path.write_text(text, encoding="utf-8")
        return UncertaintySpec.load(path)

    return run


PANEL9 = pd.DataFrame(
    {
        "economy": ["KOR", "KOR", "KOR", "ARG", "ARG", "ARG", "NER", "NER", "NER"],
        "year": 2023,
        "indicator": ["mobile_coverage", "hh_internet", "internet_users"] * 3,
        "value": [100, 99.9, 97.2, 99.0, 80.0, 88.4, 50, 10, 20],
    }
)


def _user_method(kind: str, output: Callable) -> Callable[[Path], object]:
    def run(tmp: Path) -> object:
        data = load_framework("doi").model_dump()
        if kind == "aggregation":
            register_aggregation("sweep_method", replace=True)(lambda x, w, **p: output(x, w))
            data["nodes"][0]["aggregation"] = {"method": "sweep_method"}
        else:
            register_normalisation("sweep_method", replace=True)(lambda x, params, year_code, direction, **o: output(x))
            for ind in data["indicators"]:
                ind["normalisation"] = {"method": "sweep_method"}
        return build_index(PANEL9, Framework.model_validate(data), min_coverage=0.3)

    return run


def _replaced_builtin(tmp: Path) -> None:
    register_normalisation("goalpost", replace=True)(
        lambda x, params, year_code, direction, **o: np.clip(x / 100, 0, 1)
    )
    result = build_index(PANEL9, "doi", min_coverage=0.3)
    rows = result.provenance["user_methods"]
    expect(len(rows) == 1 and rows[0]["name"] == "goalpost" and rows[0]["replaces_builtin"], f"provenance {rows}")


def _hostile_report(tmp: Path) -> None:
    from ictindex.report import write_report

    data = load_framework("doi").model_dump()
    data["name"] = "Индекс 数字指数 \x07 $x^2$ \\textbf{b} $\\frac{1}{2}$ " + "A" * 300
    data["indicators"][8]["name"] = "Пользователи " + "Z" * 5000
    data["indicators"][8]["unit"] = "US$ per $100"
    result = build_index(PANEL9, Framework.model_validate(data), min_coverage=0.3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # CJK glyphs missing from the chart font
        report = write_report(result, tmp / "report", divide=False)
    lualatex = shutil.which("lualatex")
    if lualatex is None:
        raise Wrong("lualatex not installed: cannot check that tables.tex compiles")
    folder = report.tables["tables.tex"][0].parent
    run = subprocess.run(
        [lualatex, "-interaction=nonstopmode", "-halt-on-error", "tables.tex"],
        cwd=folder,
        capture_output=True,
        timeout=300,
    )
    expect(run.returncode == 0, "tables.tex does not compile with lualatex")


def _one_economy_report(tmp: Path) -> None:
    from ictindex.report import write_report

    result = build_index(PANEL9[PANEL9["economy"] == "KOR"], "doi", min_coverage=0.3)
    report = write_report(result, tmp / "one")
    expect(report.html.exists(), "no HTML page")


def _one_line_csv(tmp: Path) -> object:
    path = tmp / "one_line.csv"
    path.write_bytes(b"economy,year,indicator,value" + b",x" * 25_000_000)  # 50 MB, one line
    return build_index(path, "doi")


def _big_framework(n: int) -> dict:
    return {
        "code": "big",
        "name": "big",
        "index": "I",
        "nodes": [{"code": "I", "name": "I", "children": [{"code": f"x{i}"} for i in range(n)]}],
        "indicators": [{"code": f"x{i}", "name": f"x{i}", "unit": "%"} for i in range(n)],
    }


def _big_framework_file(tmp: Path) -> object:
    path = tmp / "big.yaml"
    children = "".join(f"  - code: x{i}\n" for i in range(100_000))
    indicators = "".join(f"- code: x{i}\n  name: x{i}\n  unit: '%'\n" for i in range(100_000))
    head = "code: big\nname: big\nindex: I\nnodes:\n- code: I\n  name: I\n  children:\n"
    path.write_text(f"{head}{children}indicators:\n{indicators}", encoding="utf-8")
    return load_framework(path)


def _framework_at_the_limit(tmp: Path) -> None:
    n = limits.MAX_INDICATORS
    values = np.random.default_rng(30).uniform(0, 100, size=(2, n))
    panel = pd.DataFrame(
        {
            "economy": np.repeat(["KOR", "NER"], n),
            "year": 2023,
            "indicator": [f"x{i}" for i in range(n)] * 2,
            "value": values.ravel(),
        }
    )
    # random values for two units: some indicators have both below 1 by chance, which percent_as_fraction (issue
    # 21) rightly refuses; this case is about size, so the checks are off
    result = build_index(panel, Framework.from_dict(_big_framework(n)), checks="off")
    got = result.scores.set_index("economy")["I"].to_numpy()
    expect(np.allclose(got, values.mean(axis=1) / 100, rtol=1e-12), "mean of the values")


def _by_sex_carried(tmp: Path) -> None:
    rows = [(e, 2022, "i99H", s, v) for e in ("ARG", "BRA") for s, v in (("total", 50), ("female", 40), ("male", 60))]
    rows += [(e, 2023, "i99H", s, v) for e in ("ARG", "BRA") for s, v in (("total", 55), ("female", 45), ("male", 65))]
    rows += [
        (e, y, "IT_MOB_OWN", s, 80) for e, y in (("ARG", 2022), ("BRA", 2023)) for s in ("total", "female", "male")
    ]
    panel = pd.DataFrame(rows, columns=["economy", "year", "indicator", "sex", "value"])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        build_index(panel, "doi_gender", by_sex=True, imputation="latest", years=[2023])


def issue_cases() -> list[Case]:
    frame = pd.DataFrame({"economy": list("ABC"), "year": 2020, "value": [1.0, 2.0, 3.0]})
    pop3 = POPULATION.iloc[:3]
    model_args = {
        "chunk=0": {"chunk": 0},
        "chunk=-1": {"chunk": -1},
        "chunk=1.5": {"chunk": 1.5},
        "chunk='2'": {"chunk": "2"},
        "weights wrong shape": {"weights": np.ones((2, 3))},
        "weights NaN": {"weights": np.full(14, np.nan)},
        "aggregation=5": {"aggregation": 5},
        "exclude a string": {"exclude": "internet_tariff"},
        "power not a number": {"aggregation": {"method": "power", "power": "x"}},
        "sex=5": {"sex": 5},
    }
    cases = [
        Case("infinite value", "1 divide", lambda t: divide.gini([1.0, np.inf, 3.0]), MethodError),
        Case("infinite weight", "1 divide", lambda t: divide.gini([1.0, 2.0], weights=[1.0, np.inf]), MethodError),
        Case("values near the float limit", "1 divide", _divide_near_limit),
        Case("zero-weight group", "1 divide", _divide_zero_weight_group),
        Case("labelled Series in different orders", "1 divide", _divide_labels),
        Case("text values", "1 divide", lambda t: divide.gini([1.0, "2", 3.0]), MethodError),
        Case(
            "text value in a table",
            "1 divide",
            lambda t: divide.inequality(frame.astype({"value": "object"}).assign(value=[1, "x", 2]), population=pop3),
            MethodError,
        ),
        Case(
            "no unit positive at both ends",
            "1 divide",
            lambda t: divide.convergence(
                pd.DataFrame({"economy": list("ABCABC"), "year": [2000] * 3 + [2010] * 3, "value": [0, 1, 0, 1, 2, 3]}),
                population=pop3,
            ),
            CoverageError,
        ),
    ]
    cases += [
        Case(
            name,
            "2 evaluate",
            lambda t, a=args: compile_model(PANEL9, "doi", min_coverage=0.3).evaluate(**a),
            SpecError,
        )
        for name, args in model_args.items()
    ]
    cases.append(Case("chunk left out equals chunk=1", "2 evaluate", _evaluate_chunk_none))
    cases += [
        Case("footnote marks", "3 compare", _compare(OURS.assign(IDI=["90.1*", "80.2 a", "70.0†", "20.5¹"]), 4)),
        Case("n/a", "3 compare", _compare(OURS.assign(IDI=["90.1", "n/a", "..", "20"]), 2)),
        Case(
            "economies by name",
            "3 compare",
            _compare(OURS.assign(economy=["Korea (Rep. of)", "Argentina", "Brazil", "Niger"]), 4),
        ),
        Case(
            "all-missing column",
            "3 compare",
            lambda t: ictindex.compare(OURS, OURS.assign(IDI=np.nan), node="IDI"),
            CoverageError,
        ),
        Case("years as text", "3 compare", _compare(OURS.assign(year=["2022", " 2022 ", "2022.0", "2022"]), 4)),
        Case(
            "text score",
            "3 compare",
            lambda t: ictindex.compare(OURS, OURS.assign(IDI=["x", 1, 2, 3]), node="IDI"),
            MethodError,
        ),
    ]
    cases += [
        Case(f"Direction {d!r}", "4 read_coinr", lambda t, d=d: read_coinr(IDATA, _imeta(d)), PanelError)
        for d in (0, None, "", "lower")
    ]
    cases += [
        Case("iData without Time", "4 read_coinr", _coinr_no_time),
        Case(
            "text in iData",
            "4 read_coinr",
            lambda t: build_index(
                *read_coinr(IDATA.astype({"x": "object"}).assign(x=[1, "z", 3]), _imeta()), units="any"
            ),
            PanelError,
        ),
    ]
    bomb = "\n".join(
        ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
        + [f"{chr(98 + k)}: &{chr(98 + k)} [{', '.join([f'*{chr(97 + k)}'] * 10)}]" for k in range(6)]
    )
    cases += [
        Case("repeated key", "5 spec", _spec_file("weights: {noise: 0.2}\nweights: {noise: 0.3}\n"), SpecError),
        Case("deep nesting", "5 spec", _spec_file("weights: " + "[" * 5000 + "]" * 5000), SpecError),
        Case("alias bomb", "5 spec", _spec_file(bomb), SpecError),
        Case("n = 10^12", "5 spec", lambda t: check_run(10**12, 0), SpecError),
        Case("seed = -1", "5 spec", lambda t: check_run(100, -1), SpecError),
        Case("seed = 'x'", "5 spec", lambda t: check_run(100, "x"), SpecError),
    ]
    cases += [
        Case(
            "aggregation returns a scalar", "6 user methods", _user_method("aggregation", lambda x, w: 0.5), MethodError
        ),
        Case(
            "aggregation returns the wrong shape",
            "6 user methods",
            _user_method("aggregation", lambda x, w: x),
            MethodError,
        ),
        Case(
            "aggregation returns NaN",
            "6 user methods",
            _user_method("aggregation", lambda x, w: np.full(x.shape[:-1], np.nan)),
            MethodError,
        ),
        Case(
            "aggregation leaves its children's range",
            "6 user methods",
            _user_method("aggregation", lambda x, w: (x * (w > 0)).sum(axis=-1)),
            MethodError,
        ),
        Case(
            "normalisation returns a scalar",
            "6 user methods",
            _user_method("normalisation", lambda x: 0.5),
            MethodError,
        ),
        Case(
            "normalisation returns NaN",
            "6 user methods",
            _user_method("normalisation", lambda x: x * np.nan),
            MethodError,
        ),
        Case("normalisation out of range", "6 user methods", _user_method("normalisation", lambda x: x), MethodError),
        Case("replaced built-in in provenance", "6 user methods", _replaced_builtin),
    ]
    cases += [
        Case("names in any script, control characters, long words, $ and TeX", "7 outputs", _hostile_report),
        Case("report of one economy and one year", "7 outputs", _one_economy_report),
        Case("50 MB CSV of one line", "8 size", _one_line_csv, PanelError),
        Case(
            "framework of 100,000 indicators",
            "8 size",
            lambda t: Framework.from_dict(_big_framework(100_000)),
            FrameworkError,
        ),
        Case("framework file of 100,000 indicators", "8 size", _big_framework_file, FrameworkError),
        Case(f"framework of {limits.MAX_INDICATORS:,} indicators builds", "8 size", _framework_at_the_limit),
        Case("by-sex build carrying a value, warnings as errors", "9 pandas", _by_sex_carried),
    ]
    return cases


# -- running ------------------------------------------------------------------------------------------------------
def _child(case: Case, queue: mp.Queue) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        try:
            value = case.run(Path(tmp))
        except IctIndexError as err:
            if case.error is None:
                queue.put(("WRONG", f"{type(err).__name__}: {err}"))
            elif not isinstance(err, case.error):
                queue.put(("WRONG", f"expected {case.error.__name__}, got {type(err).__name__}: {err}"))
            elif "What to do:" not in str(err):
                queue.put(("WRONG", f"no 'What to do': {err}"))
            else:
                queue.put(("error", f"{type(err).__name__}: {str(err)[:110]}"))
            return
        except (Wrong, AssertionError) as err:
            queue.put(("WRONG", str(err)[:300]))
            return
        except BaseException as err:  # noqa: BLE001 - the sweep reports every other exception as a crash
            if type(err).__name__ == "Failed":  # pytest.raises saw no error
                queue.put(("WRONG", str(err)[:300]))
            else:
                queue.put(("CRASH", "".join(traceback.format_exception_only(err)).strip()[:300]))
            return
        if case.error is not None:
            queue.put(("WRONG", f"no {case.error.__name__}: returned {type(value).__name__}"))
        elif case.checks_error:
            queue.put(("error", "the catalogue's error, message and place"))
        else:
            queue.put(("result", "checked"))


def run_case(case: Case, limit: float) -> tuple[str, str, float]:
    queue: mp.Queue = mp.get_context("fork").Queue()
    process = mp.get_context("fork").Process(target=_child, args=(case, queue))
    start = time.perf_counter()
    process.start()
    process.join(limit)
    seconds = time.perf_counter() - start
    if process.is_alive():
        process.kill()
        process.join()
        return "HANG", f"no answer in {limit:g} s", seconds
    if queue.empty():
        return "CRASH", f"the process died (exit code {process.exitcode})", seconds
    outcome, detail = queue.get()
    return outcome, detail, seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=float, default=120.0, help="seconds per case")
    parser.add_argument("--only", default="", help="run the cases whose group or name contains this")
    args = parser.parse_args()
    cases = [c for c in catalogue_cases() + issue_cases() if args.only in c.group or args.only in c.name]
    versions = f"pandas {pd.__version__}, numpy {np.__version__}"
    print(f"hostile-input sweep: {len(cases)} cases, {args.limit:g} s each at most; {versions}")
    counts: dict[str, int] = {}
    slowest = (0.0, "")
    for case in cases:
        outcome, detail, seconds = run_case(case, args.limit)
        counts[outcome] = counts.get(outcome, 0) + 1
        slowest = max(slowest, (seconds, case.name))
        print(f"{outcome:7} {seconds:6.1f} s  [{case.group}] {case.name}: {detail}", flush=True)
    bad = sum(counts.get(k, 0) for k in ("CRASH", "WRONG", "HANG"))
    print(
        f"\n{len(cases)} cases: "
        + ", ".join(f"{counts.get(k, 0)} {k}" for k in ("error", "result", "CRASH", "WRONG", "HANG"))
        + f"; slowest {slowest[0]:.1f} s ({slowest[1]})"
    )
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
