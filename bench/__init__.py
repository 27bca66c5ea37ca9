"""The benchmark: a synthetic corpus generator and the ingest/query/service measurements."""
