"""The source text cut at fact spans, so that a page highlights each fact where it was read."""

from __future__ import annotations

import pytest

from service.source_text import Span, normalised, segments

TEXT = "一、对获得驰名商标的企业每件补助30万元。二、到2025年专利达到10件。"


@pytest.mark.parametrize(("spans", "expected"), [
    ([], [("一、对获得驰名商标的企业每件补助30万元。二、到2025年专利达到10件。", ())]),
    ([Span(0, 21, "measure", "m1")],
     [("一、对获得驰名商标的企业每件补助30万元。", ("measure",)), ("二、到2025年专利达到10件。", ())]),
    ([Span(0, 21, "measure", "m1"), Span(16, 20, "incentive", "i1")],  # a fact inside its measure
     [("一、对获得驰名商标的企业每件补助", ("measure",)), ("30万元", ("incentive", "measure")),
      ("。", ("measure",)), ("二、到2025年专利达到10件。", ())]),
    ([Span(0, 10, "measure", "m1"), Span(5, 21, "measure", "m2")],  # overlapping, of one kind: one ends
     [("一、对获得", ("measure",)), ("驰名商标的", ("measure",)), ("企业每件补助30万元。", ("measure",)),
      ("二、到2025年专利达到10件。", ())]),
    ([Span(33, 36, "target", "t1"), Span(99, 120, "target", "outside"), Span(5, 5, "measure", "empty")],
     [("一、对获得驰名商标的企业每件补助30万元。二、到2025年专利达到", ()), ("10件", ("target",)),
      ("。", ())]),
])
def test_segments_cover_the_text_once_with_the_kinds_of_the_spans_over_them(
        spans: list[Span], expected: list[tuple[str, tuple[str, ...]]]) -> None:
    found = segments(TEXT, spans)
    assert [(s.text, s.kinds) for s in found] == expected
    assert "".join(s.text for s in found) == TEXT


def test_each_span_opens_where_it_starts() -> None:
    found = segments(TEXT, [Span(0, 21, "measure", "m1"), Span(0, 4, "incentive", "i1")])
    assert found[0].opens == ["m1", "i1"]
    assert all(not s.opens for s in found[1:])


PRINTED = "智慧財產權保護，每件補助 ３ 萬元。"


@pytest.mark.parametrize(("printed", "shown"), [
    ("補助 ３ 萬元", "补助3万元"),  # spaces dropped, a full-width digit made plain
    ("智慧財產權", "知识产权"),  # a Taiwan term becomes the mainland one, of another length
    ("３", "3"),
    ("保護，每", "保护，每"),
])
def test_a_span_of_the_printed_text_marks_the_same_words_in_the_normalised_text(
        printed: str, shown: str) -> None:
    start = PRINTED.index(printed)
    text, [span] = normalised(PRINTED, [Span(start, start + len(printed), "measure", "m1")])
    assert text == "知识产权保护，每件补助3万元。"
    assert text[span.start:span.end] == shown
