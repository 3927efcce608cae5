#!/usr/bin/env python3
"""Generate the demo reference data in data/demo/.

Writes organisation.json, programs.json, targets.json and users.json (the reference
data), and initiatives.json: initiatives `serve` enters through the app's own service
when it starts (scripts/seed_demo.py), so that the local run shows what a first page
cannot: an invitation to co-author waiting for a demo user. The output is
deterministic (no clock, no randomness): running the script twice gives identical bytes,
so the generated files are committed and a diff shows exactly what a change to this
script did. Unit, program and person names are plausible demo data; the 63 provinces
(before the 2025 merger) and the sector unions are real, most units below them are not.

Usage: python scripts/make_demo_data.py [--out DIR]
"""

import argparse
import json
import re
import unicodedata
from pathlib import Path

OUT_DIR = Path(__file__).resolve().parent.parent / "data" / "demo"

NATIONAL = ("tld", "Tổng Liên đoàn Lao động Việt Nam")

# The 63 provinces and centrally-run cities before the 2025 merger:
# (province name, is a centrally-run city, one upper-grassroots federation under it).
# The federation is the provincial capital's; a district for the centrally-run cities.
PROVINCES = [
    ("An Giang", False, "thành phố Long Xuyên"),
    ("Bà Rịa - Vũng Tàu", False, "thành phố Vũng Tàu"),
    ("Bắc Giang", False, "thành phố Bắc Giang"),
    ("Bắc Kạn", False, "thành phố Bắc Kạn"),
    ("Bạc Liêu", False, "thành phố Bạc Liêu"),
    ("Bắc Ninh", False, "thành phố Bắc Ninh"),
    ("Bến Tre", False, "thành phố Bến Tre"),
    ("Bình Định", False, "thành phố Quy Nhơn"),
    ("Bình Dương", False, "thành phố Thủ Dầu Một"),
    ("Bình Phước", False, "thành phố Đồng Xoài"),
    ("Bình Thuận", False, "thành phố Phan Thiết"),
    ("Cà Mau", False, "thành phố Cà Mau"),
    ("Cần Thơ", True, "quận Ninh Kiều"),
    ("Cao Bằng", False, "thành phố Cao Bằng"),
    ("Đà Nẵng", True, "quận Hải Châu"),
    ("Đắk Lắk", False, "thành phố Buôn Ma Thuột"),
    ("Đắk Nông", False, "thành phố Gia Nghĩa"),
    ("Điện Biên", False, "thành phố Điện Biên Phủ"),
    ("Đồng Nai", False, "thành phố Biên Hòa"),
    ("Đồng Tháp", False, "thành phố Cao Lãnh"),
    ("Gia Lai", False, "thành phố Pleiku"),
    ("Hà Giang", False, "thành phố Hà Giang"),
    ("Hà Nam", False, "thành phố Phủ Lý"),
    ("Hà Nội", True, None),  # built by hand below
    ("Hà Tĩnh", False, "thành phố Hà Tĩnh"),
    ("Hải Dương", False, "thành phố Hải Dương"),
    ("Hải Phòng", True, "quận Ngô Quyền"),
    ("Hậu Giang", False, "thành phố Vị Thanh"),
    ("Hòa Bình", False, "thành phố Hòa Bình"),
    ("Hưng Yên", False, "thành phố Hưng Yên"),
    ("Khánh Hòa", False, "thành phố Nha Trang"),
    ("Kiên Giang", False, "thành phố Rạch Giá"),
    ("Kon Tum", False, "thành phố Kon Tum"),
    ("Lai Châu", False, "thành phố Lai Châu"),
    ("Lâm Đồng", False, "thành phố Đà Lạt"),
    ("Lạng Sơn", False, "thành phố Lạng Sơn"),
    ("Lào Cai", False, "thành phố Lào Cai"),
    ("Long An", False, "thành phố Tân An"),
    ("Nam Định", False, "thành phố Nam Định"),
    ("Nghệ An", False, "thành phố Vinh"),
    ("Ninh Bình", False, "thành phố Ninh Bình"),
    ("Ninh Thuận", False, "thành phố Phan Rang - Tháp Chàm"),
    ("Phú Thọ", False, "thành phố Việt Trì"),
    ("Phú Yên", False, "thành phố Tuy Hòa"),
    ("Quảng Bình", False, "thành phố Đồng Hới"),
    ("Quảng Nam", False, "thành phố Tam Kỳ"),
    ("Quảng Ngãi", False, "thành phố Quảng Ngãi"),
    ("Quảng Ninh", False, "thành phố Hạ Long"),
    ("Quảng Trị", False, "thành phố Đông Hà"),
    ("Sóc Trăng", False, "thành phố Sóc Trăng"),
    ("Sơn La", False, "thành phố Sơn La"),
    ("Tây Ninh", False, "thành phố Tây Ninh"),
    ("Thái Bình", False, "thành phố Thái Bình"),
    ("Thái Nguyên", False, "thành phố Thái Nguyên"),
    ("Thanh Hóa", False, None),  # built by hand below
    ("Thừa Thiên Huế", False, "thành phố Huế"),
    ("Tiền Giang", False, "thành phố Mỹ Tho"),
    ("Hồ Chí Minh", True, "thành phố Thủ Đức"),
    ("Trà Vinh", False, "thành phố Trà Vinh"),
    ("Tuyên Quang", False, "thành phố Tuyên Quang"),
    ("Vĩnh Long", False, "thành phố Vĩnh Long"),
    ("Vĩnh Phúc", False, "thành phố Vĩnh Yên"),
    ("Yên Bái", False, "thành phố Yên Bái"),
]

# The 20 central sector unions and corporation unions directly under the VGCL:
# (id, name, kind). Công Thương and Y tế are built by hand below; every other one gets
# the upper-grassroots union listed in SECTOR_BRANCHES.
SECTORS = [
    ("cd-vien-chuc", "Công đoàn Viên chức Việt Nam", "central_sector_union"),
    ("cd-giao-duc", "Công đoàn Giáo dục Việt Nam", "central_sector_union"),
    ("cd-y-te", "Công đoàn Y tế Việt Nam", "central_sector_union"),
    ("cd-cong-thuong", "Công đoàn Công Thương Việt Nam", "central_sector_union"),
    ("cd-giao-thong-van-tai", "Công đoàn Giao thông Vận tải Việt Nam", "central_sector_union"),
    ("cd-xay-dung", "Công đoàn Xây dựng Việt Nam", "central_sector_union"),
    ("cd-nong-nghiep", "Công đoàn Nông nghiệp và Phát triển nông thôn Việt Nam", "central_sector_union"),
    ("cd-ngan-hang", "Công đoàn Ngân hàng Việt Nam", "central_sector_union"),
    ("cd-quoc-phong", "Công đoàn Quốc phòng", "central_sector_union"),
    ("cd-cong-an", "Công đoàn Công an nhân dân Việt Nam", "central_sector_union"),
    ("cd-buu-dien", "Công đoàn Bưu điện Việt Nam", "central_sector_union"),
    ("cd-co-quan-tld", "Công đoàn Cơ quan Tổng Liên đoàn Lao động Việt Nam", "central_sector_union"),
    ("cd-dau-khi", "Công đoàn Dầu khí Việt Nam", "corporation_union"),
    ("cd-dien-luc", "Công đoàn Điện lực Việt Nam", "corporation_union"),
    ("cd-than-khoang-san", "Công đoàn Than - Khoáng sản Việt Nam", "corporation_union"),
    ("cd-det-may", "Công đoàn Dệt may Việt Nam", "corporation_union"),
    ("cd-cao-su", "Công đoàn Cao su Việt Nam", "corporation_union"),
    ("cd-duong-sat", "Công đoàn Đường sắt Việt Nam", "corporation_union"),
    ("cd-hang-khong", "Công đoàn Hàng không Việt Nam", "corporation_union"),
    ("cd-hang-hai", "Công đoàn Tổng Công ty Hàng hải Việt Nam", "corporation_union"),
]

ENT, ADM = "enterprise", "administrative"

