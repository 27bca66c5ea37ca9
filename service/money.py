"""Money as drafters write it (30万元, 按 30%，最高 20万元), the one way every page shows an incentive."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation

__all__ = ["incentive_text", "money", "percent"]


def money(value: str | None) -> str:
    """An amount in yuan: 300000 → 30万元, 1500 → 1500元."""
    if not value:
        return ""
    try:
        amount = Decimal(value)
    except InvalidOperation:
        return value
    if amount >= 10000:
        return f"{(amount / 10000).normalize():f}万元"
    return f"{amount.normalize():f}元"


def percent(value: str | None) -> str:
    """A rate stored as a fraction (0.1) as a percentage (10%)."""
    if not value:
        return ""
    try:
        return f"{(Decimal(value) * 100).normalize():f}%"
    except InvalidOperation:
        return value


def incentive_text(row: Mapping[str, str]) -> str:
    """kind, amount, rate and cap of an incentive row (kindLabel, amount, rate, cap, per)."""
    text = row.get("kindLabel") or "奖补"
    if row.get("amount"):
        text += f" {money(row['amount'])}"
    if row.get("rate"):
        text += f" 按 {percent(row['rate'])}"
    if row.get("cap"):
        text += f"，最高 {money(row['cap'])}"
    return f"{text}（{row['per']}）" if row.get("per") else text
