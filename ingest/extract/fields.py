"""extract.fields: the labelled fields printed beside a policy's text.

Government pages print a 政府信息公开 table (索引号, 发布机构, 成文日期, 发文字号, 发布日期,
主题分类, 有效性), pages an info bar (发布时间：… 来源：…), law databases and policy-summary
sites a header (【发布部门】…【发文字号】…). Copied as text they come as one field per line,
several on a line, or a label on one line and its value on the next; the readers of web pages
and Word files give their table rows as label：value lines. A line is read as fields only when
it opens with a known label (`ingest/data/metadata_labels.tsv`), so body text never is; each
value runs to the next label. The first value of each field counts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.read.tables import bare_label, label_pattern, metadata_labels
from ingest.segment import Line

__all__ = ["FIELD_NAMES", "Fields", "labelled_fields"]

FIELD_NAMES = {"title": "标题", "doc_number": "发文字号", "issuer": "发布机构", "date_written": "成文日期",
               "date_published": "发布日期", "validity": "有效性", "date_in_force": "实施日期"}
"""How a warning names a field, as the tables print it."""
_EMPTY = re.compile(r"[无/\-—－–]*")


@dataclass(frozen=True)
class Fields:
    values: dict[str, str]
    """field (title, doc_number, issuer, date_written, …) → value as printed."""
    lines: frozenset[int]
    """Indices of the lines the fields were read from: the text's own guesses leave them out."""


def labelled_fields(lines: list[Line]) -> Fields:
    """The fields of every labelled line, and which lines they took."""
    pattern = label_pattern()
    labels = metadata_labels()
    values: dict[str, str] = {}
    used: set[int] = set()
    for index, line in enumerate(lines):
        found = list(pattern.finditer(line.text))
        bare = bare_label(line.text)
        if bare:
            found_value = _value_below(lines, index, pattern)
            used.update((index, index + 1) if found_value else (index,))
            _keep(values, labels[bare], found_value)
            continue
        if not found or found[0].start() > 1:
            continue
        used.add(index)
        for k, label in enumerate(found):
            end = found[k + 1].start() if k + 1 < len(found) else len(line.text)
            value = line.text[label.end():end].strip(" ；;，,")
            if not value and k + 1 == len(found):
                value = _value_below(lines, index, pattern)
                used.update((index + 1,) if value else ())
            _keep(values, labels[label["bracketed"] or label["plain"]], value)
    return Fields(values, frozenset(used))


def _keep(values: dict[str, str], field: str, value: str) -> None:
    if value and not _EMPTY.fullmatch(value) and field not in values:
        values[field] = value


def _value_below(lines: list[Line], index: int, pattern: re.Pattern[str]) -> str:
    """The next line, when it is a value rather than another label (a table cell per line)."""
    if index + 1 >= len(lines):
        return ""
    following = lines[index + 1].text
    return "" if pattern.match(following) or bare_label(following) else following.strip()
