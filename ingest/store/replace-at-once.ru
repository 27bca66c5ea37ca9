# The reads of replacing several distinct documents at once (store/updates.py, replace_at_once):
# deletes what drop-documents.ru would for each, and inserts the citation links between the
# stored policies and the new ones, read from the store as it is without the replaced graphs.
# Each read is a lookup of one key: a stored policy the new documents cite, through the catalogue
# copy of its key (pkg:numberKey itself also matches every stored citation of the same key,
# thousands for a national plan), rows of (?a ?relation ?topicKey ?value); a stored citation of a
# new policy ?b by its key, rows of (?b ?key ?value). Deletes apply before inserts, so a link both
# dropped and derived again stays. Bind the selection's four markers and both row markers.
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX eli: <http://data.europa.eu/eli/ontology#>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
PREFIX pkg: <https://w3id.org/policykg/def#>

DELETE { GRAPH <https://w3id.org/policykg/id/graph/links> { ?la ?lr ?lb } GRAPH ?old { ?s ?p ?o } GRAPH <https://w3id.org/policykg/id/graph/catalog> { ?old ?cp ?co } }
INSERT { GRAPH <https://w3id.org/policykg/id/graph/links> { ?a ?relation ?b } }
WHERE {
  { { { VALUES ?staleSource { UNDEF } GRAPH <https://w3id.org/policykg/id/graph/catalog> { ?old dcterms:source ?staleSource } }
    UNION { VALUES ?stalePolicy { UNDEF } GRAPH <https://w3id.org/policykg/id/graph/catalog> { ?old foaf:primaryTopic ?stalePolicy } }
    UNION { VALUES ?staleGraph { UNDEF } GRAPH <https://w3id.org/policykg/id/graph/catalog> { ?staleGraph a pkg:DocumentGraph } BIND(?staleGraph AS ?old) }
    UNION { VALUES ?replacedGraph { UNDEF } BIND(?replacedGraph AS ?old) } }
    GRAPH <https://w3id.org/policykg/id/graph/catalog> { ?old foaf:primaryTopic ?policy }
    GRAPH <https://w3id.org/policykg/id/graph/links> { ?la ?lr ?lb } FILTER(?la = ?policy || ?lb = ?policy) }
  UNION { { { VALUES ?staleSource { UNDEF } GRAPH <https://w3id.org/policykg/id/graph/catalog> { ?old dcterms:source ?staleSource } }
    UNION { VALUES ?stalePolicy { UNDEF } GRAPH <https://w3id.org/policykg/id/graph/catalog> { ?old foaf:primaryTopic ?stalePolicy } }
    UNION { VALUES ?staleGraph { UNDEF } GRAPH <https://w3id.org/policykg/id/graph/catalog> { ?staleGraph a pkg:DocumentGraph } BIND(?staleGraph AS ?old) }
    UNION { VALUES ?replacedGraph { UNDEF } BIND(?replacedGraph AS ?old) } }
    GRAPH ?old { ?s ?p ?o } }
  UNION { { { VALUES ?staleSource { UNDEF } GRAPH <https://w3id.org/policykg/id/graph/catalog> { ?old dcterms:source ?staleSource } }
    UNION { VALUES ?stalePolicy { UNDEF } GRAPH <https://w3id.org/policykg/id/graph/catalog> { ?old foaf:primaryTopic ?stalePolicy } }
    UNION { VALUES ?staleGraph { UNDEF } GRAPH <https://w3id.org/policykg/id/graph/catalog> { ?staleGraph a pkg:DocumentGraph } BIND(?staleGraph AS ?old) }
    UNION { VALUES ?replacedGraph { UNDEF } BIND(?replacedGraph AS ?old) } }
    GRAPH <https://w3id.org/policykg/id/graph/catalog> { ?old ?cp ?co } }
  UNION {
    { { VALUES (?a ?relation ?topicKey ?value) { (UNDEF UNDEF UNDEF UNDEF) }
        GRAPH <https://w3id.org/policykg/id/graph/catalog> { ?g ?topicKey ?value ; foaf:primaryTopic ?b } }
      UNION { VALUES (?b ?key ?value) { (UNDEF UNDEF UNDEF) }
        GRAPH ?g { ?citation ?key ?value . ?a ?via ?citation }
        FILTER(?via IN (pkg:cites, pkg:repeals)) BIND(IF(?via = pkg:cites, eli:cites, eli:repeals) AS ?relation) } }
    FILTER NOT EXISTS { { { VALUES ?staleSource { UNDEF } GRAPH <https://w3id.org/policykg/id/graph/catalog> { ?old dcterms:source ?staleSource } }
    UNION { VALUES ?stalePolicy { UNDEF } GRAPH <https://w3id.org/policykg/id/graph/catalog> { ?old foaf:primaryTopic ?stalePolicy } }
    UNION { VALUES ?staleGraph { UNDEF } GRAPH <https://w3id.org/policykg/id/graph/catalog> { ?staleGraph a pkg:DocumentGraph } BIND(?staleGraph AS ?old) }
    UNION { VALUES ?replacedGraph { UNDEF } BIND(?replacedGraph AS ?old) } } FILTER(?old = ?g) }
    FILTER(?a != ?b)
  }
}
