<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name></name>
    <message>
        <location filename="../../lhtl_desktop/ui/dialogs.py" line="43"/>
        <source>Không thực hiện được</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/models.py" line="49"/>
        <source>Chưa nhập</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/models.py" line="50"/>
        <source>Nhập dở</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/models.py" line="51"/>
        <source>Đủ</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/models.py" line="52"/>
        <source>Có cảnh báo</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/models.py" line="53"/>
        <source>Có xung đột</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/models.py" line="103"/>
        <source>Loại</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/models.py" line="103"/>
        <source>Tên thiết chế</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/models.py" line="103"/>
        <source>Thôn, tổ dân phố</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/models.py" line="103"/>
        <source>Đơn vị</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/models.py" line="103"/>
        <source>Tình trạng</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/models.py" line="110"/>
        <source>Đang hoạt động</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/models.py" line="111"/>
        <source>Ngừng từ năm {year}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/models.py" line="123"/>
        <source>Thiết chế</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/models.py" line="123"/>
        <source>Số liệu</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/models.py" line="129"/>
        <source>{state} ({filled}/{expected})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/models.py" line="154"/>
        <source>{cur} / {prev} (năm trước)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/models.py" line="155"/>
        <source>{num} / {den} thiết chế</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/models.py" line="161"/>
        <source>{thr} (mốc {year})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/models.py" line="179"/>
        <source>Chỉ tiêu</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/models.py" line="179"/>
        <source>Trạng thái</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/models.py" line="179"/>
        <source>Kết quả</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/models.py" line="179"/>
        <source>Ngưỡng</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/models.py" line="179"/>
        <source>Tiến độ</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/models.py" line="180"/>
        <source>Tử số / mẫu số</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/wizard.py" line="46"/>
        <source>Tên đơn vị</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/wizard.py" line="46"/>
        <source>Cấp</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/wizard.py" line="46"/>
        <source>Thuộc cụm</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/wizard.py" line="46"/>
        <source>Mã</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>BarChart</name>
    <message>
        <location filename="../../lhtl_desktop/ui/bar_chart.py" line="42"/>
        <source>Chưa có số liệu</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>CloseDialog</name>
    <message>
        <location filename="../../lhtl_desktop/ui/institutions_page.py" line="166"/>
        <source>Ngừng hoạt động</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/institutions_page.py" line="168"/>
        <source>«{name}» ngừng hoạt động từ năm nào? Từ năm đó thiết chế không còn được tính trong các chỉ tiêu; số liệu đã nhập vẫn được giữ.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ConfirmPage</name>
    <message>
        <location filename="../../lhtl_desktop/ui/wizard.py" line="170"/>
        <source>Kiểm tra lại và tạo</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/wizard.py" line="172"/>
        <source>&amp;Tạo khóa và thiết lập</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/wizard.py" line="189"/>
        <source>Đơn vị: {unit} (mã {code})
Cán bộ: {officer}
Khóa: {prot}

