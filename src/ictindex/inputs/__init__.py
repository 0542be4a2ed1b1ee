"""Everything that brings data into ictindex, one module per kind of input (issue 25).

============================================  ======================================================================
Module                                        What it reads
============================================  ======================================================================
:mod:`ictindex.inputs.user_files`             a panel file of one's own: CSV, Excel or Parquet, cells as written
:mod:`ictindex.inputs.coinr`                  COINr's ``iData``/``iMeta`` tables (and writes a result back)
:mod:`ictindex.inputs.sdmx`                   SDMX messages of statistical offices (and writes scores back)
:mod:`ictindex.inputs.published_scores`       a score table copied from a published report, for ``compare``
:mod:`ictindex.inputs.published_sources`      the files publishers release (ITU DataHub, UN SDG, WDI, OWID), and
                                              the build of the bundled panel from them
:mod:`ictindex.inputs.catalogue`              the series those files hold: code, meaning, unit, licence, range
:mod:`ictindex.inputs.bundled_files`          the files bundled in ``data/``: panels, published scores, regions
:mod:`ictindex.inputs.bundled`                the bundled data as a user sees them (``ictindex.datasets``): the
                                              readers above, series described, coverage per framework
============================================  ======================================================================

The former names keep working: ``ictindex.read``, ``ictindex.io.coinr``, ``ictindex.io.sdmx``,
``ictindex.published``, ``ictindex.sources.readers``, ``ictindex.sources.build``, ``ictindex.catalogue`` and
``ictindex.datasets`` are the new modules themselves (the same module objects); ``ictindex.io`` and
``ictindex.sources`` keep the names they gave; ``python -m ictindex.sources.build`` still builds the panel.
Importing this package imports none of its modules: :mod:`~ictindex.inputs.bundled_files` and
:mod:`~ictindex.inputs.catalogue` sit below every stage, the others above the stages they use.
"""
