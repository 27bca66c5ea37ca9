"""The SPARQL protocol pieces of the service: request parsing, guard, formats, description, runner."""
