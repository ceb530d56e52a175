"""`key passphrase`: change the passphrase that protects this installation's signing key, with the old one
(the window's «Đổi mật khẩu bảo vệ khóa…»). The key itself does not change, so nothing needs re-enrolling.
A forgotten passphrase is `key new`'s case, not this one."""

from __future__ import annotations

import argparse
import os

from lhtl_desktop.cli import add_db_option, subcommands
from lhtl_desktop.cli.core import store_from
from lhtl_desktop.errors import ValidationError
from lhtl_desktop.i18n import _
from lhtl_desktop.services import account
from lhtl_desktop.sync.keys import MIN_PASSPHRASE, is_protected, open_private, seal_private


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    ksub = subcommands(sub, "key")
    help_text = _("đổi mật khẩu bảo vệ khóa ký của máy này (cần mật khẩu cũ; quên mật khẩu: dùng «key new»)")
    p = ksub.add_parser("passphrase", help=help_text, description=help_text)
    add_db_option(p)
    p.add_argument("--old-env", metavar=_("BIẾN"),
                   help=_("tên biến môi trường chứa mật khẩu hiện tại (bỏ trống khi khóa chưa có mật khẩu)"))
    p.add_argument("--new-env", required=True, metavar=_("BIẾN"),
                   help=_("tên biến môi trường chứa mật khẩu mới (ít nhất {n} ký tự)").format(n=MIN_PASSPHRASE))
    p.set_defaults(handler=cmd_key_passphrase)


def _env(var: str | None) -> str | None:
    if not var:
        return None
    value = os.environ.get(var)
    if value is None:
        raise ValidationError(_("Biến môi trường «{var}» chưa được đặt.").format(var=var))
    return value


def cmd_key_passphrase(args: argparse.Namespace) -> int:
    store = store_from(args)
    key = account.own_key(store)
    old, new = _env(args.old_env), _env(args.new_env)
    if not new:
        raise ValidationError(_("Chưa nhập mật khẩu mới."), field="passphrase")
    was_protected = is_protected(key.sealed)
    if was_protected and not old:
        raise ValidationError(_("Khóa đang có mật khẩu: cần mật khẩu hiện tại (--old-env BIẾN)."), field="passphrase")
    sealed = seal_private(open_private(key.sealed, old if was_protected else None), new)  # refuses before writing
    account.replace_own_sealed_key(store, sealed)
    print(_("Đã đổi mật khẩu bảo vệ khóa {key}; dấu vân tay không đổi.").format(key=key.key_id[:8]) if was_protected
          else _("Đã đặt mật khẩu bảo vệ khóa {key}; dấu vân tay không đổi.").format(key=key.key_id[:8]))
    return 0
