"""The `extract` record of ../shared/eval/SCHEMA.md as typed values.

This is the seam between the text side (read, segment, extract) and the RDF side
(graph, validate, store). Field names follow SCHEMA.md; fields the schema does not know
(spans, full text, lead flags, topics) are extras the scorer ignores and the graph uses.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Level = Literal["province", "city", "district", "county"]
IncentiveKind = Literal["subsidy", "reward", "interest_subsidy", "other"]
Comparator = Literal[">=", ">", "="]
EndBasis = Literal["stated", "term", "period"]
"""How the text gives an end of validity: an end date (有效期至…), a term counted from the
entry into force (有效期3年), or the period of a plan (2022-2025年, 建设周期)."""
Span = tuple[int, int]
"""Character offsets [start, end) into the original decoded text of the source file."""


@dataclass(frozen=True)
class Jurisdiction:
    name: str | None = None
    level: Level | None = None
    province: str | None = None
    parent: str | None = None
    code: str | None = None
    """Administrative division code (GB/T 2260), when known."""


@dataclass(frozen=True)
class ResponsibleUnit:
    name: str
    """As the text names it, prefix distributed: 市市场监管局、科技局 → 市科技局."""
    lead: bool = False
    """The text says this unit leads (牵头)."""


@dataclass(frozen=True)
class Incentive:
    kind: IncentiveKind
    amount_cny: float | None = None
    rate: float | None = None
    cap_cny: float | None = None
    condition: str | None = None
    per: str | None = None
    """What one amount is paid for: 件, 项目, 企业每年 …"""
    recipient: str | None = None
    span: Span | None = None
    page: int | None = None
    """The page of a paged source (PDF) the span begins on."""


@dataclass(frozen=True)
class Target:
    indicator: str
    value: float
    unit: str | None = None
    year: int | None = None
    comparator: Comparator = "="
    measure_path: tuple[str, ...] | None = None
    """The measure the target appears in; None for targets of the goal sections."""
    span: Span | None = None
    page: int | None = None
    """The page of a paged source (PDF) the span begins on."""


@dataclass(frozen=True)
class Measure:
    path: tuple[str, ...]
    title: str
    text: str
    span: Span
    responsible_units: tuple[ResponsibleUnit, ...] = ()
    incentives: tuple[Incentive, ...] = ()
    topics: tuple[str, ...] = ()
    """Local names of concepts in ontology/topics.ttl, the primary topic (pkg:primaryTopic) first."""
    instruments: tuple[str, ...] = ()
    """Policy-instrument types (supply, demand, environment): concepts of ontology/instruments.ttl."""
    stages: tuple[str, ...] = ()
    """IP value-chain stages (创造, 运用, 保护, 管理, 服务): concepts of ontology/stages.ttl."""
    page: int | None = None
    """The page of a paged source (PDF) the span begins on."""


@dataclass(frozen=True)
class Statement:
    """A date the text states about the policy itself, and the sentence that states it."""

    date: str
    """ISO date, or year-month when the text gives no day."""
    sentence: str
    span: Span


@dataclass(frozen=True)
class Validity:
    """When the policy is in force, as far as its text says (None: the text does not say)."""

    in_force_from: Statement | None = None
    """Entry into force (自发布之日起施行, 自2024年1月1日起实施)."""
    until: Statement | None = None
    """The last day in force: a stated end, the end of a term, or the end of the plan period."""
    basis: EndBasis | None = None
    """How `until` is given."""


@dataclass(frozen=True)
class PolicyRecord:
    source: str
    partial: str | None = None
    """Why this copy is not the whole policy (cut mid-sentence, abridged), or None: its facts are
    what it holds, and every answer that lists it says so."""
    title: str | None = None
    doc_number: str | None = None
    issuer: str | None = None
    date_issued: str | None = None
    jurisdiction: Jurisdiction = field(default_factory=Jurisdiction)
    valid_until: str | None = None
    """The end of validity the text states (SCHEMA.md): validity.until unless it is only the end
    of the plan period, which the text gives as the span of the work, not of the policy's force."""
    validity: Validity = field(default_factory=Validity)
    cites: tuple[str, ...] = ()
    repeals: tuple[str, ...] = ()
    measures: tuple[Measure, ...] = ()
    targets: tuple[Target, ...] = ()
    warnings: tuple[str, ...] = ()
    """What the user should know but that did not stop extraction: "metadata: 发文字号 … of the
    labelled fields differs from … in the text"."""

    def to_json(self) -> dict[str, Any]:
        """The SCHEMA.md object: lists for tuples, unit names as strings, extras kept."""
        data = asdict(self)
        for measure, raw in zip(self.measures, data["measures"], strict=True):
            raw["responsible_units"] = [u.name for u in measure.responsible_units]
            raw["lead_units"] = [u.name for u in measure.responsible_units if u.lead]
        record: dict[str, Any] = _lists(data)
        return record


def _lists(value: Any) -> Any:
    """JSON has no tuples; turn them (recursively) into lists."""
    if isinstance(value, dict):
        return {k: _lists(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_lists(v) for v in value]
    return value
