"""`support --out F.zip`: the log, the versions and a database report, for whoever supports the program."""

from __future__ import annotations

import argparse

from lhtl_desktop.cli import add_db_option
from lhtl_desktop.cli.core import db_path_from
from lhtl_desktop.i18n import _
from lhtl_desktop.services.support import write_support_zip


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("support", help=_("gói nhật ký, phiên bản và báo cáo cơ sở dữ liệu để gửi người hỗ trợ "
                                         "(không bao giờ có khóa bí mật)"))
    add_db_option(p)
    p.add_argument("--out", required=True, metavar="FILE.zip", help=_("tệp .zip (hoặc thư mục) để ghi"))
    p.set_defaults(handler=cmd_support)


def cmd_support(args: argparse.Namespace) -> int:
    path = write_support_zip(db_path_from(args), args.out)
    print(_("Đã ghi tệp hỗ trợ «{path}» (nhật ký, phiên bản, báo cáo cơ sở dữ liệu; không có khóa bí mật).").format(
        path=path))
    return 0
