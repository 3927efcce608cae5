"""The words of the demo's bulk initiatives (scripts/demo_bulk.py): who the
authors are and what they wrote, in Vietnamese, per kind of workplace, field
and subject group, composed from templates with a seeded random generator, so
the same seed gives the same texts and no two initiatives read alike.

An initiative is one IDEA of its field that fits its unit's kind of workplace
(a factory, a water or power company, a hospital, a school, a government
office ...), its blanks filled from that kind's words (its machines, places,
records, services) and numbers drawn for it; its problem, solution and
results each get one more sentence from the kind's or the field's pools (the
situation before, how it was done, what it brought). Titles are kept unique by
the caller (`Writer.title_taken`): a taken one is drawn again with another
machine, place or record.
"""
import functools
import random
import re
import unicodedata
from dataclasses import dataclass

# ------------------------------------------------------------------ kinds of workplace

FACTORY, UTILITY, FIELD, SERVICE, HOSPITAL, SCHOOL, GOVERNMENT, CULTURE = (
    "factory", "utility", "field", "service", "hospital", "school", "government", "culture")

# (kind, words in the union's name that say it), first match wins.
KIND_WORDS = [
    (SCHOOL, ("Trường", "Học viện", "Đại học")),
    (HOSPITAL, ("Bệnh viện", "Trung tâm Y tế", "Kiểm soát bệnh tật")),
    (UTILITY, ("Cấp nước", "Điện lực", "Nhiệt điện", "Khí ", "Chế biến Khí")),
    (FIELD, ("Than", "Cao su", "Lâm nghiệp", "Cầu đường", "Cảng", "Đầu máy", "Toa xe", "Kỹ thuật Máy bay",
             "Xây dựng Giao thông", "Nông trường")),
    (SERVICE, ("VietinBank", "Bưu điện", "Bưu chính", "Viễn thông", "Phần mềm", "MISA", "Khách sạn", "Thương mại",
               "Tiếp viên", "Quỹ Đầu tư")),
    (CULTURE, ("Báo", "Đài Phát thanh", "Thư viện", "Bảo tàng", "Nhà hát", "Di sản", "di tích", "Thể dục thể thao",
               "Vườn quốc gia")),
    (FACTORY, ("Công ty", "Xí nghiệp", "Tổng Công ty")),
]


def kind_of(name: str, block: str | None) -> str:
    """The kind of workplace a grassroots union's name says it is."""
    for kind, words in KIND_WORDS:
        if any(word in name for word in words):
            return kind
    return FACTORY if block == "enterprise" else GOVERNMENT


