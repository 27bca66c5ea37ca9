"""partial: whether a copy holds the whole policy, and if not, why.

Web copies are often cut off (a page that ends mid-sentence) or abridged (（略）, ……, 节选).
Such a copy is still extracted and stored with what it holds; its reason is recorded so that
every answer that lists it says so, and `ingest --strict` can refuse it. Only the main text
counts: a copy whose back matter (signature, 抄送) was found ends where a policy ends.
"""

from __future__ import annotations

import re

from ingest.segment import Document, lines_of, site_chrome

_SENTENCE_END = "。！？；;!?…”’」）)〕】"
_RUNNING_TEXT = re.compile(r"[，、；。]")
_FIELD_LABEL = re.compile(r"^[^，。；]{1,8}[：:]")
_ABRIDGED_LINE = re.compile(
    r"[（(【\[]?(?:以下|下|后|全文|正文|内容|中间|此处|部分内容|其余)?(?:略|省略|从略)[^（）()]{0,12}[）)】\]]?"
    r"|(?:…|⋯|\.{3}|。{3})+")
"""A line that stands for left-out text: （略）, （以下略）, ……"""
_ABRIDGED_MARK = re.compile(r"[（(](?:略|下略|以下略|内容略|全文略|节选|摘要|摘编|摘录)[）)]$")
"""A heading or title that says its text is left out or excerpted: （三）保障措施（略）, …意见（节选）."""
_TAIL = 20


def partial_reason(document: Document) -> str | None:
    """Why the document's text is not the whole policy (abridged, or cut mid-sentence), or None."""
    text = document.source.text
    lines = lines_of(text[: document.back_start])
    for line in lines:
        if _ABRIDGED_LINE.fullmatch(line.text) or _ABRIDGED_MARK.search(line.text):
            return f"文本有删节 (abridged): {line.text[:_TAIL]}"
    if lines and not document.back.strip() and cut_mid_sentence(lines[-1].text):
        return f"文本在句中截断 (text ends mid-sentence): …{lines[-1].text[-_TAIL:]}"
    return None


def cut_mid_sentence(line: str) -> bool:
    """True for a last line of running text that stops where no sentence can end.

    Titles, headings, 责任单位：… fields and site furniture end without a full stop too, so
    only a line with clause punctuation inside, no field label and no furniture word counts.
    """
    return (line[-1] not in _SENTENCE_END and bool(_RUNNING_TEXT.search(line))
            and not _FIELD_LABEL.match(line) and not any(word in line for word in site_chrome()))
