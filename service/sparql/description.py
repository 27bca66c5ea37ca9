"""The SPARQL 1.1 Service Description of the endpoint, answered to a GET without a query.

It tells clients (YASGUI, federated engines) what the endpoint speaks: SPARQL 1.1 Query only,
the result formats, and that the default graph is the union of the named graphs.
"""

from __future__ import annotations

import pyoxigraph as ox

from service.sparql.formats import GRAPH_FORMATS, SOLUTION_FORMATS

SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS = "http://www.w3.org/ns/formats/"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
FORMAT_IRIS = {"json": "SPARQL_Results_JSON", "xml": "SPARQL_Results_XML", "csv": "SPARQL_Results_CSV",
               "tsv": "SPARQL_Results_TSV", "turtle": "Turtle", "ntriples": "N-Triples",
               "jsonld": "JSON-LD", "rdfxml": "RDF_XML"}
PREFIXES = {"sd": SD, "formats": FORMATS}


def service_description(endpoint: str) -> list[ox.Triple]:
    """The description of the endpoint at URL `endpoint`."""
    service, dataset, default_graph = ox.NamedNode(endpoint), ox.BlankNode(), ox.BlankNode()

    def sd(name: str) -> ox.NamedNode:
        return ox.NamedNode(SD + name)

    triples = [
        ox.Triple(service, RDF_TYPE, sd("Service")),
        ox.Triple(service, sd("endpoint"), service),
        ox.Triple(service, sd("supportedLanguage"), sd("SPARQL11Query")),
        ox.Triple(service, sd("feature"), sd("UnionDefaultGraph")),
        ox.Triple(service, sd("defaultDataset"), dataset),
        ox.Triple(dataset, RDF_TYPE, sd("Dataset")),
        ox.Triple(dataset, sd("defaultGraph"), default_graph),
        ox.Triple(default_graph, RDF_TYPE, sd("Graph")),
    ]
    triples += [ox.Triple(service, sd("resultFormat"), ox.NamedNode(FORMATS + FORMAT_IRIS[fmt.name]))
                for fmt in (*SOLUTION_FORMATS, *GRAPH_FORMATS)]
    return triples
