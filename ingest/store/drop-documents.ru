# Remove the document graphs ?old stands for, their catalogue entries and the citation links of
# their policies. ?old is a graph whose file name (dcterms:source) is ?staleSource, whose policy
# is ?stalePolicy, that is the catalogued graph ?staleGraph, or the graph ?replacedGraph (dropped
# whether catalogued or not). Bind the four (store/updates.py, Selection). ?replacedGraph is
# bound through BIND: Virtuoso 7.2 drops a whole UNION one of whose branches is a lone VALUES.
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX eli: <http://data.europa.eu/eli/ontology#>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
PREFIX pkg: <https://w3id.org/policykg/def#>

DELETE { GRAPH <https://w3id.org/policykg/id/graph/links> { ?a ?relation ?b } }
WHERE {
  { { VALUES ?staleSource { UNDEF } GRAPH <https://w3id.org/policykg/id/graph/catalog> { ?old dcterms:source ?staleSource } }
    UNION { VALUES ?stalePolicy { UNDEF } GRAPH <https://w3id.org/policykg/id/graph/catalog> { ?old foaf:primaryTopic ?stalePolicy } }
    UNION { VALUES ?staleGraph { UNDEF } GRAPH <https://w3id.org/policykg/id/graph/catalog> { ?staleGraph a pkg:DocumentGraph } BIND(?staleGraph AS ?old) }
    UNION { VALUES ?replacedGraph { UNDEF } BIND(?replacedGraph AS ?old) } }
  GRAPH <https://w3id.org/policykg/id/graph/catalog> { ?old foaf:primaryTopic ?policy }
  GRAPH <https://w3id.org/policykg/id/graph/links> { ?a ?relation ?b } FILTER(?a = ?policy || ?b = ?policy)
} ;
DELETE { GRAPH ?old { ?s ?p ?o } }
WHERE {
  { { VALUES ?staleSource { UNDEF } GRAPH <https://w3id.org/policykg/id/graph/catalog> { ?old dcterms:source ?staleSource } }
    UNION { VALUES ?stalePolicy { UNDEF } GRAPH <https://w3id.org/policykg/id/graph/catalog> { ?old foaf:primaryTopic ?stalePolicy } }
    UNION { VALUES ?staleGraph { UNDEF } GRAPH <https://w3id.org/policykg/id/graph/catalog> { ?staleGraph a pkg:DocumentGraph } BIND(?staleGraph AS ?old) }
    UNION { VALUES ?replacedGraph { UNDEF } BIND(?replacedGraph AS ?old) } }
  GRAPH ?old { ?s ?p ?o }
} ;
DELETE { GRAPH <https://w3id.org/policykg/id/graph/catalog> { ?old ?p ?o } }
WHERE {
  { { VALUES ?staleSource { UNDEF } GRAPH <https://w3id.org/policykg/id/graph/catalog> { ?old dcterms:source ?staleSource } }
    UNION { VALUES ?stalePolicy { UNDEF } GRAPH <https://w3id.org/policykg/id/graph/catalog> { ?old foaf:primaryTopic ?stalePolicy } }
    UNION { VALUES ?staleGraph { UNDEF } GRAPH <https://w3id.org/policykg/id/graph/catalog> { ?staleGraph a pkg:DocumentGraph } BIND(?staleGraph AS ?old) }
    UNION { VALUES ?replacedGraph { UNDEF } BIND(?replacedGraph AS ?old) } }
  GRAPH <https://w3id.org/policykg/id/graph/catalog> { ?old ?p ?o }
}
