"""`sheet verify FILE.pdf|PHOTO.png [--json]`: read a printed sheet's QR code, check its signature, compare it with
this database — «khớp», or exactly which targets' numbers differ.

The code (sync.sheet_codes) carries the sheet's scope, year, every target's numerator and denominator and the
verification code over the institutions' values, signed by the key of the office that made it. The numbers are
compared with the sheet this installation would print for the same scope and year (services.reports).
Exit 0 when the check ran (`match` says whether the paper agrees); 2 when the file cannot be checked: no code,
a damaged code, an unknown or revoked key, a forged signature, a scope outside this installation's.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from lhtl_desktop.cli import add_db_option, add_json_option, print_json
from lhtl_desktop.cli.core import store_from
from lhtl_desktop.errors import BundleError, RefusedError
from lhtl_desktop.i18n import _, fmt_int
from lhtl_desktop.services import reports
from lhtl_desktop.services.installation import is_ancestor_or_self


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    help_text = _("đối chiếu biểu in (tệp PDF hoặc ảnh chụp) với số liệu trong máy qua mã QR trên biểu")
    sheet = sub.add_parser("sheet", help=help_text, description=help_text)
    ssub = sheet.add_subparsers(dest="sheet_command", metavar=_("LỆNH"), required=True)
    p = ssub.add_parser("verify", help=help_text, description=help_text)
    add_db_option(p)
    p.add_argument("file", metavar=_("TỆP"), help=_("tệp PDF của biểu, hoặc ảnh chụp / ảnh quét (PNG, JPG)"))
    add_json_option(p)
    p.set_defaults(handler=cmd_sheet_verify)


def _pair(value: Any) -> tuple[int | None, int | None] | None:
    if not isinstance(value, list) or len(value) != 2:
        return None
    if not all(v is None or (type(v) is int and 0 <= v <= 10**15) for v in value):
        return None
    return value[0], value[1]


def _pair_text(pair: tuple[int | None, int | None]) -> str:
    return "/".join("—" if v is None else fmt_int(v) for v in pair)


def compare(store: Any, payload: dict[str, Any], path: Path) -> dict[str, Any]:
    """The differences between a signed sheet and what this installation computes for its scope and year."""
    scope, year = payload.get("scope"), payload.get("year")
    if not isinstance(scope, str) or type(year) is not int:
        raise BundleError(_("Mã QR trong «{name}» không phải mã kiểm tra biểu của chương trình.").format(name=path.name))
    try:
        mine = reports.build_report(store, year, scope)
    except RefusedError as exc:
        raise RefusedError(_("Biểu của đơn vị mã {scope}: {why}").format(scope=scope, why=exc.message)) from None
    here = {t.code: t for t in mine.targets}
    differences = []
    sheet_targets = payload["targets"]
    for code in sorted(set(here) | set(sheet_targets), key=lambda c: (c not in here, c)):
        ours = here.get(code)
        theirs = _pair(sheet_targets.get(code)) if code in sheet_targets else None
        mine_pair = (ours.numerator, ours.denominator) if ours else None
        if theirs != mine_pair:
            differences.append({"target": code, "label": ours.label if ours else code,
                                "sheet": list(theirs) if theirs else None,
                                "here": list(mine_pair) if mine_pair else None})
    return {"scope": scope, "scope_name": mine.scope.name, "year": year, "differences": differences,
            "code_sheet": payload.get("code"), "code_here": mine.code}


def cmd_sheet_verify(args: argparse.Namespace) -> int:
    from lhtl_desktop.sync import sheet_codes

    path = Path(args.file)
    store = store_from(args)
    signed = sheet_codes.read_verification(store, path)
    scope = signed.payload.get("scope")
    if isinstance(scope, str) and scope in store.units() and not is_ancestor_or_self(store, signed.unit, scope):
        # A key speaks for its own unit and those below it: a commune cannot sign its hub's or another's sheet.
        raise BundleError(_("Biểu ghi là của đơn vị mã {scope} nhưng được ký bằng khóa của đơn vị mã {unit}: không "
                            "tin được.").format(scope=scope, unit=signed.unit))
    result = compare(store, signed.payload, path)
    values_match = result["code_sheet"] == result["code_here"]
    match = not result["differences"] and values_match
    if args.json:
        print_json({"file": str(path), "match": match, "signed_by": {"key_id": signed.key_id, "unit": signed.unit},
                    **result})
        return 0
    where = _("{name} (mã {code}), năm {year}").format(name=result["scope_name"], code=result["scope"],
                                                      year=result["year"])
    if match:
        print(_("Biểu {where}: khớp với số liệu trong máy (chữ ký của đơn vị {unit} hợp lệ, mã kiểm tra {code}).")
              .format(where=where, unit=signed.unit, code=result["code_here"]))
        return 0
    print(_("Biểu {where}: KHÔNG khớp với số liệu trong máy.").format(where=where))
    for d in result["differences"]:
        sheet = _pair_text(tuple(d["sheet"])) if d["sheet"] else _("không có")
        here = _pair_text(tuple(d["here"])) if d["here"] else _("không có")
        print(_("  {target} — {label}: trên biểu {sheet}, trong máy {here}").format(
            target=d["target"], label=d["label"], sheet=sheet, here=here))
    if not values_match:
        print(_("  Số liệu của các thiết chế khác nhau: mã kiểm tra trên biểu {a}, trong máy {b}.").format(
            a=result["code_sheet"], b=result["code_here"]))
    return 0
