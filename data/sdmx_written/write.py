"""Write the two SDMX messages of this folder with sdmx1 from series bundled elsewhere in data/.

No public SDMX export of SDG 17.8.1/5.b.1 or of the World Bank's IT.NET.USER.ZS could be found in a public
repository (see PROVENANCE.md), so these are written here, from the bundled CSV copies of the same series:

* sdg_5b1_IT_MOB_OWN.xml: SDMX-ML 2.1 generic data, the UN SDG Global Database's 5.b.1 rows
  (data/un_sdg, release 2020.Q4.G.02) keyed as the SDG data structure keys them (FREQ, REPORTING_TYPE,
  SERIES, REF_AREA as UN M49, SEX, AGE, URBANISATION; attributes NATURE, UNIT_MEASURE, UNIT_MULT);
* wdi_IT_NET_USER_ZS.csv: SDMX-CSV 2.0, WDI IT.NET.USER.ZS 2015-2019 (data/gapminder_wdi) keyed as the World
  Bank's WDI structure (FREQ, SERIES, REF_AREA as ISO3), with its structure in
  wdi_structure.xml.

Run from the repository root: python data/sdmx_written/write.py
"""

from pathlib import Path

import pandas as pd
import sdmx
from sdmx.message import DataMessage, StructureMessage
from sdmx.model import common
from sdmx.model import v21 as model

HERE = Path(__file__).resolve().parent
DATA = HERE.parent


def structure(agency, dsd_id, flow_id, version, dims, attrs):
    maintainer = common.Agency(id=agency)
    dsd = model.DataStructureDefinition(id=dsd_id, maintainer=maintainer, version=version)
    for d in dims:
        dsd.dimensions.getdefault(d, cls=model.TimeDimension if d == "TIME_PERIOD" else model.Dimension)
    dsd.measures.getdefault("OBS_VALUE")
    for a in attrs:
        dsd.attributes.getdefault(a, related_to=model.PrimaryMeasureRelationship())
    flow = model.DataflowDefinition(id=flow_id, maintainer=maintainer, version=version, structure=dsd)
    return dsd, flow


def dataset(dsd, flow, rows, dims, attrs):
    measure = dsd.measures[0]
    observations = []
    for row in rows.itertuples(index=False):
        row = row._asdict()
        key = dsd.make_key(common.Key, {d: str(row[d]) for d in dims})
        attached = {
            a: common.AttributeValue(value=str(row[a]), value_for=dsd.attributes.get(a)) for a in attrs if row[a] != ""
        }
        observations.append(
            model.Observation(dimension=key, value=row["OBS_VALUE"], value_for=measure, attached_attribute=attached)
        )
    ds = model.DataSet(structured_by=dsd, described_by=flow)
    ds.add_obs(observations)
    return ds


def sdg():
    file = DATA / "un_sdg" / "sdg_5b1_IT_MOB_OWN_mobile_ownership_by_sex.csv"
    raw = pd.read_csv(file, dtype=str, keep_default_na=False)
    rows = pd.DataFrame(
        {
            "FREQ": "A",
            "REPORTING_TYPE": raw["Reporting Type"],
            "SERIES": raw["SeriesCode"],
            "REF_AREA": raw["GeoAreaCode"].str.zfill(3),
            "SEX": raw["Sex"].map({"BOTHSEX": "_T", "FEMALE": "F", "MALE": "M"}),
            "AGE": "_T",
            "URBANISATION": "_T",
            "TIME_PERIOD": raw["TimePeriod"],
            "OBS_VALUE": raw["Value"],
            "NATURE": raw["Nature"],
            "UNIT_MEASURE": raw["Units"].replace({"PERCENT": "PT"}),
            "UNIT_MULT": "0",
            "COMMENT_OBS": raw["FootNote"],
        }
    )
    dims = ["FREQ", "REPORTING_TYPE", "SERIES", "REF_AREA", "SEX", "AGE", "URBANISATION", "TIME_PERIOD"]
    attrs = ["NATURE", "UNIT_MEASURE", "UNIT_MULT", "COMMENT_OBS"]
    dsd, flow = structure("IAEG-SDGs", "SDG", "DF_SDG_GLH", "1.0", dims, attrs)
    message = DataMessage(data=[dataset(dsd, flow, rows, dims, attrs)], dataflow=flow)
    (HERE / "sdg_5b1_IT_MOB_OWN.xml").write_bytes(sdmx.to_xml(message, pretty_print=True))


def wdi():
    raw = pd.read_csv(DATA / "gapminder_wdi" / "ddf--datapoints--internet_users--by--geo--time.csv", dtype=str)
    raw = raw[raw["time"].astype(int).between(2015, 2019)]
    rows = pd.DataFrame(
        {
            "FREQ": "A",
            "SERIES": "IT_NET_USER_ZS",
            "REF_AREA": raw["geo"].replace({"nld_curacao": "cuw"}).str.upper(),  # Gapminder's code for Curacao
            "TIME_PERIOD": raw["time"],
            "OBS_VALUE": raw["internet_users"],
        }
    )
    dims, attrs = ["FREQ", "SERIES", "REF_AREA", "TIME_PERIOD"], []
    dsd, flow = structure("WB", "WDI", "WDI", "1.0", dims, attrs)
    sdmx.to_csv(dataset(dsd, flow, rows, dims, attrs), path=HERE / "wdi_IT_NET_USER_ZS.csv")
    message = StructureMessage()
    message.add(dsd)
    message.add(flow)
    (HERE / "wdi_structure.xml").write_bytes(sdmx.to_xml(message, pretty_print=True))


if __name__ == "__main__":
    sdg()
    wdi()
