# ?holder gives its write lease back. Bound: ?catalog, ?holder.
PREFIX pkg: <https://w3id.org/policykg/def#>
DELETE { GRAPH ?catalog { ?holder ?p ?o } }
WHERE { GRAPH ?catalog { ?holder a pkg:WriteLease ; ?p ?o } }
