"""`config show` and `config set`: the province's rules in force (ARCHITECTURE.md §3.7, §5)."""

from __future__ import annotations

import argparse

from lhtl_desktop.cli import add_db_option, add_json_option, print_json
from lhtl_desktop.cli.core import store_from
from lhtl_desktop.errors import ValidationError
from lhtl_desktop.i18n import _, fmt_percent
from lhtl_desktop.model.criteria import criteria_with
from lhtl_desktop.services import config, installation, settings


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    cfg = sub.add_parser("config", help=_("quy định của tỉnh: ngưỡng, tiêu chí, cụm, hạn nộp, căn cứ"))
    csub = cfg.add_subparsers(dest="config_command", metavar=_("VIỆC"), required=True, parser_class=type(cfg))
    help_text = _("xem quy định của tỉnh đang áp dụng (phiên bản, người ký, thời điểm, nội dung)")
    p = csub.add_parser("show", help=help_text, description=help_text)
    add_db_option(p)
    add_json_option(p)
    p.set_defaults(handler=cmd_config_show)

    help_text = _("cấp tỉnh: đổi quy định (mỗi lần đổi là một phiên bản mới, ký khi xuất gói)")
    p = csub.add_parser("set", help=help_text, description=help_text)
    add_db_option(p)
    # One change per command: each is one version, written whole or (refused) not at all.
    one = p.add_mutually_exclusive_group(required=True)
    one.add_argument("--threshold", nargs=3, metavar=(_("CHỈ_TIÊU"), _("NĂM"), _("NGƯỠNG")),
                   help=_("ngưỡng mốc của một chỉ tiêu (%%), ví dụ LIB_COMM_LLL 2025 95"))
    one.add_argument("--criterion", nargs=3, metavar=(_("TIÊU_CHÍ"), _("THAM_SỐ"), _("GIÁ_TRỊ")),
                   help=_("tham số của tiêu chí, ví dụ CC_LLL min_activities 10"))
    one.add_argument("--target", nargs=2, metavar=(_("CHỈ_TIÊU"), "on|off"), help=_("áp dụng hay thôi áp dụng chỉ tiêu"))
    one.add_argument("--hub", nargs=2, metavar=(_("XÃ"), _("CỤM")), help=_("gán xã vào cụm tổng hợp"))
    one.add_argument("--two-tier", choices=["on", "off"], help=_("xã báo cáo thẳng lên tỉnh"))
    one.add_argument("--deadline", nargs=2, metavar=("year|half_year", _("NGÀY/THÁNG")),
                   help=_("hạn nộp báo cáo năm hoặc 6 tháng, ví dụ year 15/12"))
    one.add_argument("--citation", nargs="+", metavar=_("MỤC=GIÁ_TRỊ"),
                   help=_("căn cứ (kế hoạch của tỉnh): kind, number, date, issuer, title"))
    add_json_option(p)
    p.set_defaults(handler=cmd_config_set)


def cmd_config_show(args: argparse.Namespace) -> int:
    store = store_from(args)
    installation.installation(store)
    rules = config.rules_in_force(store)
    if args.json:
        print_json(config.rules_json(rules))
        return 0
    _print(rules)
    return 0


def _print(rules: config.RulesInForce) -> None:
    c = rules.content
    print(_("Quy định của tỉnh: {label}").format(label=rules.label))
    if rules.version:
        print(_("Người ký: {officer} (khóa {key}){state}").format(
            officer=rules.officer or "—", key=rules.issued_by[:8] or "—",
            state="" if rules.signed else " — " + _("chưa ký: sẽ ký khi xuất gói")))
    print(_("Căn cứ: Quyết định số 1520/QĐ-TTg và {plan}").format(plan=c.citation.as_text()))
    print(_("Chế độ hai cấp: {v}").format(v=_("có") if c.two_tier else _("không")))
    print(_("Hạn nộp: báo cáo năm {y}, báo cáo 6 tháng {h}").format(
        y="{:02d}/{:02d}".format(*c.deadlines.year), h="{:02d}/{:02d}".format(*c.deadlines.half_year)))
    print(_("Chỉ tiêu áp dụng:"))
    for code in c.targets:
        ms = ", ".join(f"{y}: {fmt_percent(t, 0 if t is None or float(t).is_integer() else 1)}"
                       for y, t in sorted(c.milestones.get(code, {}).items()))
        print(f"  {code:<20} {ms}")
    print(_("Tiêu chí:"))
    for code, crit in criteria_with(c.criteria).items():
        print(f"  {code:<8} {crit.rule_text}")
    if c.revoked_keys:
        print(_("Khóa đã thu hồi: {keys}").format(keys=", ".join(k[:8] for k in c.revoked_keys)))


def cmd_config_set(args: argparse.Namespace) -> int:
    store = store_from(args)
    if args.threshold:
        settings.set_threshold(store, *args.threshold)
    elif args.criterion:
        config.set_criterion_param(store, *args.criterion)
    elif args.target:
        if args.target[1] not in ("on", "off"):
            raise ValidationError(_("Chọn «on» (áp dụng) hoặc «off» (thôi áp dụng), không phải «{v}».").format(
                v=args.target[1]))
        config.set_target_in_force(store, args.target[0], args.target[1] == "on")
    elif args.hub:
        installation.set_hub(store, *args.hub)
    elif args.two_tier:
        installation.set_two_tier(store, args.two_tier == "on")
    elif args.deadline:
        config.set_deadline(store, *args.deadline)
    else:
        fields: dict[str, str] = {}
        for item in args.citation:
            name, sep, value = item.partition("=")
            if not sep:
                raise ValidationError(_("«{item}» không đúng dạng MỤC=GIÁ_TRỊ.").format(item=item))
            fields[name.strip()] = value
        config.set_citation(store, fields)
    rules = config.rules_in_force(store)
    if args.json:
        print_json(config.rules_json(rules))
    else:
        print(_("Đã lưu quy định của tỉnh, {label}. Quy định mới đi theo các gói gửi xuống cụm và xã.").format(
            label=rules.label))
    return 0
