-- Run once by the Virtuoso image at its first start (/opt/virtuoso-opensource/initdb.d):
-- the anonymous /sparql endpoint runs as the SQL user SPARQL, which may only read by default;
-- policykg writes each document as one SPARQL Update request through it. Keep the port internal.
grant SPARQL_UPDATE to "SPARQL";
