"""Every action the window offers, and the command that does the same from the command line.

ARCHITECTURE.md §1/§5: anything the window can do, the CLI can do too. This table is the one place that says
how; `tests/cli/test_parity.py` reads it (it imports no Qt), checks that each command and option exists in
the `lhtl` parser, and walks the real window's pages to fail when a button or check box appears that is not
listed here. A new button therefore needs a line here, naming its command — or, for what only moves around
the window (choose a folder, next institution), `command=None` and the reason.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class WindowAction:
    page: str  # the page key of main_window.PAGE_KEYS, or "wizard"
    label: str  # the button's or check box's text as shown, without the & of its shortcut
    command: str | None  # the CLI command and the options that do the same, e.g. "settings --threshold"
    why_window_only: str = ""  # when command is None: what the button does that needs no command
    control: bool = True  # False: not a button (a form field), listed so the table covers it too


ACTIONS: tuple[WindowAction, ...] = (
    # Tổng quan
    WindowAction("dashboard", "Ẩn chỉ tiêu không áp dụng", "evaluate"),
    # Thiết chế
    WindowAction("institutions", "Thêm thiết chế…", "institution add"),
    WindowAction("institutions", "Thêm nhà văn hóa theo danh sách thôn…", "institution add-villages"),
    WindowAction("institutions", "Sửa…", "institution edit"),
    WindowAction("institutions", "Ngừng hoạt động…", "institution close"),
    WindowAction("institutions", "Hoạt động trở lại", "institution reopen"),
    WindowAction("institutions", "Hiện cả thiết chế đã ngừng", "institution list"),
    # Nhập số liệu
    WindowAction("entry", "ô số liệu: nhập giá trị", "set", control=False),
    WindowAction("entry", "Lịch sử", "history --institution"),
    WindowAction("entry", "Nộp báo cáo năm {năm}", "submit --period"),
    WindowAction("entry", "ô số liệu: để trống để xóa giá trị", "set --clear", control=False),
    WindowAction("entry", "ô lý do điều chỉnh", "set --why", control=False),
    WindowAction("entry", "Thiết chế tiếp theo ▸", None, "chuyển sang thiết chế kế tiếp trong danh sách"),
    # Đồng bộ
    WindowAction("sync", "Chọn thư mục…", None, "chọn nơi ghi gói; dòng lệnh dùng «export --out THƯ_MỤC»"),
    WindowAction("sync", "Xuất gói", "export"),
    WindowAction("sync", "Chọn tệp…", None, "chọn tệp; dòng lệnh nhận tên tệp"),
    WindowAction("sync", "Bỏ chọn", None, "bỏ các tệp đã chọn"),
    WindowAction("sync", "Xem trước", "import --dry-run"),
    WindowAction("sync", "Nhập", "import"),
    WindowAction("sync", "Lưu giá trị thống nhất", "set --why"),
    WindowAction("sync", "Ghi tệp đăng ký khóa của máy này…", "key export"),
    WindowAction("sync", "Tạo khóa mới (đổi cán bộ, quên mật khẩu)…", "key new"),
    WindowAction("sync", "Đối chiếu và đăng ký", "key enroll --fingerprint"),
    WindowAction("sync", "Ghi nhận đã thay khóa", "key retire"),
    WindowAction("sync", "Thu hồi khóa", "key revoke"),
    WindowAction("sync", "Nhập lại các tệp cách ly", "import --quarantined"),
    WindowAction("sync", "Giữ phiên bản đã chọn", "institution edit"),
    WindowAction("sync", "Hoàn tác gói đã chọn…", "revert --why"),
    WindowAction("sync", "Xuất biểu vào thư mục…", "form export --out"),
    WindowAction("sync", "Biểu Excel: dùng giá trị đã tính của ô có công thức", "form import --use-cached-values"),
    # Báo cáo
    WindowAction("reports", "Xem trước khi in…", "report --out"),
    WindowAction("reports", "In…", "report --out"),
    WindowAction("reports", "Lưu PDF…", "report --out"),
    WindowAction("reports", "Lưu Excel…", "report --out"),
    # Cài đặt
    WindowAction("settings", "Lưu tên cán bộ", "settings --officer"),
    WindowAction("settings", "Đổi mật khẩu bảo vệ khóa…", "key passphrase"),
    WindowAction("settings", "Mở thư mục dữ liệu", None, "mở thư mục bằng trình quản lý tệp; «settings» in đường dẫn"),
    WindowAction("settings", "Chuyển cụm", "settings --hub"),
    WindowAction("settings", "Chế độ hai cấp: xã, phường báo cáo thẳng lên tỉnh (không qua cụm)",
                 "settings --two-tier"),
    WindowAction("settings", "Lưu ngưỡng", "settings --threshold"),
    WindowAction("settings", "Lưu thể thức", "settings --report-issuer"),
    WindowAction("settings", "Lưu căn cứ", "config set --citation"),
    WindowAction("settings", "Lưu hạn nộp", "config set --deadline"),
    WindowAction("settings", "Lưu tham số", "config set --criterion"),
    WindowAction("settings", "Sao lưu ra USB…", "backup --out"),
    WindowAction("settings", "Khôi phục bản đã chọn", "restore"),
    WindowAction("settings", "Khôi phục từ tệp…", "restore"),
    # Thiết lập lần đầu
    WindowAction("wizard", "In dấu vân tay…", "key show --pdf"),
    WindowAction("wizard", "Lưu thành tệp PDF…", "key show --pdf"),
)