# What each kind of workplace has: where an initiative is applied (`place`), its
# equipment (`machine`), machines with moulds and fixtures (`tool`), electric drives
# (`motor`), furnaces and boilers (`heat`), the records it keeps (`record`), the services
# or procedures it runs (`service`), whom it serves (`people`), who works there (`staff`),
# what it makes (`product`) or sells (`sells`), what it uses up (`material`) and throws
# away (`scrap`). An idea fits a kind only if the kind has every word its templates use.
VOCABULARY = {
    FACTORY: {
        "place": ["Phân xưởng Cơ khí", "Phân xưởng Lắp ráp", "Phân xưởng Đóng gói", "Tổ Bảo trì cơ điện",
                  "Phân xưởng Sơn", "Kho thành phẩm", "Kho vật tư", "Phòng Kỹ thuật – Công nghệ",
                  "Phân xưởng Ép nhựa", "Dây chuyền số 2", "Tổ Kiểm tra chất lượng", "Phòng Kế hoạch – Vật tư"],
        "machine": ["máy ép thủy lực", "máy dập trục khuỷu", "băng tải con lăn", "máy nén khí trục vít",
                    "lò hơi", "máy cắt CNC", "máy hàn bấm", "cầu trục 5 tấn", "máy đóng gói tự động",
                    "máy chiết rót", "lò sấy tuynel", "máy ép nhựa", "máy dán nhãn", "máy quấn màng co"],
        "tool": ["máy ép thủy lực", "máy dập trục khuỷu", "máy cắt CNC", "máy hàn bấm", "máy ép nhựa",
                 "máy đóng gói tự động", "máy chiết rót", "máy dán nhãn", "máy phay", "máy tiện"],
        "motor": ["máy nén khí trục vít", "quạt hút bụi", "băng tải con lăn", "bơm nước làm mát", "máy ép nhựa",
                  "quạt thông gió nhà xưởng"],
        "heat": ["lò hơi", "lò sấy tuynel", "lò nung", "máy nén khí trục vít", "lò ủ"],
        "record": ["phiếu xuất kho vật tư", "sổ theo dõi dừng máy", "báo cáo sản lượng ca", "phiếu kiểm tra chất lượng",
                   "sổ bảo dưỡng thiết bị", "bảng chấm công ca kíp"],
        "service": ["cấp phát vật tư", "giao nhận hàng", "đổi ca", "báo hỏng thiết bị", "nghiệm thu sản phẩm"],
        "people": "khách hàng", "staff": "công nhân",
        "product": ["sản phẩm", "bán thành phẩm", "hàng xuất khẩu", "linh kiện", "vỏ hộp"],
        "sells": ["sản phẩm của công ty", "sản phẩm loại hai", "hàng tồn kho"],
        "material": ["phôi thép", "hạt nhựa", "bao bì carton", "dầu thủy lực", "màng co", "sơn tĩnh điện"],
        "scrap": ["phôi thép vụn", "nhựa phế phẩm", "bao bì carton cũ", "pallet gỗ hỏng", "ba via kim loại"],
    },
    UTILITY: {
        "place": ["Xí nghiệp Cấp nước số 1", "Trạm bơm tăng áp", "Nhà máy xử lý", "Đội Quản lý mạng lưới",
                  "Phòng Kỹ thuật", "Đội Sửa chữa đường ống", "Trung tâm Điều độ", "Phòng Kinh doanh",
                  "Đội Quản lý vận hành", "Trạm biến áp 110 kV", "Phòng Chăm sóc khách hàng"],
        "machine": ["máy bơm ly tâm", "bể lọc nhanh", "máy khuấy hóa chất", "đồng hồ tổng", "máy biến áp phân phối",
                    "tủ điều khiển trạm bơm", "xe thang sửa chữa", "van giảm áp", "máy phát dự phòng",
                    "máy đo lưu lượng siêu âm"],
        "motor": ["máy bơm ly tâm", "máy khuấy hóa chất", "quạt làm mát máy biến áp", "máy bơm rửa lọc"],
        "record": ["sổ ghi chỉ số đồng hồ", "biên bản sự cố", "nhật ký vận hành trạm", "phiếu công tác",
                   "danh sách khách hàng nợ tiền", "sổ theo dõi chất lượng nước"],
        "service": ["lắp đặt đồng hồ mới", "xử lý sự cố", "thu tiền nước", "đấu nối cho khách hàng mới",
                    "giải quyết khiếu nại hóa đơn"],
        "people": "khách hàng", "staff": "người lao động", "product": ["nước sạch", "điện năng", "khí"],
        "material": ["hóa chất xử lý nước", "ống HDPE", "dầu máy", "cáp điện", "phèn nhôm"],
    },
    FIELD: {
        "place": ["Đội Sản xuất số 2", "Phân xưởng Sửa chữa", "Đội Vận tải", "Kho bãi", "Xưởng Bảo dưỡng",
                  "Đội Thi công số 1", "Tổ Cơ điện", "Phòng Kỹ thuật – An toàn", "Đội Xe máy", "Tổ Điều độ sản xuất"],
        "machine": ["máy phát điện di động", "xe nâng hàng", "máy nén khí", "cần trục bánh lốp", "xe tải tự đổ",
                    "máy bơm thoát nước", "máy xúc thủy lực", "máy hàn hồ quang"],
        "motor": ["máy bơm thoát nước", "máy nén khí", "băng tải", "quạt gió cục bộ"],
        "record": ["nhật ký sản xuất", "sổ theo dõi nhiên liệu", "phiếu giao ca", "sổ cấp phát bảo hộ lao động",
                   "biên bản kiểm tra thiết bị", "sổ theo dõi sửa chữa xe máy"],
        "service": ["điều động xe máy", "cấp phát nhiên liệu", "nghiệm thu khối lượng", "bàn giao ca"],
        "people": "khách hàng", "staff": "người lao động",
        "material": ["dầu diesel", "săm lốp", "mỡ bôi trơn", "vật tư thay thế", "bảo hộ lao động"],
        "scrap": ["sắt thép phế liệu", "lốp xe cũ", "gỗ vụn", "dầu thải đã lọc"],
    },
    SERVICE: {
        "place": ["Phòng Giao dịch", "Phòng Kinh doanh", "Phòng Kế toán", "Phòng Hành chính – Nhân sự",
                  "Tổ Chăm sóc khách hàng", "Bộ phận Hỗ trợ kỹ thuật", "Kho hàng", "Phòng Công nghệ thông tin",
                  "Bộ phận Lễ tân", "Trung tâm Khai thác"],
        "machine": ["máy in hóa đơn", "máy quét mã vạch", "máy photocopy", "hệ thống tổng đài", "máy chủ ứng dụng",
                    "máy lạnh phòng máy chủ"],
        "record": ["hợp đồng khách hàng", "chứng từ kế toán", "sổ theo dõi khiếu nại",
                   "danh sách khách hàng thân thiết",
                   "phiếu yêu cầu hỗ trợ", "báo cáo doanh thu ngày"],
        "service": ["tiếp nhận yêu cầu của khách hàng", "giải quyết khiếu nại", "đối soát công nợ",
                    "ký hợp đồng dịch vụ", "bàn giao ca trực", "xử lý đơn hàng"],
        "people": "khách hàng", "staff": "nhân viên",
        "sells": ["dịch vụ của đơn vị", "gói dịch vụ mới", "dịch vụ gia tăng"],
        "material": ["giấy in", "túi gói hàng", "mực in", "văn phòng phẩm"],
    },
    HOSPITAL: {
        "place": ["Khoa Khám bệnh", "Khoa Cấp cứu", "Khoa Dược", "Khoa Xét nghiệm", "Khoa Hồi sức tích cực",
                  "Khoa Nhi", "Phòng Kế hoạch tổng hợp", "Khoa Chẩn đoán hình ảnh", "Khoa Kiểm soát nhiễm khuẩn",
                  "Khoa Ngoại tổng hợp", "Phòng Điều dưỡng", "Phòng Tài chính – Kế toán"],
        "machine": ["máy thở", "máy xét nghiệm sinh hóa", "nồi hấp tiệt trùng", "máy siêu âm", "máy X-quang",
                    "bơm tiêm điện", "máy monitor theo dõi", "hệ thống khí y tế", "máy giặt công nghiệp"],
        "motor": ["hệ thống điều hòa trung tâm", "máy bơm nước sinh hoạt", "máy giặt công nghiệp"],
        "record": ["hồ sơ bệnh án", "phiếu lĩnh thuốc", "sổ bàn giao người bệnh", "phiếu chỉ định xét nghiệm",
                   "sổ theo dõi vật tư tiêu hao", "lịch trực"],
        "service": ["đăng ký khám bệnh", "trả kết quả xét nghiệm", "cấp phát thuốc", "thanh toán viện phí",
                    "làm thủ tục ra viện"],
        "people": "người bệnh", "staff": "nhân viên y tế",
        "material": ["vật tư tiêu hao", "găng tay y tế", "hóa chất xét nghiệm", "oxy y tế", "khẩu trang"],
    },
    SCHOOL: {
        "place": ["Tổ Toán – Tin", "Tổ Ngữ văn", "Phòng Đào tạo", "Thư viện trường", "Phòng thí nghiệm Hóa",
                  "Khoa Công nghệ thông tin", "Phòng Công tác học sinh, sinh viên", "Tổ Ngoại ngữ", "Ký túc xá",
                  "Phòng Hành chính – Tổng hợp", "Xưởng thực hành"],
        "machine": ["máy chiếu", "bảng tương tác", "máy tính phòng thực hành", "thiết bị thí nghiệm",
                    "máy in đề thi", "hệ thống âm thanh hội trường", "máy lọc nước"],
        "record": ["sổ điểm", "hồ sơ học sinh", "lịch thi", "sổ đầu bài", "hồ sơ tuyển sinh", "sổ mượn sách"],
        "service": ["đăng ký học phần", "xét học bổng", "cấp bảng điểm", "tuyển sinh", "mượn trả tài liệu"],
        "people": "học sinh", "staff": "giáo viên",
        "material": ["giấy in", "hóa chất thí nghiệm", "văn phòng phẩm"],
    },
    GOVERNMENT: {
        "place": ["Bộ phận Một cửa", "Văn phòng", "Phòng Tổ chức – Hành chính", "Phòng Kế hoạch – Tài chính",
                  "Phòng Đăng ký kinh doanh", "Phòng Quản lý ngân sách", "Phòng Tư pháp",
                  "Phòng Tài nguyên – Môi trường",
                  "Phòng Kinh tế", "Bộ phận Văn thư – Lưu trữ", "Phòng Thanh tra", "Phòng Đầu tư"],
        "machine": ["máy photocopy", "máy scan tài liệu", "máy lấy số thứ tự", "máy chủ nội bộ", "máy điều hòa",
                    "hệ thống hội nghị trực tuyến"],
        "record": ["hồ sơ lưu trữ", "văn bản đến", "hồ sơ đăng ký doanh nghiệp", "chứng từ thanh toán",
                   "hồ sơ dự án đầu tư", "sổ theo dõi đơn thư", "hồ sơ cán bộ"],
        "service": ["đăng ký kinh doanh", "cấp giấy chứng nhận đầu tư", "chứng thực bản sao", "đăng ký hộ tịch",
                    "cấp phép xây dựng", "thẩm định dự án đầu tư"],
        "people": "người dân", "staff": "cán bộ, công chức",
        "material": ["giấy in", "mực in", "văn phòng phẩm"],
    },
    CULTURE: {
        "place": ["Phòng Biên tập", "Phòng Kỹ thuật", "Phòng Phục vụ bạn đọc", "Phòng Trưng bày", "Đoàn Nghệ thuật",
                  "Phòng Hành chính", "Phòng Nội dung số", "Bộ phận Hướng dẫn khách tham quan", "Tổ Bảo quản hiện vật"],
        "machine": ["máy quét tài liệu", "hệ thống âm thanh sân khấu", "máy phát sóng", "camera quay phim",
                    "máy hút ẩm kho", "hệ thống đèn sân khấu", "máy chủ lưu trữ"],
        "record": ["tư liệu ảnh", "hồ sơ hiện vật", "thẻ bạn đọc", "kịch bản chương trình", "lịch biểu diễn",
                   "bản thảo"],
        "service": ["đặt vé tham quan", "mượn sách", "duyệt bài", "đăng ký thẻ bạn đọc", "thuyết minh"],
        "people": "khách tham quan", "staff": "viên chức",
        "material": ["giấy in", "hóa chất bảo quản", "băng đĩa"],
    },
}
ENTERPRISE_KINDS = (FACTORY, UTILITY, FIELD, SERVICE)
EVERY_KIND = tuple(VOCABULARY)

