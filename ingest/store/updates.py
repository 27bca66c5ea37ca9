"""The SPARQL 1.1 Update requests every store runs: one request per change, so one transaction.

Citation links are derived here, not at query time: after a document lands, eli:cites and
eli:repeals are (re)computed between its policy and every stored policy whose normalised
发文字号 or title (pkg:numberKey, pkg:titleKey) equals that of a citation node, in both
directions (the new document citing old ones, and old ones citing it). They live in their own
graph (vocab.LINKS_GRAPH), so removing or replacing either document drops exactly its links.
A stored policy is found by the copy of its keys in its catalogue entry (pkg:topicNumberKey,
pkg:topicTitleKey): pkg:numberKey itself also matches every stored citation of the same key,
and thousands of documents cite the same national plan. So the cost per document is
proportional to its own citations and to the citations of it, not to the size of the store.

Descriptions of shared entities (jurisdictions, organs) are inserted into the one entities
graph (vocab.ENTITIES_GRAPH); INSERT DATA is set-semantic, so a re-ingest adds nothing twice.
Removing documents also drops the descriptions no remaining graph links to.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime

from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from ingest.store import DocumentWrite
from ingest.vocab import CATALOG_GRAPH, ELI, ENTITIES_GRAPH, LINKS_GRAPH, PKG, PREFIXES

PROLOGUE = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items()) + \
    "PREFIX foaf: <http://xmlns.com/foaf/0.1/>\n"
_IRI = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]*:[^\s<>\"{}|^`\\]+")

RESERVED_GRAPHS = frozenset({CATALOG_GRAPH, LINKS_GRAPH, ENTITIES_GRAPH})


def is_iri(text: str) -> bool:
    """An absolute IRI that can be written between <> in SPARQL without escaping."""
    return bool(_IRI.fullmatch(text))


def stale_graphs(document: str) -> str:
    """Group pattern binding ?old to the catalogued graphs a document name refers to."""
    name = Literal(document).n3()
    branches = [f"{{ GRAPH <{CATALOG_GRAPH}> {{ ?old dcterms:source {name} }} }}"]
    if is_iri(document):
        catalogue = f"GRAPH <{CATALOG_GRAPH}>"
        branches.append(f"{{ {catalogue} {{ ?old foaf:primaryTopic <{document}> }} }}")
        branches.append(f"{{ {catalogue} {{ ?old a pkg:DocumentGraph }} FILTER(?old = <{document}>) }}")
    return " UNION ".join(branches)


def drop_documents(selection: str) -> str:
    """Operations removing the graphs `selection` binds to ?old, their links and catalogue entries."""
    return f"""
DELETE {{ GRAPH <{LINKS_GRAPH}> {{ ?a ?relation ?b }} }}
WHERE {{ {{ {selection} }} GRAPH <{CATALOG_GRAPH}> {{ ?old foaf:primaryTopic ?policy }}
         GRAPH <{LINKS_GRAPH}> {{ ?a ?relation ?b }} FILTER(?a = ?policy || ?b = ?policy) }} ;
