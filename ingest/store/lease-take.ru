# The store's write lease goes to ?holder until ?until, unless another writer holds it.
# Bound: ?catalog (the catalogue graph), ?holder (this writer), ?until (xsd:dateTime).
PREFIX pkg: <https://w3id.org/policykg/def#>
INSERT { GRAPH ?catalog { ?holder a pkg:WriteLease ; pkg:leaseUntil ?until } }
WHERE { FILTER NOT EXISTS { GRAPH ?catalog { ?other a pkg:WriteLease } } }