# ------------------------------------------------------------------ the ideas, per field


@dataclass(frozen=True)
class Idea:
    """One kind of initiative: templates with blanks (the workplace's {machine}, {place},
    {record} ... as VOCABULARY names them; {authors}: "tác giả" or "nhóm tác giả"; the
    numbers Writer.numbers draws; a capital first letter capitalises the word),
    the kinds of workplace it fits, the subject groups its authors may be in (None: the
    unit's own), and whether its benefit can be put in money."""
    field: str
    title: str
    problem: str
    solution: str
    results: str
    kinds: tuple = EVERY_KIND
    groups: tuple | None = None
    money: bool = True


IDEAS = [
    # Năng suất lao động
    Idea("productivity", "Đồ gá định vị nhanh cho {tool}",
         "Mỗi lần thay mẫu trên {tool} phải căn chỉnh bằng tay, mất khoảng {a} phút và hay lệch.",
         "{Authors} thiết kế đồ gá có chốt định vị và thước chặn, thay mẫu chỉ cần đặt đúng chốt rồi khóa lại.",
         "Thời gian thay mẫu còn {b} phút; sản phẩm lỗi do lệch vị trí gần như không còn.",
         groups=("works-and-technical", "enterprise-workers")),
    Idea("productivity", "Thay khuôn nhanh trên {tool} theo phương pháp SMED",
         "Mỗi lần thay khuôn {tool} dừng {a} phút, mỗi ca thay ba đến bốn lần.",
         "Tách các việc làm được khi máy còn chạy, chuẩn bị sẵn khuôn trên xe đẩy có chiều cao bằng bàn máy.",
         "Thời gian dừng máy khi thay khuôn còn {b} phút; sản lượng mỗi ca tăng khoảng {pct}%."),
    Idea("productivity", "Xe đẩy chuyên dụng chuyển {material} đến {place}",
         "Công nhân bê {material} bằng tay qua nhiều bậc, vừa chậm vừa dễ đau lưng.",
         "Chế tạo xe đẩy có giá đỡ nghiêng và bánh xe chịu tải, tận dụng thép hộp và bánh xe cũ.",
         "Mỗi chuyến chở được gấp {x} lần trước; mỗi ca bớt được một người chuyên bốc xếp.", kinds=(FACTORY, FIELD)),
    Idea("productivity", "Bố trí lại mặt bằng {place} theo dòng chảy công việc",
         "Các công đoạn ở {place} xếp không theo thứ tự, {staff} phải đi lại nhiều lần giữa hai đầu xưởng.",
         "Vẽ lại sơ đồ đường đi, xếp các bàn làm việc theo thứ tự công đoạn và kẻ vạch lối đi.",
         "Quãng đường đi lại mỗi ca giảm khoảng {pct}%; năng suất tăng rõ rệt ngay tháng đầu.",
         kinds=(FACTORY, FIELD, SERVICE)),
    Idea("productivity", "Bảng Kanban theo dõi tiến độ tại {place}",
         "Việc giao bằng miệng, không ai nắm được việc nào đang chậm ở {place}.",
         "Treo bảng Kanban ba cột: cần làm, đang làm, đã xong; mỗi việc một thẻ ghi người phụ trách và hạn.",
         "Việc trễ hạn giảm từ {count} xuống {count2} việc mỗi tháng; giao ban đầu ca chỉ còn mười phút."),
    Idea("productivity", "Chuẩn hóa thao tác {service} bằng video hướng dẫn",
         "Người mới làm {service} mỗi người một kiểu, phải kèm cặp cả tháng mới làm được.",
         "Quay video ngắn từng bước do người làm giỏi nhất thực hiện, gắn mã QR tại nơi làm việc.",
         "Thời gian kèm người mới còn khoảng {n} ngày; sai sót khi {service} giảm hẳn."),
    Idea("productivity", "Tự động nhắc lịch bảo dưỡng {machine}",
         "Lịch bảo dưỡng {machine} ghi trên giấy, nhiều lần quá hạn mới phát hiện.",
         "Lập bảng tính dùng chung có cột ngày bảo dưỡng kế tiếp, tự gửi nhắc qua nhóm Zalo trước ba ngày.",
         "Không còn thiết bị quá hạn bảo dưỡng; số lần hỏng đột xuất giảm từ {count} xuống {count2} lần mỗi quý.",
         groups=("works-and-technical", "enterprise-workers", "public-service")),
    Idea("productivity", "Ngân hàng đề kiểm tra dùng chung cho {place}",
         "Mỗi giáo viên tự ra đề, trùng lặp nhiều và mất nhiều buổi tối.",
         "Xây dựng ngân hàng câu hỏi chung theo chương, có độ khó, phần mềm tự trộn đề.",
         "Thời gian ra đề giảm khoảng {pct}%; đề các lớp đồng đều hơn.", kinds=(SCHOOL,), money=False),
    # Sản xuất, kinh doanh
    Idea("production-business", "Giảm tỷ lệ lỗi {product} ở công đoạn cuối",
         "Tỷ lệ {product} bị trả về do lỗi ngoại quan khoảng {rate}%, phải làm lại nhiều.",
         "Thêm bước tự kiểm bằng bảng mẫu lỗi có ảnh, đèn soi và dưỡng đo tại bàn đóng gói.",
         "Tỷ lệ lỗi còn {rate2}%; khách hàng không còn phàn nàn về ngoại quan."),
    Idea("production-business", "Tận dụng {scrap} để tái chế và bán phế liệu",
         "Mỗi tháng thải ra vài tấn {scrap}, để lẫn với rác và phải thuê xe chở đi.",
         "Phân loại {scrap} ngay tại {place}, phần dùng được đưa vào sản xuất lại, phần còn lại bán phế liệu.",
         "Mỗi tháng thu hồi được khoảng {n} tấn; giảm chi phí thuê xử lý chất thải."),
    Idea("production-business", "Bán {sells} qua kênh Zalo và mạng xã hội",
         "Khách hàng nhỏ lẻ khó liên hệ, phải gọi điện nhiều lần mới đặt được hàng.",
         "Lập kênh Zalo của đơn vị, đăng bảng giá và nhận đặt hàng, có người trực trả lời trong giờ làm việc.",
         "Sau {n} tháng có thêm hàng trăm khách hàng mới; doanh thu kênh này tăng đều mỗi tháng."),
    Idea("production-business", "Định mức {material} cho từng loại công việc",
         "Cấp {material} theo ước lượng, cuối tháng kiểm kê thường hụt mà không rõ do đâu.",
         "Lập định mức cho từng loại công việc từ số liệu ba tháng, cấp phát theo định mức và ghi phần chênh lệch.",
         "Hao hụt {material} giảm từ {rate}% xuống {rate2}%; biết rõ công đoạn nào dùng nhiều.",
         kinds=(FACTORY, FIELD, UTILITY)),
    Idea("production-business", "Đặt hàng {material} theo mức tồn kho tối thiểu",
         "Kho lúc thừa lúc thiếu {material}; có lần phải dừng sản xuất chờ vật tư.",
         "Đặt mức tồn tối thiểu cho từng loại, thủ kho báo đặt hàng khi chạm mức, nhà cung cấp giao theo lịch.",
         "Tồn kho bình quân giảm khoảng {pct}%; không còn phải dừng máy chờ vật tư.",
         kinds=(FACTORY, UTILITY, FIELD)),
    Idea("production-business", "Một đầu mối phục vụ khách hàng doanh nghiệp tại {place}",
         "Khách hàng doanh nghiệp phải làm việc với nhiều bộ phận mới dùng được {sells}.",
         "Thiết kế gói trọn gói, một đầu mối chăm sóc, hợp đồng mẫu ký một lần.",
         "Số khách hàng doanh nghiệp mới tăng {pct}% so với cùng kỳ; thời gian ký hợp đồng còn {days2} ngày.",
         kinds=(SERVICE,)),
    Idea("production-business", "Giảm thất thoát {product} trên mạng lưới",
         "Tỷ lệ thất thoát {product} khoảng {loss}%, cao hơn nhiều đơn vị cùng ngành.",
         "Chia mạng lưới thành vùng nhỏ có đồng hồ tổng, so số liệu hằng tuần để khoanh vùng rò rỉ.",
         "Tỷ lệ thất thoát giảm còn {loss2}%; phát hiện và sửa nhiều điểm rò rỉ ngầm.", kinds=(UTILITY,)),
    # An toàn, vệ sinh lao động
    Idea("occupational-safety", "Che chắn an toàn cho {motor}",
         "Phần truyền động của {motor} để hở, đã có lần suýt cuốn tay áo công nhân.",
         "Làm tấm che bằng lưới thép có bản lề, mở ra là máy tự dừng nhờ công tắc hành trình.",
         "Từ khi lắp không còn sự cố nào; đoàn kiểm tra an toàn đánh giá tốt và đề nghị nhân rộng.",
         kinds=(FACTORY, UTILITY, FIELD), money=False),
    Idea("occupational-safety", "Thẻ kiểm tra an toàn trước ca bằng mã QR tại {place}",
         "Kiểm tra an toàn trước ca ghi tay, dễ bỏ sót và không ai tổng hợp.",
         "Mỗi thiết bị dán một mã QR, người vận hành quét bằng điện thoại và đánh dấu từng mục trước khi chạy.",
         "Tỷ lệ kiểm tra đủ trước ca đạt gần {high}%; lỗi phát hiện được sửa trong ngày.", money=False),
    Idea("occupational-safety", "Biển cảnh báo bằng hình ảnh tại {place}",
         "Biển cảnh báo chỉ có chữ, {staff} mới vào ít để ý.",
         "Thay bằng biển hình ảnh dễ hiểu, sơn vạch vàng khu vực nguy hiểm, đặt gương cầu ở góc khuất.",
         "Không còn va chạm ở khu vực này; người mới nhận biết được ngay ngày đầu.", money=False),
    Idea("occupational-safety", "Cảnh báo quá nhiệt cho {motor}",
         "{Motor} từng quá nhiệt mà không ai biết đến khi có mùi khét.",
         "Gắn cảm biến nhiệt và còi báo, vượt ngưỡng thì báo về điện thoại của tổ trực.",
         "Phát hiện sớm {n} lần quá nhiệt; tránh được hư hỏng lớn và nguy cơ cháy.", kinds=(FACTORY, UTILITY, FIELD)),
    Idea("occupational-safety", "Quy trình phòng ngừa phơi nhiễm tại {place}",
         "Nhân viên {place} đôi khi bị kim đâm hoặc văng bắn dịch khi thao tác.",
         "Bố trí hộp đựng vật sắc nhọn tại mọi xe tiêm, tập huấn lại quy trình và kiểm tra chéo hằng tuần.",
         "Số trường hợp phơi nhiễm giảm từ {count} xuống {count2} mỗi quý.", kinds=(HOSPITAL,), money=False),
    Idea("occupational-safety", "Giá treo dụng cụ chống rơi khi làm việc trên cao",
         "Dụng cụ hay rơi khi làm việc trên cao, nguy hiểm cho người bên dưới.",
         "Làm giá treo và dây giữ cho từng loại dụng cụ, đeo ngang thắt lưng.",
         "Không còn dụng cụ rơi; thao tác trên cao nhanh hơn vì không phải leo xuống lấy đồ.",
         kinds=(FIELD, UTILITY, FACTORY), groups=("works-and-technical",), money=False),
    # Tiết kiệm năng lượng, bảo vệ môi trường
    Idea("energy-environment", "Lắp biến tần cho {motor}",
         "{Motor} chạy hết công suất cả khi tải nhẹ, tốn điện và nóng động cơ.",
         "Lắp biến tần điều chỉnh tốc độ theo tải thực tế, cài đặt lại chế độ chạy theo ca.",
         "Điện năng tiêu thụ của {motor} giảm khoảng {pct}%; động cơ chạy êm và mát hơn.",
         groups=("works-and-technical", "enterprise-workers", "public-service")),
    Idea("energy-environment", "Thay đèn LED có cảm biến tại {place}",
         "Đèn ở {place} bật cả ngày, kể cả khi không có người.",
         "Thay đèn cũ bằng đèn LED, lắp cảm biến chuyển động ở hành lang và kho.",
         "Tiền điện chiếu sáng giảm khoảng {pct}%; ánh sáng đủ và đều hơn."),
    Idea("energy-environment", "Tận dụng nhiệt thải của {heat}",
         "Khí thải của {heat} còn rất nóng mà xả thẳng ra ngoài.",
         "Lắp bộ trao đổi nhiệt, dùng nhiệt thải để sấy nguyên liệu hoặc đun nước nóng cho nhà ăn.",
         "Tiết kiệm được khoảng {pct}% nhiên liệu; khu vực làm việc bớt nóng.", groups=("works-and-technical",)),
    Idea("energy-environment", "Hẹn giờ tắt điều hòa và thiết bị ngoài giờ",
         "Điều hòa, máy in để chạy qua đêm và cả ngày nghỉ.",
         "Gắn công tắc hẹn giờ, quy định nhiệt độ điều hòa 26 độ, phân công người kiểm tra cuối ngày.",
         "Tiền điện mỗi tháng giảm khoảng {pct}%.", kinds=(GOVERNMENT, SCHOOL, CULTURE, SERVICE, HOSPITAL)),
    Idea("energy-environment", "Phân loại rác tại nguồn ở {place}",
         "Rác thải để lẫn lộn, chi phí thu gom cao và mất vệ sinh.",
         "Đặt thùng ba ngăn có hình hướng dẫn, bán phế liệu tái chế lấy tiền bổ sung quỹ công đoàn.",
         "Lượng rác phải thuê chở đi giảm gần một nửa; khuôn viên sạch hơn.", money=False),
    Idea("energy-environment", "Thu gom nước mưa để tưới cây và rửa sân",
         "Mỗi tháng dùng hàng chục khối nước sạch chỉ để tưới cây, rửa sân.",
         "Tận dụng mái nhà, lắp máng và bồn chứa, bơm nhỏ chạy điện mặt trời.",
         "Tiết kiệm khoảng {tens} khối nước sạch mỗi tháng mùa mưa."),
    Idea("energy-environment", "Ủ phân hữu cơ từ phụ phẩm nông nghiệp",
         "Rơm rạ và phụ phẩm sau thu hoạch bị đốt ngoài đồng, gây khói và lãng phí.",
         "Hướng dẫn các hộ ủ phân bằng chế phẩm vi sinh, tổ hợp tác thu gom và bán lại phân hữu cơ.",
         "Hàng chục hộ tham gia; giảm hẳn khói đốt rơm; tiết kiệm tiền mua phân bón.",
         kinds=(GOVERNMENT,), groups=("new-countryside",)),
    # Chuyển đổi số
    Idea("digital-transformation", "Số hóa {record} và tra cứu trên máy tính",
         "{Record} để trong tủ giấy, mỗi lần tìm mất cả buổi.",
         "Quét và đặt tên theo quy tắc thống nhất, lưu trên máy chủ nội bộ, tra cứu theo từ khóa.",
         "Tìm một hồ sơ còn vài phút; đã số hóa hơn {n} nghìn trang."),
    Idea("digital-transformation", "Ứng dụng điện thoại ghi {record}",
         "{Record} ghi tay, cuối tháng tổng hợp mất {days} ngày và hay sai.",
         "Viết ứng dụng nhỏ trên điện thoại để nhập ngay tại {place}, số liệu tự cộng thành báo cáo.",
         "Thời gian tổng hợp còn {hours} giờ; lãnh đạo xem được số liệu hằng ngày."),
    Idea("digital-transformation", "Mã QR tra cứu thủ tục {service}",
         "{People} phải hỏi nhiều lần mới biết {service} cần những giấy tờ gì.",
         "Dán mã QR tại quầy, quét bằng Zalo là ra danh mục giấy tờ, biểu mẫu và thời hạn giải quyết.",
         "Số lần phải bổ sung hồ sơ giảm rõ rệt; quầy tiếp nhận bớt đông.",
         kinds=(GOVERNMENT, HOSPITAL, UTILITY, SERVICE, SCHOOL), money=False),
    Idea("digital-transformation", "Chatbot Zalo trả lời câu hỏi về {service}",
         "Cán bộ trả lời cùng một câu hỏi về {service} hàng chục lần mỗi ngày qua điện thoại.",
         "Soạn bộ câu hỏi thường gặp, cài chatbot trên trang Zalo của đơn vị, câu khó chuyển cho người trực.",
         "Chatbot trả lời khoảng {pct}% câu hỏi; cuộc gọi đến giảm một nửa.",
         kinds=(GOVERNMENT, UTILITY, SERVICE, HOSPITAL, SCHOOL)),
    Idea("digital-transformation", "Bảng theo dõi {record} trực tuyến dùng chung",
         "Mỗi bộ phận giữ một bản {record} riêng, số liệu vênh nhau khi báo cáo.",
         "Chuyển sang một bảng tính trực tuyến dùng chung, phân quyền nhập theo bộ phận, khóa số liệu cuối tháng.",
         "Báo cáo tháng xong sớm hơn {n} ngày; không còn phải đối chiếu số liệu giữa các bộ phận."),
    Idea("digital-transformation", "Ký số và gửi {record} qua hệ thống điện tử",
         "{Record} in ra, ký tay rồi chuyển qua nhiều phòng, mất {days} ngày mới xong.",
         "Dùng chữ ký số và luồng duyệt trên hệ thống quản lý văn bản, không in giấy.",
         "Thời gian duyệt còn {days2} ngày; tiết kiệm giấy in và công đi lại.",
         kinds=(GOVERNMENT, SERVICE, SCHOOL, HOSPITAL, CULTURE, UTILITY)),
    Idea("digital-transformation", "Nhắn tin nhắc lịch {service} cho {people}",
         "Nhiều {people} quên lịch {service}, phải gọi điện nhắc từng người.",
         "Phần mềm tự gửi tin nhắn Zalo nhắc trước một ngày, có nút xác nhận hoặc đổi lịch.",
         "Tỷ lệ đến đúng hẹn tăng từ {low}% lên {high}%.", kinds=(UTILITY, SERVICE, SCHOOL)),
    Idea("digital-transformation", "Nhắn tin nhắc lịch tái khám cho người bệnh mạn tính",
         "Nhiều người bệnh quên lịch tái khám, bỏ thuốc giữa chừng.",
         "Phần mềm tự gửi tin nhắn Zalo nhắc trước hai ngày, có nút xác nhận hoặc đổi lịch khám.",
         "Tỷ lệ tái khám đúng hẹn tăng từ {low}% lên {high}%.", kinds=(HOSPITAL,), money=False),
    # Cải cách hành chính
    Idea("administrative-reform", "Rút gọn quy trình {service}",
         "Quy trình {service} có {steps} bước, qua nhiều người ký, {people} phải chờ lâu.",
         "Rà soát bỏ các bước trùng, giao một đầu mối tiếp nhận và trả kết quả, công khai thời hạn.",
         "Quy trình còn {steps2} bước; thời gian giải quyết rút ngắn khoảng {pct}%.",
         kinds=(GOVERNMENT, HOSPITAL, SCHOOL, UTILITY, SERVICE, CULTURE), money=False),
    Idea("administrative-reform", "Phiếu hẹn điện tử cho {service}",
         "{People} đến nộp hồ sơ {service} phải xếp hàng từ sớm, nhiều người về tay không.",
         "Cho đặt lịch trước qua Zalo, mỗi khung giờ nhận một số lượng hồ sơ nhất định.",
         "Không còn cảnh chen lấn; thời gian chờ trung bình còn khoảng {b} phút.",
         kinds=(GOVERNMENT, UTILITY), money=False),
    Idea("administrative-reform", "Bộ biểu mẫu {service} có hướng dẫn điền sẵn",
         "Hồ sơ {service} hay bị trả lại vì điền sai biểu mẫu.",
         "Soạn bộ biểu mẫu có sẵn ví dụ điền mẫu, đăng trên trang thông tin và in tại quầy.",
         "Tỷ lệ hồ sơ phải bổ sung giảm từ {rate}% xuống {rate2}%.",
         kinds=(GOVERNMENT, SCHOOL, HOSPITAL, SERVICE), money=False),
    Idea("administrative-reform", "Tiếp nhận và trả kết quả {service} qua bưu điện",
         "{People} ở xa phải đi lại nhiều lần để nộp hồ sơ và nhận kết quả {service}.",
         "Phối hợp với bưu điện nhận hồ sơ và trả kết quả tận nhà, phí do người dân chọn.",
         "Hàng trăm hồ sơ mỗi năm không phải đến trực tiếp; người dân đánh giá cao.",
         kinds=(GOVERNMENT,), money=False),
    Idea("administrative-reform", "Lịch họp và giao việc trên phần mềm thay giấy",
         "Lịch họp, giấy mời in phát tay, thay đổi phút chót nhiều người không biết.",
         "Đưa lịch công tác lên phần mềm dùng chung, tự gửi thông báo khi có thay đổi.",
         "Mỗi năm bớt hàng nghìn trang giấy in; không còn ai lỡ cuộc họp vì không nhận được giấy mời.",
         kinds=(GOVERNMENT, SCHOOL, CULTURE, HOSPITAL)),
    # Phát triển kinh tế - xã hội
    Idea("socio-economic", "Tổ tư vấn pháp luật lao động cho {staff}",
         "{Staff} ít hiểu quyền lợi về hợp đồng, bảo hiểm, nhiều việc nhỏ thành mâu thuẫn.",
         "Lập tổ tư vấn gồm cán bộ công đoàn và người có chuyên môn, trực vào giờ nghỉ trưa thứ Sáu.",
         "Tư vấn cho hàng trăm lượt người; nhiều vướng mắc được giải quyết ngay tại đơn vị.", money=False),
    Idea("socio-economic", "Liên kết tiêu thụ nông sản cho hợp tác xã",
         "Nông sản của các hộ bán lẻ, giá thấp và bấp bênh theo mùa.",
         "Kết nối hợp tác xã với bếp ăn các cơ quan và doanh nghiệp, ký hợp đồng cung cấp theo tuần.",
         "Các hộ tham gia có thu nhập ổn định hơn; mỗi tháng tiêu thụ được vài tấn rau củ.",
         kinds=(GOVERNMENT,), groups=("new-countryside",)),
    Idea("socio-economic", "Điểm sinh hoạt cộng đồng dùng chung ở thôn",
         "Thôn chưa có nơi sinh hoạt, họp dân phải mượn nhà riêng.",
         "Vận động xã hội hóa, tận dụng nhà kho cũ của hợp tác xã sửa lại làm điểm sinh hoạt.",
         "Có nơi họp dân, sinh hoạt văn hóa; người dân góp công góp sức.", kinds=(GOVERNMENT,),
         groups=("new-countryside",), money=False),
    Idea("socio-economic", "Hướng dẫn thanh toán không dùng tiền mặt cho {people}",
         "Nhiều {people} chưa quen thanh toán qua ngân hàng, vẫn phải xếp hàng nộp tiền mặt.",
         "Tổ chức các buổi hướng dẫn ngắn, dán mã QR thanh toán tại quầy, hỗ trợ cài đặt ứng dụng.",
         "Tỷ lệ thanh toán không dùng tiền mặt tăng từ {low}% lên {high}%.",
         kinds=(UTILITY, SERVICE, HOSPITAL, GOVERNMENT)),
    Idea("socio-economic", "Câu lạc bộ kỹ năng số cho người cao tuổi tại địa bàn",
         "Người cao tuổi không biết dùng điện thoại để làm thủ tục trực tuyến.",
         "Đoàn viên trẻ hướng dẫn mỗi tối thứ Bảy tại nhà văn hóa, in tài liệu hình ảnh từng bước.",
         "Hơn {big} người đã tự làm được thủ tục trực tuyến đơn giản.", kinds=(GOVERNMENT, SCHOOL, CULTURE),
         money=False),
    Idea("socio-economic", "Chương trình trải nghiệm cho {people} ngoài giờ",
         "{People} ít có cơ hội tìm hiểu hoạt động của đơn vị và lịch sử địa phương.",
         "Thiết kế chương trình tham quan có hướng dẫn viên là đoàn viên, đặt lịch trực tuyến.",
         "Mỗi tháng có thêm khoảng {n} đoàn đến; nguồn thu dịch vụ tăng.", kinds=(CULTURE, SCHOOL)),
    # Đổi mới tổ chức và hoạt động công đoàn
    Idea("union-work", "Sổ tay đoàn viên điện tử",
         "Đoàn viên ít biết các chế độ, phúc lợi công đoàn mình được hưởng.",
         "Làm sổ tay điện tử trên Zalo: quyền lợi, thủ tục thăm hỏi, số điện thoại tổ hỗ trợ.",
         "Hầu hết đoàn viên đã cài đặt; câu hỏi lặp lại với ban chấp hành giảm rõ.", money=False),
    Idea("union-work", "Tổ hỗ trợ đoàn viên ghi sáng kiến tại {place}",
         "Nhiều người có ý tưởng hay nhưng ngại viết, không biết ghi vào phần mềm.",
         "Lập tổ hỗ trợ có số điện thoại công khai, đến tận {place} giúp ghi và gửi sáng kiến.",
         "Số sáng kiến gửi lên tăng gấp {x} lần so với cùng kỳ.", money=False),
    Idea("union-work", "Khảo sát ý kiến đoàn viên trực tuyến hằng quý",
         "Đoàn viên ngại nói ý kiến trong hội nghị, ban chấp hành khó nắm tâm tư.",
         "Khảo sát ẩn danh qua mã QR mỗi quý, công bố kết quả và việc sẽ làm tại bảng tin.",
         "Mỗi quý có hàng trăm ý kiến; nhiều việc được sửa ngay như giờ ăn ca, nhà vệ sinh, chỗ để xe.",
         money=False),
    Idea("union-work", "Quỹ tương trợ đoàn viên công khai trên bảng tính",
         "Thu chi quỹ tương trợ ghi sổ tay, đoàn viên không biết quỹ còn bao nhiêu.",
         "Ghi thu chi trên bảng tính công khai cho đoàn viên xem, mỗi khoản có chứng từ chụp ảnh.",
         "Đoàn viên tin tưởng hơn; số người tham gia đóng góp tăng khoảng {pct}%.", money=False),
    Idea("union-work", "Đối thoại định kỳ giữa {staff} và lãnh đạo đơn vị",
         "Kiến nghị của {staff} qua nhiều cấp mới đến lãnh đạo, trả lời chậm.",
         "Công đoàn tổ chức đối thoại mỗi quý, ghi nhận kiến nghị, công bố thời hạn trả lời.",
         "Đã giải quyết dứt điểm {n} kiến nghị; không còn đơn thư vượt cấp.", money=False),
    Idea("union-work", "Bữa ăn ca dinh dưỡng do công nhân cùng giám sát",
         "Công nhân phàn nàn bữa ăn ca không đảm bảo, ít người ăn hết suất.",
         "Công đoàn cử đại diện các tổ giám sát thực đơn và bếp hằng tuần, công khai định lượng.",
         "Số người hài lòng tăng rõ; suất ăn bỏ thừa giảm khoảng {pct}%.", kinds=ENTERPRISE_KINDS),
]
FIELDS = sorted({idea.field for idea in IDEAS})

