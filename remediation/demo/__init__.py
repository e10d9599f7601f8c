"""Demo data: the 2019 CCHC inspection in Tuyên Quang and its remediation.

Source: the provincial People's Committee's letter on remediating the
shortcomings found in 2019 (06 departments, 02 district and 03 commune People's
Committees inspected; report before 30/11/2019 through Sở Nội vụ). Which agency
had which shortcoming is not in the source: that assignment is illustrative.

Every row is keyed on its natural key, and a row is written only when it
differs, so loading twice leaves the data (``updated_at`` included) unchanged.
Each task's status is the end of its history (``history.py``): report
versions and events as the workflow would have written them.
"""

from __future__ import annotations

import datetime

from django.contrib.auth.hashers import make_password
from django.db import transaction

from agencies.models import Agency, AgencyKind, ReformArea, Role, User, normalize_text
from directives.docnumbers import parse_document_number
from directives.models import Directive, DirectiveLink, LinkKind

from ..models import Finding, Inspection, RemediationTask, TaskStatus
from . import history
from .upsert import upsert

PROVINCE = "UBNDT"
DEMO_PASSWORD = "demo12345"  # noqa: S105 - published demo accounts
DUE_DATE = datetime.date(2019, 11, 30)

# code, name, kind, parent code
AGENCIES: list[tuple[str, str, str, str | None]] = [
    (PROVINCE, "UBND tỉnh Tuyên Quang", AgencyKind.PROVINCIAL_PC, None),
    ("SNV", "Sở Nội vụ", AgencyKind.DEPARTMENT, PROVINCE),
    ("STP", "Sở Tư pháp", AgencyKind.DEPARTMENT, PROVINCE),
    ("STC", "Sở Tài chính", AgencyKind.DEPARTMENT, PROVINCE),
    ("SKHCN", "Sở Khoa học và Công nghệ", AgencyKind.DEPARTMENT, PROVINCE),
    ("STTTT", "Sở Thông tin và Truyền thông", AgencyKind.DEPARTMENT, PROVINCE),
    ("VPUBND", "Văn phòng UBND tỉnh", AgencyKind.DEPARTMENT, PROVINCE),
    ("STNMT", "Sở Tài nguyên và Môi trường", AgencyKind.DEPARTMENT, PROVINCE),
    ("SXD", "Sở Xây dựng", AgencyKind.DEPARTMENT, PROVINCE),
    ("SYT", "Sở Y tế", AgencyKind.DEPARTMENT, PROVINCE),
    ("SGDDT", "Sở Giáo dục và Đào tạo", AgencyKind.DEPARTMENT, PROVINCE),
    ("SNNPTNT", "Sở Nông nghiệp và Phát triển nông thôn", AgencyKind.DEPARTMENT, PROVINCE),
    ("SLDTBXH", "Sở Lao động - Thương binh và Xã hội", AgencyKind.DEPARTMENT, PROVINCE),
    ("NAHANG", "UBND huyện Na Hang", AgencyKind.DISTRICT_PC, PROVINCE),
    ("CHIEMHOA", "UBND huyện Chiêm Hóa", AgencyKind.DISTRICT_PC, PROVINCE),
    ("NAHANG-THANHTUONG", "UBND xã Thanh Tương", AgencyKind.COMMUNE_PC, "NAHANG"),
    ("NAHANG-NANGKHA", "UBND xã Năng Khả", AgencyKind.COMMUNE_PC, "NAHANG"),
    ("CHIEMHOA-YENNGUYEN", "UBND xã Yên Nguyên", AgencyKind.COMMUNE_PC, "CHIEMHOA"),
]

# Official mailboxes (hộp thư công vụ), fictitious: reminders reach agencies
# without accounts there.
MAILBOX_DOMAIN = "tuyenquang.example.vn"


def demo_mailbox(code: str) -> str:
    return f"{code.lower()}@{MAILBOX_DOMAIN}"


