"""`indicators [--type T] [--json]`: the indicator catalogue a script needs before `set` — codes, Vietnamese
labels, units, the institution types each applies to and the rules a value must keep (the same catalogue and
rules the entry form and `set` validate with). Needs no database."""

from __future__ import annotations

import argparse
from typing import Any

from lhtl_desktop.cli import add_db_option, add_json_option, print_json
from lhtl_desktop.errors import ValidationError
from lhtl_desktop.i18n import _, fmt_int, valid_codes_hint
from lhtl_desktop.model.catalogue import (
    INDICATORS,
    INDICATORS_BY_CODE,
    INSTITUTION_TYPES,
    MAX_VALUE,
    TYPES_BY_CODE,
    Indicator,
    IndicatorKind,
    indicators_for_type,
)
from lhtl_desktop.model.criteria import CRITERIA
from lhtl_desktop.model.validation import PART_OF_WHOLE, WARN_RATIO


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    help_text = _("liệt kê các chỉ số: mã, tên, đơn vị tính, loại thiết chế áp dụng và quy tắc kiểm tra")
    p = sub.add_parser("indicators", help=help_text, description=help_text)
    add_db_option(p)
    p.add_argument("--type", metavar=_("LOẠI"), help=_("chỉ các chỉ số của loại thiết chế này, ví dụ lib_commune"))
    add_json_option(p)
    p.set_defaults(handler=cmd_indicators)


def rules_of(ind: Indicator) -> list[str]:
    """The rules a value of this indicator must keep, in words (errors refuse; the ×3 jump only warns)."""
    if ind.kind == IndicatorKind.FLAG:
        rules = [_("chỉ 1 (có) hoặc 0 (không)")]
    else:
        rules = [_("số nguyên từ 0 đến {max}").format(max=fmt_int(MAX_VALUE))]
    for part, whole in PART_OF_WHOLE:
        if ind.code == part:
            rules.append(_("không lớn hơn {whole}").format(whole=whole))
        elif ind.code == whole:
            rules.append(_("không nhỏ hơn {part}").format(part=part))
    if ind.kind == IndicatorKind.COUNT:
        rules.append(_("cảnh báo khi gấp hơn {n} lần hoặc dưới 1/{n} năm trước").format(n=WARN_RATIO))
    return rules


def as_row(ind: Indicator) -> dict[str, Any]:
    return {
        "code": ind.code, "label": ind.label, "unit": ind.unit, "kind": str(ind.kind),
        "types": [t.code for t in INSTITUTION_TYPES if t.family == ind.family],
        "min": 0, "max": 1 if ind.kind == IndicatorKind.FLAG else MAX_VALUE,
        "not_above": [w for p, w in PART_OF_WHOLE if p == ind.code],
        "criteria": [c.code for c in CRITERIA.values() if ind.code in c.inputs],
        "rules": rules_of(ind), "help": ind.help,
    }


def cmd_indicators(args: argparse.Namespace) -> int:
    if args.type:
        type_code = args.type.strip().lower()
        if type_code not in TYPES_BY_CODE:
            raise ValidationError(_("Không có loại thiết chế «{code}». {hint}").format(
                code=args.type, hint=valid_codes_hint(type_code, list(TYPES_BY_CODE))), field="type")
        chosen = indicators_for_type(type_code)
    else:
        chosen = INDICATORS
    rows = [as_row(INDICATORS_BY_CODE[i.code]) for i in chosen]
    if args.json:
        print_json(rows)
        return 0
    for r in rows:
        print(f"{r['code']:<26} {r['label']} ({r['unit']})")
        print("    " + _("loại thiết chế: {types}").format(types=", ".join(r["types"])))
        print("    " + _("quy tắc: {rules}").format(rules="; ".join(r["rules"])))
        if r["criteria"]:
            print("    " + _("dùng để xét: {criteria}").format(criteria=", ".join(r["criteria"])))
    return 0
