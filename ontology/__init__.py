"""The policykg vocabulary (OWL) and SKOS schemes as Turtle; a package so importlib.resources finds them."""