# ------------------------------------------------------------------ the extra sentences

CONTEXT = [
    "{Authors} đã theo dõi và ghi chép số liệu {weeks} tuần liền trước khi đề xuất.",
    "Việc này lặp lại hằng ngày nên ai cũng thấy bất tiện.",
    "Đoàn viên đã nhiều lần nêu ý kiến tại hội nghị người lao động.",
    "Cấp trên nhắc nhở nhiều lần trong các đợt kiểm tra.",
    "Mùa cao điểm cuối năm, tình trạng này càng rõ.",
    "Các đơn vị bạn trong ngành cũng gặp khó khăn tương tự.",
    "Chi phí phát sinh vì việc này mỗi năm không nhỏ.",
    "Tình trạng này kéo dài nhiều năm nay.",
]
HOW = [
    "{Authors} tự làm trong {weeks} tuần, chi phí khoảng {cost} triệu đồng.",
    "Giải pháp tận dụng vật tư có sẵn, hầu như không tốn thêm chi phí.",
    "Giải pháp được thực hiện trong {weeks} tuần, chi phí khoảng {cost} triệu đồng.",
    "Đã chạy thử một tháng ở một bộ phận rồi mới áp dụng toàn đơn vị.",
    "Có hướng dẫn bằng hình ảnh để người khác làm theo được.",
    "Bộ phận kỹ thuật đã kiểm tra và đồng ý cho áp dụng chính thức.",
    "{Authors} đã trình bày tại cuộc họp giao ban và được lãnh đạo ủng hộ.",
    "Các bước làm được ghi lại thành quy trình, giao người phụ trách duy trì.",
]
GAIN = [
    "Giá trị làm lợi ước tính khoảng {benefit} mỗi năm.",
    "Tính ra mỗi năm làm lợi khoảng {benefit}.",
    "Phòng Kế toán ước tính tiết kiệm khoảng {benefit} mỗi năm.",
]
NO_GAIN = [
    "Hiệu quả chủ yếu về xã hội, chưa tính được thành tiền.",
    "Lợi ích khó quy ra tiền nhưng được đoàn viên ghi nhận.",
    "Giải pháp có thể áp dụng ở các đơn vị khác trong hệ thống.",
    "Đơn vị đề nghị nhân rộng trong năm tới.",
]

