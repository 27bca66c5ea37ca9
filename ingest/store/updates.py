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

Every operation that reads the store is a `.rq` / `.ru` file beside this module, its values
bound as RDF terms (ingest.sparql); the data a request inserts is written by rdflib, term by term.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from rdflib import RDF, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, XSD
from rdflib.term import Identifier

from ingest.sparql import is_iri, request, sparql_file, with_rows, with_values
from ingest.store.interface import DocumentWrite
from ingest.vocab import CATALOG_GRAPH, ELI, ENTITIES_GRAPH, LINKS_GRAPH, PKG, VOID

RESERVED_GRAPHS = frozenset({CATALOG_GRAPH, LINKS_GRAPH, ENTITIES_GRAPH})
TOPIC_KEY = {PKG.numberKey: PKG.topicNumberKey, PKG.titleKey: PKG.topicTitleKey}
"""Where the catalogue keeps a policy's key: a citation names a stored policy through it."""
LINK = {PKG.cites: ELI.cites, PKG.repeals: ELI.repeals}

Triple = tuple[Identifier, Identifier, Identifier]


def query_file(name: str) -> str:
    """The text of store/NAME (a .rq query or a .ru update beside this module)."""
    return sparql_file("ingest", f"store/{name}")


@dataclass(frozen=True)
class Selection:
    """The document graphs a request removes or replaces (?old of drop-documents.ru): those of the
    files `sources`, of the policies or graphs `named` (a document name that is an IRI), and
    the graphs `graphs`, dropped whether catalogued or not."""

    sources: tuple[Literal, ...] = ()
    named: tuple[URIRef, ...] = ()
    graphs: tuple[URIRef, ...] = ()

    @classmethod
    def of(cls, document: str) -> Selection:
        """The catalogued graphs a document name refers to: its file, or its policy or graph."""
        return cls((Literal(document),), (URIRef(document),) if is_iri(document) else ())

    @classmethod
    def replaced(cls, writes: Iterable[DocumentWrite]) -> Selection:
        """The graphs the writes replace: their own, and the earlier graphs of the same file or IRI."""
        parts = [cls.of(write.source) for write in writes]
        return cls(tuple(s for part in parts for s in part.sources),
                   tuple(n for part in parts for n in part.named), tuple(w.graph_iri for w in writes))

    def bind(self, sparql: str) -> str:
        for variable, terms in (("staleSource", self.sources), ("stalePolicy", self.named),
                                ("staleGraph", self.named), ("replacedGraph", self.graphs)):
            sparql = with_values(sparql, variable, terms)
        return sparql


def removed_query(document: str) -> str:
    """SELECT the catalogued graphs a document name refers to, with their policies."""
    return Selection.of(document).bind(query_file("removed.rq"))


def remove_update(document: str) -> list[str]:
    """The operations removing a document's graphs, then the entities nothing links to any more."""
    return [Selection.of(document).bind(query_file("drop-documents.ru")),
            query_file("drop-unlinked-entities.ru")]


def replace_update(writes: Sequence[DocumentWrite], ingested: datetime) -> list[str]:
    """For each document in turn: drop its earlier graphs (same IRI or same source file), insert, relink.

    When the documents of the request are distinct (no source file or graph twice), all the reads
    happen in the first operation and every later one only writes (`_replace_at_once`): Oxigraph
    pays more per inserted quad once any operation after the first reads the store (its
    transaction then indexes every write to read it back). Otherwise one document after the
    other, each seeing the ones before it.
    """
    when = Literal(ingested.isoformat(), datatype=XSD.dateTime)
    distinct = len({w.source for w in writes}) == len({w.graph_iri for w in writes}) == len(writes)
    if distinct and not any(is_iri(w.source) for w in writes):
        return _replace_at_once(writes, when)
    operations = []
    for write in writes:
        operations += [Selection.replaced([write]).bind(query_file("drop-documents.ru")),
                       f"DROP SILENT GRAPH {write.graph_iri.n3()}", _insert(write, when)]
        if write.policy:
            citing = with_values(query_file("link.ru"), "a", [write.policy])
            operations.append(with_values(citing, "b", [write.policy]))
    return operations


def insert_data(graphs: Mapping[URIRef, str | Iterable[Triple]]) -> str:
    """INSERT DATA of each graph's N-Triples (rdflib's serialisation, or triples of rdflib terms)."""
    blocks = []
    for graph, triples in graphs.items():
        text = triples if isinstance(triples, str) else "\n".join(
            f"{s.n3()} {p.n3()} {o.n3()} ." for s, p, o in triples)
        blocks.append(f"GRAPH {graph.n3()} {{\n{text}\n}}")
    return "INSERT DATA { " + "\n  ".join(blocks) + " }"


def catalogue_entry(write: DocumentWrite, when: Literal) -> list[Triple]:
    """The catalogue's description of a document graph: its file, policy, keys, size and ingest time."""
    graph = write.graph_iri
    entry: list[Triple] = [(graph, RDF.type, PKG.DocumentGraph),
                           (graph, DCTERMS.source, Literal(write.source))]
    if write.policy:
        entry.append((graph, FOAF.primaryTopic, write.policy))
    entry += [(graph, TOPIC_KEY[key], value) for key, value in write.keys]
    entry += [(graph, VOID.triples, Literal(write.triples)), (graph, PKG.factTriples, Literal(write.triples))]
    if write.partial:
        entry.append((graph, PKG.partialReason, Literal(write.partial)))
    return [*entry, (graph, DCTERMS.modified, when)]


def _insert(write: DocumentWrite, when: Literal) -> str:
    return insert_data({write.graph_iri: write.ntriples, ENTITIES_GRAPH: write.entities,
                        CATALOG_GRAPH: catalogue_entry(write, when)})


def _replace_at_once(writes: Sequence[DocumentWrite], when: Literal) -> list[str]:
    """replace_update() of distinct documents as one read-then-write operation (replace-at-once.ru),
    then data only. The links among the new documents follow from their keys alone."""
    citing = [(w.policy, LINK[relation], TOPIC_KEY[key], value)
              for w in writes if w.policy for relation, key, value in w.citations]
    cited = [(w.policy, key, value) for w in writes if w.policy for key, value in w.keys]
    first = Selection.replaced(writes).bind(query_file("replace-at-once.ru"))
    first = with_rows(first, ("a", "relation", "topicKey", "value"), citing)
    first = with_rows(first, ("b", "key", "value"), cited)
    operations = [first, *(_insert(w, when) for w in writes)]
    if among := _links_among(writes):
        operations.append(insert_data({LINKS_GRAPH: among}))
    return operations


def _links_among(writes: Sequence[DocumentWrite]) -> list[Triple]:
    """The eli:cites / eli:repeals links between the new documents."""
    cited: dict[tuple[URIRef, Literal], set[URIRef]] = {}
    for write in writes:
        for key in write.keys:
            if write.policy:
                cited.setdefault(key, set()).add(write.policy)
    return [(w.policy, LINK[relation], b) for w in writes if w.policy for relation, key, value in w.citations
            for b in sorted(cited.get((key, value), ())) if b != w.policy]


def catalogue_keys_update() -> str:
    """Copy each such policy's keys from its graph into its catalogue entry."""
    return request(query_file("catalogue-keys.ru"))


def load_update(graph_iri: URIRef, ntriples: str) -> str:
    """Replace one named graph with the given triples (users' own vocabularies)."""
    return request(f"DROP SILENT GRAPH {graph_iri.n3()}", insert_data({graph_iri: ntriples}))
