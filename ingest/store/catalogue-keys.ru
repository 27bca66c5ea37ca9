# Copy each policy's keys (pkg:numberKey, pkg:titleKey) from its graph into its catalogue entry,
# where keyless.rq finds them missing.
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
PREFIX pkg: <https://w3id.org/policykg/def#>

INSERT { GRAPH <https://w3id.org/policykg/id/graph/catalog> { ?g ?topicKey ?value } }
WHERE {
  GRAPH <https://w3id.org/policykg/id/graph/catalog> { ?g foaf:primaryTopic ?policy }
  FILTER NOT EXISTS { GRAPH <https://w3id.org/policykg/id/graph/catalog> { ?g pkg:topicNumberKey|pkg:topicTitleKey ?any } }
  VALUES (?key ?topicKey) { (pkg:numberKey pkg:topicNumberKey) (pkg:titleKey pkg:topicTitleKey) }
  GRAPH ?g { ?policy ?key ?value }
}