# "Các Sở: Nội vụ, Tư pháp, Tài chính, Khoa học và Công nghệ, Thông tin và Truyền
# thông, Văn phòng UBND tỉnh có trách nhiệm theo dõi, đôn đốc, kiểm tra lĩnh vực…"
AREA_MONITORS = {
    "LV1": "SNV",
    "LV2": "STP",
    "LV3": "VPUBND",
    "LV4": "SNV",
    "LV5": "SNV",
    "LV6": "STC",
    "LV7": "STTTT",
    "LV8": "SNV",
}

# symbol, issue date, issuer name, issuer code in the system, title
DIRECTIVES: list[tuple[str, datetime.date, str, str | None, str]] = [
    (
        "57/TB-UBND",
        datetime.date(2019, 6, 18),
        "UBND tỉnh Tuyên Quang",
        PROVINCE,
        "Kết luận của Chủ tịch UBND tỉnh tại Hội nghị sơ kết công tác cải cách hành chính "
        "tỉnh Tuyên Quang giai đoạn 2016-2018",
    ),
    (
        "41/KH-UBND",
        datetime.date(2016, 5, 28),
        "UBND tỉnh Tuyên Quang",
        PROVINCE,
        "Kế hoạch thực hiện giảm tối thiểu 30% thời gian thực hiện thủ tục hành chính",
    ),
    (
        "45/2016/QĐ-TTg",
        datetime.date(2016, 10, 19),
        "Thủ tướng Chính phủ",
        None,
        "Quyết định về việc tiếp nhận hồ sơ, trả kết quả giải quyết thủ tục hành chính "
        "qua dịch vụ bưu chính công ích",
    ),
]
# source, target, kind
DIRECTIVE_LINKS = [
    ("57/TB-UBND", "41/KH-UBND", LinkKind.CITES),
    ("57/TB-UBND", "45/2016/QĐ-TTg", LinkKind.CITES),
]

INSPECTION_NAME = "Kiểm tra công tác CCHC năm 2019"
INSPECTED = [
    "STNMT",
    "SXD",
    "SYT",
    "SGDDT",
    "SNNPTNT",
    "SLDTBXH",
    "NAHANG",
    "CHIEMHOA",
    "NAHANG-THANHTUONG",
    "NAHANG-NANGKHA",
    "CHIEMHOA-YENNGUYEN",
]

