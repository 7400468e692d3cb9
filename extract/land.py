"""Land Aptabase export files (CSV or Parquet) into DuckDB schema `raw`, exactly once.

Interface used by other commands (export --land, demo, benchmarks):

    land_paths(paths: Sequence[str | Path], db_path: Path, *, echo=print) -> LandReport

(implementation in progress)
"""
