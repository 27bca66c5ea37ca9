"""policykg ingest library: corpus file → record → RDF graph → validated store. No HTTP, no print.

Its public API is the `__all__` of the modules in PUBLIC_MODULES; the rest is internal and may
change (tests/test_api.py fails if the service imports anything else):

- reading and ingesting: `ingest.read` (a file's text), `ingest.pipeline` (the stages: a file's
  record, its graphs), `ingest.build` (many files into a store), `ingest.errors` (the one error);
- the store: `ingest.store` (the `Store` interface, `connect`, the SPARQL protocol client),
  `ingest.ontology` (ontology/*.ttl as a graph in it), `ingest.sparql` (`.rq` files, IRIs);
- the terms: `ingest.vocab` (namespaces, IRIs), `ingest.schemes` (ontology/*.ttl),
  `ingest.validity` (a policy's status on a day);
- words, read as ingest reads a document: `ingest.lexicon` (ingest/data), `ingest.thesaurus`,
  `ingest.extract.topics` (the topic tagger);
- `ingest.processes` (child processes that end with their parent).
"""

PUBLIC_MODULES = (
    "ingest.build",
    "ingest.errors",
    "ingest.extract.topics",
    "ingest.lexicon",
    "ingest.ontology",
    "ingest.pipeline",
    "ingest.processes",
    "ingest.read",
    "ingest.schemes",
    "ingest.sparql",
    "ingest.store",
    "ingest.thesaurus",
    "ingest.validity",
    "ingest.vocab",
)