# Below each remaining sector union: parent id -> (upper-grassroots id, name, [grassroots]).
SECTOR_BRANCHES = {
    "cd-vien-chuc": ("cd-bo-tu-phap", "Công đoàn Bộ Tư pháp", [
        ("cdcs-dh-luat-ha-noi", "Công đoàn Trường Đại học Luật Hà Nội", ADM),
        ("cdcs-hoc-vien-tu-phap", "Công đoàn Học viện Tư pháp", ADM)]),
    "cd-giao-duc": ("cd-dhqg-ha-noi", "Công đoàn Đại học Quốc gia Hà Nội", [
        ("cdcs-dh-khtn-ha-noi", "Công đoàn Trường Đại học Khoa học Tự nhiên", ADM),
        ("cdcs-dh-cong-nghe-ha-noi", "Công đoàn Trường Đại học Công nghệ", ADM)]),
    "cd-giao-thong-van-tai": ("cd-tct-cienco-4", "Công đoàn Tổng Công ty Xây dựng Công trình Giao thông 4", [
        ("cdcs-cau-duong-cienco-4", "Công đoàn Công ty CP Xây dựng Cầu đường 4", ENT),
        ("cdcs-co-khi-cienco-4", "Công đoàn Công ty CP Cơ khí và Xây dựng Giao thông 4", ENT)]),
    "cd-xay-dung": ("cd-tct-viglacera", "Công đoàn Tổng Công ty Viglacera - CTCP", [
        ("cdcs-kinh-noi-viglacera", "Công đoàn Công ty Kính nổi Viglacera", ENT),
        ("cdcs-su-viglacera-thanh-tri", "Công đoàn Công ty CP Sứ Viglacera Thanh Trì", ENT)]),
    "cd-nong-nghiep": ("cd-tct-lam-nghiep", "Công đoàn Tổng Công ty Lâm nghiệp Việt Nam", [
        ("cdcs-lam-nghiep-dong-bac", "Công đoàn Công ty TNHH MTV Lâm nghiệp Đông Bắc", ENT),
        ("cdcs-giong-lam-nghiep", "Công đoàn Công ty CP Giống lâm nghiệp Trung ương", ENT)]),
    "cd-ngan-hang": ("cd-vietinbank", "Công đoàn Ngân hàng TMCP Công Thương Việt Nam", [
        ("cdcs-vietinbank-hoan-kiem", "Công đoàn VietinBank Chi nhánh Hoàn Kiếm", ENT),
        ("cdcs-vietinbank-thanh-hoa", "Công đoàn VietinBank Chi nhánh Thanh Hóa", ENT)]),
    "cd-quoc-phong": ("cd-viettel", "Công đoàn Tập đoàn Công nghiệp - Viễn thông Quân đội", [
        ("cdcs-viettel-telecom", "Công đoàn Tổng Công ty Viễn thông Viettel", ENT),
        ("cdcs-viettel-post", "Công đoàn Tổng Công ty CP Bưu chính Viettel", ENT)]),
    "cd-cong-an": ("cd-cuc-y-te-bca", "Công đoàn Cục Y tế - Bộ Công an", [
        ("cdcs-bv-199", "Công đoàn Bệnh viện 199", ADM),
        ("cdcs-bv-30-4", "Công đoàn Bệnh viện 30-4", ADM)]),
    "cd-buu-dien": ("cd-tct-buu-dien", "Công đoàn Tổng Công ty Bưu điện Việt Nam", [
        ("cdcs-buu-dien-ha-noi", "Công đoàn Bưu điện Thành phố Hà Nội", ENT),
        ("cdcs-buu-dien-thanh-hoa", "Công đoàn Bưu điện tỉnh Thanh Hóa", ENT)]),
    "cd-co-quan-tld": ("cd-don-vi-su-nghiep-tld", "Công đoàn các Đơn vị sự nghiệp trực thuộc Tổng Liên đoàn", [
        ("cdcs-dh-cong-doan", "Công đoàn Trường Đại học Công đoàn", ADM),
        ("cdcs-bao-lao-dong", "Công đoàn Báo Lao động", ADM)]),
    "cd-dau-khi": ("cd-pv-gas", "Công đoàn Tổng Công ty Khí Việt Nam", [
        ("cdcs-khi-ca-mau", "Công đoàn Công ty Khí Cà Mau", ENT),
        ("cdcs-che-bien-khi-vung-tau", "Công đoàn Công ty Chế biến Khí Vũng Tàu", ENT)]),
    "cd-dien-luc": ("cd-evn-npc", "Công đoàn Tổng Công ty Điện lực miền Bắc", [
        ("cdcs-dien-luc-thanh-hoa", "Công đoàn Công ty Điện lực Thanh Hóa", ENT),
        ("cdcs-dien-luc-thai-nguyen", "Công đoàn Công ty Điện lực Thái Nguyên", ENT)]),
    "cd-than-khoang-san": ("cd-vvmi", "Công đoàn Tổng Công ty Công nghiệp mỏ Việt Bắc TKV", [
        ("cdcs-than-na-duong", "Công đoàn Công ty Than Na Dương - VVMI", ENT),
        ("cdcs-than-khanh-hoa", "Công đoàn Công ty Than Khánh Hòa - VVMI", ENT)]),
    "cd-det-may": ("cd-tct-may-10", "Công đoàn Tổng Công ty May 10 - CTCP", [
        ("cdcs-xn-veston-ha-noi", "Công đoàn Xí nghiệp May Veston Hà Nội", ENT),
        ("cdcs-xn-may-dong-hung", "Công đoàn Xí nghiệp May Đông Hưng", ENT)]),
    "cd-cao-su": ("cd-cao-su-dau-tieng", "Công đoàn Công ty TNHH MTV Cao su Dầu Tiếng", [
        ("cdcs-nt-long-hoa", "Công đoàn Nông trường Cao su Long Hòa", ENT),
        ("cdcs-nt-thanh-an", "Công đoàn Nông trường Cao su Thanh An", ENT)]),
    "cd-duong-sat": ("cd-van-tai-ds-ha-noi", "Công đoàn Công ty CP Vận tải Đường sắt Hà Nội", [
        ("cdcs-dau-may-ha-noi", "Công đoàn Xí nghiệp Đầu máy Hà Nội", ENT),
        ("cdcs-toa-xe-ha-noi", "Công đoàn Xí nghiệp Toa xe Hà Nội", ENT)]),
    "cd-hang-khong": ("cd-vietnam-airlines", "Công đoàn Tổng Công ty Hàng không Việt Nam", [
        ("cdcs-vaeco", "Công đoàn Công ty TNHH Kỹ thuật Máy bay", ENT),
        ("cdcs-doan-tiep-vien", "Công đoàn Đoàn Tiếp viên", ENT)]),
    "cd-hang-hai": ("cd-cang-hai-phong", "Công đoàn Công ty CP Cảng Hải Phòng", [
        ("cdcs-cang-tan-vu", "Công đoàn Chi nhánh Cảng Tân Vũ", ENT),
        ("cdcs-cang-chua-ve", "Công đoàn Chi nhánh Cảng Chùa Vẽ", ENT)]),
}

# Công đoàn Viên chức tỉnh Thanh Hóa: its 54 grassroots unions (the press: 30 of 54 had a
# support team). (id stem, name); ids become cdcs-<stem>-thanh-hoa.
THANH_HOA_VIEN_CHUC = [
    ("so-y-te", "Công đoàn Sở Y tế tỉnh Thanh Hóa"),
    ("so-tai-chinh", "Công đoàn Sở Tài chính tỉnh Thanh Hóa"),
    ("so-ke-hoach-dau-tu", "Công đoàn Sở Kế hoạch và Đầu tư tỉnh Thanh Hóa"),
    ("so-tu-phap", "Công đoàn Sở Tư pháp tỉnh Thanh Hóa"),
    ("so-noi-vu", "Công đoàn Sở Nội vụ tỉnh Thanh Hóa"),
    ("so-cong-thuong", "Công đoàn Sở Công Thương tỉnh Thanh Hóa"),
    ("so-xay-dung", "Công đoàn Sở Xây dựng tỉnh Thanh Hóa"),
    ("so-giao-thong-van-tai", "Công đoàn Sở Giao thông Vận tải tỉnh Thanh Hóa"),
    ("so-tai-nguyen-moi-truong", "Công đoàn Sở Tài nguyên và Môi trường tỉnh Thanh Hóa"),
    ("so-nong-nghiep", "Công đoàn Sở Nông nghiệp và Phát triển nông thôn tỉnh Thanh Hóa"),
    ("so-lao-dong", "Công đoàn Sở Lao động - Thương binh và Xã hội tỉnh Thanh Hóa"),
    ("so-van-hoa", "Công đoàn Sở Văn hóa, Thể thao và Du lịch tỉnh Thanh Hóa"),
    ("so-khoa-hoc-cong-nghe", "Công đoàn Sở Khoa học và Công nghệ tỉnh Thanh Hóa"),
    ("so-thong-tin", "Công đoàn Sở Thông tin và Truyền thông tỉnh Thanh Hóa"),
    ("so-ngoai-vu", "Công đoàn Sở Ngoại vụ tỉnh Thanh Hóa"),
    ("ban-dan-toc", "Công đoàn Ban Dân tộc tỉnh Thanh Hóa"),
    ("thanh-tra", "Công đoàn Thanh tra tỉnh Thanh Hóa"),
    ("vp-ubnd", "Công đoàn Văn phòng UBND tỉnh Thanh Hóa"),
    ("vp-doan-dbqh-hdnd", "Công đoàn Văn phòng Đoàn ĐBQH và HĐND tỉnh Thanh Hóa"),
    ("bql-kkt-nghi-son", "Công đoàn Ban Quản lý Khu kinh tế Nghi Sơn và các khu công nghiệp"),
    ("dai-phat-thanh", "Công đoàn Đài Phát thanh và Truyền hình Thanh Hóa"),
    ("bao", "Công đoàn Báo Thanh Hóa"),
    ("dh-hong-duc", "Công đoàn Trường Đại học Hồng Đức"),
    ("dh-van-hoa", "Công đoàn Trường Đại học Văn hóa, Thể thao và Du lịch Thanh Hóa"),
    ("cao-dang-y-te", "Công đoàn Trường Cao đẳng Y tế Thanh Hóa"),
    ("cao-dang-nong-lam", "Công đoàn Trường Cao đẳng Nông Lâm Thanh Hóa"),
    ("cao-dang-cong-nghiep", "Công đoàn Trường Cao đẳng Công nghiệp Thanh Hóa"),
    ("cao-dang-nghe-nghi-son", "Công đoàn Trường Cao đẳng Nghề Nghi Sơn"),
    ("truong-chinh-tri", "Công đoàn Trường Chính trị tỉnh Thanh Hóa"),
    ("bv-da-khoa", "Công đoàn Bệnh viện Đa khoa tỉnh Thanh Hóa"),
    ("bv-nhi", "Công đoàn Bệnh viện Nhi Thanh Hóa"),
    ("bv-phu-san", "Công đoàn Bệnh viện Phụ sản Thanh Hóa"),
    ("bv-ung-buou", "Công đoàn Bệnh viện Ung bướu tỉnh Thanh Hóa"),
    ("bv-phoi", "Công đoàn Bệnh viện Phổi tỉnh Thanh Hóa"),
    ("bv-tam-than", "Công đoàn Bệnh viện Tâm thần tỉnh Thanh Hóa"),
    ("bv-y-duoc-co-truyen", "Công đoàn Bệnh viện Y dược cổ truyền tỉnh Thanh Hóa"),
    ("bv-mat", "Công đoàn Bệnh viện Mắt tỉnh Thanh Hóa"),
    ("bv-noi-tiet", "Công đoàn Bệnh viện Nội tiết tỉnh Thanh Hóa"),
    ("bv-phuc-hoi-chuc-nang", "Công đoàn Bệnh viện Phục hồi chức năng tỉnh Thanh Hóa"),
    ("bv-da-lieu", "Công đoàn Bệnh viện Da liễu tỉnh Thanh Hóa"),
    ("bv-ngoc-lac", "Công đoàn Bệnh viện Đa khoa khu vực Ngọc Lặc"),
    ("cdc", "Công đoàn Trung tâm Kiểm soát bệnh tật tỉnh Thanh Hóa"),
    ("thu-vien", "Công đoàn Thư viện tỉnh Thanh Hóa"),
    ("bao-tang", "Công đoàn Bảo tàng tỉnh Thanh Hóa"),
    ("thanh-nha-ho", "Công đoàn Trung tâm Bảo tồn Di sản Thành Nhà Hồ"),
    ("lam-kinh", "Công đoàn Ban Quản lý Khu di tích lịch sử Lam Kinh"),
    ("nha-hat", "Công đoàn Nhà hát Nghệ thuật truyền thống tỉnh Thanh Hóa"),
    ("the-thao", "Công đoàn Trung tâm Huấn luyện và Thi đấu thể dục thể thao tỉnh Thanh Hóa"),
    ("viec-lam", "Công đoàn Trung tâm Dịch vụ việc làm tỉnh Thanh Hóa"),
    ("bao-tro-xa-hoi", "Công đoàn Trung tâm Bảo trợ xã hội tỉnh Thanh Hóa"),
    ("xuc-tien", "Công đoàn Trung tâm Xúc tiến Đầu tư, Thương mại và Du lịch tỉnh Thanh Hóa"),
    ("quy-dau-tu", "Công đoàn Quỹ Đầu tư phát triển tỉnh Thanh Hóa"),
    ("vqg-ben-en", "Công đoàn Vườn quốc gia Bến En"),
    ("lien-minh-htx", "Công đoàn Liên minh Hợp tác xã tỉnh Thanh Hóa"),
]
THANH_HOA_SUPPORT_TEAMS = 30

