"""The province's rules as plain data (ARCHITECTURE.md §3.7): one document, validated field by field.

What the province decides and every level below must apply the same way: the targets in force, their
milestones (thresholds) and the history of changes, the criteria's numbers, hub membership and two-tier mode,
the reporting deadlines, the plan the province implements (its citation) and the keys it has revoked.
The document is versioned and signed in sync.province_config; here it is only content: defaults, the wire
form (JSON-ready dicts) and the check every received document passes before anything of it is applied.

Defaults: QĐ 1520/QĐ-TTg's national milestones for every province (model.targets); the citation of Ninh
Bình's Kế hoạch 87/KH-UBND only for province 37 — any other province starts with a neutral citation it
must fill in, so that no sheet of Hà Nội cites Ninh Bình's plan.
"""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from lhtl_desktop.errors import ValidationError
from lhtl_desktop.i18n import N_, _
from lhtl_desktop.model.catalogue import Level
from lhtl_desktop.model.criteria import CRITERIA, PARAM_BOUNDS, default_params
from lhtl_desktop.model.periods import MAX_YEAR, MIN_YEAR, Period, parse_period
from lhtl_desktop.model.targets import TargetDefinition
from lhtl_desktop.model.units import Unit

MAX_HISTORY = 2000  # threshold changes kept in the document (a province changes a few a year)
_KEYID_RE = re.compile(r"[0-9a-f]{32}", re.ASCII)
_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)
_TS_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,6})?Z", re.ASCII)


@dataclass(frozen=True)
class Citation:
    """The province's plan implementing QĐ 1520: «Kế hoạch số 87/KH-UBND ngày 19/05/2023 của UBND tỉnh Ninh Bình»."""

    kind: str = ""  # «Kế hoạch», «Quyết định» …
    number: str = ""  # «87/KH-UBND»
    date: str = ""  # ISO yyyy-mm-dd, or "" while not filled in
    issuer: str = ""  # «UBND tỉnh Ninh Bình»
    title: str = ""

    @property
    def filled(self) -> bool:
        return bool(self.kind and self.number and self.date and self.issuer)

    def as_text(self) -> str:
        """The words printed on a sheet after «Căn cứ QĐ 1520 … và»."""
        if not self.filled:
            return _("kế hoạch thực hiện của tỉnh (tỉnh chưa khai báo số, ngày ban hành)")
        y, m, d = self.date.split("-")
        return _("{kind} số {number} ngày {d}/{m}/{y} của {issuer}").format(
            kind=_(self.kind), number=self.number, d=d, m=m, y=y, issuer=self.issuer)  # our default kind translated


KH87 = Citation(kind=N_("Kế hoạch"), number="87/KH-UBND", date="2023-05-19", issuer="UBND tỉnh Ninh Bình")
KH87_PROVINCE = "37"


@dataclass(frozen=True)
class Deadlines:
    """Day and month of the period's year by which a report is due (defaults: DOMAIN.md §9)."""

    year: tuple[int, int] = (15, 12)  # (day, month): the yearly report by 15/12
    half_year: tuple[int, int] = (14, 6)  # the 6-month report by 14/06

    def for_period(self, period: Period | str) -> _dt.date:
        p = parse_period(period) if isinstance(period, str) else period
        day, month = self.year if p.is_year else self.half_year
        return _dt.date(p.year, month, day)


@dataclass(frozen=True)
class ThresholdChange:
    target: str
    year: int
    old: float | None
    new: float | None
    version: int  # the document version that made the change
    at: str


@dataclass(frozen=True)
class RulesContent:
    province: str
    targets: tuple[str, ...]  # targets in force, in order
    milestones: Mapping[str, Mapping[int, float | None]]
    criteria: Mapping[str, Mapping[str, int]]
    hubs: Mapping[str, str]  # commune → hub (the stored parent of each commune)
    two_tier: bool
    deadlines: Deadlines = field(default_factory=Deadlines)
    citation: Citation = field(default_factory=Citation)
    revoked_keys: tuple[str, ...] = ()
    history: tuple[ThresholdChange, ...] = ()

    def with_threshold(self, target: str, year: int, threshold: float | None, version: int, at: str) -> RulesContent:
        old = self.milestones.get(target, {}).get(year)
        ms = {t: dict(m) for t, m in self.milestones.items()}
        ms.setdefault(target, {})[year] = threshold
        change = ThresholdChange(target, year, old, threshold, version, at)
        return replace(self, milestones=ms, history=(*self.history, change)[-MAX_HISTORY:])

    def threshold(self, target: str, year: int) -> float | None:
        return self.milestones.get(target, {}).get(year)


def default_content(province: str, targets: Sequence[TargetDefinition], units: Mapping[str, Unit]) -> RulesContent:
    """What an installation applies before any document from the province has reached it."""
    return RulesContent(
        province=province,
        targets=tuple(t.code for t in targets),
        milestones={t.code: dict(t.milestones) for t in targets},
        criteria=default_params(),
        hubs={u.code: u.parent for u in units.values() if u.level == Level.COMMUNE and u.parent},
        two_tier=False,
        citation=KH87 if province == KH87_PROVINCE else Citation(),
    )


