"""`telemetry build`'s machinery: it orchestrates dbt (one process: parse, build the
selector, compile the report's SQL from the graph) and publishes the marts for readers;
skipped when nothing changed since the last build that passed."""