Bấm «Tạo khóa và thiết lập». Sau bước này không đổi được đơn vị của cơ sở dữ liệu.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/wizard.py" line="193"/>
        <source>có mật khẩu bảo vệ</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/wizard.py" line="193"/>
        <source>không có mật khẩu bảo vệ</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>CrashDialog</name>
    <message>
        <location filename="../../lhtl_desktop/ui/dialogs.py" line="71"/>
        <source>Lỗi không mong muốn</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/dialogs.py" line="75"/>
        <source>Chương trình gặp lỗi không mong muốn. Số liệu đã lưu trước đó không bị mất. Hãy chép báo cáo dưới đây và gửi cho người hỗ trợ kỹ thuật.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/dialogs.py" line="79"/>
        <source>Báo cáo cũng được ghi vào tệp: {path}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/dialogs.py" line="87"/>
        <source>Chép báo cáo</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/dialogs.py" line="95"/>
        <source>Đã chép</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>DashboardPage</name>
    <message>
        <location filename="../../lhtl_desktop/ui/dashboard_page.py" line="71"/>
        <source>Tổng quan thực hiện chỉ tiêu</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/dashboard_page.py" line="75"/>
        <source>Phạm vi:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/dashboard_page.py" line="82"/>
        <source>Năm:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/dashboard_page.py" line="88"/>
        <source>Ẩn chỉ tiêu không áp dụng</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/dashboard_page.py" line="132"/>
        <source>Thiết chế</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/dashboard_page.py" line="132"/>
        <source>Đơn vị</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/dashboard_page.py" line="186"/>
        <source>{scope}, năm {year} — {parts}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/dashboard_page.py" line="187"/>
        <source>chưa có chỉ tiêu áp dụng</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/dashboard_page.py" line="189"/>
        <source>{n} thiết chế còn thiếu số liệu — xem thẻ «Thiếu số liệu» của từng chỉ tiêu.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/dashboard_page.py" line="192"/>
        <source>Không thiết chế nào thiếu số liệu.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/dashboard_page.py" line="194"/>
        <source>⚠ Có số liệu đang xung đột, tạm tính theo giá trị cấp trên hoặc mới nhất.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/dashboard_page.py" line="201"/>
        <source>Chọn một chỉ tiêu để xem các thiết chế đạt, chưa đạt, thiếu số liệu.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/dashboard_page.py" line="214"/>
        <location filename="../../lhtl_desktop/ui/dashboard_page.py" line="216"/>
        <source>Thiếu số liệu ({n})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/dashboard_page.py" line="214"/>
        <source>—</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/dashboard_page.py" line="214"/>
        <source>Đã báo cáo ({n})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/dashboard_page.py" line="216"/>
        <source>Chưa đạt ({n})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/dashboard_page.py" line="216"/>
        <source>Đạt ({n})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/dashboard_page.py" line="224"/>
        <source>Tổng của {scope} theo năm</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/dashboard_page.py" line="232"/>
        <source>Năm {y}: {cur}; năm {p}: {prev}. Tăng trưởng: {value} (ngưỡng {thr}).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/dashboard_page.py" line="236"/>
        <source>Chưa tính được vì thiếu tổng của một trong hai năm hoặc năm trước bằng 0.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/dashboard_page.py" line="238"/>
        <source>{num} trên {den} thiết chế đạt tiêu chí = {value} (ngưỡng {thr}, mốc {ty}).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/dashboard_page.py" line="242"/>
        <source>Thiết chế thiếu số liệu vẫn nằm trong mẫu số và được tính là chưa đạt.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>EntryPage</name>
    <message>
        <location filename="../../lhtl_desktop/ui/entry_page.py" line="175"/>
        <source>Nhập số liệu</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/entry_page.py" line="179"/>
        <source>Kỳ báo cáo:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/entry_page.py" line="181"/>
        <source>Cả năm</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/entry_page.py" line="182"/>
        <source>6 tháng đầu năm</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/entry_page.py" line="187"/>
        <source>Năm</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/entry_page.py" line="189"/>
        <source>năm</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/entry_page.py" line="205"/>
        <source>Danh sách thiết chế</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/entry_page.py" line="222"/>
        <source>Lý do điều chỉnh (bắt buộc khi sửa số liệu của đơn vị cấp dưới):</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/entry_page.py" line="231"/>
        <source>Chọn một thiết chế ở danh sách bên trái để nhập số liệu.
