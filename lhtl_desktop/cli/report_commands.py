"""`report --period YEAR [--scope CODE] [--date DD/MM/YYYY] [--number N] --out FILE.pdf|FILE.xlsx`: the summary
sheet or the workbook."""

from __future__ import annotations

import argparse
import sys

from lhtl_desktop.cli import add_db_option, add_json_option, print_json
from lhtl_desktop.cli.core import db_path_from, store_from
from lhtl_desktop.cli.sync_commands import _passphrase
from lhtl_desktop.i18n import _
from lhtl_desktop.services import reports


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    help_text = _("in biểu tổng hợp (PDF) hoặc xuất sổ Excel (.xlsx) cho một năm và phạm vi")
    p = sub.add_parser("report", help=help_text, description=help_text)
    add_db_option(p)
    p.add_argument("--period", required=True, metavar=_("NĂM"), help=_("năm báo cáo, ví dụ 2025"))
    p.add_argument("--scope", metavar=_("MÃ"), help=_("mã đơn vị (mặc định: đơn vị của cơ sở dữ liệu)"))
    p.add_argument("--out", required=True, metavar=_("TỆP"), help=_("tệp kết quả: .pdf hoặc .xlsx"))
    p.add_argument("--date", metavar=_("NGÀY/THÁNG/NĂM"), help=_("ngày ghi trên biểu (mặc định: hôm nay)"))
    p.add_argument("--passphrase-env", metavar=_("BIẾN"),
                   help=_("biến môi trường chứa mật khẩu của khóa (để ký mã QR trên biểu)"))
    p.add_argument("--number", metavar=_("SỐ"),
                   help=_("số văn bản của biểu này (mặc định: theo cài đặt; để trống để viết tay)"))
    add_json_option(p)
    p.set_defaults(handler=cmd_report)


def cmd_report(args: argparse.Namespace) -> int:
    from lhtl_desktop.services.reports.formalities import parse_number, parse_sheet_date

    reports.check_output(args.out, db_path_from(args))  # refuse a bad file name or date before opening anything
    date = parse_sheet_date(args.date) if args.date is not None else None
    number = parse_number(args.number) if args.number is not None else None
    store = store_from(args)
    passphrase = _passphrase(args)
    report = reports.write_report(store, args.period, args.scope, args.out, date, number,
                                  codes=code_maker(store, passphrase))
    if args.json:
        print_json({"file": str(args.out), "scope": report.scope.code, "year": report.year,
                    "fingerprint": report.fingerprint, "code": report.code, "qr_codes": len(report.codes)})
    else:
        print(_("Đã ghi {file} — {scope}, năm {year}.").format(file=args.out, scope=report.scope.name,
                                                               year=report.year))
        print(_("Mã kiểm tra số liệu: {code}").format(code=report.code))
    return 0


def code_maker(store, passphrase: str | None):  # type: ignore[no-untyped-def]
    """The sheet's QR codes (sync.sheet_codes): a commune's own sheet also carries its values of the year."""
    from lhtl_desktop.model.catalogue import Level
    from lhtl_desktop.services import account
    from lhtl_desktop.services.installation import installation
    from lhtl_desktop.sync import sheet_codes
    from lhtl_desktop.sync.keys import is_protected

    me = installation(store).unit.code

    def make(report: reports.Report, file_name: str) -> list[tuple[str, bytes]]:
        if passphrase is None and is_protected(account.own_key(store).sealed):
            print(_("Biểu in không có mã QR: khóa được bảo vệ bằng mật khẩu; thêm «--passphrase-env BIẾN» để ký "
                    "mã QR trên biểu."), file=sys.stderr)
            return []
        own_commune = report.level == Level.COMMUNE and report.scope.code == me
        return sheet_codes.sheet_frames(store, reports.sheet_code_payload(report), carries_data=own_commune,
                                        file_name=file_name, passphrase=passphrase,
                                        warn=lambda text: print(text, file=sys.stderr))

    return make