# Hand-built subtrees: (id, name, kind, parent_id, block or None).
HAND_BUILT = [
    # Thanh Hóa: district federations with enterprise grassroots unions.
    ("ldld-nghi-son", "Liên đoàn Lao động thị xã Nghi Sơn", "upper_grassroots", "ldld-thanh-hoa", None),
    ("cdcs-loc-hoa-dau-nghi-son", "Công đoàn Công ty TNHH Lọc hóa dầu Nghi Sơn", "grassroots", "ldld-nghi-son", ENT),
    ("cdcs-xi-mang-nghi-son", "Công đoàn Công ty Xi măng Nghi Sơn", "grassroots", "ldld-nghi-son", ENT),
    ("cdcs-nhiet-dien-nghi-son", "Công đoàn Công ty Nhiệt điện Nghi Sơn", "grassroots", "ldld-nghi-son", ENT),
    ("ldld-tho-xuan", "Liên đoàn Lao động huyện Thọ Xuân", "upper_grassroots", "ldld-thanh-hoa", None),
    ("cdcs-mia-duong-lam-son", "Công đoàn Công ty CP Mía đường Lam Sơn", "grassroots", "ldld-tho-xuan", ENT),
    ("cdcs-may-tho-xuan", "Công đoàn Công ty TNHH May mặc Thọ Xuân", "grassroots", "ldld-tho-xuan", ENT),
    # Hà Nội: district federations with both blocks, and the industrial zones' union.
    ("ldld-cau-giay", "Liên đoàn Lao động quận Cầu Giấy", "upper_grassroots", "ldld-ha-noi", None),
    ("cdcs-fpt-cau-giay", "Công đoàn Công ty TNHH Phần mềm FPT", "grassroots", "ldld-cau-giay", ENT),
    ("cdcs-misa-cau-giay", "Công đoàn Công ty CP MISA", "grassroots", "ldld-cau-giay", ENT),
    ("cdcs-thpt-cau-giay", "Công đoàn Trường THPT Cầu Giấy", "grassroots", "ldld-cau-giay", ADM),
    ("cdcs-thcs-nghia-tan", "Công đoàn Trường THCS Nghĩa Tân", "grassroots", "ldld-cau-giay", ADM),
    ("cdcs-ubnd-dich-vong-hau", "Công đoàn Cơ quan UBND phường Dịch Vọng Hậu", "grassroots", "ldld-cau-giay", ADM),
    ("ldld-hoan-kiem", "Liên đoàn Lao động quận Hoàn Kiếm", "upper_grassroots", "ldld-ha-noi", None),
    ("cdcs-ks-metropole", "Công đoàn Công ty TNHH Khách sạn Thống Nhất Metropole", "grassroots", "ldld-hoan-kiem", ENT),
    ("cdcs-bach-hoa-trang-tien", "Công đoàn Công ty CP Thương mại Tràng Tiền", "grassroots", "ldld-hoan-kiem", ENT),
    ("cdcs-thpt-tran-phu-hk", "Công đoàn Trường THPT Trần Phú - Hoàn Kiếm", "grassroots", "ldld-hoan-kiem", ADM),
    ("cdcs-ubnd-hang-bac", "Công đoàn Cơ quan UBND phường Hàng Bạc", "grassroots", "ldld-hoan-kiem", ADM),
    ("ldld-dong-anh", "Liên đoàn Lao động huyện Đông Anh", "upper_grassroots", "ldld-ha-noi", None),
    ("cdcs-thiet-bi-dien-dong-anh", "Công đoàn Tổng Công ty Thiết bị điện Đông Anh", "grassroots", "ldld-dong-anh", ENT),
    ("cdcs-thpt-co-loa", "Công đoàn Trường THPT Cổ Loa", "grassroots", "ldld-dong-anh", ADM),
    ("cdcs-ttyt-dong-anh", "Công đoàn Trung tâm Y tế huyện Đông Anh", "grassroots", "ldld-dong-anh", ADM),
    ("cd-kcn-ha-noi", "Công đoàn các Khu công nghiệp và chế xuất Hà Nội", "upper_grassroots", "ldld-ha-noi", None),
    ("cdcs-canon-thang-long", "Công đoàn Công ty TNHH Canon Việt Nam - Nhà máy Thăng Long", "grassroots", "cd-kcn-ha-noi", ENT),
    ("cdcs-panasonic-thang-long", "Công đoàn Công ty TNHH Panasonic Việt Nam", "grassroots", "cd-kcn-ha-noi", ENT),
    # Công đoàn Công Thương Việt Nam: corporations, and large employers directly under it.
    ("cd-tct-thep", "Công đoàn Tổng Công ty Thép Việt Nam - CTCP", "upper_grassroots", "cd-cong-thuong", None),
    ("cdcs-gang-thep-thai-nguyen", "Công đoàn Công ty CP Gang thép Thái Nguyên", "grassroots", "cd-tct-thep", ENT),
    ("cdcs-thep-nha-be", "Công đoàn Công ty CP Thép Nhà Bè - VNSTEEL", "grassroots", "cd-tct-thep", ENT),
    ("cdcs-thep-tam-la-phu-my", "Công đoàn Công ty CP Thép Tấm lá Phú Mỹ - VNSTEEL", "grassroots", "cd-tct-thep", ENT),
    ("cd-tct-thuoc-la", "Công đoàn Tổng Công ty Thuốc lá Việt Nam", "upper_grassroots", "cd-cong-thuong", None),
    ("cdcs-thuoc-la-thang-long", "Công đoàn Công ty TNHH MTV Thuốc lá Thăng Long", "grassroots", "cd-tct-thuoc-la", ENT),
    ("cdcs-thuoc-la-sai-gon", "Công đoàn Công ty TNHH MTV Thuốc lá Sài Gòn", "grassroots", "cd-tct-thuoc-la", ENT),
    ("cdcs-thuoc-la-thanh-hoa", "Công đoàn Công ty TNHH MTV Thuốc lá Thanh Hóa", "grassroots", "cd-tct-thuoc-la", ENT),
    ("cd-tct-habeco", "Công đoàn Tổng Công ty Bia - Rượu - Nước giải khát Hà Nội", "upper_grassroots", "cd-cong-thuong", None),
    ("cdcs-bia-ha-noi-hai-duong", "Công đoàn Công ty CP Bia Hà Nội - Hải Dương", "grassroots", "cd-tct-habeco", ENT),
    ("cdcs-ruou-ha-noi", "Công đoàn Công ty CP Cồn Rượu Hà Nội", "grassroots", "cd-tct-habeco", ENT),
    ("cdcs-rang-dong", "Công đoàn Công ty CP Bóng đèn Phích nước Rạng Đông", "grassroots", "cd-cong-thuong", ENT),
    ("cdcs-dh-cong-nghiep-hcm", "Công đoàn Trường Đại học Công nghiệp Thành phố Hồ Chí Minh", "grassroots", "cd-cong-thuong", ADM),
    # Công đoàn Y tế Việt Nam: central hospitals directly under it, and the pharma corporation.
    ("cdcs-bv-bach-mai", "Công đoàn Bệnh viện Bạch Mai", "grassroots", "cd-y-te", ADM),
    ("cdcs-bv-cho-ray", "Công đoàn Bệnh viện Chợ Rẫy", "grassroots", "cd-y-te", ADM),
    ("cdcs-bv-trung-uong-hue", "Công đoàn Bệnh viện Trung ương Huế", "grassroots", "cd-y-te", ADM),
    ("cd-tct-duoc", "Công đoàn Tổng Công ty Dược Việt Nam - CTCP", "upper_grassroots", "cd-y-te", None),
    ("cdcs-duoc-trung-uong-1", "Công đoàn Công ty CP Dược phẩm Trung ương I - Pharbaco", "grassroots", "cd-tct-duoc", ENT),
    ("cdcs-duoc-trung-uong-3", "Công đoàn Công ty CP Dược phẩm Trung ương 3", "grassroots", "cd-tct-duoc", ENT),
]

