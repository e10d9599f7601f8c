"""The province synthesis as an administrative report (.docx)."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from ..dashboard.figures import Figures
from . import docx_layout as layout
from .formal import formal_date, percent

# The table of agencies with overdue tasks stops here; the workbook has them all.
MAX_AGENCY_ROWS = 300


@dataclass
class Issuer:
    superior: str
    name: str
    symbol: str

    @classmethod
    def from_settings(cls) -> Issuer:
        return cls(
            settings.REPORT_SUPERIOR_BODY, settings.REPORT_ISSUING_BODY, settings.REPORT_SYMBOL
        )


def signer_lines() -> list[str]:
    return [line for line in settings.REPORT_SIGNER_TITLE.split("|") if line]


def summary_document(*, figures: Figures, issuer: Issuer, scope: str, filters: str) -> bytes:
    document = layout.new_document()
    layout.heading(
        document,
        superior=issuer.superior,
        issuer=issuer.name,
        symbol=issuer.symbol,
        place=settings.REPORT_PLACE,
        day=figures.as_of,
        title=_("Báo cáo"),
        summary=_("Kết quả khắc phục tồn tại, hạn chế trong công tác cải cách hành chính"),
    )
    total = figures.total
    layout.body(
        document,
        _(
            "%(issuer)s tổng hợp kết quả khắc phục tồn tại, hạn chế trong công tác cải cách "
            "hành chính của %(scope)s, tính đến %(date)s, như sau:"
        )
        % {"issuer": issuer.name, "scope": scope, "date": formal_date(figures.as_of)},
    )
    if filters:
        layout.body(
            document, _("Phạm vi tổng hợp: %(filters)s.") % {"filters": filters}, italic=True
        )
    layout.body(document, _("I. KẾT QUẢ CHUNG"), bold=True)
    lines = [
        _("Tổng số nhiệm vụ khắc phục: %(n)s, trong đó:") % {"n": total.total},
        _("- Hoàn thành đúng hạn: %(n)s nhiệm vụ;") % {"n": total.completed_on_time},
        _("- Hoàn thành quá hạn: %(n)s nhiệm vụ;") % {"n": total.completed_late},
        _("- Chưa hoàn thành, trong hạn: %(n)s nhiệm vụ (trong đó sắp đến hạn: %(soon)s);")
        % {"n": total.within, "soon": total.due_soon},
        _("- Chưa hoàn thành, quá hạn: %(n)s nhiệm vụ.") % {"n": total.overdue},
        _(
            "Tỷ lệ hoàn thành đúng hạn: %(rate)s%% (số nhiệm vụ hoàn thành đúng hạn trên số "
            "nhiệm vụ đã hoàn thành hoặc đã quá hạn)."
        )
        % {"rate": percent(total.rate_shown)},
    ]
    for line in lines:
        layout.body(document, line)
    layout.body(document, _("II. KẾT QUẢ THEO LĨNH VỰC CẢI CÁCH HÀNH CHÍNH"), bold=True)
    layout.table(
        document,
        [
            _("STT"),
            _("Lĩnh vực"),
            _("Tổng số"),
            _("Đúng hạn"),
            _("Quá hạn (đã xong)"),
            _("Trong hạn"),
            _("Quá hạn"),
        ],
        [
            (
                n,
                row.name,
                row.counts.total,
                row.counts.completed_on_time,
                row.counts.completed_late,
                row.counts.within,
                row.counts.overdue,
            )
            for n, row in enumerate(figures.areas, start=1)
        ],
        [1.1, 6.4, 1.6, 1.6, 1.9, 1.6, 1.6],
    )
    layout.body(document, _("III. CÁC CƠ QUAN CÒN NHIỆM VỤ CHƯA HOÀN THÀNH, QUÁ HẠN"), bold=True)
    late = sorted(
        (row for row in figures.agencies if row.counts.overdue),
        key=lambda row: (-row.counts.overdue, row.counts.oldest_due, row.sort_key, row.id),
    )
    if late:
        layout.table(
            document,
            [
                _("STT"),
                _("Cơ quan"),
                _("Tổng số nhiệm vụ"),
                _("Quá hạn"),
                _("Quá hạn lâu nhất (ngày)"),
            ],
            [
                (
                    n,
                    row.name,
                    row.counts.total,
                    row.counts.overdue,
                    row.counts.oldest_overdue_days(figures.as_of),
                )
                for n, row in enumerate(late[:MAX_AGENCY_ROWS], start=1)
            ],
            [1.1, 8.2, 2.4, 2.0, 2.6],
        )
        if len(late) > MAX_AGENCY_ROWS:
            layout.body(
                document,
                _("Và %(n)s cơ quan khác (chi tiết tại bảng tính tổng hợp).")
                % {"n": len(late) - MAX_AGENCY_ROWS},
                italic=True,
            )
    else:
        layout.body(document, _("Không có cơ quan nào còn nhiệm vụ quá hạn."))
    layout.body(
        document,
        _(
            "Trên đây là báo cáo tổng hợp kết quả khắc phục tồn tại, hạn chế trong công tác cải "
            "cách hành chính của %(issuer)s./."
        )
        % {"issuer": issuer.name},
    )
    layout.closing(
        document,
        recipients=[_("UBND tỉnh (b/c);"), _("Lưu: VT, CCHC.")],
        signer_title=signer_lines(),
        signer=settings.REPORT_SIGNER_NAME,
    )
    return layout.to_bytes(document)