# What tells apart a second initiative of one idea at one place (rarely needed).
AGAIN = ["áp dụng cho ca đêm", "mở rộng toàn đơn vị", "phiên bản cải tiến", "giai đoạn hai", "bổ sung cảnh báo",
         "theo góp ý của đoàn viên"]

# ------------------------------------------------------------------ people

FAMILY = [("Nguyễn", 38), ("Trần", 11), ("Lê", 9), ("Phạm", 7), ("Hoàng", 4), ("Huỳnh", 2), ("Phan", 4),
          ("Vũ", 3), ("Võ", 2), ("Đặng", 2), ("Bùi", 2), ("Đỗ", 2), ("Hồ", 1), ("Ngô", 1), ("Dương", 1), ("Lý", 1),
          ("Trịnh", 1), ("Đinh", 1), ("Mai", 1), ("Lương", 1), ("Cao", 1), ("Tạ", 1), ("Hà", 1), ("Chu", 1)]
MIDDLE = {"m": ["Văn", "Đức", "Minh", "Quốc", "Hữu", "Thanh", "Công", "Đình", "Xuân", "Quang", "Tiến", "Mạnh",
                "Trọng", "Ngọc", "Bá", "Tuấn"],
          "f": ["Thị", "Thu", "Ngọc", "Thanh", "Hồng", "Minh", "Kim", "Phương", "Thùy", "Diệu", "Bích", "Mai",
                "Thị Thu", "Thị Hồng"]}
