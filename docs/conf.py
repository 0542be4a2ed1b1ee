"""Sphinx configuration of the ictindex documentation (issue 27).

Build: ``python -m sphinx -W --keep-going -b html docs docs/_build/html`` (offline; ``-W`` makes every warning,
including a broken cross-reference, an error). The gallery (``docs/examples``) runs when the site is built.
"""

from __future__ import annotations

import os
import warnings

import matplotlib

matplotlib.use("Agg")
os.environ.setdefault("ICTINDEX_DOCS", "1")
warnings.filterwarnings("ignore", category=UserWarning, module="ictindex")  # check findings shown in the cards

project = "ictindex"
author = "ictindex developers"
copyright = "ictindex developers; data: ITU (CC BY-NC-SA 3.0 IGO), World Bank (CC BY 4.0), Natural Earth"

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "numpydoc",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
    "sphinx_gallery.gen_gallery",
]

root_doc = "index"
suppress_warnings = ["config.cache"]  # the gallery's scraper is a function: Sphinx then rebuilds instead of caching
exclude_patterns = ["_build", "examples/README.rst", "auto_examples/*.ipynb", "auto_examples/*.py"]
html_theme = "pydata_sphinx_theme"
html_title = "ictindex"
html_theme_options = {
    "navigation_with_keys": False,
    "show_prev_next": False,
    "secondary_sidebar_items": ["page-toc"],
}
html_static_path: list[str] = []

# -- API reference from the docstrings (numpy style) -----------------------------------------------------------
autosummary_generate = True
# every public name of a module (constants such as PANEL_COLUMNS are referenced from docstrings), not only __all__
autodoc_default_options = {"members": True, "undoc-members": True, "ignore-module-all": True}
autodoc_typehints = "none"  # signatures show the annotations; the docstrings say what each parameter is
autodoc_member_order = "bysource"
numpydoc_show_class_members = False  # autodoc documents the members
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False  # parameter types as text: the docstrings describe them in words
numpydoc_validation_checks: set[str] = set()

# broken references fail the build (-W): every :func:/:class:/:mod: target inside ictindex must exist. Names of
# other libraries (pandas, numpy, ...) are not resolved offline (no inventories are downloaded), so they are
# not checked.
nitpicky = True
nitpick_ignore_regex = [
    (r"py:.*", r"(pd|pandas|np|numpy|scipy|matplotlib|plt|pydantic|typer|polars|pyarrow|pa|pl|sdmx|yaml)(\..*)?"),
    (r"py:.*", r"(collections|typing|pathlib|types|datetime|dataclasses|abc|re|io|os|json)\..*"),
    (r"py:.*", r"(Path|Any|Callable|Mapping|Sequence|Iterable|Iterator|Figure|Axes|DataFrame|Series|ndarray)"),
    (r"py:.*", r"(str|int|float|bool|None|dict|list|tuple|set|frozenset|object|bytes|type)"),
    (r"py:class", r"ictindex\..*\._\w+"),  # private bases (pydantic's strict models)
    (r"py:mod", r"importlib\..*"),
    # module constants (column lists, limits) are named in docstrings; autodoc shows only those with a ``#:`` comment
    (r"py:data", r"(\w+\.)*[A-Z][A-Z0-9_]+"),
]

# -- the gallery: executed at build time, on the bundled data ------------------------------------------------------
def returned_figure_scraper(block, block_vars, gallery_conf, **kwargs):
    """The charts of ictindex are ``matplotlib.figure.Figure`` objects made without pyplot (as a notebook shows
    them when they are a cell's last value); sphinx-gallery's matplotlib scraper sees pyplot's figures only.
    This one saves the figure a code block ends with (sphinx-gallery keeps the last value as ``___``)."""
    import matplotlib.pyplot as plt
    from matplotlib.figure import Figure
    from sphinx_gallery.scrapers import figure_rst, matplotlib_scraper

    value = block_vars["example_globals"].get("___")
    rst = ""
    by_pyplot = {id(plt.figure(n)) for n in plt.get_fignums()}  # those the matplotlib scraper saves
    if isinstance(value, Figure) and id(value) not in by_pyplot:
        path = next(block_vars["image_path_iterator"])
        value.savefig(path, dpi=110, bbox_inches="tight")
        rst = figure_rst([path], gallery_conf["src_dir"])
        block_vars["example_globals"]["___"] = None
    return rst + matplotlib_scraper(block, block_vars, gallery_conf, **kwargs)


sphinx_gallery_conf = {
    "examples_dirs": "examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",  # run every example
    "abort_on_example_error": True,
    "capture_repr": ("_repr_html_", "__repr__"),
    "image_scrapers": (returned_figure_scraper,),
    "ignore_repr_types": r"matplotlib\..*",  # a chart is shown as its image, not as "<Figure size ...>"
    "download_all_examples": False,
    "remove_config_comments": True,
    "within_subsection_order": "FileNameSortKey",
    "show_memory": False,
    "min_reported_time": 5,
}