# The shortcomings the letter lists: area, description, required action (from
# the letter), directive symbol, task title.
SHORTCOMINGS: dict[str, tuple[str, str, str, str, str]] = {
    "direction": (
        "LV1",
        "Việc chỉ đạo thực hiện CCHC chưa sâu sát, kịp thời.",
        "Thực hiện có hiệu quả các nhiệm vụ CCHC theo chỉ đạo của Chủ tịch UBND tỉnh tại "
        "Thông báo số 57/TB-UBND ngày 18/06/2019; đẩy mạnh công tác tuyên truyền, nâng cao "
        "nhận thức về vai trò và ý nghĩa của công tác CCHC.",
        "57/TB-UBND",
        "Tăng cường chỉ đạo, tuyên truyền thực hiện nhiệm vụ CCHC",
    ),
    "reports": (
        "LV1",
        "Báo cáo định kỳ về CCHC còn chậm.",
        "Thực hiện nghiêm túc chế độ thông tin, báo cáo định kỳ về kết quả thực hiện công tác "
        "CCHC và tiến độ giải quyết TTHC theo quy định.",
        "57/TB-UBND",
        "Thực hiện đúng hạn chế độ báo cáo định kỳ về CCHC",
    ),
    "online": (
        "LV7",
        "Tỷ lệ hồ sơ TTHC tiếp nhận và xử lý trực tuyến mức độ 3, 4 còn thấp.",
        "Thực hiện cung cấp dịch vụ công trực tuyến, nâng cao tỷ lệ hồ sơ TTHC được tiếp nhận "
        "và xử lý trực tuyến mức độ 3, 4; có hình thức phù hợp hỗ trợ người dân tiếp cận, "
        "sử dụng dịch vụ công trực tuyến mức độ 3 ở các lĩnh vực có nhiều giao dịch phát "
        "sinh ở cấp xã như hành chính tư pháp, hộ tịch, chứng thực.",
        "57/TB-UBND",
        "Nâng cao tỷ lệ hồ sơ TTHC xử lý trực tuyến mức độ 3, 4",
    ),
    "postal": (
        "LV3",
        "Tỷ lệ hồ sơ TTHC tiếp nhận và trả kết quả giải quyết qua dịch vụ bưu chính công ích "
        "còn thấp.",
        "Thực hiện có hiệu quả và nâng cao tỷ lệ hồ sơ TTHC tiếp nhận và trả kết quả giải quyết "
        "qua dịch vụ bưu chính công ích theo Quyết định số 45/2016/QĐ-TTg ngày 19/10/2016 của "
        "Thủ tướng Chính phủ và chỉ đạo của UBND tỉnh.",
        "45/2016/QĐ-TTg",
        "Nâng cao tỷ lệ hồ sơ TTHC qua dịch vụ bưu chính công ích",
    ),
    "autonomy": (
        "LV6",
        "Việc giao tự chủ, tự chịu trách nhiệm đối với đơn vị sự nghiệp công lập còn chậm.",
        "Đẩy nhanh tiến độ thực hiện việc giao tự chủ, tự chịu trách nhiệm của các đơn vị sự "
        "nghiệp công lập thuộc UBND huyện, thành phố.",
        "57/TB-UBND",
        "Đẩy nhanh giao tự chủ cho đơn vị sự nghiệp công lập",
    ),
    "iso": (
        "LV7",
        "Việc duy trì, cải tiến Hệ thống quản lý chất lượng theo tiêu chuẩn TCVN ISO 9001 "
        "còn hạn chế.",
        "Khắc phục ngay tồn tại, hạn chế trong việc duy trì, cải tiến Hệ thống quản lý chất "
        "lượng theo tiêu chuẩn TCVN ISO 9001; báo cáo UBND tỉnh trước ngày 30/11/2019, gửi "
        "Sở Nội vụ tổng hợp chung.",
        "57/TB-UBND",
        "Duy trì, cải tiến Hệ thống quản lý chất lượng TCVN ISO 9001",
    ),
    # Not in the letter (which praises the province's work on legal documents):
    # added so that Sở Tư pháp, which monitors this area, has tasks to follow.
    "legal": (
        "LV2",
        "Việc rà soát, hệ thống hóa văn bản quy phạm pháp luật thuộc lĩnh vực quản lý chưa "
        "được thực hiện thường xuyên.",
        "Thực hiện rà soát, hệ thống hóa văn bản quy phạm pháp luật thuộc lĩnh vực quản lý "
        "theo quy định; báo cáo kết quả qua Sở Tư pháp.",
        "57/TB-UBND",
        "Rà soát, hệ thống hóa văn bản quy phạm pháp luật",
    ),
}

