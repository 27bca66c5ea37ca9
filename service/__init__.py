"""policykg service: the CLI and the HTTP service over the store. Imports ingest, never the reverse."""