# Support teams outside Công đoàn Viên chức tỉnh Thanh Hóa.
SUPPORT_PHONES = {
    "cdcs-rang-dong": "024 3858 4310",
    "cdcs-fpt-cau-giay": "0904 128 376",
    "cdcs-gang-thep-thai-nguyen": "0208 3832 236",
}

# Registered totals of the 83 top-level units for a whole program (both phases), in
# initiatives. Hà Nội's 130,000 is the press figure; the rest are plausible, sized by
# workforce, and add up to a little over the one-million goal.
TOP_LEVEL_TOTALS = {
    "ldld-an-giang": 9000, "ldld-ba-ria-vung-tau": 12000, "ldld-bac-giang": 15000,
    "ldld-bac-kan": 3000, "ldld-bac-lieu": 4500, "ldld-bac-ninh": 21000, "ldld-ben-tre": 6000,
    "ldld-binh-dinh": 9000, "ldld-binh-duong": 32000, "ldld-binh-phuoc": 7000,
    "ldld-binh-thuan": 6000, "ldld-ca-mau": 5000, "ldld-can-tho": 9000, "ldld-cao-bang": 3000,
    "ldld-da-nang": 14000, "ldld-dak-lak": 8000, "ldld-dak-nong": 3500, "ldld-dien-bien": 3000,
    "ldld-dong-nai": 28000, "ldld-dong-thap": 6500, "ldld-gia-lai": 7000, "ldld-ha-giang": 3000,
    "ldld-ha-nam": 8000, "ldld-ha-noi": 130000, "ldld-ha-tinh": 10000, "ldld-hai-duong": 13000,
    "ldld-hai-phong": 24000, "ldld-hau-giang": 4000, "ldld-hoa-binh": 5000,
    "ldld-hung-yen": 12000, "ldld-khanh-hoa": 9000, "ldld-kien-giang": 7000,
    "ldld-kon-tum": 3000, "ldld-lai-chau": 2500, "ldld-lam-dong": 8000, "ldld-lang-son": 4000,
    "ldld-lao-cai": 5000, "ldld-long-an": 14000, "ldld-nam-dinh": 12000, "ldld-nghe-an": 22000,
    "ldld-ninh-binh": 9000, "ldld-ninh-thuan": 3500, "ldld-phu-tho": 11000, "ldld-phu-yen": 4500,
    "ldld-quang-binh": 6000, "ldld-quang-nam": 10000, "ldld-quang-ngai": 8000,
    "ldld-quang-ninh": 18000, "ldld-quang-tri": 4500, "ldld-soc-trang": 5000,
    "ldld-son-la": 4500, "ldld-tay-ninh": 11000, "ldld-thai-binh": 12000,
    "ldld-thai-nguyen": 12000, "ldld-thanh-hoa": 80000, "ldld-thua-thien-hue": 8000,
    "ldld-tien-giang": 9000, "ldld-ho-chi-minh": 90000, "ldld-tra-vinh": 4500,
    "ldld-tuyen-quang": 4000, "ldld-vinh-long": 5500, "ldld-vinh-phuc": 14000,
    "ldld-yen-bai": 4000,
    "cd-vien-chuc": 8000, "cd-giao-duc": 24000, "cd-y-te": 16000, "cd-cong-thuong": 20000,
    "cd-giao-thong-van-tai": 12000, "cd-xay-dung": 12000, "cd-nong-nghiep": 8000,
    "cd-ngan-hang": 12000, "cd-quoc-phong": 18000, "cd-cong-an": 6000, "cd-buu-dien": 7000,
    "cd-co-quan-tld": 1000, "cd-dau-khi": 12000, "cd-dien-luc": 16000,
    "cd-than-khoang-san": 16000, "cd-det-may": 12000, "cd-cao-su": 10000,
    "cd-duong-sat": 5000, "cd-hang-khong": 6000, "cd-hang-hai": 4000,
}

# Enterprise share (percent) of units that split their target by block.
ENTERPRISE_SHARE = {
    "ldld-ha-noi": 77, "ldld-thanh-hoa": 60, "ldld-ho-chi-minh": 80, "ldld-binh-duong": 90,
    "ldld-dong-nai": 88, "cd-cong-thuong": 92, "ldld-cau-giay": 70,
}

# Registrations the press reported, used instead of the computed split:
# (program id, unit id) -> {phase id: (enterprise, administrative)}.
PRESS_FIGURES = {
    ("mot-trieu-sang-kien", "ldld-ha-noi"): {"mtsk-gd1": (40000, 12000), "mtsk-gd2": (60000, 18000)},
}

# Water companies whose name does not follow "Công ty CP Cấp nước <province>".
WATER_COMPANY = {"Hồ Chí Minh": "Tổng Công ty Cấp nước Sài Gòn"}

# Targets below the top level, per program total: (unit id, total).
LOWER_TOTALS = [
    ("cd-vien-chuc-thanh-hoa", 5000),
    ("ldld-cau-giay", 6000),
    ("cd-tct-thep", 4000),
    ("cd-tct-thuoc-la", 2500),
    ("cdcs-rang-dong", 1200),
    ("cdcs-fpt-cau-giay", 1500),
    ("cdcs-thpt-cau-giay", 100),
    ("cdcs-so-y-te-thanh-hoa", 150),
    ("cdcs-dh-hong-duc-thanh-hoa", 300),
    ("cdcs-gang-thep-thai-nguyen", 1000),
]


def _text(vi, en):
    return {"vi": vi, "en": en}


SUBJECT_GROUPS = [
    ("public-service", _text(
        "Cán bộ, viên chức, người lao động các đơn vị sự nghiệp",
        "Staff of public service units")),
    ("works-and-technical", _text(
        "Công nhân, viên chức, lao động thực hiện công trình, đề án, đề tài khoa học, "
        "chế tạo máy móc, thiết bị, cải tiến kỹ thuật",
        "Workers carrying out works, projects, scientific topics, machine and equipment "
        "building and technical improvements")),
    ("new-countryside", _text(
        "Sáng kiến góp phần thực hiện phong trào “Cả nước chung sức xây dựng nông thôn mới”",
        "Contributions to the “New countryside” movement")),
    ("officials", _text(
        "Cán bộ, công chức các cơ quan của Đảng, Nhà nước, Mặt trận Tổ quốc và các tổ chức "
        "chính trị - xã hội, trong đó có cán bộ công đoàn",
        "Officials of Party, State, Fatherland Front and socio-political bodies, union "
        "officials included")),
    ("enterprise-workers", _text(
        "Công nhân, người lao động trong các doanh nghiệp sản xuất, kinh doanh",
        "Workers in production and business enterprises")),
]

FIELDS = {
    "epidemic-prevention": _text("Phòng, chống dịch Covid-19", "Covid-19 prevention and control"),
    "production-business": _text("Sản xuất, kinh doanh", "Production and business"),
    "productivity": _text("Nâng cao năng suất lao động", "Labour productivity"),
    "socio-economic": _text("Phát triển kinh tế - xã hội", "Socio-economic development"),
    "union-work": _text("Đổi mới tổ chức và hoạt động công đoàn",
                        "Renewing union organisation and activities"),
    "digital-transformation": _text("Chuyển đổi số", "Digital transformation"),
    "occupational-safety": _text("An toàn, vệ sinh lao động", "Occupational safety and health"),
    "administrative-reform": _text("Cải cách hành chính", "Administrative reform"),
    "energy-environment": _text("Tiết kiệm năng lượng, bảo vệ môi trường",
                                "Energy saving and environmental protection"),
}