GIVEN = {"m": ["Anh", "Bình", "Cường", "Dũng", "Đức", "Giang", "Hải", "Hiếu", "Hòa", "Hùng", "Huy", "Khánh", "Khoa",
               "Kiên", "Lâm", "Long", "Luân", "Mạnh", "Nam", "Nghĩa", "Phong", "Phúc", "Quân", "Quang", "Sơn", "Tài",
               "Thắng", "Thành", "Thịnh", "Toàn", "Trung", "Tuấn", "Tùng", "Việt", "Vinh", "Vũ", "Hưng", "Định"],
         "f": ["An", "Anh", "Bích", "Chi", "Dung", "Duyên", "Giang", "Hà", "Hạnh", "Hằng", "Hiền", "Hoa", "Huệ",
               "Hương", "Lan", "Liên", "Linh", "Loan", "Mai", "Nga", "Ngân", "Ngọc", "Nhung", "Oanh", "Phương",
               "Quỳnh", "Tâm", "Thảo", "Thủy", "Trang", "Trinh", "Uyên", "Vân", "Yến"]}

# ------------------------------------------------------------------ reasons the reviewers give

REASONS = {
    "invalidate": [
        "Nội dung trùng với sáng kiến đã được công nhận tại đơn vị năm trước.",
        "Đây là nhiệm vụ thường xuyên theo chức trách, chưa phải giải pháp mới.",
        "Chưa được áp dụng hay áp dụng thử tại đơn vị, chưa có số liệu kiểm chứng.",
        "Giải pháp đã được áp dụng rộng rãi trong ngành từ trước, không còn tính mới.",
        "Nội dung là kiến nghị chung, chưa nêu được giải pháp cụ thể.",
    ],
    "request_revision": [
        "Đề nghị bổ sung số liệu trước và sau khi áp dụng.",
        "Cần ghi rõ cách tính giá trị làm lợi ước tính.",
        "Đề nghị bổ sung xác nhận của trưởng bộ phận nơi áp dụng.",
        "Mô tả giải pháp còn chung chung, đề nghị nêu cụ thể các bước thực hiện.",
        "Tỷ lệ đóng góp của các đồng tác giả chưa thống nhất, đề nghị nhóm xác nhận lại.",
        "Đề nghị ghi rõ thời điểm bắt đầu áp dụng và phạm vi áp dụng.",
    ],
    "decline": [
        "Hiệu quả chưa rõ so với cách làm cũ; đề nghị tiếp tục theo dõi thêm một thời gian.",
        "Phạm vi áp dụng còn hẹp, chưa đủ điều kiện công nhận ở cấp này.",
        "Giá trị làm lợi chưa được xác nhận bằng số liệu kế toán.",
        "Hội đồng đánh giá giải pháp chưa có tính mới so với các sáng kiến đã công nhận.",
    ],
    "recognize": [
        "Giải pháp thiết thực, đề nghị nhân rộng ra các đơn vị trong hệ thống.",
        "Hội đồng đánh giá cao tính sáng tạo của nhóm tác giả.",
        "Đề nghị biểu dương nhóm tác giả tại hội nghị tổng kết.",
    ],
    "withdraw": [
        "Nhóm tác giả xin rút để hoàn thiện thêm và gửi lại ở giai đoạn sau.",
        "Trùng với sáng kiến đồng nghiệp đã gửi trước.",
        "Tác giả chuyển công tác nên xin rút sáng kiến.",
    ],
}
# What the authors add when they send back an initiative returned for revision.
REVISED = [
    "Bổ sung: số liệu ba tháng trước và sau khi áp dụng có xác nhận của trưởng bộ phận.",
    "Bổ sung: cách tính giá trị làm lợi theo đơn giá vật tư và tiền điện thực tế.",
    "Bổ sung: các bước thực hiện cụ thể và ảnh chụp trước, sau khi cải tiến.",
    "Bổ sung: nhóm đã thống nhất lại tỷ lệ đóng góp của từng người.",
]

