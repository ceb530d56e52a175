"""The reporting register on the command line (ARCHITECTURE.md §3.8, §5): `submit`, `reporting`, `outbox`,
`history`. Printing and exit codes only; the work is in services.reporting and services.value_history."""

from __future__ import annotations

import argparse

from lhtl_desktop.cli import add_command, add_json_option, print_json
from lhtl_desktop.cli.core import store_from
from lhtl_desktop.errors import ValidationError
from lhtl_desktop.i18n import _, fmt_int
from lhtl_desktop.model.periods import parse_period
from lhtl_desktop.model.reporting import SubmissionMark, local_time_text
from lhtl_desktop.services import reporting, value_history

_command = add_command  # one way a command is made: help, --db, handler


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = _command(sub, "submit", _("đánh dấu đã nộp báo cáo của một kỳ (hoặc mở lại bằng --undo)"), cmd_submit)
    p.add_argument("--period", required=True, metavar=_("KỲ"), help=_("năm (2025) hoặc 6 tháng (2025-H1)"))
    p.add_argument("--unit", metavar=_("MÃ"), help=_("đơn vị trực thuộc nộp bằng giấy (mặc định: đơn vị mình)"))
    p.add_argument("--undo", action="store_true", help=_("mở lại báo cáo đã nộp"))
    p.add_argument("--why", metavar=_("LÝ_DO"), help=_("lý do mở lại, bắt buộc khi báo cáo đã được gửi đi"))
    p.add_argument("--empty", action="store_true", help=_("xác nhận nộp báo cáo trống (kỳ này không có số liệu)"))
    add_json_option(p)

    p = _command(sub, "reporting", _("tình hình báo cáo: đơn vị đã nộp, có số liệu chưa nộp, chưa báo cáo, nộp muộn"),
                 cmd_reporting)
    p.add_argument("--period", required=True, metavar=_("KỲ"), help=_("năm (2025) hoặc 6 tháng (2025-H1)"))
    p.add_argument("--scope", metavar=_("MÃ"), help=_("mã đơn vị (mặc định: đơn vị của cơ sở dữ liệu)"))
    add_json_option(p)

    p = _command(sub, "outbox", _("các gói đã gửi và biên nhận của nơi nhận"), cmd_outbox)
    add_json_option(p)

    # `history --institution ID --period P` shares its command with `history import|template` (figures from
    # before the program): cli/form_commands.py builds the one `history` parser and calls cmd_history.


def _mark_json(m: SubmissionMark) -> dict[str, object]:
    return {"unit": m.unit, "period": m.period, "submitted": m.submitted, "by": m.author_name,
            "by_unit": m.author_unit, "at": m.created_at, "reason": m.reason}


def cmd_submit(args: argparse.Namespace) -> int:
    if args.why and not args.undo:
        raise ValidationError(_("--why chỉ dùng cùng --undo (mở lại báo cáo đã nộp)."), field="why")
    if args.undo and args.empty:
        raise ValidationError(_("--empty không dùng cùng --undo."), field="empty")
    store = store_from(args)
    if args.undo:
        result = reporting.reopen(store, args.period, unit=args.unit, why=args.why)
    else:
        result = reporting.submit(store, args.period, unit=args.unit, empty=args.empty)
    m = result.mark
    if args.json:
        print_json({**_mark_json(m), "changed": result.changed})
        return 0
    label = parse_period(m.period).label().lower()
    name = store.unit(m.unit).name if store.unit(m.unit) else m.unit  # type: ignore[union-attr]
    if not result.changed:
        print(_("{unit} đã nộp báo cáo {period} từ trước (lúc {at}); không thay đổi gì.").format(
            unit=name, period=label, at=local_time_text(m.created_at)))
    elif m.submitted:
        print(_("Đã nộp báo cáo {period} của {unit} lúc {at}. Gói gửi lên tiếp theo sẽ mang dấu đã nộp.").format(
            period=label, unit=name, at=local_time_text(m.created_at)))
    else:
        print(_("Đã mở lại báo cáo {period} của {unit}.").format(period=label, unit=name))
    return 0


def cmd_reporting(args: argparse.Namespace) -> int:
    store = store_from(args)
    reg = reporting.register(store, args.period, args.scope)
    if args.json:
        print_json([r.as_json() for r in reg.rows])
        return 0
    print(_("Tình hình báo cáo {period} — {scope} ({code}); hạn nộp {deadline}").format(
        period=reg.period.label().lower(), scope=reg.scope_name, code=reg.scope,
        deadline=reg.deadline.strftime("%d/%m/%Y")))
    print(reg.coverage.text() + _("; nộp muộn hoặc quá hạn: {n}").format(n=reg.late))
    for r in reg.rows:
        when = local_time_text(r.submitted_at) if r.submitted_at else ""
        late = _("muộn") if r.late else ""
        print(f"{r.unit:>5}  {r.name:<32} {r.hub or '':>5}  {r.status.label:<22} {late:<5} {when}")
    return 0


def cmd_outbox(args: argparse.Namespace) -> int:
    rows = reporting.outbox(store_from(args))
    if args.json:
        print_json([r.as_json() for r in rows])
        return 0
    if not rows:
        print(_("Chưa gửi gói nào."))
    for r in rows:
        print(_("Gói số {seq} gửi {to} lúc {at} ({n} giá trị) — ").format(
            seq=r.seq, to=r.to_name, at=local_time_text(r.created), n=fmt_int(r.records)) + r.receipt_text())
    return 0


def cmd_history(args: argparse.Namespace) -> int:
    if not args.institution or not args.period:
        raise ValidationError(_("Lệnh «history» cần «--institution ID --period KỲ» (lịch sử một giá trị), hoặc "
                                "«history import TỆP» / «history template --out TỆP»."))
    history = value_history.value_history(store_from(args), args.institution, args.period)
    if args.json:
        print_json({code: [v.as_json() for v in versions] for code, versions in history.items()})
        return 0
    if not history:
        print(_("Chưa có giá trị nào cho kỳ này."))
    for code, versions in history.items():
        print(code)
        for v in versions:
            shown = fmt_int(v.value) if v.value is not None else _("(đã xóa)")
            mark = "*" if v.current else " "
            print(f"  {mark} {shown:>12}  {v.author_unit}  {v.author}  {local_time_text(v.created_at)}  "
                  f"{v.reason or ''}")
    return 0