# Emulation clusters (cụm, khối thi đua) of the top-level units, the same for both programs: the
# provinces by region, the central sector unions and the corporations' unions each a block of their
# own. Made up after the VGCL's practice (the press names no cluster); see data/README.md.
REGIONAL_CLUSTERS = [
    ("cum-1", "Cụm thi đua số 1 – Các thành phố trực thuộc Trung ương", "Cluster 1 – Centrally run cities",
     ["ha-noi", "ho-chi-minh", "hai-phong", "da-nang", "can-tho"]),
    ("cum-2", "Cụm thi đua số 2 – Trung du và miền núi Đông Bắc", "Cluster 2 – North-eastern midlands and mountains",
     ["ha-giang", "cao-bang", "bac-kan", "lang-son", "tuyen-quang", "thai-nguyen", "phu-tho", "bac-giang",
      "quang-ninh"]),
    ("cum-3", "Cụm thi đua số 3 – Tây Bắc", "Cluster 3 – North-west",
     ["lao-cai", "yen-bai", "dien-bien", "lai-chau", "son-la", "hoa-binh"]),
    ("cum-4", "Cụm thi đua số 4 – Đồng bằng sông Hồng", "Cluster 4 – Red River delta",
     ["vinh-phuc", "bac-ninh", "hai-duong", "hung-yen", "thai-binh", "ha-nam", "nam-dinh", "ninh-binh"]),
    ("cum-5", "Cụm thi đua số 5 – Bắc Trung Bộ", "Cluster 5 – North central coast",
     ["thanh-hoa", "nghe-an", "ha-tinh", "quang-binh", "quang-tri", "thua-thien-hue"]),
    ("cum-6", "Cụm thi đua số 6 – Duyên hải Nam Trung Bộ", "Cluster 6 – South central coast",
     ["quang-nam", "quang-ngai", "binh-dinh", "phu-yen", "khanh-hoa", "ninh-thuan", "binh-thuan"]),
    ("cum-7", "Cụm thi đua số 7 – Tây Nguyên", "Cluster 7 – Central highlands",
     ["kon-tum", "gia-lai", "dak-lak", "dak-nong", "lam-dong"]),
    ("cum-8", "Cụm thi đua số 8 – Đông Nam Bộ", "Cluster 8 – South-east",
     ["binh-phuoc", "tay-ninh", "binh-duong", "dong-nai", "ba-ria-vung-tau"]),
    ("cum-9", "Cụm thi đua số 9 – Đồng bằng sông Cửu Long", "Cluster 9 – Mekong delta",
     ["long-an", "tien-giang", "ben-tre", "tra-vinh", "vinh-long", "dong-thap", "an-giang", "kien-giang",
      "hau-giang", "soc-trang", "bac-lieu", "ca-mau"]),
]
KIND_CLUSTERS = [
    ("khoi-nganh", "Khối thi đua các Công đoàn ngành Trung ương", "Block of the central sector unions",
     "central_sector_union"),
    ("khoi-tong-cong-ty", "Khối thi đua các Công đoàn Tổng công ty trực thuộc Tổng Liên đoàn",
     "Block of the unions of corporations under the VGCL", "corporation_union"),
]


def build_clusters(units):
    """The emulation clusters: every top-level unit in exactly one."""
    top_level = {u["id"]: u for u in units if u.get("parent_id") == "tld"}
    clusters = [{"id": cid, "name": _text(vi, en), "members": [f"ldld-{slug}" for slug in members]}
                for cid, vi, en, members in REGIONAL_CLUSTERS]
    clusters += [{"id": cid, "name": _text(vi, en),
                  "members": sorted(uid for uid, u in top_level.items() if u["kind"] == kind)}
                 for cid, vi, en, kind in KIND_CLUSTERS]
    placed = [member for cluster in clusters for member in cluster["members"]]
    assert sorted(placed) == sorted(top_level), "every top-level unit in exactly one cluster"
    return clusters


PROGRAMS = [
    {
        "id": "mot-trieu-sang-kien",
        "name": _text(
            "1 triệu sáng kiến – nỗ lực vượt khó, sáng tạo, quyết tâm chiến thắng đại dịch Covid-19",
            "One million initiatives – striving to overcome hardship, be creative and "
            "defeat the Covid-19 pandemic"),
        "phases": [
            ("mtsk-gd1", "2021-12-15", "2022-05-31", "2021-09-01", 300000),
            ("mtsk-gd2", "2022-06-01", "2023-09-30", "2022-06-01", 700000),
        ],
        "fields": ["epidemic-prevention", "production-business", "productivity", "socio-economic",
                   "union-work", "digital-transformation", "occupational-safety"],
    },
    {
        "id": "sang-kien-2026-2027",
        "name": _text("Sáng kiến vì năng suất, chất lượng 2026–2027",
                      "Initiatives for productivity and quality 2026–2027"),
        "phases": [
            ("sk2627-gd1", "2026-01-01", "2026-12-31", "2025-09-01", 400000),
            ("sk2627-gd2", "2027-01-01", "2027-12-31", "2027-01-01", 600000),
        ],
        "fields": ["production-business", "productivity", "socio-economic", "union-work",
                   "digital-transformation", "occupational-safety", "administrative-reform",
                   "energy-environment"],
    },
]

# (id, full name, roles, unit id, email?, phone?, language?)
USERS = [
    ("worker-rang-dong", "Nguyễn Thị Hương", ["member"], "cdcs-rang-dong", True, "0912 345 678", None),
    ("worker-rang-dong-2", "Trần Văn Minh", ["member"], "cdcs-rang-dong", False, "0983 217 456", None),
    ("worker-fpt", "Lê Quang Huy", ["member"], "cdcs-fpt-cau-giay", True, None, None),
    ("worker-fpt-en", "Phạm Minh Anh", ["member"], "cdcs-fpt-cau-giay", True, None, "en"),
    ("worker-so-y-te", "Lê Thị Thu Hà", ["member"], "cdcs-so-y-te-thanh-hoa", True, "0936 552 018", None),
    ("worker-gang-thep", "Hoàng Văn Dũng", ["member"], "cdcs-gang-thep-thai-nguyen", False, "0977 604 213", None),
    ("reviewer-rang-dong", "Đỗ Thị Lan", ["member", "reviewer"], "cdcs-rang-dong", True, "0915 882 301", None),
    ("reviewer-fpt", "Vũ Đức Thắng", ["reviewer"], "cdcs-fpt-cau-giay", True, None, None),
    ("reviewer-so-y-te", "Bùi Thị Ngọc Ánh", ["reviewer"], "cdcs-so-y-te-thanh-hoa", True, None, None),
    ("reviewer-cau-giay", "Đặng Quốc Tuấn", ["reviewer"], "ldld-cau-giay", True, None, None),
    ("reviewer-vien-chuc-thanh-hoa", "Trịnh Văn Hải", ["reviewer"], "cd-vien-chuc-thanh-hoa", True, "0904 771 625", None),
    ("reviewer-tct-thep", "Ngô Thị Phương", ["reviewer"], "cd-tct-thep", True, None, None),
    ("reviewer-cong-thuong", "Phan Văn Hòa", ["reviewer"], "cd-cong-thuong", True, None, None),
    ("reviewer-ha-noi", "Nguyễn Thị Mai", ["reviewer"], "ldld-ha-noi", True, None, None),
    ("leader-ha-noi", "Đinh Thị Thu Trang", ["leader"], "ldld-ha-noi", True, None, None),
    ("leader-thanh-hoa", "Mai Xuân Trường", ["leader"], "ldld-thanh-hoa", True, None, None),
    ("leader-national", "Trần Quốc Bảo", ["leader"], "tld", True, None, None),
    ("admin", "Nguyễn Hoàng Long", ["admin"], "tld", True, None, None),
]


# Entered by `serve` at start (scripts/seed_demo.py), through the same service as
# POST /submissions, with a fixed Idempotency-Key. Lê Quang Huy names Phạm Minh Anh
# (worker-fpt-en) as a co-author: sign in as worker-fpt-en to see the invitation
# (the notifications page, /app/invitations/<id>) and accept or decline it.
DEMO_INITIATIVES = [
    {
        "submitted_by": "worker-fpt",
        "idempotency_key": "demo-coauthor-invitation-1",
        "body": {
            "title": "Phần mềm tự động đối soát hóa đơn điện tử với sổ kế toán",
            "unit_id": "cdcs-fpt-cau-giay",
            "subject_group": "enterprise-workers",
            "field": "digital-transformation",
            "problem": "Kế toán đối chiếu tay từng hóa đơn điện tử với sổ sách, mất hai ngày mỗi cuối tháng và dễ sót.",
            "solution": "Viết công cụ đọc hóa đơn điện tử, so khớp với sổ kế toán theo mã số thuế, số tiền và ngày.",
            "results": "Đối soát còn hai giờ mỗi tháng; các hóa đơn lệch được liệt kê để xử lý ngay.",
            "applied_where": "Phòng Tài chính – Kế toán",
            "applied_from": "2026-04-01",
            "benefit_vnd": 180000000,
            "authors": [
                {"full_name": "Lê Quang Huy", "member_id": "worker-fpt", "share_percent": 60,
                 "phone": "0904 118 226", "email": "worker-fpt@example.vn"},
                {"full_name": "Phạm Minh Anh", "member_id": "worker-fpt-en", "share_percent": 40},
            ],
        },
    },
]


