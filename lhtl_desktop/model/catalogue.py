"""Institution types and the indicator catalogue (DOMAIN.md §4–5), with their Vietnamese labels.

This is the *embedded default*; at set-up it is copied into the database (ARCHITECTURE.md §2), and the
program reads the copy, so that a later program version never silently rewrites an installation's history.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from lhtl_desktop.i18n import N_, _

CATALOG_VERSION = "2025.1"
MAX_VALUE = 1_000_000_000


class Level(StrEnum):
    """Levels of the merge hierarchy. `district` is the hub (former district), not a government tier."""

    PROVINCE = "province"
    DISTRICT = "district"
    COMMUNE = "commune"


LEVEL_LABELS: dict[str, str] = {
    Level.PROVINCE: _("Tỉnh"),
    Level.DISTRICT: _("Cụm tổng hợp (huyện cũ)"),
    Level.COMMUNE: _("Xã, phường"),
}

ANY_LEVEL = frozenset({Level.PROVINCE, Level.DISTRICT, Level.COMMUNE})


@dataclass(frozen=True)
class InstitutionType:
    code: str
    source_label: str  # Vietnamese, as written on forms made in Vietnamese; `label` is the program's language
    family: str  # "lib" | "museum" | "cc": decides which indicators apply
    levels: frozenset[str]

    @property
    def label(self) -> str:
        return _(self.source_label)


INSTITUTION_TYPES: tuple[InstitutionType, ...] = (
    InstitutionType("lib_province", N_("Thư viện tỉnh"), "lib", frozenset({Level.PROVINCE})),
    InstitutionType("lib_district", N_("Thư viện cấp huyện (cũ)"), "lib", frozenset({Level.DISTRICT})),
    InstitutionType("lib_commune", N_("Thư viện / phòng đọc xã, phường"), "lib", frozenset({Level.COMMUNE})),
    InstitutionType("lib_university", N_("Thư viện trường đại học"), "lib", ANY_LEVEL),
    InstitutionType("lib_specialised", N_("Thư viện chuyên ngành"), "lib", ANY_LEVEL),
    InstitutionType("lib_armed_forces", N_("Thư viện lực lượng vũ trang"), "lib", ANY_LEVEL),
    InstitutionType("lib_school", N_("Thư viện trường phổ thông"), "lib", ANY_LEVEL),
    InstitutionType("lib_vocational", N_("Thư viện cơ sở giáo dục nghề nghiệp"), "lib", ANY_LEVEL),
    InstitutionType("lib_other_edu", N_("Thư viện cơ sở giáo dục khác"), "lib", ANY_LEVEL),
    InstitutionType("lib_community", N_("Thư viện cộng đồng, tư nhân"), "lib", frozenset({Level.COMMUNE})),
    InstitutionType("museum", N_("Bảo tàng"), "museum", ANY_LEVEL),
    InstitutionType("cc_province", N_("Trung tâm văn hóa tỉnh"), "cc", frozenset({Level.PROVINCE})),
    InstitutionType("cc_district", N_("Trung tâm văn hóa huyện (cũ)"), "cc", frozenset({Level.DISTRICT})),
    InstitutionType("cc_commune", N_("Trung tâm văn hóa – thể thao xã"), "cc", frozenset({Level.COMMUNE})),
    InstitutionType(
        "village_house", N_("Nhà văn hóa – khu thể thao thôn, tổ dân phố"), "cc", frozenset({Level.COMMUNE})
    ),
)
TYPES_BY_CODE: dict[str, InstitutionType] = {t.code: t for t in INSTITUTION_TYPES}


class IndicatorKind(StrEnum):
    COUNT = "count"  # non-negative integer
    FLAG = "flag"  # 0 or 1


@dataclass(frozen=True)
class Indicator:
    code: str
    source_label: str  # Vietnamese (stored in the database as is); `label`, `unit`, `help` speak the program's language
    source_unit: str
    family: str  # which institution family it applies to
    kind: IndicatorKind
    source_help: str

    @property
    def label(self) -> str:
        return _(self.source_label)

    @property
    def unit(self) -> str:
        return _(self.source_unit)

    @property
    def help(self) -> str:
        return _(self.source_help)


def _count(code: str, family: str, label: str, unit: str, help_text: str) -> Indicator:
    return Indicator(code, label, unit, family, IndicatorKind.COUNT, help_text)


INDICATORS: tuple[Indicator, ...] = (
    _count("LIB_VISITS", "lib", N_("Lượt người sử dụng thư viện"), N_("lượt"),
           N_("Tổng lượt người đến đọc, mượn, dùng dịch vụ (kể cả trực tuyến) trong kỳ.")),
    _count("LIB_READERS", "lib", N_("Số thẻ bạn đọc"), N_("thẻ"),
           N_("Số thẻ bạn đọc còn hiệu lực.")),
    _count("LIB_HOLDINGS", "lib", N_("Số bản tài liệu (tại 31/12)"), N_("bản"),
           N_("Tổng số bản sách, báo, tài liệu có tại thời điểm 31/12.")),
    _count("LIB_SKILL_CLASSES", "lib", N_("Số lớp, buổi hướng dẫn kỹ năng (cả kỹ năng số)"), N_("lớp, buổi"),
           N_("Các lớp, buổi hướng dẫn kỹ năng, kể cả kỹ năng số, tổ chức trong kỳ.")),
    _count("LIB_READING_EVENTS", "lib", N_("Số hoạt động khuyến đọc, tọa đàm, câu lạc bộ đọc"), N_("hoạt động"),
           N_("Ngày hội đọc sách, tọa đàm, câu lạc bộ đọc sách tổ chức trong kỳ.")),
    _count("LIB_LLL_PARTICIPANTS", "lib", N_("Lượt người tham gia hoạt động học tập suốt đời"), N_("lượt"),
           N_("Lượt người tham gia các hoạt động học tập suốt đời của thư viện; không vượt lượt người sử dụng.")),
    Indicator("LIB_DIGITAL_SERVICE", N_("Có dịch vụ, tài nguyên số phục vụ học tập (0/1)"), N_("có/không"),
              "lib", IndicatorKind.FLAG, N_("Nhập 1 nếu có dịch vụ, tài nguyên số phục vụ học tập; 0 nếu không.")),
    _count("LIB_MOBILE_RUNS", "lib", N_("Số lượt phục vụ lưu động, luân chuyển sách"), N_("lượt"),
           N_("Số lượt xe, tủ sách lưu động và luân chuyển sách trong kỳ.")),
    _count("MUS_VISITS", "museum", N_("Lượt khách tham quan"), N_("lượt"),
           N_("Tổng lượt khách tham quan bảo tàng trong kỳ.")),
    _count("MUS_LEARNING_VISITS", "museum", N_("Lượt khách đến nghiên cứu, học tập"), N_("lượt"),
           N_("Phần trong tổng lượt khách đến để nghiên cứu, học tập; không vượt lượt khách tham quan.")),
    _count("MUS_EDU_PROGRAMMES", "museum", N_("Số chương trình giáo dục lịch sử, văn hóa"), N_("chương trình"),
           N_("Chương trình giáo dục lịch sử, văn hóa triển khai trong kỳ.")),
    _count("MUS_STUDENT_PARTICIPANTS", "museum", N_("Lượt học sinh, sinh viên tham gia"), N_("lượt"),
           N_("Lượt học sinh, sinh viên tham gia các chương trình giáo dục.")),
    _count("MUS_DIGITAL_EXHIBITS", "museum", N_("Số chuyên đề trưng bày trên không gian số"), N_("chuyên đề"),
           N_("Chuyên đề trưng bày số, trưng bày trực tuyến.")),
    _count("CC_TALENT_CLASSES", "cc", N_("Số lớp năng khiếu"), N_("lớp"),
           N_("Lớp năng khiếu văn hóa, văn nghệ, thể thao mở trong kỳ.")),
    _count("CC_CLUBS", "cc", N_("Số câu lạc bộ"), N_("câu lạc bộ"),
           N_("Câu lạc bộ đang hoạt động.")),
    _count("CC_INTEREST_GROUPS", "cc", N_("Số nhóm sở thích"), N_("nhóm"),
           N_("Nhóm sở thích đang hoạt động.")),
    _count("CC_MEMBERS", "cc", N_("Số hội viên, thành viên"), N_("người"),
           N_("Tổng số hội viên, thành viên các câu lạc bộ, nhóm.")),
    _count("CC_ACTIVITIES", "cc", N_("Số hoạt động văn hóa, văn nghệ, thể thao tổ chức trong kỳ"), N_("hoạt động"),
           N_("Hoạt động tổ chức trong kỳ; từ 12 trở lên trong năm được coi là thường xuyên (hằng tháng).")),
    _count("CC_PARTICIPANTS", "cc", N_("Lượt người tham gia"), N_("lượt"),
           N_("Lượt người tham gia các hoạt động trong kỳ.")),
)
INDICATORS_BY_CODE: dict[str, Indicator] = {i.code: i for i in INDICATORS}


def indicators_for_type(type_code: str) -> tuple[Indicator, ...]:
    """The indicators an institution of this type reports, in catalogue order."""
    family = TYPES_BY_CODE[type_code].family
    return tuple(i for i in INDICATORS if i.family == family)


def type_label(type_code: str) -> str:
    t = TYPES_BY_CODE.get(type_code)
    return t.label if t else type_code
