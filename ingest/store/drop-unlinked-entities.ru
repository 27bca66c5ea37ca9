# Remove the entity descriptions no other graph links to, directly or through one linked entity
# (a province is linked from the city a document names, an organ's jurisdiction from the organ).

DELETE { GRAPH <https://w3id.org/policykg/id/graph/entities> { ?e ?p ?o } }
WHERE {
  GRAPH <https://w3id.org/policykg/id/graph/entities> { ?e ?p ?o }
  FILTER NOT EXISTS { GRAPH ?g { ?x ?q ?e } FILTER(?g != <https://w3id.org/policykg/id/graph/entities>) }
  FILTER NOT EXISTS { GRAPH <https://w3id.org/policykg/id/graph/entities> { ?y ?r ?e } GRAPH ?g { ?z ?t ?y } FILTER(?g != <https://w3id.org/policykg/id/graph/entities>) }
}