def slugify(text):
    """Return the ASCII slug of a Vietnamese name: "Bà Rịa - Vũng Tàu" -> "ba-ria-vung-tau"."""
    ascii_text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    ascii_text = "".join(c for c in ascii_text if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def _province_name(province, is_city):
    """"tỉnh Thanh Hóa", "Thành phố Hà Nội": a province as it follows a unit's name."""
    return f"{'Thành phố' if is_city else 'tỉnh'} {province}"


def _local_slug(local_name):
    """Slug of a city or district: "thành phố Vinh" -> "tp-vinh", "quận Hải Châu" -> "hai-chau"."""
    if local_name.startswith("thành phố "):
        return "tp-" + slugify(local_name.removeprefix("thành phố "))
    return slugify(local_name.removeprefix("quận "))


def unit(unit_id, name, kind, parent_id=None, block=None, phone=None):
    """One unit record with its fields in schema order; absent fields are left out."""
    record = {"id": unit_id, "name": name, "kind": kind}
    if parent_id is not None:
        record["parent_id"] = parent_id
    if block is not None:
        record["block"] = block
    if phone is not None:
        record["support_team_phone"] = phone
    return record


def support_phone(index):
    """A made-up but well-formed Vietnamese mobile number, fixed by index."""
    prefixes = ["0912", "0936", "0977", "0983", "0868", "0356", "0389", "0915"]
    digits = (index * 7919 + 104729) % 1000000
    return f"{prefixes[index % len(prefixes)]} {digits // 1000:03d} {digits % 1000:03d}"


def build_units():
    """The whole demo tree, parents before children, siblings sorted by id."""
    units = [unit(NATIONAL[0], NATIONAL[1], "national")]
    for province, is_city, _ in PROVINCES:
        units.append(unit(f"ldld-{slugify(province)}",
                          f"Liên đoàn Lao động {_province_name(province, is_city)}",
                          "provincial_federation", "tld"))
    units += [unit(uid, name, kind, "tld") for uid, name, kind in SECTORS]

    for province, is_city, capital in PROVINCES:
        if capital is None:
            continue
        slug = slugify(province)
        full_name = _province_name(province, is_city)
        parent = f"ldld-{slug}"
        # The capital's (or a district's) federation: one company, one city or district office.
        capital_slug = _local_slug(capital)
        capital_id = f"ldld-{capital_slug}"
        water = WATER_COMPANY.get(province, f"Công ty CP Cấp nước {province}")
        units += [
            unit(capital_id, f"Liên đoàn Lao động {capital}", "upper_grassroots", parent),
            unit(f"cdcs-cap-nuoc-{slug}", f"Công đoàn {water}", "grassroots", capital_id, ENT),
            unit(f"cdcs-ubnd-{capital_slug}", f"Công đoàn Cơ quan UBND {capital}", "grassroots",
                 capital_id, ADM),
        ]
        # The province's public employees' union: two provincial departments.
        vien_chuc_id = f"cd-vien-chuc-{slug}"
        units.append(unit(vien_chuc_id, f"Công đoàn Viên chức {full_name}", "upper_grassroots", parent))
        units += [
            unit(f"cdcs-{dept_slug}-{slug}", f"Công đoàn {dept} {full_name}", "grassroots",
                 vien_chuc_id, ADM)
            for dept_slug, dept in (("so-ke-hoach", "Sở Kế hoạch và Đầu tư"), ("so-tai-chinh", "Sở Tài chính"))
        ]

    units.append(unit("cd-vien-chuc-thanh-hoa", "Công đoàn Viên chức tỉnh Thanh Hóa",
                      "upper_grassroots", "ldld-thanh-hoa"))
    for index, (stem, name) in enumerate(THANH_HOA_VIEN_CHUC):
        # 5 in every 9 have a support team: 30 of the 54, spread through the list.
        phone = support_phone(index) if index % 9 < 5 else None
        units.append(unit(f"cdcs-{stem}-thanh-hoa", name, "grassroots", "cd-vien-chuc-thanh-hoa",
                          ADM, phone))
    for uid, name, kind, parent, block in HAND_BUILT:
        units.append(unit(uid, name, kind, parent, block, SUPPORT_PHONES.get(uid)))
    for parent, (ug_id, ug_name, grassroots) in SECTOR_BRANCHES.items():
        units.append(unit(ug_id, ug_name, "upper_grassroots", parent))
        units += [unit(uid, name, "grassroots", ug_id, block) for uid, name, block in grassroots]
    return _tree_order(units)


def _tree_order(units):
    """Pre-order: each unit followed by its children, siblings by id (stable output)."""
    children = {}
    for record in units:
        children.setdefault(record.get("parent_id"), []).append(record)
    ordered, stack = [], sorted(children[None], key=lambda r: r["id"], reverse=True)
    while stack:
        record = stack.pop()
        ordered.append(record)
        stack += sorted(children.get(record["id"], []), key=lambda r: r["id"], reverse=True)
    if len(ordered) != len(units):
        raise ValueError("some units are not reachable from the national unit")
    return ordered


def build_programs(units=None):
    """The two demo programs with their phases, subject groups, fields and emulation clusters."""
    programs = []
    for spec in PROGRAMS:
        phases = [
            {"id": pid, "name": _text(f"Giai đoạn {n}", f"Phase {n}"), "starts_on": starts,
             "ends_on": ends, "counts_from": counts, "target": target}
            for n, (pid, starts, ends, counts, target) in enumerate(spec["phases"], start=1)
        ]
        programs.append({
            "id": spec["id"],
            "name": spec["name"],
            "phases": phases,
            "subject_groups": [{"id": gid, "name": name} for gid, name in SUBJECT_GROUPS],
            "fields": [{"id": fid, "name": FIELDS[fid]} for fid in spec["fields"]],
            **({"clusters": build_clusters(units)} if units is not None else {}),
        })
    return programs


def _round_hundred(value):
    return int(value + 50) // 100 * 100


def _by_block(unit_id, amount, block):
    """The block split of one target, or None when the unit registers no split."""
    if block is not None:
        return {block: amount}  # a grassroots unit's whole target is in its own block
    share = ENTERPRISE_SHARE.get(unit_id)
    if share is None:
        return None
    enterprise = _round_hundred(amount * share / 100)
    return {"enterprise": enterprise, "administrative": amount - enterprise}


def build_targets(units):
    """Targets per program, phase and unit: every top-level unit plus a few below.

    A unit's program total is split over the phases in the ratio of the program's own
    phase targets (30/70, 40/60), rounded to hundreds, the last phase taking the rest;
    PRESS_FIGURES replace the computed numbers where the press reported them.
    """
    blocks = {u["id"]: u.get("block") for u in units}
    top_level = [u["id"] for u in units if u.get("parent_id") == "tld"]
    totals = [(uid, TOP_LEVEL_TOTALS[uid]) for uid in top_level] + LOWER_TOTALS
    targets = []
    for spec in PROGRAMS:
        program_id, phases = spec["id"], spec["phases"]
        program_target = sum(phase[-1] for phase in phases)
        for unit_id, total in totals:
            reported = PRESS_FIGURES.get((program_id, unit_id), {})
            remaining = total
            for index, (phase_id, *_, phase_target) in enumerate(phases):
                if phase_id in reported:
                    enterprise, administrative = reported[phase_id]
                    amount = enterprise + administrative
                    by_block = {"enterprise": enterprise, "administrative": administrative}
                else:
                    last = index == len(phases) - 1
                    amount = remaining if last else _round_hundred(total * phase_target / program_target)
                    by_block = _by_block(unit_id, amount, blocks[unit_id])
                remaining -= amount
                record = {"program_id": program_id, "phase_id": phase_id, "unit_id": unit_id,
                          "total": amount}
                if by_block is not None:
                    record["by_block"] = by_block
                targets.append(record)
    return sorted(targets, key=lambda t: (t["program_id"], t["phase_id"], t["unit_id"]))


def build_users():
    """The demo users the tests and the local stage log in as, sorted by id."""
    users = []
    for uid, full_name, roles, unit_id, has_email, phone, language in USERS:
        record = {"id": uid, "full_name": full_name}
        if has_email:
            record["email"] = f"{uid}@example.vn"
        if phone:
            record["phone"] = phone
        record["roles"] = roles
        record["unit_id"] = unit_id
        if language:
            record["language"] = language
        users.append(record)
    return sorted(users, key=lambda u: u["id"])


def _nfc(value):
    """Every string NFC-normalised, whatever the editor of this file did."""
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, list):
        return [_nfc(v) for v in value]
    if isinstance(value, dict):
        return {_nfc(k): _nfc(v) for k, v in value.items()}
    return value