# ------------------------------------------------------------------ composing


def money(vnd: int) -> str:
    """An amount as a Vietnamese text writes it: 45 triệu đồng, 1,2 tỷ đồng."""
    if vnd >= 1_000_000_000:
        billions = round(vnd / 1_000_000_000, 1)
        return f"{billions:g} tỷ đồng".replace(".", ",")
    return f"{round(vnd / 1_000_000):,} triệu đồng".replace(",", ".")


def capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


class Writer:
    """Draws the texts of one initiative after another from `rng` (random.Random),
    keeping titles unique across everything it wrote and `taken` (titles in use)."""

    def __init__(self, rng: random.Random, taken=()):
        self.rng = rng
        self.titles = {fold_title(title) for title in taken}
        self.texts: set = set()  # (problem, solution, results) written, before the benefit's sentence

    def ideas_for(self, kind: str, field: str | None = None) -> list[Idea]:
        """The ideas of `field` (any field: None) that fit a workplace of `kind`."""
        return [idea for idea in IDEAS if fits(idea, kind) and (field is None or idea.field == field)]

    def fill(self, template: str, words: dict) -> str:
        def one(match):
            name = match.group(1)
            value = words[name.lower()]
            return capitalised(value) if name[0].isupper() else value
        return SLOT.sub(one, template)

    def numbers(self) -> dict:
        """The numbers one initiative's texts quote, drawn so that "before" and "after" agree."""
        rng = self.rng
        a, rate, loss, low, steps = (rng.randint(12, 60), rng.randint(4, 18), rng.randint(18, 32),
                                     rng.randint(35, 70), rng.randint(7, 12))
        count = rng.randint(6, 20)
        return {"a": a, "b": max(2, a * rng.randint(15, 45) // 100), "rate": rate,
                "rate2": max(1, rate * rng.randint(20, 50) // 100), "loss": loss, "loss2": loss - rng.randint(5, 12),
                "low": low, "high": rng.randint(max(low + 10, 80), 97), "steps": steps, "steps2": rng.randint(3, 5),
                "count": count, "count2": rng.randint(0, count // 4), "days": rng.randint(3, 10),
                "days2": rng.randint(1, 2), "n": rng.randint(2, 12), "x": rng.randint(2, 4),
                "tens": rng.randint(20, 90),
                "big": rng.randint(15, 90) * 10, "pct": rng.choice([8, 10, 12, 15, 18, 20, 25, 30, 35, 40]),
                "hours": rng.randint(2, 16), "weeks": rng.randint(2, 10), "cost": rng.randint(2, 40)}

    def write(self, kind: str, field: str, authors: int, benefit_of, workplace: str = "") -> dict:
        """Title, problem, solution, results and the place applied of an
        initiative of `field` at `workplace` (the union's name without
        "Công đoàn"), a workplace of `kind`, by `authors` people;
        `benefit_of(idea)` draws its estimated benefit (None: not put in
        money), which the results quote. Raises LookupError when no idea of
        `field` fits `kind`."""
        rng = self.rng
        ideas = self.ideas_for(kind, field)
        if not ideas:
            raise LookupError(field)
        vocabulary = VOCABULARY[kind]
        for attempt in range(200):
            idea = rng.choice(ideas)
            words = {name: str(value) for name, value in self.numbers().items()} | {
                name: value if isinstance(value, str) else rng.choice(value) for name, value in vocabulary.items()} | {
                "authors": "tác giả" if authors == 1 else "nhóm tác giả"}
            for name in ("machine", "tool", "motor", "heat"):
                if name in words and rng.random() < 0.4:
                    words[name] += f" số {rng.randint(1, 6)}"  # one of the workplace's machines
            title = self.fill(idea.title, words)
            # Where it is applied, and at which workplace, tell apart the same idea elsewhere (as people
            # write titles: "... tại Phân xưởng Cơ khí", "... tại Sở Tài chính tỉnh An Giang").
            where = "" if "{place}" in idea.title else words["place"]
            variant = min(attempt // 3, 3) if attempt else rng.choice([0, 0, 1, 1, 2, 3])
            if variant == 1 and where:
                title += f" tại {where}"
            elif variant == 2 and workplace:
                title += f" tại {workplace}"
            elif variant == 3 and (where or workplace):
                title += " tại " + ", ".join(part for part in (where, workplace) if part)
            if attempt >= 150:
                title += f" – {rng.choice(AGAIN)}"
            key = fold_title(title)
            if key in self.titles:
                continue
            problem = nfc(self.fill(idea.problem, words) + " " + self.fill(rng.choice(CONTEXT), words))
            solution = nfc(self.fill(idea.solution, words) + " " + self.fill(rng.choice(HOW), words))
            results = self.fill(idea.results, words)
            if (problem, solution, results) in self.texts:
                continue  # the same words as another one's: draw again
            self.titles.add(key)
            self.texts.add((problem, solution, results))
            benefit = benefit_of(idea)
            gain = rng.choice(GAIN).format(benefit=money(benefit)) if benefit else rng.choice(NO_GAIN)
            return {"title": nfc(capitalised(title)), "problem": problem, "solution": solution,
                    "results": nfc(results + " " + gain), "applied_where": nfc(words["place"]),
                    "benefit_vnd": benefit, "idea": idea}
        raise RuntimeError("no unused title left for this kind and field")

    def person(self, used: set) -> str:
        """A Vietnamese full name not in `used` (a union's members: namesakes would be one person)."""
        rng = self.rng
        families = [name for name, _ in FAMILY]
        weights = [weight for _, weight in FAMILY]
        for _ in range(500):
            sex = rng.choice("mf")
            name = f"{rng.choices(families, weights)[0]} {rng.choice(MIDDLE[sex])} {rng.choice(GIVEN[sex])}"
            if name not in used:
                used.add(name)
                return nfc(name)
        raise RuntimeError("no unused name left")

    def reason(self, event: str) -> str:
        return nfc(self.rng.choice(REASONS[event]))

    def revised(self, text: str) -> str:
        return nfc(text + " " + self.rng.choice(REVISED))


SLOT = re.compile(r"\{([A-Za-z][A-Za-z0-9]*)\}")
NUMBERS = ("a", "b", "rate", "rate2", "loss", "loss2", "low", "high", "steps", "steps2", "count", "count2", "days",
           "days2", "n", "x", "tens", "big", "pct", "hours", "weeks", "cost", "authors")


@functools.lru_cache(maxsize=None)
def fits(idea: Idea, kind: str) -> bool:
    """Whether `idea` fits a workplace of `kind`: one of its kinds, having every word it uses."""
    if kind not in idea.kinds:
        return False
    used = {name.lower() for text in (idea.title, idea.problem, idea.solution, idea.results)
            for name in SLOT.findall(text)}
    return all(name in VOCABULARY[kind] or name in NUMBERS for name in used)


def fold_title(title: str) -> str:
    """A title as compared for uniqueness: case, diacritics and spacing ignored."""
    from chalicelib.text import fold

    return fold(title)