Chưa có thiết chế nào? Thêm ở trang «Thiết chế».</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/entry_page.py" line="243"/>
        <source>Thiết chế tiếp theo ▸</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/entry_page.py" line="244"/>
        <source>Ctrl+PgDown</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/entry_page.py" line="253"/>
        <source>Số liệu được lưu ngay khi rời ô (Tab, Enter hoặc bấm chỗ khác). Enter chuyển sang ô tiếp theo. Để trống một ô rồi rời đi để xóa giá trị đã nhập.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/entry_page.py" line="285"/>
        <source>{period}: {n} thiết chế — đủ số liệu {done}, chưa nhập {empty}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/entry_page.py" line="353"/>
        <source>Năm trước</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/entry_page.py" line="354"/>
        <source>Cùng kỳ năm trước</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/entry_page.py" line="367"/>
        <source>Đang có xung đột, tạm dùng giá trị cấp trên hoặc mới nhất. Các giá trị: {v}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/entry_page.py" line="374"/>
        <source>{name}&lt;br&gt;&lt;span style=&apos;font-size:10pt; font-weight:400; color:#5a6570&apos;&gt;{type} · {period}&lt;/span&gt;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/entry_page.py" line="415"/>
        <source>Chưa lưu «{label}»: sửa giá trị trong ô có viền đỏ.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/entry_page.py" line="423"/>
        <source>Đã lưu lúc {time}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>FingerprintPage</name>
    <message>
        <location filename="../../lhtl_desktop/ui/wizard.py" line="207"/>
        <source>Đã thiết lập xong</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/wizard.py" line="208"/>
        <source>Đây là dấu vân tay khóa của đơn vị. Cấp trên sẽ hỏi dãy số này khi nhận khóa của bạn: hãy in ra hoặc chép lại và giữ cẩn thận.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/wizard.py" line="223"/>
        <source>In dấu vân tay…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/wizard.py" line="224"/>
        <source>Lưu thành tệp PDF…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/wizard.py" line="238"/>
        <source>{unit} — cán bộ {officer}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/wizard.py" line="245"/>
        <source>&lt;h2&gt;DẤU VÂN TAY KHÓA KÝ GÓI DỮ LIỆU&lt;/h2&gt;&lt;p&gt;Đơn vị: &lt;b&gt;{unit}&lt;/b&gt; (mã {code})&lt;/p&gt;&lt;p&gt;Cán bộ phụ trách: &lt;b&gt;{officer}&lt;/b&gt;&lt;/p&gt;&lt;p&gt;Ngày tạo: {date}&lt;/p&gt;&lt;p style=&apos;font-size:22pt; font-weight:bold; letter-spacing:3px&apos;&gt;{fp}&lt;/p&gt;&lt;p&gt;Cấp trên đọc dãy số này để xác nhận khóa trước khi nhận số liệu của đơn vị.&lt;/p&gt;&lt;p&gt;&lt;br/&gt;Người lập (ký, ghi rõ họ tên)&lt;/p&gt;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/wizard.py" line="268"/>
        <source>Lưu dấu vân tay</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/wizard.py" line="269"/>
        <source>Tệp PDF (*.pdf)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>InstitutionDialog</name>
    <message>
        <location filename="../../lhtl_desktop/ui/institutions_page.py" line="44"/>
        <source>Sửa thiết chế</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/institutions_page.py" line="44"/>
        <source>Thêm thiết chế</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/institutions_page.py" line="55"/>
        <source>Chỉ với nhà văn hóa thôn, tổ dân phố (có thể để trống)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/institutions_page.py" line="56"/>
        <source>Đơn vị:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/institutions_page.py" line="57"/>
        <source>Loại thiết chế:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/institutions_page.py" line="58"/>
        <source>Tên thiết chế:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/institutions_page.py" line="59"/>
        <source>Thôn, tổ dân phố:</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>InstitutionsPage</name>
    <message>
        <location filename="../../lhtl_desktop/ui/institutions_page.py" line="188"/>
        <source>Thiết chế văn hóa trong phạm vi quản lý</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/institutions_page.py" line="191"/>
        <source>Thư viện, bảo tàng, trung tâm văn hóa – thể thao và nhà văn hóa thôn, tổ dân phố mà đơn vị báo cáo số liệu. Thiết chế ngừng hoạt động vẫn giữ số liệu cũ.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/institutions_page.py" line="198"/>
        <source>Thêm thiết chế…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/institutions_page.py" line="199"/>
        <source>Thêm nhà văn hóa theo danh sách thôn…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/institutions_page.py" line="200"/>
        <source>Sửa…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/institutions_page.py" line="201"/>
        <source>Ngừng hoạt động…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/institutions_page.py" line="202"/>
        <source>Hoạt động trở lại</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/institutions_page.py" line="203"/>
        <source>Hiện cả thiết chế đã ngừng</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/institutions_page.py" line="245"/>
        <source>{n} thiết chế đang hoạt động, {m} đã ngừng.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../lhtl_desktop/ui/main_window.py" line="38"/>
        <source>Học tập suốt đời — {unit}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/main_window.py" line="45"/>
        <source>Tổng quan</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/main_window.py" line="46"/>
        <source>Thiết chế</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/main_window.py" line="47"/>
        <source>Nhập số liệu</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/main_window.py" line="48"/>
        <source>Đồng bộ</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/main_window.py" line="49"/>
        <source>Báo cáo</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/main_window.py" line="50"/>
        <source>Cài đặt</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/main_window.py" line="84"/>
        <source>{unit} · Cán bộ: {officer} · Dữ liệu: {path}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>OfficerPage</name>
    <message>
        <location filename="../../lhtl_desktop/ui/wizard.py" line="130"/>
        <source>Cán bộ phụ trách và mật khẩu</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/wizard.py" line="131"/>
        <source>Mật khẩu bảo vệ khóa ký gói dữ liệu gửi cấp trên. Có thể để trống, nhưng nên đặt nếu máy dùng chung.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/wizard.py" line="135"/>
        <source>Ví dụ: Nguyễn Văn An</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/wizard.py" line="143"/>
        <source>Họ và tên cán bộ:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/wizard.py" line="144"/>
        <source>Mật khẩu (không bắt buộc, ít nhất {n} ký tự):</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/wizard.py" line="145"/>
        <source>Nhập lại mật khẩu:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/wizard.py" line="155"/>
        <source>Hai lần nhập mật khẩu không khớp nhau.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/wizard.py" line="158"/>
        <source>Mật khẩu cần ít nhất {n} ký tự.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>PassphraseDialog</name>
    <message>
        <location filename="../../lhtl_desktop/ui/settings_page.py" line="57"/>
        <source>Đổi mật khẩu bảo vệ khóa</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/settings_page.py" line="67"/>
        <source>Mật khẩu hiện tại:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/settings_page.py" line="68"/>
        <source>Mật khẩu mới (ít nhất 8 ký tự):</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/settings_page.py" line="69"/>
        <source>Nhập lại mật khẩu mới:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/settings_page.py" line="83"/>
        <source>Hai lần nhập mật khẩu mới không khớp nhau.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/settings_page.py" line="86"/>
        <source>Chưa nhập mật khẩu mới.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/settings_page.py" line="103"/>
        <source>Đang bảo vệ lại khóa bằng mật khẩu mới…</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ReportsPage</name>
    <message>
        <location filename="../../lhtl_desktop/ui/reports_page.py" line="16"/>
        <source>Trang «Báo cáo» (in biểu tổng hợp và xuất Excel) chưa có trong phiên bản này.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SettingsPage</name>
    <message>
        <location filename="../../lhtl_desktop/ui/settings_page.py" line="112"/>
        <source>Cài đặt</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/settings_page.py" line="117"/>
        <source>Cán bộ và khóa</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/settings_page.py" line="118"/>
        <source>Dữ liệu và sao lưu</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/settings_page.py" line="123"/>
        <location filename="../../lhtl_desktop/ui/settings_page.py" line="224"/>
        <source>Cụm tổng hợp</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/settings_page.py" line="126"/>
        <source>Ngưỡng chỉ tiêu</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/settings_page.py" line="133"/>
        <source>Cán bộ phụ trách</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/settings_page.py" line="138"/>
        <source>Lưu tên cán bộ</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/settings_page.py" line="145"/>
        <source>Đơn vị:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/settings_page.py" line="146"/>
        <source>Họ và tên:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/settings_page.py" line="150"/>
        <source>Khóa ký gói dữ liệu</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/settings_page.py" line="157"/>
        <source>Đổi mật khẩu bảo vệ khóa…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/settings_page.py" line="158"/>
        <source>Dấu vân tay:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/settings_page.py" line="159"/>
        <source>Bảo vệ:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/settings_page.py" line="176"/>
        <source>Đã lưu.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/settings_page.py" line="187"/>
        <source>Thư mục dữ liệu</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/settings_page.py" line="195"/>
        <source>Mở thư mục dữ liệu</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/settings_page.py" line="196"/>
        <source>Tệp cơ sở dữ liệu:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/settings_page.py" line="197"/>
        <source>Thư mục (nhật ký lỗi {log}):</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/settings_page.py" line="200"/>
        <source>Sao lưu</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/settings_page.py" line="203"/>
        <source>Sao lưu tự động và khôi phục chưa có trong phiên bản này. Trong lúc chờ, hãy đóng chương trình rồi chép cả thư mục dữ liệu ở trên sang USB hoặc ổ đĩa khác định kỳ.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/settings_page.py" line="217"/>
        <source>Chế độ hai cấp: xã, phường báo cáo thẳng lên tỉnh (không qua cụm)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/settings_page.py" line="219"/>
        <source>Mỗi xã, phường thuộc một cụm tổng hợp (huyện cũ). Chọn một xã rồi chọn cụm mới để chuyển; mọi thay đổi được ghi lại người sửa và thời điểm.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/settings_page.py" line="224"/>
        <source>Mã</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/settings_page.py" line="224"/>
        <source>Xã, phường</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/settings_page.py" line="225"/>
        <source>Báo cáo lên</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/settings_page.py" line="237"/>
        <source>Chuyển xã đã chọn sang cụm:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/settings_page.py" line="241"/>
        <source>Chuyển cụm</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/settings_page.py" line="257"/>
        <source>Tỉnh</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/settings_page.py" line="282"/>
        <source>Chọn một xã, phường trong bảng trước.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/settings_page.py" line="290"/>
        <source>Đã chuyển.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/settings_page.py" line="299"/>
        <location filename="../../lhtl_desktop/ui/settings_page.py" line="329"/>
        <source>Chỉ tiêu</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/settings_page.py" line="299"/>
        <source>Ngưỡng theo mốc</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/settings_page.py" line="314"/>
        <source>ví dụ 60 hoặc 12,5</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/settings_page.py" line="316"/>
        <source>Lưu ngưỡng</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/settings_page.py" line="317"/>
        <source>Chỉ tiêu:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/settings_page.py" line="319"/>
        <source>mốc năm</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/settings_page.py" line="321"/>
        <source>ngưỡng (%)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/settings_page.py" line="328"/>
        <source>Lịch sử thay đổi ngưỡng:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/settings_page.py" line="329"/>
        <source>Thời điểm</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/settings_page.py" line="329"/>
        <source>Người sửa</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/settings_page.py" line="330"/>
        <source>Mốc</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/settings_page.py" line="330"/>
        <source>Cũ</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/settings_page.py" line="330"/>
        <source>Mới</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/settings_page.py" line="365"/>
        <source>Chưa nhập ngưỡng.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/settings_page.py" line="373"/>
        <source>Đã lưu ngưỡng mới.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/settings_page.py" line="387"/>
        <source>Khóa được bảo vệ bằng mật khẩu.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/settings_page.py" line="388"/>
        <source>⚠ Khóa chưa có mật khẩu bảo vệ: ai chép được tệp dữ liệu có thể ký gói dữ liệu thay đơn vị. Nên đặt mật khẩu.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SetupWizard</name>
    <message>
        <location filename="../../lhtl_desktop/ui/wizard.py" line="287"/>
        <source>Thiết lập lần đầu — Học tập suốt đời</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/wizard.py" line="311"/>
        <source>Đang tạo khóa và thiết lập cơ sở dữ liệu…</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SyncPage</name>
    <message>
        <location filename="../../lhtl_desktop/ui/sync_page.py" line="16"/>
        <source>Trang «Đồng bộ» (gửi và nhận gói dữ liệu có chữ ký) chưa có trong phiên bản này.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>UnitPage</name>
    <message>
        <location filename="../../lhtl_desktop/ui/wizard.py" line="61"/>
        <source>Đơn vị của bạn</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/wizard.py" line="62"/>
        <source>Chọn tỉnh, rồi gõ tên xã, phường (gõ không dấu cũng được, ví dụ «gia lam»).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/wizard.py" line="70"/>
        <source>Tìm theo tên hoặc mã đơn vị</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/wizard.py" line="72"/>
        <source>Tỉnh, thành phố:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/wizard.py" line="73"/>
        <source>Tìm đơn vị:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/wizard.py" line="96"/>
        <source>Đang tải danh sách đơn vị…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/wizard.py" line="119"/>
        <source>Đã chọn: {name} (mã {code})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/wizard.py" line="120"/>
        <source>Chưa chọn đơn vị.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>VillageListDialog</name>
    <message>
        <location filename="../../lhtl_desktop/ui/institutions_page.py" line="114"/>
        <source>Thêm nhà văn hóa thôn, tổ dân phố</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/institutions_page.py" line="122"/>
        <source>Xã, phường:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/institutions_page.py" line="124"/>
        <source>Mỗi dòng một thôn, tổ dân phố (dán từ Excel hoặc Word được). Thôn đã có nhà văn hóa sẽ được bỏ qua.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/institutions_page.py" line="130"/>
        <source>Thôn Đông
Thôn Tây
Tổ dân phố 1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/institutions_page.py" line="149"/>
        <source>Không có xã, phường nào trong phạm vi để thêm nhà văn hóa thôn.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/institutions_page.py" line="153"/>
        <source>Chưa nhập tên thôn, tổ dân phố nào.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>app</name>
    <message>
        <location filename="../../lhtl_desktop/ui/app.py" line="25"/>
        <source>Học tập suốt đời</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lhtl_desktop/ui/app.py" line="59"/>
        <source>Không mở được dữ liệu</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>dialog</name>
    <message>
        <location filename="../../lhtl_desktop/ui/tasks.py" line="46"/>
        <source>Đang xử lý</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
