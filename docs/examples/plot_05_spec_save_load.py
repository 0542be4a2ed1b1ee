"""
Save a build's settings and replay it
=====================================

``result.spec`` holds every setting of a build (the framework itself, years, imputation, units, checks).
``save`` writes it as YAML and ``BuildSpec.load`` reads it back equal, so next year's build runs with exactly the
same settings; ``replace`` changes one of them.
"""

import tempfile
import warnings
from pathlib import Path

import ictindex
from ictindex import BuildSpec, datasets

warnings.simplefilter("ignore", ictindex.IctIndexWarning)
panel = datasets.load("itu")
result = ictindex.build_index(panel, "doi_current", years=2023, min_coverage=0.5)

path = result.spec.save(Path(tempfile.mkdtemp()) / "doi_2023.yaml")
spec = BuildSpec.load(path)
assert spec == result.spec
again = ictindex.build_index(panel, spec=spec)
assert again.scores.equals(result.scores)
print(path.read_text()[:400])
spec