DELETE {{ GRAPH ?old {{ ?s ?p ?o }} }} WHERE {{ {{ {selection} }} GRAPH ?old {{ ?s ?p ?o }} }} ;
DELETE {{ GRAPH <{CATALOG_GRAPH}> {{ ?old ?p ?o }} }}
WHERE {{ {{ {selection} }} GRAPH <{CATALOG_GRAPH}> {{ ?old ?p ?o }} }}"""


def remove_update(document: str) -> str:
    return PROLOGUE + drop_documents(stale_graphs(document)) + " ;\n" + _drop_unlinked_entities()


def _drop_unlinked_entities() -> str:
    """Delete entity descriptions no other graph links to, directly or through one linked entity
    (a province is linked from the city a document names, an organ's jurisdiction from the organ)."""
    outside = f"FILTER(?g != <{ENTITIES_GRAPH}>)"
    return f"""
DELETE {{ GRAPH <{ENTITIES_GRAPH}> {{ ?e ?p ?o }} }}
WHERE {{
  GRAPH <{ENTITIES_GRAPH}> {{ ?e ?p ?o }}
  FILTER NOT EXISTS {{ GRAPH ?g {{ ?x ?q ?e }} {outside} }}
  FILTER NOT EXISTS {{ GRAPH <{ENTITIES_GRAPH}> {{ ?y ?r ?e }} GRAPH ?g {{ ?z ?t ?y }} {outside} }}
}}"""


def replace_update(writes: Sequence[DocumentWrite], ingested: datetime) -> str:
    """For each document in turn: drop its earlier graphs (same IRI or same source file), insert, relink.

    When the documents of the request are distinct (no source file or graph twice), all the reads
    happen in the first operation and every later one only writes (`_replace_at_once`): Oxigraph
    pays ~12 µs more per inserted quad once any operation after the first reads the store (its
    transaction then indexes every write to read it back), 40% of the write. Otherwise one
    document after the other, each seeing the ones before it.
    """
    when = Literal(ingested.isoformat(), datatype=XSD.dateTime).n3()
    distinct = len({w.source for w in writes}) == len({w.graph_iri for w in writes}) == len(writes)
    if distinct and not any(is_iri(w.source) for w in writes):
        return _replace_at_once(writes, when)
    parts = []
    for write in writes:
        parts += [drop_documents(_replaced(write)), f"DROP SILENT GRAPH <{write.graph_iri}>",
                  _insert(write, when)]
        if write.policy:
            parts.extend(_link(write.policy, side) for side in ("?a", "?b"))
    return PROLOGUE + " ;\n".join(parts)


def _replaced(write: DocumentWrite) -> str:
    """Group pattern binding ?old to the graphs `write` replaces."""
    return f"{stale_graphs(write.source)} UNION {{ BIND(<{write.graph_iri}> AS ?old) }}"


def _insert(write: DocumentWrite, when: str) -> str:
    topic = f"; foaf:primaryTopic <{write.policy}> " if write.policy else ""
    keys = "".join(f"; {TOPIC_KEY[key].n3()} {value.n3()} " for key, value in write.keys)
    partial = f"pkg:partialReason {Literal(write.partial).n3()} ; " if write.partial else ""
    return (f"INSERT DATA {{ GRAPH <{write.graph_iri}> {{\n{write.ntriples}\n}}\n"
            f"  GRAPH <{ENTITIES_GRAPH}> {{\n{write.entities}\n}}\n"
            f"  GRAPH <{CATALOG_GRAPH}> {{ <{write.graph_iri}> a pkg:DocumentGraph ; dcterms:source "
            f"{Literal(write.source).n3()} {topic}{keys}; void:triples {write.triples} ; "
            f"pkg:factTriples {write.triples} ; {partial}dcterms:modified {when} }} }}")


TOPIC_KEY = {PKG.numberKey: PKG.topicNumberKey, PKG.titleKey: PKG.topicTitleKey}
"""Where the catalogue keeps a policy's key: a citation names a stored policy through it."""
LINK = {PKG.cites: ELI.cites, PKG.repeals: ELI.repeals}
_RELATIONS = "VALUES (?via ?relation) { (pkg:cites eli:cites) (pkg:repeals eli:repeals) }"
_VIA_CITING = ("FILTER(?via IN (pkg:cites, pkg:repeals)) "
               "BIND(IF(?via = pkg:cites, eli:cites, eli:repeals) AS ?relation)")
"""_RELATIONS for a ?via already bound: joined with VALUES, Oxigraph reads every pkg:cites first."""


def _replace_at_once(writes: Sequence[DocumentWrite], when: str) -> str:
    """replace_update() of distinct documents as one read-then-write operation, then data only.

    The first operation deletes what drop_documents() would for every document and inserts the
    links _link() would, read from the store as it is without the replaced graphs. Every read is a
    lookup of one key: a policy the new documents cite, through the catalogue's keys (pkg:numberKey
    itself also matches every stored citation of the same key, thousands of them for a national
    plan); a citation of a new policy, by its key. The links among the new documents follow from
    their keys alone. Deletes apply before inserts, so a link both dropped and re-derived stays.
    """
    replaced = " UNION ".join(f"{{ {_replaced(w)} }}" for w in writes)
    kept = f"FILTER NOT EXISTS {{ {{ {replaced} }} FILTER(?old = ?g) }}"
    citing = [f"{{ GRAPH <{CATALOG_GRAPH}> {{ ?g {TOPIC_KEY[key].n3()} {value.n3()} ; foaf:primaryTopic ?b }}"
              f" BIND(<{w.policy}> AS ?a) BIND({LINK[relation].n3()} AS ?relation) }}"
              for w in writes for relation, key, value in w.citations]
    cited = [f"{{ GRAPH ?g {{ ?citation {key.n3()} {value.n3()} . ?a ?via ?citation }} {_VIA_CITING}"
             f" BIND(<{w.policy}> AS ?b) }}" for w in writes for key, value in w.keys]
    first = f"""
DELETE {{ GRAPH <{LINKS_GRAPH}> {{ ?la ?lr ?lb }} GRAPH ?old {{ ?s ?p ?o }}
         GRAPH <{CATALOG_GRAPH}> {{ ?old ?cp ?co }} }}
INSERT {{ GRAPH <{LINKS_GRAPH}> {{ ?a ?relation ?b }} }}
WHERE {{
  {{ {{ {replaced} }} GRAPH <{CATALOG_GRAPH}> {{ ?old foaf:primaryTopic ?policy }}
     GRAPH <{LINKS_GRAPH}> {{ ?la ?lr ?lb }} FILTER(?la = ?policy || ?lb = ?policy) }}
  UNION {{ {{ {replaced} }} GRAPH ?old {{ ?s ?p ?o }} }}
  UNION {{ {{ {replaced} }} GRAPH <{CATALOG_GRAPH}> {{ ?old ?cp ?co }} }}
  UNION {{ {{ {" UNION ".join(citing + cited) or "FILTER(false)"} }} {kept} FILTER(?a != ?b) }}
}}"""
    among = _links_among(writes)
    inserts = [_insert(w, when) for w in writes]
    if among:
        inserts.append(f"INSERT DATA {{ GRAPH <{LINKS_GRAPH}> {{ {among} }} }}")
    return PROLOGUE + " ;\n".join([first, *inserts])


def _links_among(writes: Sequence[DocumentWrite]) -> str:
    """The eli:cites / eli:repeals links between the new documents, as triples."""
    cited: dict[tuple[URIRef, Literal], set[URIRef]] = {}
    for write in writes:
        for key in write.keys:
            if write.policy:
                cited.setdefault(key, set()).add(write.policy)
    return " ".join(f"<{w.policy}> {LINK[relation].n3()} <{b}> ."
                    for w in writes for relation, key, value in w.citations
                    for b in sorted(cited.get((key, value), ())) if b != w.policy)


def _link(policy: URIRef, side: str) -> str:
    """Insert eli:cites / eli:repeals where `policy` is the citing (?a) or the cited (?b) side."""
    return f"""
INSERT {{ GRAPH <{LINKS_GRAPH}> {{ ?a ?relation ?b }} }}
WHERE {{
  VALUES {side} {{ <{policy}> }}
  {_RELATIONS}
  VALUES (?key ?topicKey) {{ (pkg:numberKey pkg:topicNumberKey) (pkg:titleKey pkg:topicTitleKey) }}
  GRAPH ?citing {{ ?a ?via ?citation . ?citation ?key ?value }}
  GRAPH <{CATALOG_GRAPH}> {{ ?cited ?topicKey ?value ; foaf:primaryTopic ?b }}
  FILTER(?a != ?b)
}}"""  # noqa: S608 (SPARQL Update, not SQL: an IRI the graph stage minted)


_KEYLESS = f"""GRAPH <{CATALOG_GRAPH}> {{ ?g foaf:primaryTopic ?policy }}
  FILTER NOT EXISTS {{ GRAPH <{CATALOG_GRAPH}> {{ ?g pkg:topicNumberKey|pkg:topicTitleKey ?any }} }}"""


def keyless_query() -> str:
    """ASK whether a catalogue entry lacks its policy's keys (a store written before they were
    kept there: new documents would not link to its policies)."""
    return PROLOGUE + f"ASK {{ {_KEYLESS} }}"


def catalogue_keys_update() -> str:
    """Copy each such policy's keys from its graph into its catalogue entry."""
    return PROLOGUE + f"""
INSERT {{ GRAPH <{CATALOG_GRAPH}> {{ ?g ?topicKey ?value }} }}
WHERE {{
  {_KEYLESS}
  VALUES (?key ?topicKey) {{ (pkg:numberKey pkg:topicNumberKey) (pkg:titleKey pkg:topicTitleKey) }}
  GRAPH ?g {{ ?policy ?key ?value }}
}}"""  # noqa: S608 (SPARQL Update, not SQL: the store's own graph IRIs)


def load_update(graph_iri: URIRef, ntriples: str) -> str:
    """Replace one named graph with the given triples (users' own vocabularies)."""
    return f"DROP SILENT GRAPH <{graph_iri}> ;\nINSERT DATA {{ GRAPH <{graph_iri}> {{\n{ntriples}\n}} }}"


def documents_query() -> str:
    return PROLOGUE + f"""
SELECT ?graph ?source ?policy ?triples ?ingested ?partial ?copyOf WHERE {{
  GRAPH <{CATALOG_GRAPH}> {{
    ?graph a pkg:DocumentGraph ; dcterms:source ?source ; void:triples ?triples ;
           dcterms:modified ?ingested .
    OPTIONAL {{ ?graph foaf:primaryTopic ?policy }}
    OPTIONAL {{ ?graph pkg:partialReason ?partial }}
    OPTIONAL {{ ?graph pkg:factsIn ?facts OPTIONAL {{ ?facts dcterms:source ?copyOf }} }}
  }}
}} ORDER BY ?source ?graph"""


def removed_query(document: str) -> str:
    """SELECT the catalogued graphs a document name refers to, with their policies."""
    return PROLOGUE + f"""SELECT DISTINCT ?old ?policy WHERE {{ {{ {stale_graphs(document)} }}
  OPTIONAL {{ GRAPH <{CATALOG_GRAPH}> {{ ?old foaf:primaryTopic ?policy }} }} }}"""
