"""Writing a result's scores as an SDMX-ML 2.1 message, with its structure (or the user's)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from ictindex.errors import IctIndexError, OutputError
from ictindex.inputs.sdmx.mapping import _sdmx
from ictindex.inputs.sdmx.reading import _structure


# -- writing ------------------------------------------------------------------------------------------
def to_sdmx(
    result: Any,
    path: str | Path,
    structure: str | Path | Any = None,
    *,
    agency: str = "ICTINDEX",
) -> dict[str, Path]:
    """Write a result's scores as SDMX-CSV 2.0 with its data structure (SDMX-ML 2.1).

    Every node score (the index and each sub-index) of every economy and year is one observation, keyed
    by ``REF_AREA`` (the unit code), ``INDICATOR`` (the node code), ``SEX`` (``_T``; ``F``/``M`` from
    ``result.gender`` when built by sex) and ``TIME_PERIOD``; ``OBS_VALUE`` is the score at full
    precision (shortest text that reads back to the same float). Missing scores are left out.

    Parameters
    ----------
    result
        An :class:`~ictindex.result.IndexResult`.
    path
        The SDMX-CSV file to write. The structure is written next to it as ``<name>.structure.xml``
        (codelists of units, nodes with their names, sexes; concept scheme; DSD; dataflow
        ``<agency>:DF_<FRAMEWORK>(<framework version>)``), unless ``structure`` is given.
    structure
        A user's data structure (a structure file holding one dataflow or DSD, or an ``sdmx1`` object)
        to write against; its dimensions must be among REF_AREA, TIME_PERIOD, INDICATOR (or SERIES), SEX
        and FREQ (written ``A``).
    agency
        Maintenance agency of the structure written (an SDMX id: letters, digits, ``_``, ``-``).

    Returns ``{"data": csv path, "structure": structure path}`` (``structure`` only when written).
    """
    sdmx = _sdmx()
    path = Path(path)
    if path.suffix.lower() != ".csv":
        raise OutputError(
            f"the SDMX-CSV file must end in .csv, got {path.name!r}",
            file=str(path),
            hint="give a path like results/doi.csv",
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    observations = _score_rows(result)
    written: dict[str, Path] = {}
    if structure is None:
        flow = _build_structure(sdmx, result, observations, agency)
        structure_path = path.with_name(path.stem + ".structure.xml")
        _write_structure(sdmx, flow, structure_path)
        written["structure"] = structure_path
    else:
        flow = _user_structure(sdmx, structure)
    dataset = _dataset(flow, observations)
    sdmx.to_csv(dataset, path=path)
    written["data"] = path
    return written


def _score_rows(result: Any) -> pd.DataFrame:
    """economy, year, node, sex, value of every present score (total; female/male when built)."""
    nodes = result.node_codes
    scores = result.scores
    long = scores.melt(id_vars=["economy", "year"], value_vars=nodes, var_name="node", value_name="value")
    long["sex"] = "_T"
    parts = [long]
    try:
        gender = result.gender
    except IctIndexError:
        gender = None
    if gender is not None and not gender.empty:
        for column, code in (("female", "F"), ("male", "M")):
            part = gender[["economy", "year", "node", column]].rename(columns={column: "value"})
            parts.append(part.assign(sex=code))
    rows = pd.concat(parts, ignore_index=True)
    rows = rows[rows["value"].notna()]
    rows["economy"] = rows["economy"].astype(str)
    rows["node"] = rows["node"].astype(str)
    return rows.sort_values(["node", "sex", "economy", "year"]).reset_index(drop=True)


def _build_structure(sdmx: Any, result: Any, rows: pd.DataFrame, agency: str) -> Any:
    from sdmx.model import common
    from sdmx.model import v21 as model

    fw = result.framework
    maintainer = common.Agency(id=agency)
    version = _sdmx_version(getattr(fw, "version", None))
    suffix = "".join(ch if ch.isalnum() or ch in "_-" else "_" for ch in fw.code.upper())

    def codelist(cl_id: str, name: str, codes: Mapping[str, str]) -> Any:
        cl = model.Codelist(id=cl_id, name=name, maintainer=maintainer, version=version)
        for code, label in codes.items():
            cl.append(model.Code(id=code, name=label))
        return cl

    areas = codelist("CL_AREA_" + suffix, "Units scored", {c: c for c in sorted(rows["economy"].unique())})
    nodes = codelist(
        "CL_INDICATOR_" + suffix,
        f"{fw.name}: index and sub-indices",
        {n: fw.node(n).name for n in result.node_codes},
    )
    sexes = codelist("CL_SEX_" + suffix, "Sex", {"_T": "Total", "F": "Female", "M": "Male"})
    concepts = model.ConceptScheme(id="CS_" + suffix, name="ictindex concepts", maintainer=maintainer, version=version)
    dsd = model.DataStructureDefinition(id="DSD_" + suffix, name=fw.name, maintainer=maintainer, version=version)

    def concept(cid: str, name: str) -> Any:
        c = model.Concept(id=cid, name=name)
        concepts.append(c)
        return c

    for cid, name, cl in (
        ("REF_AREA", "Reference area", areas),
        ("INDICATOR", "Index or sub-index", nodes),
        ("SEX", "Sex", sexes),
    ):
        dsd.dimensions.getdefault(
            cid, concept_identity=concept(cid, name), local_representation=common.Representation(enumerated=cl)
        )
    dsd.dimensions.getdefault("TIME_PERIOD", cls=model.TimeDimension, concept_identity=concept("TIME_PERIOD", "Year"))
    dsd.measures.getdefault("OBS_VALUE", concept_identity=concept("OBS_VALUE", "Score"))
    flow = model.DataflowDefinition(
        id="DF_" + suffix, name=f"{fw.name} scores (ictindex)", maintainer=maintainer, version=version, structure=dsd
    )
    flow._ictindex_items = (areas, nodes, sexes, concepts, dsd)  # written with the flow
    return flow


def _sdmx_version(version: object) -> str:
    text = str(version or "1.0")
    parts = [p for p in text.replace("-", ".").split(".") if p.isdigit()]
    return ".".join(parts[:3]) if parts else "1.0"


def _write_structure(sdmx: Any, flow: Any, path: Path) -> None:
    from sdmx.message import StructureMessage

    message = StructureMessage()
    for item in (*flow._ictindex_items, flow):
        message.add(item)
    path.write_bytes(sdmx.to_xml(message, pretty_print=True))


def _user_structure(sdmx: Any, structure: Any) -> Any:
    from sdmx.model import common
    from sdmx.model import v21 as model

    found = _structure(sdmx, structure)
    dsd = getattr(found, "structure", found)
    if not hasattr(dsd, "dimensions"):
        raise IctIndexError(
            f"structure must be a dataflow or data structure, got {type(found).__name__}",
            field="structure",
            hint="give a structure file (SDMX-ML) holding one dataflow or DSD",
        )
    allowed = {"REF_AREA", "TIME_PERIOD", "INDICATOR", "SERIES", "SEX", "FREQ"}
    ids = [d.id for d in dsd.dimensions]
    extra = [d for d in ids if d not in allowed]
    if extra or "REF_AREA" not in ids or "TIME_PERIOD" not in ids or not {"INDICATOR", "SERIES"} & set(ids):
        raise IctIndexError(
            f"the structure's dimensions {ids} cannot hold scores"
            + (f" (dimension(s) {extra} are not written by ictindex)" if extra else ""),
            field="structure",
            hint="use dimensions among REF_AREA, TIME_PERIOD, INDICATOR or SERIES, SEX, FREQ",
        )
    if isinstance(found, common.BaseDataflow):
        return found
    agency = getattr(dsd, "maintainer", None) or common.Agency(id="ICTINDEX")
    return model.DataflowDefinition(id="DF_" + dsd.id, maintainer=agency, version=dsd.version or "1.0", structure=dsd)


def _dataset(flow: Any, rows: pd.DataFrame) -> Any:
    from sdmx.model import common
    from sdmx.model import v21 as model

    dsd = flow.structure
    ids = [d.id for d in dsd.dimensions]
    node_dim = "INDICATOR" if "INDICATOR" in ids else "SERIES"
    if "SEX" not in ids and (rows["sex"] != "_T").any():
        rows = rows[rows["sex"] == "_T"]  # a structure without SEX holds the totals only
    measure = dsd.measures[0]
    observations = []
    for economy, year, node, value, sex in rows[["economy", "year", "node", "value", "sex"]].itertuples(index=False):
        values = {"REF_AREA": economy, node_dim: node, "TIME_PERIOD": str(int(year))}
        if "SEX" in ids:
            values["SEX"] = sex
        if "FREQ" in ids:
            values["FREQ"] = "A"
        key = dsd.make_key(common.Key, values)
        observations.append(model.Observation(dimension=key, value=float(value), value_for=measure))
    dataset = model.DataSet(structured_by=dsd, described_by=flow)
    dataset.add_obs(observations)
    return dataset
