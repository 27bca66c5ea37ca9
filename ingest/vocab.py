"""Namespaces and IRI minting: stable, ASCII, derived from what a document says about itself.

Re-ingesting a document must land on the same IRIs, so that replacing its named graph replaces
exactly what it said; IRIs therefore come from content (jurisdiction, 发文字号 or title, item
path, position), never from counters or file order. Chinese keys are hashed, so IRIs stay
ASCII while labels carry the names.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

from rdflib import Namespace, URIRef

from ingest import divisions
from ingest.record import Jurisdiction, PolicyRecord

__all__ = ["BASE", "CATALOG_GRAPH", "ELI", "ENTITIES_GRAPH", "ID", "INCENTIVE_KIND", "INDICATOR",
           "INSTRUMENT", "LINKS_GRAPH", "ORG", "ORGAN_TYPE", "PKG", "PREFIXES", "PROV", "ROW", "STAGE",
           "TOPIC", "VOID", "chinese_number", "graph_iri", "jurisdiction_iri", "key", "marker_key",
           "measure_iri", "named_jurisdiction_iri", "normalise_doc_number", "normalise_title", "organ_iri",
           "policy_iri"]

BASE = "https://w3id.org/policykg/"
PKG = Namespace(BASE + "def#")
ROW = Namespace(BASE + "def/row#")
ID = Namespace(BASE + "id/")
TOPIC = Namespace(BASE + "def/topic/")
INSTRUMENT = Namespace(BASE + "def/instrument/")
STAGE = Namespace(BASE + "def/stage/")
INDICATOR = Namespace(BASE + "def/indicator/")
ORGAN_TYPE = Namespace(BASE + "def/organ-type/")
INCENTIVE_KIND = Namespace(BASE + "def/incentive-kind/")
ELI = Namespace("http://data.europa.eu/eli/ontology#")
ORG = Namespace("http://www.w3.org/ns/org#")
PROV = Namespace("http://www.w3.org/ns/prov#")
VOID = Namespace("http://rdfs.org/ns/void#")

CATALOG_GRAPH = ID["graph/catalog"]
"""Metadata of the store: one entry per document graph (source, triple count, ingest time)."""
LINKS_GRAPH = ID["graph/links"]
"""eli:cites / eli:repeals between stored policies, derived from citation nodes."""
ENTITIES_GRAPH = ID["graph/entities"]
"""Descriptions of entities documents share (jurisdictions, organs), each triple stored once:
the union default graph does not deduplicate, so a triple restated per document would count twice."""

PREFIXES = {
    "pkg": str(PKG), "eli": str(ELI), "org": str(ORG), "prov": str(PROV), "void": str(VOID),
    "skos": "http://www.w3.org/2004/02/skos/core#", "dcterms": "http://purl.org/dc/terms/",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#", "xsd": "http://www.w3.org/2001/XMLSchema#",
}

_BRACKETS = str.maketrans({"〔": "[", "〕": "]", "［": "[", "］": "]", "【": "[", "】": "]",
                           "(": "[", ")": "]", "（": "[", "）": "]"})
_NUMERALS = {c: i for i, c in enumerate("零一二三四五六七八九")}


def normalise_doc_number(number: str) -> str:
    """One spelling per 发文字号, so that 〔2021〕, [2021] and （2021） name the same document."""
    text = unicodedata.normalize("NFKC", number).translate(_BRACKETS)
    return re.sub(r"\s+", "", text)


def normalise_title(title: str) -> str:
    """Titles compared without spaces and without the 《》 that quote them."""
    return re.sub(r"[\s《》]", "", unicodedata.normalize("NFKC", title))


def key(text: str) -> str:
    """An ASCII key for any text: kept when already a safe slug, else a short content hash."""
    if re.fullmatch(r"[A-Za-z0-9_.-]+", text):
        return text
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def jurisdiction_iri(jurisdiction: Jurisdiction) -> URIRef | None:
    """The administrative division code when known (350502), else a key of the qualified name."""
    if jurisdiction.code:
        return ID[f"jurisdiction/{key(jurisdiction.code)}"]
    if jurisdiction.name:
        return named_jurisdiction_iri(jurisdiction.name, jurisdiction.province, jurisdiction.parent)
    return None


def named_jurisdiction_iri(name: str, province: str | None = None, parent: str | None = None) -> URIRef:
    """A jurisdiction known only by name (a document's province or parent city): its division
    code when the name, read with its province and parent, names exactly one division."""
    known = [d for d in divisions.divisions().get(name, ())
             if (not province or d.province in (province, name)) and (not parent or d.parent == parent)]
    if len(known) == 1 and known[0].code:
        return ID[f"jurisdiction/{key(known[0].code)}"]
    return ID[f"jurisdiction/{key('/'.join(dict.fromkeys(p for p in (province, parent, name) if p)))}"]


def policy_iri(record: PolicyRecord) -> URIRef:
    """Jurisdiction + 发文字号 (or title when there is none, or the file name as last resort)."""
    if record.doc_number:
        local = "n-" + key(normalise_doc_number(record.doc_number))
    elif record.title:
        local = "t-" + key(normalise_title(record.title))
    else:
        local = "f-" + key(record.source)
    place = jurisdiction_iri(record.jurisdiction)
    scope = str(place).rsplit("/", 1)[1] if place else "unknown"
    return ID[f"policy/{scope}/{local}"]


def graph_iri(policy: URIRef) -> URIRef:
    """The named graph that holds everything one policy document says."""
    return URIRef(f"{policy}/graph")


def marker_key(marker: str) -> str:
    """One path marker as ASCII: 二 → 2, （一） → 1, （3） → 3, 十二 → 12; anything else hashed."""
    bare = re.sub(r"[\s()（）.、．]", "", unicodedata.normalize("NFKC", marker))
    if bare.isascii() and bare.isalnum():
        return bare
    number = chinese_number(bare)
    return str(number) if number is not None else key(bare)


def chinese_number(text: str) -> int | None:
    """Numerals up to 九十九 as they number headings: 一, 十, 十二, 二十, 二十三."""
    if not text or any(c not in _NUMERALS and c != "十" for c in text):
        return None
    if "十" not in text:
        return int("".join(str(_NUMERALS[c]) for c in text))
    tens, _, units = text.partition("十")
    if len(tens) > 1 or len(units) > 1:
        return None
    return (_NUMERALS[tens] if tens else 1) * 10 + (_NUMERALS[units] if units else 0)


def measure_iri(policy: URIRef, path: tuple[str, ...]) -> URIRef:
    return URIRef(f"{policy}/measure/" + "-".join(marker_key(m) for m in path))


def organ_iri(jurisdiction: URIRef | None, organ_key: str) -> URIRef:
    """An organ is one per jurisdiction: 市市场监管局 in two cities are two organs."""
    scope = str(jurisdiction).rsplit("/", 1)[1] if jurisdiction else "unknown"
    return ID[f"organ/{scope}/{key(organ_key)}"]
