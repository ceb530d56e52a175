"""`revert BUNDLE_ID --why TEXT [--dry-run]`: undo what one imported file changed, as corrections (services.revert)."""

from __future__ import annotations

import argparse

from lhtl_desktop.cli import add_db_option, add_json_option, print_json
from lhtl_desktop.cli.core import store_from
from lhtl_desktop.i18n import _, fmt_int
from lhtl_desktop.services import revert


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    help_text = _("hoàn tác những gì một gói đã nhập thay đổi, bằng các điều chỉnh có lý do")
    p = sub.add_parser("revert", help=help_text, description=help_text)
    add_db_option(p)
    p.add_argument("bundle_id", metavar=_("MÃ_GÓI"), help=_("mã gói đã nhập (đủ, hoặc ít nhất 8 ký tự đầu)"))
    p.add_argument("--why", metavar=_("LÝ_DO"), help=_("lý do hoàn tác (bắt buộc)"))
    p.add_argument("--dry-run", action="store_true", help=_("chỉ xem trước, không ghi gì"))
    add_json_option(p)
    p.set_defaults(handler=cmd_revert)


def _shown(value: int | None) -> str:
    return _("(không có)") if value is None else fmt_int(value)


def cmd_revert(args: argparse.Namespace) -> int:
    store = store_from(args)
    plan = revert.revert_bundle(store, args.bundle_id, args.why, dry_run=args.dry_run)
    if args.json:
        print_json({**plan.as_json(), "dry_run": args.dry_run})
        return 0
    head = _("Xem trước hoàn tác gói số {seq} của {unit} — chưa ghi gì:") if args.dry_run else \
        _("Đã hoàn tác gói số {seq} của {unit}:")
    print(head.format(seq=plan.seq, unit=plan.from_unit))
    if not plan.changes:
        print("  " + _("Gói này không còn giá trị nào cần hoàn tác."))
    for c in plan.changes:
        print(f"  {c.institution_name} — {c.period} {c.indicator}: {_shown(c.after)} → {_shown(c.before)}")
    return 0
