"""extract: one module per kind of fact; each exposes `extract(document, record) -> record`."""
