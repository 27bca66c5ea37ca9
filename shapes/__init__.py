"""SHACL shapes, one file per class; loaded by ingest.validate with importlib.resources."""
