"""SHACL shapes, one file per class; a package so importlib.resources finds them."""
