# Leases that ended before ?now: a writer that died left them.
# Bound: ?catalog, ?now (xsd:dateTime).
PREFIX pkg: <https://w3id.org/policykg/def#>
DELETE { GRAPH ?catalog { ?lease ?p ?o } }
WHERE { GRAPH ?catalog { ?lease a pkg:WriteLease ; pkg:leaseUntil ?end ; ?p ?o } FILTER(?end < ?now) }
