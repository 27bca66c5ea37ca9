# Insert eli:cites / eli:repeals where the policy bound is the citing side (?a), then where it is
# the cited side (?b): a citation node's key (pkg:numberKey, pkg:titleKey) against the catalogue
# copy of a stored policy's key. Bind ?a and ?b to the same policy.
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX eli: <http://data.europa.eu/eli/ontology#>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
PREFIX pkg: <https://w3id.org/policykg/def#>

INSERT { GRAPH <https://w3id.org/policykg/id/graph/links> { ?a ?relation ?b } }
WHERE {
  VALUES ?a { UNDEF }
  VALUES (?via ?relation) { (pkg:cites eli:cites) (pkg:repeals eli:repeals) }
  VALUES (?key ?topicKey) { (pkg:numberKey pkg:topicNumberKey) (pkg:titleKey pkg:topicTitleKey) }
  GRAPH ?citing { ?a ?via ?citation . ?citation ?key ?value }
  GRAPH <https://w3id.org/policykg/id/graph/catalog> { ?cited ?topicKey ?value ; foaf:primaryTopic ?b }
  FILTER(?a != ?b)
} ;
INSERT { GRAPH <https://w3id.org/policykg/id/graph/links> { ?a ?relation ?b } }
WHERE {
  VALUES ?b { UNDEF }
  VALUES (?via ?relation) { (pkg:cites eli:cites) (pkg:repeals eli:repeals) }
  VALUES (?key ?topicKey) { (pkg:numberKey pkg:topicNumberKey) (pkg:titleKey pkg:topicTitleKey) }
  GRAPH ?citing { ?a ?via ?citation . ?citation ?key ?value }
  GRAPH <https://w3id.org/policykg/id/graph/catalog> { ?cited ?topicKey ?value ; foaf:primaryTopic ?b }
  FILTER(?a != ?b)
}
