"""The search index's documents on disk, so that a restarted service and `policykg search` read and
tokenise only the documents that changed since the index was last built.

Tokenising the measures of 10,000 documents takes minutes; their terms do not change until the
document is ingested again. After each build the index's documents (their measures, the token ids
and counts of each measure, the vocabulary) are written beside the store, in one file
`<store>.search.npz`: numpy arrays read without pickle, the measures' texts as columns (one string
per field, values apart by NUL) and what a document's measures share (policy, place, date) once per
document, so that 250,000 measures read back in seconds, not as a quarter of a million JSON
objects. The file is written to a temporary name and renamed, so a reader sees a whole file or the
previous one. It carries a fingerprint of what tokens and hits depend on (the tokeniser's topic
labels, the queries that read the measures, FORMAT); a file of another fingerprint, or one that
does not read, is ignored and the index is built from the store.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any

import numpy as np
import orjson

from ingest.schemes import concept_labels
from ingest.vocab import TOPIC
from service.search import Terms, Vocabulary
from service.search_rows import Hit, Money, Unit
from service.search_words import LABEL_KINDS

__all__ = ["IndexedDocument", "load", "path_for", "save"]

log = logging.getLogger(__name__)

FORMAT = 1
"""Raised when the file's layout or the meaning of a hit's fields changes."""
SHARED = ("source", "jurisdiction", "parent", "province", "policy", "policy_title", "doc_number", "date",
          "document_type", "validity")
"""The fields every measure of a document repeats: kept once per document."""
OWN = ("measure", "quote", "title", "path")
"""The text fields of each measure: one column each."""
NUL, UNIT, LEAD = "\x00", "\x01", "\x02"
"""Apart: the values of a column, the units of a measure; and the mark of a lead unit."""


@dataclass(frozen=True)
class IndexedDocument:
    """One document graph's measures and their terms, as of its ingest time."""

    modified: str
    hits: tuple[Hit, ...]
    terms: tuple[Terms, ...]


def path_for(store: Path | None) -> Path | None:
    """Where the index of an embedded store is kept: `<store>.search.npz` beside it; none for a
    remote store."""
    return None if store is None else store.with_name(store.name + ".search.npz")


def save(path: Path, documents: Mapping[str, IndexedDocument], vocabulary: Vocabulary) -> None:
    """Write the documents and the vocabulary (tokens in id order)."""
    hits = [hit for document in documents.values() for hit in document.hits]
    terms = [t for document in documents.values() for t in document.terms]
    listing = [{"graph": graph, "modified": document.modified, "measures": len(document.hits),
                "shared": [getattr(document.hits[0], name) for name in SHARED] if document.hits else []}
               for graph, document in documents.items()]
    arrays: dict[str, Any] = {name: _column(getattr(hit, name) for hit in hits) for name in OWN}
    arrays["topics"] = _column(" ".join(hit.topics) for hit in hits)
    arrays["money"] = _column(orjson.dumps(hit.money).decode() if hit.money else "" for hit in hits)
    arrays["units"] = _column(UNIT.join(f"{unit.name}{LEAD if unit.lead else ''}" for unit in hit.units)
                              for hit in hits)
    arrays |= {"fingerprint": np.array([fingerprint()]),
               "vocabulary": _bytes(orjson.dumps(list(vocabulary.ids))),
               "documents": _bytes(orjson.dumps(listing)),
               "ids": np.concatenate([t.ids for t in terms]) if terms else np.zeros(0, np.int32),
               "counts": np.concatenate([t.counts for t in terms]) if terms else np.zeros(0, np.float32),
               "sizes": np.array([len(t.ids) for t in terms], dtype=np.int64),
               "lengths": np.array([t.length for t in terms], dtype=np.int64)}
    temporary = path.with_name(f".{path.stem}.{os.getpid()}.tmp.npz")
    try:
        np.savez(temporary, **arrays)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def load(path: Path) -> tuple[dict[str, IndexedDocument], Vocabulary] | None:
    """The documents and vocabulary last written, or None (no file, another fingerprint, unreadable)."""
    try:
        with np.load(path, allow_pickle=False) as arrays:
            if str(arrays["fingerprint"][0]) != fingerprint():
                return None
            listing = orjson.loads(arrays["documents"].tobytes())
            tokens = orjson.loads(arrays["vocabulary"].tobytes())
            columns = {name: arrays[name].tobytes().decode().split(NUL)
                       for name in (*OWN, "topics", "money", "units")}
            ids, counts, sizes, lengths = arrays["ids"], arrays["counts"], arrays["sizes"], arrays["lengths"]
        ends = np.cumsum(sizes)
        starts = ends - sizes
        terms = [Terms(ids[a:b], counts[a:b], int(n)) for a, b, n in zip(starts, ends, lengths, strict=True)]
        vocabulary = Vocabulary()
        vocabulary.ids = {token: position for position, token in enumerate(tokens)}
        documents, row = {}, 0
        for entry in listing:
            shared = dict(zip(SHARED, entry["shared"], strict=True))
            hits = tuple(_hit(columns, index, shared) for index in range(row, row + entry["measures"]))
            documents[entry["graph"]] = IndexedDocument(entry["modified"], hits,
                                                        tuple(terms[row: row + len(hits)]))
            row += len(hits)
        return (documents, vocabulary) if row == len(terms) else None
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError, IndexError) as error:
        log.warning("the search index kept in %s does not read (%s); building it from the store", path, error)
        return None


def fingerprint() -> str:
    """What the kept tokens and hits depend on beyond the documents: the words the tokeniser knows
    (the topic labels) and the queries that read the measures."""
    digest = hashlib.sha256(str(FORMAT).encode())
    for label, name in sorted(concept_labels("topics.ttl", str(TOPIC), "zh-Hans", LABEL_KINDS)):
        digest.update(f"{label}\t{name}\n".encode())
    for name in ("search_measures.rq", "search_money.rq", "search_units.rq"):
        digest.update((files("service") / name).read_bytes())
    return digest.hexdigest()


def _column(values: object) -> np.ndarray:
    """Strings as one UTF-8 array, apart by NUL (which no text of the store holds)."""
    return _bytes(NUL.join(value.replace(NUL, "") for value in values).encode())  # type: ignore[attr-defined]


def _bytes(data: bytes) -> np.ndarray:
    return np.frombuffer(data, dtype=np.uint8)


def _hit(columns: dict[str, list[str]], row: int, shared: dict[str, str]) -> Hit:
    money, units = columns["money"][row], columns["units"][row]
    return Hit(columns["measure"][row], columns["quote"][row], columns["title"][row], columns["path"][row],
               **shared, topics=tuple(columns["topics"][row].split()),  # type: ignore[arg-type]
               money=tuple(Money(**m) for m in orjson.loads(money)) if money else (),
               units=tuple(Unit(name.rstrip(LEAD), name.endswith(LEAD)) for name in units.split(UNIT))
               if units else ())