# Initiatives of Thanh Hóa's grassroots unions (0 to 3 each, deterministic), so that the local run's
# provincial leader (leader-thanh-hoa) sees the unions ranked, a page at a time, on the dashboard.
PROVINCE_IDEAS = [
    ("Số hóa hồ sơ lưu trữ", "Hồ sơ giấy xếp trong kho, tìm một bộ mất cả buổi.",
     "Quét hồ sơ, đặt mã theo năm và loại việc, tra cứu trên máy tính của phòng.",
     "Tìm một hồ sơ còn vài phút; kho giấy được sắp lại gọn.", "administrative-reform", "officials"),
    ("Mã QR tra cứu thủ tục", "Người dân phải hỏi nhiều lần mới biết cần giấy tờ gì.",
     "Dán mã QR ở quầy tiếp nhận, quét bằng Zalo là ra danh mục giấy tờ của từng thủ tục.",
     "Số lần hỏi lại giảm hẳn; quầy tiếp nhận bớt đông.", "digital-transformation", "public-service"),
    ("Lịch trực điện tử", "Lịch trực viết trên bảng, đổi ca phải gọi điện từng người.",
     "Lập lịch trực trên bảng tính dùng chung, báo đổi ca qua nhóm Zalo của đơn vị.",
     "Không còn ca trống; đổi ca xong trong ngày.", "productivity", "public-service"),
    ("Tiết kiệm điện văn phòng", "Điều hòa và đèn bật cả khi phòng không có người.",
     "Gắn công tắc hẹn giờ, quy định nhiệt độ điều hòa 26 độ, người ra sau cùng tắt điện.",
     "Tiền điện mỗi tháng giảm khoảng một phần năm.", "energy-environment", "officials"),
    ("Sổ theo dõi an toàn lao động", "Kiểm tra an toàn ghi tay, khó biết việc nào chưa khắc phục.",
     "Lập biểu mẫu kiểm tra trên điện thoại, mỗi lỗi có người chịu trách nhiệm và hạn sửa.",
     "Lỗi được sửa đúng hạn; có số liệu để báo cáo hằng quý.", "occupational-safety", "works-and-technical"),
    ("Hộp thư góp ý của đoàn viên", "Đoàn viên ngại nói ý kiến trong cuộc họp.",
     "Đặt hộp thư góp ý và mẫu góp ý trực tuyến không cần ghi tên; công đoàn trả lời hằng tháng.",
     "Mỗi tháng có hàng chục ý kiến; nhiều việc được sửa ngay.", "union-work", "public-service"),
]
PROVINCE_AUTHORS = ["Lê Thị Hằng", "Nguyễn Văn Tùng", "Trịnh Thị Mai", "Hoàng Văn Sơn", "Lê Văn Thắng",
                    "Đỗ Thị Ngọc", "Phạm Văn Hùng", "Mai Thị Lan", "Vũ Văn Đức", "Nguyễn Thị Thảo",
                    "Lê Đình Khôi", "Trần Thị Huệ"]


def province_initiatives(units) -> list:
    """Initiatives in Thanh Hóa's grassroots unions, entered by worker-so-y-te."""
    by_id = {u["id"]: u for u in units}

    def under_thanh_hoa(unit):
        while unit is not None:
            if unit["id"] == "ldld-thanh-hoa":
                return True
            unit = by_id.get(unit.get("parent_id"))
        return False
    unions = sorted((u for u in units if u["kind"] == "grassroots" and under_thanh_hoa(u)), key=lambda u: u["id"])
    found = []
    for k, union in enumerate(unions):
        for j in range((k * 7) % 4):
            title, problem, solution, results, field, group = PROVINCE_IDEAS[(k + j) % len(PROVINCE_IDEAS)]
            where = union["name"].replace("CĐCS ", "").replace("Công đoàn cơ sở ", "")
            found.append({"submitted_by": "worker-so-y-te", "idempotency_key": f"demo-thanh-hoa-{k:02d}-{j}",
                          # Received over the last three weeks: one union in eight (each with three) left them past the 15 days.
                          "received_days_ago": 16 + (k + j) % 5 if k % 8 == 1 else (k * 3 + j) % 14, "body": {
                "title": f"{title} tại {where}", "unit_id": union["id"], "subject_group": group, "field": field,
                "problem": problem, "solution": solution, "results": results, "applied_where": where,
                "applied_from": f"2026-0{1 + (k + j) % 9}-{1 + (k * 3 + j) % 27:02d}",
                "benefit_vnd": (5 + (k * 13 + j * 7) % 40) * 1_000_000,
                "authors": [{"full_name": PROVINCE_AUTHORS[(k * 5 + j * 7) % len(PROVINCE_AUTHORS)],
                             "share_percent": 100}]}})
    return found


# A grassroots reviewer's queue long enough to need the queue's search, sort and
# compact rows (issue 12): initiatives at Rạng Đông's union (reviewer-rang-dong),
# entered by its two workers, with one to three authors and benefits far apart.
RANG_DONG_IDEAS = [
    ("Đồ gá kiểm tra nhanh đuôi đèn", "Kiểm tra đuôi đèn bằng mắt, sót lỗi ren.",
     "Làm đồ gá có chốt ren chuẩn, đuôi lỗi không lắp vào được.", "Lỗi ren lọt ra ngoài gần như không còn.",
     "productivity", "enterprise-workers"),
    ("Thu hồi nhiệt khí thải lò nung thủy tinh", "Khí thải lò nung ra trời còn rất nóng.",
     "Lắp bộ trao đổi nhiệt, dùng khí thải sấy nguyên liệu trước khi nấu.", "Giảm gần một phần mười khí đốt.",
     "energy-environment", "works-and-technical"),
    ("Băng tải tự động cho dây chuyền phích", "Công nhân bê ruột phích giữa hai công đoạn.",
     "Nối hai công đoạn bằng băng tải có cảm biến đếm.", "Mỗi ca bớt hai người bê; không còn vỡ do rơi.",
     "productivity", "enterprise-workers"),
    ("Sổ giao ca điện tử", "Sổ giao ca viết tay, ca sau đọc không rõ.",
     "Giao ca trên máy tính bảng đặt tại phân xưởng, có ảnh chụp sự cố.", "Sự cố được xử lý tiếp ngay đầu ca.",
     "digital-transformation", "enterprise-workers"),
    ("Giảm vỡ ống thủy tinh khi cắt", "Ống thủy tinh vỡ khi cắt bằng tay.",
     "Máy cắt có dao quay và nước làm mát.", "Tỷ lệ vỡ giảm từ 4% còn dưới 1%.",
     "occupational-safety", "works-and-technical"),
    ("Tái chế bột huỳnh quang", "Bột huỳnh quang thừa bị bỏ đi.",
     "Lọc và sấy lại bột thừa để dùng cho đèn loại hai.", "Mỗi tháng dùng lại khoảng 300 kg bột.",
     "energy-environment", "enterprise-workers"),
]
RANG_DONG_AUTHORS = [("Nguyễn Văn An",), ("Trần Thị Bình", "Lê Văn Cường"), ("Phạm Thị Dung",),
                     ("Đoàn Văn Đức", "Nguyễn Thị Thu", "Hoàng Minh Tuấn"), ("Vũ Thị Hà",), ("Bùi Quang Huy",)]
RANG_DONG_PLACES = ["Phân xưởng Đèn LED 1", "Phân xưởng Phích nước", "Phân xưởng Thủy tinh", "Tổ Cơ điện"]