# code, shortcoming, inspected agency, task status, completed on
FINDINGS: list[tuple[str, str, str, str, datetime.date | None]] = [
    ("KT2019-01", "direction", "NAHANG-THANHTUONG", TaskStatus.COMPLETED, datetime.date(2019, 11, 25)),
    ("KT2019-02", "direction", "CHIEMHOA-YENNGUYEN", TaskStatus.IN_PROGRESS, None),
    ("KT2019-03", "reports", "SXD", TaskStatus.COMPLETED, datetime.date(2019, 11, 29)),
    ("KT2019-04", "reports", "SLDTBXH", TaskStatus.COMPLETED, datetime.date(2019, 12, 10)),
    ("KT2019-05", "online", "STNMT", TaskStatus.SUBMITTED, None),
    ("KT2019-06", "online", "SGDDT", TaskStatus.COMPLETED, datetime.date(2019, 11, 20)),
    ("KT2019-07", "postal", "NAHANG", TaskStatus.RETURNED, None),
    ("KT2019-08", "postal", "STNMT", TaskStatus.COMPLETED, datetime.date(2019, 11, 27)),
    ("KT2019-09", "online", "NAHANG-NANGKHA", TaskStatus.OPEN, None),
    ("KT2019-10", "autonomy", "CHIEMHOA", TaskStatus.COMPLETED, datetime.date(2019, 12, 20)),
    ("KT2019-11", "iso", "SYT", TaskStatus.COMPLETED, datetime.date(2019, 11, 28)),
    ("KT2019-12", "iso", "SNNPTNT", TaskStatus.IN_PROGRESS, None),
    ("KT2019-13", "legal", "STNMT", TaskStatus.AWAITING_APPROVAL, None),
    ("KT2019-14", "legal", "NAHANG", TaskStatus.IN_PROGRESS, None),
]  # fmt: skip
# Granted extensions (gia hạn): finding code -> extended due date.
EXTENDED = {"KT2019-14": datetime.date(2019, 12, 15)}
# Supporting agencies (phối hợp): Justice for online services at commune level
# ("hành chính tư pháp, hộ tịch, chứng thực"), Science and Technology for ISO.
SUPPORTING = {"KT2019-09": ["STP"], "KT2019-11": ["SKHCN"], "KT2019-12": ["SKHCN"]}

# An officer (cán bộ) and a leader (lãnh đạo) for each inspected agency, who
# write and approve its reports: canbo.<code>, lanhdao.<code>.
STAFF: dict[str, tuple[tuple[str, str], tuple[str, str]]] = {
    "STNMT": (("Ma Thị", "Dung"), ("Hoàng Văn", "Cường")),
    "SXD": (("Lý Thị", "Hoa"), ("Nguyễn Đức", "Thắng")),
    "SYT": (("Phạm Thu", "Trang"), ("Đỗ Văn", "Hùng")),
    "SGDDT": (("Vũ Thị", "Lan"), ("Trần Quốc", "Toản")),
    "SNNPTNT": (("Nông Văn", "Tiến"), ("Lê Minh", "Tuấn")),
    "SLDTBXH": (("Hà Thị", "Mai"), ("Bùi Văn", "Long")),
    "NAHANG": (("Ma Văn", "Khánh"), ("Chẩu Văn", "Lâm")),
    "CHIEMHOA": (("Quan Thị", "Hằng"), ("Hoàng Đình", "Phúc")),
    "NAHANG-THANHTUONG": (("Triệu Thị", "Nga"), ("Bàn Văn", "Sơn")),
    "NAHANG-NANGKHA": (("Lương Văn", "Quý"), ("Mông Thị", "Thoa")),
    "CHIEMHOA-YENNGUYEN": (("Hầu Thị", "Yến"), ("La Văn", "Định")),
}

# username, last name, first name, role, agency, staff and superuser
USERS: list[tuple[str, str, str, str, str, bool]] = [
    ("sonoivu", "Nguyễn Thu", "Hà", Role.COORDINATOR, "SNV", False),
    ("sotuphap", "Trần Văn", "Bình", Role.MONITOR, "STP", False),
    *(
        (f"{prefix}.{code.lower()}", *name, role, code, False)
        for code, people in STAFF.items()
        for prefix, role, name in zip(
            ("canbo", "lanhdao"), (Role.OFFICER, Role.LEADER), people, strict=True
        )
    ),
    ("admin", "Quản trị", "Hệ thống", Role.ADMIN, "SNV", True),
]


def _load_agencies() -> dict[str, Agency]:
    agencies: dict[str, Agency] = {}
    for code, name, kind, parent in AGENCIES:
        values = {"name": normalize_text(name), "kind": kind, "parent": agencies.get(parent)}
        values["official_email"] = demo_mailbox(code)
        agencies[code] = upsert(Agency, {"code": code}, values)
    for area_code, monitor in AREA_MONITORS.items():
        area = ReformArea.objects.get(code=area_code)  # created by a data migration
        if area.monitoring_agency_id != agencies[monitor].pk:
            area.monitoring_agency = agencies[monitor]
            area.save(update_fields=["monitoring_agency"])
    return agencies


