"""`form export|import` (Excel and paper return forms) and `history import|template` (figures from before the
program). Printing and exit codes only; the work is in lhtl_desktop.services.forms and services.history_import."""

from __future__ import annotations

import argparse
import sys

from lhtl_desktop.cli import add_command, add_json_option, print_json
from lhtl_desktop.cli.core import store_from
from lhtl_desktop.i18n import _, fmt_int

_command = add_command  # one way a command is made: help, --db, handler


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    form = sub.add_parser("form", help=_("biểu Excel và biểu giấy cho đơn vị chưa dùng chương trình"))
    fsub = form.add_subparsers(dest="form_command", metavar=_("VIỆC"), required=True, parser_class=type(form))
    p = _command(fsub, "export", _("xuất biểu nhập số liệu (.xlsx để điền trên Excel, .pdf để in và điền tay)"),
                 cmd_form_export)
    p.add_argument("--unit", metavar=_("MÃ"), help=_("mã xã (hoặc mã cụm với --out là thư mục: một biểu cho mỗi xã)"))
    p.add_argument("--period", required=True, metavar=_("KỲ"), help=_("kỳ báo cáo, ví dụ 2025 hoặc 2025-H1"))
    p.add_argument("--out", required=True, metavar=_("TỆP"), help=_("tệp .xlsx hoặc .pdf, hoặc một thư mục"))
    add_json_option(p)
    p = _command(fsub, "import", _("nhập biểu Excel đã điền (xem trước, sao lưu, nhập trong một giao dịch)"),
                 cmd_form_import)
    p.add_argument("files", nargs="+", metavar=_("TỆP"), help=_("một hay nhiều tệp .xlsx đã điền"))
    p.add_argument("--dry-run", action="store_true", help=_("chỉ xem trước, không ghi gì"))
    p.add_argument("--use-cached-values", action="store_true",
                   help=_("dùng giá trị đã tính của ô có công thức (mặc định: ô có công thức bị từ chối)"))
    p.add_argument("--unit", metavar=_("MÃ"), help=_("chỉ nhận biểu của đơn vị này"))
    p.add_argument("--period", metavar=_("KỲ"), help=_("chỉ nhận biểu của kỳ này"))
    add_json_option(p)

    from lhtl_desktop.cli.reporting_commands import cmd_history

    hist = _command(sub, "history", _("lịch sử một giá trị (--institution, --period), hoặc số liệu trước khi dùng "
                                      "chương trình (import, template)"), cmd_history)
    hist.add_argument("--institution", metavar="ID", help=_("thiết chế (mã ngắn hoặc id): mọi phiên bản của từng "
                                                            "giá trị, ai nhập, lúc nào, lý do"))
    hist.add_argument("--period", metavar=_("KỲ"), help=_("kỳ báo cáo, ví dụ 2025 hoặc 2025-H1"))
    add_json_option(hist)
    hsub = hist.add_subparsers(dest="history_command", metavar=_("VIỆC"), required=False, parser_class=type(hist),
                               help=_("import: nhập số liệu cũ; template: ghi tệp mẫu"))
    p = _command(hsub, "import", _("nhập số liệu trước chương trình từ tệp .xlsx hoặc .csv theo mẫu"),
                 cmd_history_import)
    p.add_argument("file", metavar=_("TỆP"), help=_("tệp .xlsx hoặc .csv theo mẫu «history template»"))
    p.add_argument("--dry-run", action="store_true", help=_("chỉ xem trước, không ghi gì"))
    add_json_option(p)
    p = _command(hsub, "template", _("ghi tệp mẫu (.xlsx) để điền số liệu trước chương trình"), cmd_history_template)
    p.add_argument("--out", required=True, metavar=_("TỆP"), help=_("tệp mẫu .xlsx để ghi"))


def cmd_form_export(args: argparse.Namespace) -> int:
    from lhtl_desktop.services.forms import export_forms

    store = store_from(args)
    written = export_forms(store, args.unit, args.period, args.out)
    if args.json:
        print_json({"files": [str(p) for p in written]})
    else:
        for path in written:
            print(_("Đã ghi biểu {file}").format(file=path))
    return 0


def cmd_form_import(args: argparse.Namespace) -> int:
    from lhtl_desktop.services.forms.importer import ACCEPTED, DUPLICATE, STATUS_LABELS, import_forms

    store = store_from(args)
    results = import_forms(store, args.files, dry_run=args.dry_run, use_cached=args.use_cached_values,
                           expect_unit=args.unit, expect_period=args.period)
    if args.json:
        print_json([{k: v for k, v in r.as_json().items()
                     if k in ("file", "status", "reason", "errors", "new", "changed", "unchanged", "conflicts",
                              "institutions_new", "unit", "period", "sha256", "dry_run", "warnings")}
                    for r in results])
    else:
        for r in results:
            head = f"{r.file}: {STATUS_LABELS[r.status]}"
            if r.status == ACCEPTED:
                head += " — " + _("mới {new}, thay đổi {changed}, không đổi {unchanged}, xung đột {conflicts}, "
                                  "thiết chế mới {inst}").format(
                    new=fmt_int(r.new), changed=fmt_int(r.changed), unchanged=fmt_int(r.unchanged),
                    conflicts=fmt_int(r.conflicts), inst=fmt_int(r.institutions_new))
                if r.dry_run:
                    head += " " + _("(xem trước, chưa ghi)")
            print(head)
            if r.reason:
                (sys.stderr if r.status not in (ACCEPTED, DUPLICATE) else sys.stdout).write(r.reason + "\n")
            for e in r.errors:
                sys.stderr.write(f"  {e}\n")
            for w in r.warnings:
                print("  ⚠ " + w)
    return 3 if any(r.status not in (ACCEPTED, DUPLICATE) for r in results) else 0


def cmd_history_import(args: argparse.Namespace) -> int:
    from lhtl_desktop.services import history_import

    store = store_from(args)
    result = history_import.import_history(store, args.file, dry_run=args.dry_run)
    if args.json:
        print_json(result.as_json())
    else:
        print(result.summary())
        for e in result.errors:
            sys.stderr.write(f"  {e}\n")
        for line in result.unallocated_lines():
            print("  " + line)
    return 0 if result.status != "rejected" else 3


def cmd_history_template(args: argparse.Namespace) -> int:
    from lhtl_desktop.services import history_import

    store = store_from(args)
    history_import.write_template(store, args.out)
    print(_("Đã ghi tệp mẫu {file}").format(file=args.out))
    return 0