def rang_dong_initiatives() -> list:
    """24 initiatives at Rạng Đông's union, waiting for reviewer-rang-dong."""
    found = []
    for n in range(24):
        title, problem, solution, results, field, group = RANG_DONG_IDEAS[n % len(RANG_DONG_IDEAS)]
        place = RANG_DONG_PLACES[(n * 3) % len(RANG_DONG_PLACES)]
        names = RANG_DONG_AUTHORS[(n * 5) % len(RANG_DONG_AUTHORS)]
        shares = [100 // len(names)] * len(names)
        shares[0] += 100 - sum(shares)
        found.append({"submitted_by": "worker-rang-dong" if n % 3 else "worker-rang-dong-2",
                      "idempotency_key": f"demo-rang-dong-{n:02d}", "body": {
                          "title": f"{title} ({place})", "unit_id": "cdcs-rang-dong", "subject_group": group,
                          "field": field, "problem": problem, "solution": solution, "results": results,
                          "applied_where": place, "applied_from": f"2026-{1 + n % 9:02d}-{1 + (n * 7) % 27:02d}",
                          "benefit_vnd": [15, 240, 1_800, 60, 450, 9][n % 6] * 1_000_000 * (1 + n % 4),
                          "authors": [{"full_name": name, "share_percent": share}
                                      for name, share in zip(names, shares)]}})
    return found


# Rạng Đông's queue through the review's deadlines (15 days at the union, 60 at Công đoàn Công Thương's desk,
# 90 in all): (days since received, the reviewers' steps as (event, days ago), what the sweep then finds).
DEADLINE_CASES = [
    (20, [], "overdue at the union: Công đoàn Công Thương is told"),
    (13, [], "reminded: due in two days"),
    (1, [], "new since yesterday"),
    (60, [("validate", 56)], "at Công đoàn Công Thương's desk, reminded: due in four days"),
    (80, [("validate", 75), ("start_review", 70)], "under review, overdue: the national unit is told"),
    (95, [("validate", 92)], "overdue at both clocks: 92 days at the desk, 95 since received"),
]
DEADLINE_IDEAS = [
    ("Đồ gá định vị nhanh khi thay khuôn dập nắp bóng đèn", "productivity", "enterprise-workers"),
    ("Bảng kiểm tra an toàn điện bằng mã QR tại từng tủ điện", "occupational-safety", "enterprise-workers"),
    ("Tận dụng nhiệt thải lò ủ thủy tinh để sấy vỏ hộp", "energy-environment", "enterprise-workers"),
    ("Thay đèn chiếu sáng nhà xưởng bằng đèn LED có cảm biến", "energy-environment", "enterprise-workers"),
    ("Băng tải phụ đưa phôi vào máy thổi bóng, bớt một người đứng máy", "productivity", "enterprise-workers"),
    ("Phần mềm nhỏ theo dõi thời gian dừng máy theo ca", "digital-transformation", "enterprise-workers"),
]


def deadline_initiatives() -> list:
    """Initiatives at Rạng Đông received days to months ago, some taken on by
    their reviewers, so the demo's queues have items near their deadline and
    overdue at both levels (see DEADLINE_CASES)."""
    found = []
    for n, ((received, steps, _), (title, field, group)) in enumerate(zip(DEADLINE_CASES, DEADLINE_IDEAS)):
        by = {"validate": "reviewer-rang-dong", "start_review": "reviewer-cong-thuong"}
        found.append({
            "submitted_by": "worker-rang-dong", "idempotency_key": f"demo-deadline-{n}", "received_days_ago": received,
            "steps": [{"event": event, "by": by[event], "days_ago": ago} for event, ago in steps],
            "body": {"title": title, "unit_id": "cdcs-rang-dong", "subject_group": group, "field": field,
                     "problem": "Công đoạn này tốn công và hay phải làm lại; tổ đã ghi chép số liệu ba tháng liền.",
                     "solution": f"{title}: tổ tự thiết kế, chế tạo và chạy thử trong một tháng.",
                     "results": "Giảm thời gian thao tác và tỷ lệ sản phẩm lỗi; công nhân làm việc an toàn hơn.",
                     "applied_where": "Phân xưởng Thủy tinh, Công ty Rạng Đông", "applied_from": "2026-06-01",
                     "benefit_vnd": (12 + 7 * n) * 1_000_000,
                     "authors": [{"full_name": ["Nguyễn Văn Hải", "Trần Thị Nga", "Lê Văn Bình"][n % 3],
                                  "share_percent": 100}]}})
    return found


# The public showcase (issue 13): recognised initiatives, most of whose authors agreed to publish
# them (`publish_consent`), one that did not (it must stay off the showcase), at Rạng Đông (Công đoàn
# Công Thương) and Sở Y tế Thanh Hóa (LĐLĐ Thanh Hóa), so the showcase has stories to search and filter by unit.
# (title, problem, solution, results, where, field, group, authors, estimated and confirmed benefit, consent)
SHOWCASE_CASES = [
    ("Cải tiến khuôn ép đuôi đèn LED giảm phế phẩm", "Khuôn ép cũ làm hỏng 3% đuôi đèn, phải dừng máy chỉnh giữa ca.",
     "Thiết kế lại rãnh thoát khí của khuôn và thêm cảm biến nhiệt độ khuôn báo trước khi quá nhiệt.",
     "Tỷ lệ hỏng giảm còn 0,5%; máy không phải dừng giữa ca; mỗi năm bớt gần 2 triệu đuôi đèn hỏng.",
     "Phân xưởng Đèn LED 2", "productivity", "enterprise-workers", ("Nguyễn Văn An", "Trần Thị Bình"),
     1_500_000_000, 1_200_000_000, True),
    ("Thu hồi nhiệt khí thải lò nung thủy tinh để sấy cát", "Khí thải lò nung ra trời còn trên 300 độ C.",
     "Lắp bộ trao đổi nhiệt ống chùm, dẫn khí nóng sấy cát và vôi trước khi nấu thủy tinh.",
     "Giảm 9% khí đốt của lò; cát khô đều, thủy tinh ít bọt hơn.", "Phân xưởng Thủy tinh",
     "energy-environment", "works-and-technical", ("Đoàn Văn Đức", "Nguyễn Thị Thu", "Hoàng Minh Tuấn"),
     2_400_000_000, 2_150_000_000, True),
    ("Máy cắt ống thủy tinh có dao quay và nước làm mát", "Cắt ống thủy tinh bằng tay, ống vỡ và công nhân bị đứt tay.",
     "Chế tạo máy cắt có dao quay, kẹp ống tự định tâm và vòi nước làm mát.",
     "Tỷ lệ vỡ từ 4% còn dưới 1%; một năm không còn tai nạn đứt tay.", "Tổ Cơ điện", "occupational-safety",
     "works-and-technical", ("Bùi Quang Huy",), 320_000_000, 280_000_000, True),
    ("Sổ giao ca điện tử có ảnh chụp sự cố", "Sổ giao ca viết tay, ca sau đọc không rõ, sự cố bị bỏ sót.",
     "Giao ca trên máy tính bảng đặt tại phân xưởng, mỗi sự cố có ảnh chụp và người nhận xử lý.",
     "Sự cố được xử lý tiếp ngay đầu ca; thời gian dừng máy giảm 15%.", "Phân xưởng Phích nước",
     "digital-transformation", "enterprise-workers", ("Vũ Thị Hà",), 150_000_000, 120_000_000, False),
    ("Phần mềm đối soát hóa đơn điện tử với sổ kế toán", "Kế toán đối chiếu tay từng hóa đơn, mất hai ngày mỗi tháng.",
     "Công cụ đọc hóa đơn điện tử, so khớp với sổ kế toán theo mã số thuế, số tiền và ngày.",
     "Đối soát còn hai giờ mỗi tháng; hóa đơn lệch được liệt kê để xử lý ngay.", "Phòng Tài chính – Kế toán",
     "digital-transformation", "public-service", ("Lê Thị Hằng", "Trịnh Thị Mai"),
     180_000_000, 180_000_000, True),
    ("Chatbot trả lời câu hỏi về chế độ cho đoàn viên", "Văn phòng trả lời cùng một câu hỏi hàng chục lần mỗi ngày.",
     "Chatbot trên Zalo của công đoàn trả lời các câu hỏi thường gặp về lương, phép, bảo hiểm.",
     "Bảy phần mười câu hỏi được trả lời tự động; đoàn viên hỏi được cả ngoài giờ.", "Văn phòng công đoàn",
     "union-work", "public-service", ("Lê Văn Thắng",), 95_000_000, 90_000_000, True),
]
SHOWCASE_DESKS = {"cdcs-rang-dong": ("worker-rang-dong", "reviewer-rang-dong", "reviewer-cong-thuong"),
                  "cdcs-so-y-te-thanh-hoa": ("worker-so-y-te", "reviewer-so-y-te", "reviewer-vien-chuc-thanh-hoa")}


def showcase_initiatives() -> list:
    """Recognised initiatives for the public showcase (SHOWCASE_CASES), entered
    and taken through validate, start_review and recognize weeks ago."""
    found = []
    for n, (title, problem, solution, results, where, field, group, names, benefit, confirmed, consent) in enumerate(
            SHOWCASE_CASES):
        unit = "cdcs-rang-dong" if n < 4 else "cdcs-so-y-te-thanh-hoa"
        worker, grassroots, upper = SHOWCASE_DESKS[unit]
        shares = [100 // len(names)] * len(names)
        shares[0] += 100 - sum(shares)
        found.append({
            "submitted_by": worker, "idempotency_key": f"demo-showcase-{n}", "received_days_ago": 60 - 5 * n,
            "steps": [{"event": "validate", "by": grassroots, "days_ago": 50 - 5 * n},
                      {"event": "start_review", "by": upper, "days_ago": 40 - 5 * n},
                      {"event": "recognize", "by": upper, "days_ago": 30 - 5 * n,
                       "input": {"scores": {"novelty": 8, "applicability": 9, "effectiveness": 8 + n % 2},
                                 "confirmed_benefit_vnd": confirmed}}],
            "body": {"title": title, "unit_id": unit, "subject_group": group, "field": field, "problem": problem,
                     "solution": solution, "results": results, "applied_where": where,
                     "applied_from": f"2026-0{1 + n}-15", "benefit_vnd": benefit,
                     **({"publish_consent": True} if consent else {}),
                     "authors": [{"full_name": name, "share_percent": share} for name, share in zip(names, shares)]}})
    return found


def write_json(path, document):
    """Write one file: UTF-8, NFC, indent 1, trailing newline."""
    text = json.dumps(_nfc(document), ensure_ascii=False, indent=1) + "\n"
    path.write_text(text, encoding="utf-8", newline="\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT_DIR, help="output directory")
    out = parser.parse_args().out
    out.mkdir(parents=True, exist_ok=True)
    units = build_units()
    write_json(out / "organisation.json", {"units": units})
    write_json(out / "programs.json", {"programs": build_programs(units)})
    write_json(out / "targets.json", {"targets": build_targets(units)})
    write_json(out / "users.json", {"users": build_users()})
    write_json(out / "initiatives.json", {"initiatives": DEMO_INITIATIVES + deadline_initiatives()
                                                        + province_initiatives(units) + rang_dong_initiatives()
                                                        + showcase_initiatives()})


if __name__ == "__main__":
    main()
