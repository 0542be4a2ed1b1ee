"""The package's shape (issue 25): a light ``import ictindex``, public names kept, the structure script itself."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import ictindex

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


def _loaded_after(code: str, modules: tuple[str, ...]) -> list[str]:
    """The ``modules`` a fresh interpreter has imported after running ``code``."""
    probe = f"{code}\nimport sys\nprint(' '.join(m for m in {modules!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", probe], check=True, capture_output=True, text=True)
    return out.stdout.split()


def test_import_ictindex_loads_no_heavy_library():
    heavy = ("scipy", "scipy.stats", "matplotlib", "openpyxl", "rich", "pyarrow", "polars", "dask", "sdmx")
    assert _loaded_after("import ictindex", heavy) == []


def test_first_build_loads_neither_scipy_stats_nor_matplotlib():
    heavy = ("scipy.stats", "scipy.optimize", "matplotlib", "openpyxl", "rich")
    assert _loaded_after("import ictindex; ictindex.build_index; ictindex.load_framework", heavy) == []


def test_every_public_name_resolves_to_its_module_object():
    import importlib

    errors = importlib.import_module("ictindex.errors")
    for name in ictindex.__all__:
        if name in ictindex._LAZY or hasattr(errors, name):
            module = importlib.import_module(ictindex._LAZY.get(name, "ictindex.errors"))
            assert getattr(ictindex, name) is getattr(module, name), name
        else:  # a stage as a module (issue 27's package face: ictindex.analysis, .gender, .divide, ...)
            assert getattr(ictindex, name) is importlib.import_module(f"ictindex.{name}"), name
    assert set(ictindex.__all__) <= set(dir(ictindex))


def test_functions_named_like_their_module_stay_functions():
    """``import ictindex.estimates`` binds the module to the package's attribute; the public function keeps it
    (as when the package imported every name eagerly), whether the submodule or the name comes first."""
    probe = (
        "import ictindex.estimates, ictindex.sensitivity, ictindex.uncertainty, ictindex, types\n"
        "print(all(isinstance(getattr(ictindex, n), types.FunctionType)"
        " for n in ('estimates', 'sensitivity', 'uncertainty')))\n"
        "from ictindex.estimates import estimates\n"
        "print(ictindex.estimates is estimates)"
    )
    out = subprocess.run([sys.executable, "-c", probe], check=True, capture_output=True, text=True)
    assert out.stdout.split() == ["True", "True"]


def test_submodules_and_former_names_resolve():
    from ictindex import datasets, units

    assert ictindex.units is units
    assert datasets.economies is units.economies
    with pytest.raises(AttributeError):
        ictindex.no_such_name  # noqa: B018
    with pytest.raises(AttributeError):
        datasets.no_such_name  # noqa: B018


def test_version_from_one_place():
    from importlib.metadata import version

    from ictindex import _version, safety  # noqa: F401 - the manifest writer reads the same version

    assert ictindex.__version__ == _version.__version__ == version("ictindex")


def test_structure_script_finds_long_functions_modules_and_cycles(tmp_path):
    """The script's measures on a small package made here: a 61-line stage function, a 601-line module, a cycle
    through an import inside a function, and an accessor's hop that is allowed."""
    sys.path.insert(0, str(BENCHMARKS))
    try:
        import structure
    finally:
        sys.path.remove(str(BENCHMARKS))
    pkg = tmp_path / "ictindex"
    (pkg / "report").mkdir(parents=True)
    (pkg / "__init__.py").write_text('"""root"""\n')
    (pkg / "report" / "__init__.py").write_text("from ictindex.result import IndexResult\n")
    body = "".join(f"    x{i} = {i}\n" for i in range(59))
    (pkg / "panel.py").write_text(f'def long():\n    """doc\n    more"""\n{body}    return 0\n')
    (pkg / "divide.py").write_text("def f():\n    from ictindex.panel import long\n" + "\n" * 599)
    (pkg / "units.py").write_text("from ictindex.divide import f\n")
    (pkg / "result.py").write_text(
        "class IndexResult:\n    def plot(self):\n        from ictindex.report import x\n\n"
        "    def other(self):\n        from ictindex.units import y\n"
    )
    (pkg / "build.py").write_text("from ictindex import units\n")
    (pkg / "panel.py").write_text((pkg / "panel.py").read_text() + "from ictindex.units import z\n")
    found = structure.measure(pkg)
    assert [(name, n) for _, name, n in found["stage"]] == [("long", 61)]  # def + 59 + return; docstring out
    assert found["package"] == []
    assert found["modules"] == [("ictindex/divide.py", 601)]
    assert [members for members, _ in found["cycles"]] == [["ictindex.divide", "ictindex.panel", "ictindex.units"]]
    assert [members for members, _ in found["allowed"]] == [["ictindex.report", "ictindex.result"]]


def test_the_package_keeps_its_shape():
    """Issue 25's limits on the package itself: no function over 60 lines in a stage module (docstring excluded),
    none over 80 anywhere, no module outside ``report/`` over 600 lines, and no import cycle (imports inside
    functions included) but the result-to-chart accessors'. ``python benchmarks/structure.py`` says where."""
    sys.path.insert(0, str(BENCHMARKS))
    try:
        import structure
    finally:
        sys.path.remove(str(BENCHMARKS))
    found = structure.measure()
    assert found["stage"] == []
    assert found["package"] == []
    assert found["modules"] == []
    assert [members for members, _ in found["cycles"]] == []


