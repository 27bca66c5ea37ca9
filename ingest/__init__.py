"""policykg ingest library: corpus file → record → RDF graph → validated store. No HTTP, no print."""
