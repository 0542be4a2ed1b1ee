"""Size limits checked before parsing (issue 30, class 8): a 50 MB CSV file of one line, a framework of 100,000
indicators, a huge YAML file and a huge number of replications are refused at once, naming the limit and how to
raise it; a limit raised lets the same input through, and a framework at the limit builds."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import yaml

import ictindex
from ictindex import Framework, build_index, limits, load_framework, read_coinr
from ictindex.errors import FrameworkError, PanelError, SpecError
from ictindex.read import read_table


def _framework(n: int) -> dict:
    return {
        "code": "big",
        "name": "big",
        "index": "I",
        "nodes": [{"code": "I", "name": "I", "children": [{"code": f"x{i}"} for i in range(n)]}],
        "indicators": [{"code": f"x{i}", "name": f"x{i}", "unit": "%"} for i in range(n)],
    }


def test_a_50_mb_csv_file_of_one_line_is_refused_before_parsing(tmp_path):
    path = tmp_path / "one_line.csv"
    path.write_bytes(b"economy,year,indicator,value" + b",x" * 25_000_000)  # 50 MB, no line end
    with pytest.raises(
        PanelError, match=r"line 1 is longer than the limit of 4,194,304 bytes \(MAX_LINE_BYTES\)"
    ) as info:
        build_index(path, "doi")
    assert info.value.file == str(path) and info.value.line == 1
    assert "ictindex.limits.MAX_LINE_BYTES = " in info.value.hint
    with pytest.raises(PanelError, match="MAX_LINE_BYTES"):
        read_coinr(path, path)  # COINr's tables are read with the same check


def test_a_long_line_after_short_ones_and_a_header_of_too_many_columns(tmp_path):
    path = tmp_path / "long.csv"
    path.write_text("economy,year,internet_users\nKOR,2020,96\n" + "NER,2020," + "9" * 5000 + "\nARG,2020,80\n")
    with (
        limits.raised(MAX_LINE_BYTES=1000),
        pytest.raises(PanelError, match="line 3 is longer than the limit of 1,000"),
    ):
        read_table(path)
    assert len(read_table(path)) == 3  # the default limit lets it through
    wide = tmp_path / "wide.csv"
    wide.write_text("economy;year;" + ";".join(f"c{i}" for i in range(30)) + "\nKOR;2020;" + ";".join("1" * 30) + "\n")
    with (
        limits.raised(MAX_COLUMNS=20),
        pytest.raises(PanelError, match=r"header has up to 32 columns.*\(MAX_COLUMNS\)"),
    ):
        read_table(wide)


def test_line_lengths_are_measured_across_blocks(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "_BLOCK", 7)  # every line spans several blocks
    path = tmp_path / "lines.csv"
    lines = ["a,b", "x" * 40, "y" * 12, "z" * 41, "w"]
    path.write_text("\n".join(lines))
    with limits.raised(MAX_LINE_BYTES=40), pytest.raises(PanelError, match="line 4 is longer") as info:
        limits.check_text_file(path)
    assert info.value.line == 4
    with limits.raised(MAX_LINE_BYTES=41):
        limits.check_text_file(path)


def test_a_framework_of_100000_indicators_is_refused_before_validation():
    with pytest.raises(
        FrameworkError, match=r"indicators: 100,000 is more than the limit of 10,000 \(MAX_INDICATORS\)"
    ):
        Framework.from_dict(_framework(100_000))


def test_a_framework_file_above_the_size_limit_is_refused_before_parsing(tmp_path):
    path = tmp_path / "big.yaml"
    path.write_text(yaml.safe_dump(_framework(3_000)), encoding="utf-8")
    with limits.raised(MAX_YAML_BYTES=100_000), pytest.raises(FrameworkError, match=r"\(MAX_YAML_BYTES\)"):
        load_framework(path)
    with limits.raised(MAX_INDICATORS=2_000), pytest.raises(FrameworkError, match="MAX_INDICATORS"):
        load_framework(path)
    assert len(load_framework(path).indicators) == 3_000  # written out, no alias: no "alias expansion" refusal


def test_a_framework_at_the_limit_builds_and_a_raised_limit_lets_more_through():
    n = limits.MAX_INDICATORS
    rng = np.random.default_rng(30)
    values = rng.uniform(0, 100, size=(2, n))
    panel = pd.DataFrame(
        {
            "economy": np.repeat(["KOR", "NER"], n),
            "year": 2023,
            "indicator": [f"x{i}" for i in range(n)] * 2,
            "value": values.ravel(),
        }
    )
    # random values in 0-100 for two units: some of the 10,000 indicators have both below 1 by chance, which the
    # percent_as_fraction check (issue 21) rightly refuses; this test is about size, so the checks are off
    result = build_index(panel, Framework.from_dict(_framework(n)), checks="off")
    # goalposts 0-100 and equal weights: the index is the mean of the values / 100
    expected = dict(zip(["KOR", "NER"], values.mean(axis=1) / 100, strict=True))
    assert result.scores.set_index("economy")["I"].to_dict() == pytest.approx(expected, rel=1e-12)
    with limits.raised(MAX_INDICATORS=n + 1):
        assert len(Framework.from_dict(_framework(n + 1)).indicators) == n + 1


def test_a_huge_number_of_replications_is_refused_before_anything_is_compiled():
    spec = {"weights": {"noise": 0.25}}
    # the framework does not exist: n is refused first, before the build is compiled (or terabytes allocated)
    with pytest.raises(SpecError, match=r"n, the number of replications: 10,000,000,000 is more than the limit"):
        ictindex.uncertainty(pd.DataFrame(), "nowhere", spec, n=10**10)
    with pytest.raises(SpecError, match="MAX_REPLICATIONS"):
        ictindex.sensitivity(pd.DataFrame(), "nowhere", spec, n=10**10)


def test_raised_restores_the_limits_and_knows_their_names():
    before = limits.MAX_COLUMNS
    with pytest.raises(RuntimeError), limits.raised(MAX_COLUMNS=5):
        assert limits.MAX_COLUMNS == 5
        raise RuntimeError
    assert before == limits.MAX_COLUMNS
    with pytest.raises(ValueError, match="no limit named"), limits.raised(MAX_ROWS=5):
        pass