def test_every_result_type_reaches_the_report_through_one_helper(monkeypatch):
    """ENGINE.md's one upward hop: ``IndexResult.plot``, ``UncertaintyResult.plot`` and ``SensitivityResult.plot``
    all look their chart up with :func:`ictindex.plotting.report_chart`."""
    import ictindex.plotting as plotting
    from ictindex.result import IndexResult
    from ictindex.sensitivity import SensitivityResult
    from ictindex.uncertainty import UncertaintyResult

    asked = []

    def chart(name):
        asked.append(name)
        return lambda *args, **kwargs: name

    monkeypatch.setattr(plotting, "report_chart", chart)
    assert UncertaintyResult.plot(object()) == "rank_uncertainty_chart"
    assert SensitivityResult.plot(object()) == "sobol_chart"
    assert IndexResult.plot.fget(object()).ranking_chart() == "ranking_chart"
    assert asked == ["rank_uncertainty_chart", "sobol_chart", "ranking_chart"]


#: Former names of the input modules (issue 25: one input package) -> the module each of them now is.
FORMER_INPUTS = {
    "ictindex.read": "ictindex.inputs.user_files",
    "ictindex.catalogue": "ictindex.inputs.catalogue",
    "ictindex.published": "ictindex.inputs.published_scores",
    "ictindex.datasets": "ictindex.inputs.bundled",
    "ictindex.io.coinr": "ictindex.inputs.coinr",
    "ictindex.io.sdmx": "ictindex.inputs.sdmx",
    "ictindex.io.sdmx.mapping": "ictindex.inputs.sdmx.mapping",
    "ictindex.io.sdmx.panel": "ictindex.inputs.sdmx.panel",
    "ictindex.io.sdmx.reading": "ictindex.inputs.sdmx.reading",
    "ictindex.io.sdmx.writing": "ictindex.inputs.sdmx.writing",
    "ictindex.sources.readers": "ictindex.inputs.published_sources.readers",
    "ictindex.sources.build": "ictindex.inputs.published_sources.build",
}
#: Former packages that keep their names -> the new modules those names come from.
FORMER_PACKAGES = {
    "ictindex.io": ("ictindex.inputs.coinr", "ictindex.inputs.sdmx"),
    "ictindex.sources": ("ictindex.inputs.catalogue", "ictindex.inputs.published_sources.readers"),
}


def test_former_input_names_are_the_new_modules():
    import importlib

    for old, new in FORMER_INPUTS.items():
        assert importlib.import_module(old) is importlib.import_module(new), old
    for old, news in FORMER_PACKAGES.items():
        package = importlib.import_module(old)
        homes = [importlib.import_module(new) for new in news]
        for name in package.__all__:
            assert any(getattr(home, name, None) is getattr(package, name) for home in homes), f"{old}.{name}"
    from ictindex import datasets

    assert datasets is ictindex.datasets is importlib.import_module("ictindex.inputs.bundled")


def test_the_library_imports_no_former_input_name():
    """The library imports the input modules by their new names; the former names are for users (and tests)."""
    import ast

    source = Path(ictindex.__file__).parent
    former = set(FORMER_INPUTS) | set(FORMER_PACKAGES)
    shims = {source.joinpath(*name.split(".")[1:]) for name in former}
    found = []
    for path in sorted(source.rglob("*.py")):
        if path.with_suffix("") in shims or path.parent in shims:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
            else:
                continue
            hits = [n for n in names if n in former or n.rpartition(".")[0] in former]
            found += [f"{path.relative_to(source)}:{node.lineno} {hit}" for hit in hits]
    assert found == []


def test_bundled_files_import_nothing_of_the_engine():
    """The stages read the bundled panel from here (units, checks): it must sit below them."""
    probe = (
        "import sys, ictindex.inputs.bundled_files\nprint(' '.join(m for m in sys.modules if m.startswith('ictindex')))"
    )
    out = subprocess.run([sys.executable, "-c", probe], check=True, capture_output=True, text=True)
    loaded = set(out.stdout.split())
    assert loaded <= {
        "ictindex",
        "ictindex._version",
        "ictindex.errors",
        "ictindex.resources",
        "ictindex.inputs",
        "ictindex.inputs.bundled_files",
    }


def test_former_build_command_runs_the_build(tmp_path):
    """``python -m ictindex.sources.build`` (the command the build log names) runs the panel build, without
    runpy's warning of a module imported twice; on an empty folder the build names the first file it misses."""
    for module in ("ictindex.sources.build", "ictindex.inputs.published_sources.build"):
        run = [sys.executable, "-W", "error::RuntimeWarning", "-m", module, str(tmp_path)]
        out = subprocess.run(run, capture_output=True, text=True)
        assert out.returncode != 0 and "SourceFileError" in out.stderr, module
        assert "RuntimeWarning" not in out.stderr, module