# -- wire form ------------------------------------------------------------------------------------
def content_to_json(c: RulesContent) -> dict[str, Any]:
    return {
        "province": c.province,
        "targets": list(c.targets),
        "milestones": {t: {str(y): to_centi(thr) for y, thr in sorted(m.items())}
                       for t, m in sorted(c.milestones.items())},
        "criteria": {k: dict(sorted(v.items())) for k, v in sorted(c.criteria.items())},
        "hubs": dict(sorted(c.hubs.items())),
        "two_tier": c.two_tier,
        "deadlines": {"year": f"{c.deadlines.year[0]:02d}/{c.deadlines.year[1]:02d}",
                      "half_year": f"{c.deadlines.half_year[0]:02d}/{c.deadlines.half_year[1]:02d}"},
        "citation": {"kind": c.citation.kind, "number": c.citation.number, "date": c.citation.date,
                     "issuer": c.citation.issuer, "title": c.citation.title},
        "revoked_keys": sorted(c.revoked_keys),
        "history": [{"target": h.target, "year": h.year, "old": to_centi(h.old), "new": to_centi(h.new),
                     "version": h.version,
                     "at": h.at} for h in c.history],
    }


_TOP = {"province", "targets", "milestones", "criteria", "hubs", "two_tier", "deadlines", "citation",
        "revoked_keys", "history"}


def _bad(detail: str) -> ValidationError:
    return ValidationError(_("Quy định của tỉnh không hợp lệ: {detail}.").format(detail=detail), field="rules")


