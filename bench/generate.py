"""generate: a deterministic synthetic corpus of the genre, for the ingest and query benchmark.

Documents are recombined from the pattern text of `bench/patterns.tsv` and the real places of
`ingest/data/divisions.tsv`: numbered measures under section headings, 责任单位 lines with
prefix distribution, quantified targets (分别 lists too), money grants with rates and caps, and
citations. Document i depends only on (seed, i), so the 10-document corpus is the head of the
100-document one and every run of the benchmark reads the same text.

    python bench/generate.py --sizes 10 100 1000 --out bench/out
"""

from __future__ import annotations

import argparse
import csv
import random
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PATTERNS = Path(__file__).resolve().parent / "patterns.tsv"
DIVISIONS = ROOT / "ingest" / "data" / "divisions.tsv"
NUMERALS = "一二三四五六七八九十"
_PLACEHOLDER = re.compile(r"\{(\w+)(?::(\d+)-(\d+))?\}")

__all__ = ["Place", "document", "patterns", "places", "write_corpus"]


@dataclass(frozen=True)
class Place:
    """A jurisdiction that issues documents: its full name and how its documents speak of it."""

    name: str
    """Name as the issuer writes it: 泉州市, 福州市鼓楼区."""
    short: str
    """First character, for the 发文字号 (泉政文〔2021〕70号)."""
    prefix: str
    """Level word before unit names: 市, 区, 县."""


@cache
def patterns(path: Path = PATTERNS) -> dict[str, tuple[str, ...]]:
    """Pattern texts by kind."""
    table: dict[str, list[str]] = defaultdict(list)
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            kind, text = line.split("\t", 1)
            table[kind].append(text)
    return {kind: tuple(texts) for kind, texts in table.items()}


@cache
def places(path: Path = DIVISIONS) -> tuple[Place, ...]:
    """Cities, districts and counties; districts carry their city so the name is unambiguous."""
    with path.open(encoding="utf-8") as handle:
        rows = csv.DictReader((line for line in handle if not line.startswith("#")), delimiter="\t")
        found = []
        for row in rows:
            level, name, parent = row["level"], row["name"], row["parent"]
            if level not in ("city", "district", "county"):
                continue
            full = name if level == "city" or not parent else f"{parent}{name}"
            prefix = {"district": "区", "county": "县"}.get(level, "市")
            found.append(Place(full, name[0], "市" if name.endswith("市") else prefix))
    return tuple(found)


def document(index: int, seed: int = 0) -> tuple[str, str]:
    """File name and text of synthetic document `index`: the same for the same (seed, index)."""
    rng = random.Random(f"{seed}:{index}")
    place = rng.choice(places())
    year = 2016 + index % 9
    number = index // 9 + 1
    form = rng.choice(patterns()["form"])
    context = {"place": place.name, "prefix": place.prefix, "scope": f"全{place.prefix}",
               "year": str(year), "subject": rng.choice(patterns()["subject"]),
               "form_short": form[-2:], "cited": rng.choice(patterns()["cited"])}
    title = f"{place.name}{context['subject']}{form}" if not form.startswith("的") else \
        f"{place.name}人民政府关于{context['subject']}{form}"
    doc_number = f"{place.short}政{'办' if index % 2 else '文'}〔{year}〕{number}号"
    date = f"{year}年{rng.randint(1, 12)}月{rng.randint(1, 28)}日"
    body = _body(rng, context, year)
    if index % 3 == 2:
        text = _transmittal(place, title, doc_number, date, body)
    else:
        text = "\n\n".join([title, doc_number, f"各{_lower(place)}，{place.prefix}人民政府各部门：",
                            body, f"{place.name}人民政府", date]) + "\n"
    return f"bench_{index:05d}.txt", text


def _transmittal(place: Place, title: str, doc_number: str, date: str, body: str) -> str:
    """A 印发 notice carrying the plan, as web copies of district documents often are."""
    plan = title.replace("人民政府关于", "关于")
    notice = f"{place.name}人民政府办公室关于印发{plan}的通知"
    return "\n\n".join([doc_number, notice, f"各{_lower(place)}，{place.prefix}直有关单位：",
                        f"经{place.prefix}政府同意，现将《{plan}》印发给你们，请认真组织实施。",
                        f"{place.name}人民政府办公室", date, "（此件主动公开）", plan, body]) + "\n"


def _lower(place: Place) -> str:
    return "乡镇人民政府、街道办事处" if place.prefix != "市" else "县（市、区）人民政府"


def _body(rng: random.Random, context: dict[str, str], year: int) -> str:
    """Purpose, a goals part with targets, the numbered measures, guarantees, entry into force."""
    lines = [_fill(rng, rng.choice(patterns()["purpose"]), context)]
    deadline = str(year + rng.randint(2, 5))
    goals = rng.sample(patterns()["target"], rng.randint(3, 6))
    lines += ["一、目标任务", f"到{deadline}年，" + "，".join(_fill(rng, g, context) for g in goals) + "。",
              "二、主要措施"]
    item = 1
    for section_number, section in enumerate(rng.sample(patterns()["section"], rng.randint(4, 6))):
        lines.append(f"（{NUMERALS[section_number]}）{section}")
        for measure in rng.sample(patterns()["measure"], rng.randint(3, 6)):
            text = measure
            if rng.random() < 0.6:
                text += _fill(rng, rng.choice(patterns()["incentive"]), context)
            if rng.random() < 0.15:
                goal = _fill(rng, rng.choice(patterns()["target"]), context)
                text += f"到{deadline}年，{goal}。"
            lines += [f"{item}.{text}", _units(rng, context["prefix"])]
            item += 1
    lines.append("三、保障措施")
    lines += [f"（{NUMERALS[n]}）{g}" for n, g in enumerate(patterns()["guarantee"])]
    term = "，有效期3年" if year % 3 == 0 else ""
    lines.append(f"本{context['form_short']}自印发之日起施行{term}。")
    return "\n\n".join(lines)


def _units(rng: random.Random, prefix: str) -> str:
    """A 责任单位 line: the level prefix once, distributed over the units after it."""
    lead = rng.choice(patterns()["lead_unit"])
    others = [u for u in rng.sample(patterns()["unit"], rng.randint(0, 4)) if u != lead]
    return "责任单位：" + prefix + "、".join([lead, *others])


def _fill(rng: random.Random, pattern: str, context: dict[str, str]) -> str:
    def value(match: re.Match[str]) -> str:
        name, low, high = match.groups()
        return str(rng.randint(int(low), int(high))) if low else context[name]
    return _PLACEHOLDER.sub(value, pattern)


def write_corpus(out: Path, size: int, seed: int = 0) -> list[Path]:
    """Write documents 0 … size-1 into `out` (created); the paths in order."""
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for index in range(size):
        name, text = document(index, seed)
        (out / name).write_text(text, encoding="utf-8")
        paths.append(out / name)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 100, 1000])
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "out")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    for size in args.sizes:
        written = write_corpus(args.out / str(size), size, args.seed)
        print(f"{len(written)} documents in {args.out / str(size)}")


if __name__ == "__main__":
    main()
