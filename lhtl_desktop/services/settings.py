"""Province settings: targets' thresholds (every change kept with who and when, and a new version of the
province's rules document, services.config)."""

from __future__ import annotations

import re

from lhtl_desktop import logs
from lhtl_desktop.errors import NotFoundError, RefusedError, ValidationError
from lhtl_desktop.i18n import _, valid_codes_hint
from lhtl_desktop.model.catalogue import Level
from lhtl_desktop.model.periods import parse_milestone_year
from lhtl_desktop.model.targets import TargetKind
from lhtl_desktop.services import config
from lhtl_desktop.services.installation import installation
from lhtl_desktop.storage import Store

_NUMBER = re.compile(r"[0-9]{1,4}([.,][0-9]{1,2})?", re.ASCII)


def parse_threshold(text: str | float) -> float:
    raw = str(text).strip().rstrip("%").strip()
    if not _NUMBER.fullmatch(raw):
        raise ValidationError(_("Ngưỡng «{text}» không hợp lệ: nhập số, ví dụ 60 hoặc 12,5.").format(text=text),
                              field="threshold")
    return float(raw.replace(",", "."))


def set_threshold(store: Store, target_code: str, year: str | int, threshold: str | float) -> None:
    me = installation(store)
    if me.level != Level.PROVINCE:
        raise RefusedError(_("Chỉ cấp tỉnh mới thay đổi ngưỡng chỉ tiêu."))
    targets = {t.code: t for t in store.target_definitions()}
    target = targets.get(target_code.strip().upper())
    if target is None:
        raise NotFoundError(_("Không có chỉ tiêu mã «{code}». {hint}").format(
            code=target_code, hint=valid_codes_hint(target_code, list(targets))), field="target")
    y = parse_milestone_year(year)
    value = parse_threshold(threshold)
    if target.kind == TargetKind.SHARE and value > 100:
        raise ValidationError(_("Ngưỡng tỷ lệ không được vượt 100 %."), field="threshold")
    # A new version of the province's rules (services.config): it travels down in the next bundles.
    config.set_threshold(store, target.code, y, value)
    logs.event("settings-threshold", unit=me.unit.code, target=target.code,
               year=y, threshold=value)