def _text(value: Any, what: str, limit: int = 300) -> str:
    if not isinstance(value, str) or len(value) > limit:
        raise _bad(_("{what} không hợp lệ").format(what=what))
    if not unicodedata.is_normalized("NFC", value) or any(
            unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn") for ch in value):
        raise _bad(_("{what} có ký tự không hợp lệ").format(what=what))
    return value.strip()


def to_centi(threshold: float | None) -> int | None:
    """A threshold on the wire: hundredths of a percent as an integer (12,5 % → 1250). Bundles carry no
    decimals at all (sync.envelope.strict_json refuses them), so no float is ever rounded differently."""
    return None if threshold is None else round(threshold * 100)


def _threshold(value: Any, target: str, year: Any) -> float | None:
    if value is None:
        return None
    if type(value) is not int or not 0 <= value <= 10_000:
        shown = f"{value / 100:g}" if type(value) is int else str(value)[:20]
        raise _bad(_("ngưỡng {value} % của {target} năm {year} nằm ngoài 0–100 %").format(
            value=shown, target=target, year=year))
    return value / 100


def parse_day_month(text: Any, what: str) -> tuple[int, int]:
    """«15/12» → (15, 12); a date that no year has (31/02) is refused."""
    m = re.fullmatch(r"([0-9]{1,2})/([0-9]{1,2})", text.strip(), re.ASCII) if isinstance(text, str) else None
    try:
        if m is None:
            raise ValueError
        day, month = int(m.group(1)), int(m.group(2))
        _dt.date(2001, month, day)  # not a leap year: 29/02 is no yearly deadline
    except ValueError:
        raise _bad(_("hạn nộp {what} «{text}» không phải ngày/tháng (ví dụ 15/12)").format(
            what=what, text=str(text)[:20])) from None
    return day, month


def content_from_json(doc: Any, units: Mapping[str, Unit], province: str,
                      known_targets: Sequence[str]) -> RulesContent:
    """Check a received document's content against this installation's units and catalogue. Raises
    ValidationError naming the first thing wrong; nothing of an invalid document is ever applied."""
    if not isinstance(doc, dict) or set(doc) != _TOP:
        raise _bad(_("thiếu hoặc thừa mục"))
    if doc["province"] != province:
        raise _bad(_("quy định của tỉnh khác (mã {code})").format(code=str(doc["province"])[:10]))
    known = set(known_targets)
    targets_raw = doc["targets"]
    if not isinstance(targets_raw, list) or len(set(map(str, targets_raw))) != len(targets_raw):
        raise _bad(_("danh sách chỉ tiêu áp dụng không hợp lệ"))
    for code in targets_raw:
        if code not in known:
            raise _bad(_("chỉ tiêu «{code}» không có trong danh mục").format(code=str(code)[:40]))
    milestones: dict[str, dict[int, float | None]] = {}
    ms_raw = doc["milestones"]
    if not isinstance(ms_raw, dict):
        raise _bad(_("mốc chỉ tiêu không hợp lệ"))
    for code, years in ms_raw.items():
        if code not in known:
            raise _bad(_("chỉ tiêu «{code}» không có trong danh mục").format(code=str(code)[:40]))
        if not isinstance(years, dict) or len(years) > 50:
            raise _bad(_("mốc của {code} không hợp lệ").format(code=code))
        out: dict[int, float | None] = {}
        for y, thr in years.items():
            if not (isinstance(y, str) and y.isdigit() and len(y) == 4 and MIN_YEAR <= int(y) <= MAX_YEAR):
                raise _bad(_("năm mốc «{y}» của {code} không hợp lệ").format(y=str(y)[:10], code=code))
            out[int(y)] = _threshold(thr, code, y)
        milestones[code] = out
    criteria: dict[str, dict[str, int]] = {}
    crit_raw = doc["criteria"]
    if not isinstance(crit_raw, dict):
        raise _bad(_("tham số tiêu chí không hợp lệ"))
    for code, params in crit_raw.items():
        if code not in CRITERIA or not isinstance(params, dict):
            raise _bad(_("tiêu chí «{code}» không có trong danh mục").format(code=str(code)[:40]))
        for name, value in params.items():
            if name not in CRITERIA[code].params:
                raise _bad(_("tiêu chí {code} không có tham số «{name}»").format(code=code, name=str(name)[:40]))
            lo, hi = PARAM_BOUNDS[name]
            if type(value) is not int or not lo <= value <= hi:
                raise _bad(_("tham số {name} của {code} phải là số nguyên {lo}–{hi}").format(
                    name=name, code=code, lo=lo, hi=hi))
        criteria[code] = dict(params)
    hubs_raw = doc["hubs"]
    if not isinstance(hubs_raw, dict):
        raise _bad(_("danh sách cụm không hợp lệ"))
    hubs: dict[str, str] = {}
    for commune, hub in hubs_raw.items():
        cu, hu = units.get(commune), units.get(hub) if isinstance(hub, str) else None
        if cu is None or cu.level != Level.COMMUNE:
            raise _bad(_("xã «{code}» không thuộc tỉnh này").format(code=str(commune)[:10]))
        if hu is None or hu.level != Level.DISTRICT:
            raise _bad(_("cụm «{hub}» của xã {code} không thuộc tỉnh này").format(hub=str(hub)[:10], code=commune))
        hubs[commune] = hub
    if type(doc["two_tier"]) is not bool:
        raise _bad(_("chế độ hai cấp không hợp lệ"))
    dl = doc["deadlines"]
    if not isinstance(dl, dict) or set(dl) != {"year", "half_year"}:
        raise _bad(_("hạn nộp báo cáo không hợp lệ"))
    deadlines = Deadlines(parse_day_month(dl["year"], _("báo cáo năm")),
                          parse_day_month(dl["half_year"], _("báo cáo 6 tháng")))
    cit = doc["citation"]
    if not isinstance(cit, dict) or set(cit) != {"kind", "number", "date", "issuer", "title"}:
        raise _bad(_("căn cứ (kế hoạch của tỉnh) không hợp lệ"))
    citation = Citation(_text(cit["kind"], _("loại văn bản"), 60), _text(cit["number"], _("số văn bản"), 60),
                        _text(cit["date"], _("ngày văn bản"), 10), _text(cit["issuer"], _("cơ quan ban hành")),
                        _text(cit["title"], _("trích yếu")))
    if citation.date:
        check_citation_date(citation.date)
    revoked = doc["revoked_keys"]
    if not isinstance(revoked, list) or not all(isinstance(k, str) and _KEYID_RE.fullmatch(k) for k in revoked):
        raise _bad(_("danh sách khóa thu hồi không hợp lệ"))
    hist_raw = doc["history"]
    if not isinstance(hist_raw, list) or len(hist_raw) > MAX_HISTORY:
        raise _bad(_("lịch sử thay đổi ngưỡng không hợp lệ"))
    history: list[ThresholdChange] = []
    for h in hist_raw:
        if not isinstance(h, dict) or set(h) != {"target", "year", "old", "new", "version", "at"} \
                or h["target"] not in known or type(h["year"]) is not int or type(h["version"]) is not int \
                or not isinstance(h["at"], str) or not _TS_RE.fullmatch(h["at"]):
            raise _bad(_("lịch sử thay đổi ngưỡng không hợp lệ"))
        history.append(ThresholdChange(h["target"], h["year"], _threshold(h["old"], h["target"], h["year"]),
                                       _threshold(h["new"], h["target"], h["year"]), h["version"], h["at"]))
    return RulesContent(province, tuple(targets_raw), milestones, criteria, hubs, doc["two_tier"], deadlines,
                        citation, tuple(revoked), tuple(history))


def check_citation_date(text: str) -> str:
    """An ISO date yyyy-mm-dd that exists; «19/05/2023» is accepted and turned into ISO."""
    raw = text.strip()
    m = re.fullmatch(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})", raw, re.ASCII)
    if m:
        raw = f"{m.group(3)}-{int(m.group(2)):02d}-{int(m.group(1)):02d}"
    try:
        if not _DATE_RE.fullmatch(raw):
            raise ValueError
        _dt.date.fromisoformat(raw)
    except ValueError:
        raise _bad(_("ngày văn bản «{text}» không hợp lệ (ví dụ 19/05/2023)").format(text=text[:20])) from None
    return raw