def _load_directives(agencies: dict[str, Agency]) -> dict[str, Directive]:
    directives: dict[str, Directive] = {}
    for symbol, issued, issuer_name, issuer, title in DIRECTIVES:
        draft = Directive(issue_date=issued, issuer_name=issuer_name, title=title)
        draft.apply_number(parse_document_number(symbol))
        key = {f: getattr(draft, f) for f in ("number", "type_code", "issuer_code", "year")}
        values = {
            "symbol": draft.symbol,
            "doc_type": draft.doc_type,
            "issuer_name": draft.issuer_name,
            "issuer": agencies.get(issuer) if issuer else None,
            "issue_date": issued,
            "title": draft.title,
        }
        directives[symbol] = upsert(Directive, key, values)
    for source, target, kind in DIRECTIVE_LINKS:
        lookup = {"source": directives[source], "target": directives[target], "kind": kind}
        upsert(DirectiveLink, lookup, {})
    return directives


def _load_findings(agencies: dict[str, Agency], directives: dict[str, Directive]) -> None:
    inspection = upsert(
        Inspection, {"name": INSPECTION_NAME}, {"year": 2019, "leading_agency": agencies["SNV"]}
    )
    inspection.inspected_agencies.set([agencies[code] for code in INSPECTED])
    areas = {area.code: area for area in ReformArea.objects.select_related("monitoring_agency")}
    for code, kind, agency_code, status, completed_on in FINDINGS:
        area_code, description, action, symbol, title = SHORTCOMINGS[kind]
        area = areas[area_code]
        finding = upsert(
            Finding,
            {"code": code},
            {
                "inspection": inspection,
                "agency": agencies[agency_code],
                "reform_area": area,
                "description": normalize_text(description),
                "required_action": normalize_text(action),
                "source_directive": directives[symbol],
            },
        )
        task = upsert(
            RemediationTask,
            {"finding": finding},
            {
                "title": normalize_text(title),
                "lead_agency": agencies[agency_code],
                "monitoring_agency": area.monitoring_agency,
                "due_date": DUE_DATE,
                "extended_due_date": EXTENDED.get(code),
                "status": status,
                "completed_on": completed_on,
            },
        )
        task.supporting_agencies.set([agencies[c] for c in SUPPORTING.get(code, [])])


def _demo_password() -> str:
    return make_password(DEMO_PASSWORD)


def _load_users(agencies: dict[str, Agency]) -> dict[str, User]:
    users: dict[str, User] = {}
    for username, last_name, first_name, role, agency, is_admin in USERS:
        values = {
            "email": f"{username}@example.com",
            "last_name": normalize_text(last_name),
            "first_name": normalize_text(first_name),
            "role": role,
            "agency": agencies[agency],
            "is_active": True,
            "is_staff": is_admin,
            "is_superuser": is_admin,
        }
        # The password only on creation (lazily: hashing is slow), since a
        # rehash would change the stored hash through a new salt.
        users[username] = upsert(User, {"username": username}, values, password=_demo_password)
    return users


@transaction.atomic
def load_demo_scenario() -> dict[str, int]:
    """Create or update the 2019 Tuyên Quang scenario; return counts by kind."""
    agencies = _load_agencies()
    directives = _load_directives(agencies)
    _load_findings(agencies, directives)
    users = _load_users(agencies)
    written = history.load_history(findings=FINDINGS, users=users)
    return {
        **written,
        "agencies": len(AGENCIES),
        "reform_areas": len(AREA_MONITORS),
        "directives": len(DIRECTIVES),
        "directive_links": len(DIRECTIVE_LINKS),
        "inspections": 1,
        "findings": len(FINDINGS),
        "tasks": len(FINDINGS),
        "users": len(USERS),
    }
