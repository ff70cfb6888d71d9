"""The report writer: a table laid out as it is submitted (title, meta, grouped header, totals,
footer), frozen, fitted to A4 landscape, text never a formula, in the reader's language."""

import datetime as dt
import io

from django.utils import translation
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook

from wangge.core.reports import Column, ReportSpec, report_xlsx, write_report

AREA = gettext_lazy("区域")  # in the catalogue: "Area"
CURRENT, CUMULATIVE = gettext_lazy("现有"), gettext_lazy("累计")


def spec(**changes) -> ReportSpec:
    fields = {
        "title": "江汉区四类人员日报表",
        "meta": [("填报单位", "江汉区"), ("日期", dt.date(2026, 11, 28))],
        "columns": [
            Column("区域代码"),
            Column(AREA),
            Column(CURRENT, group="确诊", total=True),
            Column(CUMULATIVE, group="确诊", total=True),
            Column(CURRENT, group="密接", total=True),
            Column(CUMULATIVE, group="密接", total=True),
        ],
        "rows": [["420103001", "民族街道", 1, 2, 3, 4], ["420103002", "花楼街道", 10, 20, 30, 40]],
        "footer": [("填报人", "王芳"), ("审核人", ""), ("联系电话", "13800000000")],
        "frozen_columns": 2,
    }
    return ReportSpec(**{**fields, **changes})


def sheet_of(report: ReportSpec):
    content, _count = report_xlsx(report)
    return load_workbook(io.BytesIO(content)).active


def merged(sheet) -> set[str]:
    return {str(r) for r in sheet.merged_cells.ranges}


def test_the_title_spans_the_table_and_the_meta_shares_the_row_below():
    sheet = sheet_of(spec())
    assert sheet["A1"].value == "江汉区四类人员日报表" and sheet["A1"].font.b
    assert "A1:F1" in merged(sheet)
    assert sheet["A2"].value == "填报单位：江汉区"
    assert sheet["D2"].value == "日期：2026-11-28"
    assert {"A2:C2", "D2:F2"} <= merged(sheet)


def test_a_group_is_merged_over_its_columns_and_an_ungrouped_column_spans_both_header_rows():
    sheet = sheet_of(spec())
    assert [sheet.cell(3, c).value for c in range(1, 7)] == ["区域代码", "区域", "确诊", None, "密接", None]
    assert [sheet.cell(4, c).value for c in range(3, 7)] == ["现有", "累计", "现有", "累计"]
    assert {"A3:A4", "B3:B4", "C3:D3", "E3:F3"} <= merged(sheet)


def test_a_report_without_groups_has_one_header_row():
    sheet = sheet_of(spec(columns=[Column("区域"), Column("人数", total=True)], rows=[["甲", 1]]))
    assert [c.value for c in sheet[3]] == ["区域", "人数"]
    assert sheet["A4"].value == "甲"
    assert sheet.print_title_rows == "$3:$3"


def test_the_totals_row_is_the_sum_of_the_rows_under_a_label_over_the_leading_columns():
    report = spec()
    buffer = io.BytesIO()
    count, layout = write_report(report, buffer)
    sheet = load_workbook(io.BytesIO(buffer.getvalue())).active
    assert count == 2 and (layout.first_row, layout.last_row, layout.totals_row) == (5, 6, 7)
    body = [[sheet.cell(r, c).value for c in range(3, 7)] for r in range(5, 7)]
    totals = [sheet.cell(7, c).value for c in range(3, 7)]
    assert totals == [sum(column) for column in zip(*body, strict=True)] == [11, 22, 33, 44]
    assert sheet["A7"].value == "合计" and "A7:B7" in merged(sheet)


def test_a_total_can_be_computed_from_the_rows():
    share = Column("占用率", total=lambda rows: f"{sum(r[1] for r in rows) * 100 // sum(r[2] for r in rows)}%")
    sheet = sheet_of(
        spec(
            columns=[Column("名称"), Column("在院", total=True), Column("床位", total=True), share],
            rows=[["甲", 1, 4, "25%"], ["乙", 3, 4, "75%"]],
        )
    )
    assert [c.value for c in sheet[6]] == ["合计", 4, 8, "50%"]


def test_the_footer_follows_a_blank_row_with_blanks_to_fill_in():
    sheet = sheet_of(spec())
    assert all(c.value is None for c in sheet[8])
    assert [sheet.cell(9, c).value for c in (1, 3, 5)] == ["填报人：王芳", "审核人：", "联系电话：13800000000"]


def test_the_panes_are_frozen_below_the_header_and_right_of_the_frozen_columns():
    assert sheet_of(spec()).freeze_panes == "C5"
    assert sheet_of(spec(frozen_columns=0)).freeze_panes == "A5"


def test_it_prints_on_a4_landscape_one_page_wide_with_the_header_on_every_page():
    sheet = sheet_of(spec())
    assert sheet.page_setup.orientation == "landscape"
    assert int(sheet.page_setup.paperSize) == 9  # A4
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert (int(sheet.page_setup.fitToWidth), int(sheet.page_setup.fitToHeight)) == (1, 0)
    assert sheet.print_title_rows == "$3:$4"


def test_columns_are_as_wide_as_their_content_or_as_asked():
    sheet = sheet_of(spec(rows=[["420103001001", "一个名字很长很长的社区居民委员会", 1, 2, 3, 4]]))
    widths = {k: sheet.column_dimensions[k].width for k in "ABCF"}
    assert widths["A"] == 14  # twelve digits and a margin
    assert widths["B"] == 2 * 16 + 2  # CJK characters count two
    assert widths["C"] == 6  # "现有" and small numbers: the minimum
    fixed = sheet_of(spec(columns=[Column("名称", width=25), Column("人数", total=True)], rows=[["甲", 1]]))
    assert fixed.column_dimensions["A"].width == 25


def test_text_that_looks_like_a_formula_stays_text_everywhere():
    hostile = '=HYPERLINK("http://x","点我")'
    sheet = sheet_of(
        spec(
            title=hostile,
            rows=[["420103001", hostile, 1, 2, 3, 4], ["420103002", "@SUM(1)", 0, 0, 0, 0]],
            footer=[("填报人", "-1+2")],
        )
    )
    for cell in (sheet["A1"], sheet["B5"], sheet["B6"]):
        assert cell.data_type == "s" and cell.quotePrefix
    assert sheet["B5"].value == hostile
    assert sheet["A9"].value == "填报人：-1+2"
    content, _count = report_xlsx(spec(rows=[["1", hostile, 1, 2, 3, 4]]))
    assert b"<f>" not in content and b"<f " not in content


def test_control_characters_do_not_break_the_file():
    sheet = sheet_of(spec(rows=[["420103001", "民族\x00街道", 1, 2, 3, 4]]))
    assert sheet["B5"].value == "民族\ufffd街道"


def test_lazy_labels_are_resolved_when_written_in_the_report_language():
    report = spec()  # the labels are lazy: nothing is translated yet
    with translation.override("zh-hans"):
        english = sheet_of(spec(language="en"))
        chinese = sheet_of(report)
    assert english["B3"].value == "Area" and english["C4"].value == "Current" and english["A7"].value == "Total"
    assert chinese["B3"].value == "区域" and chinese["A7"].value == "合计"
    with translation.override("en"):
        assert sheet_of(report)["D4"].value == "Cumulative"


def test_an_empty_report_still_has_its_header_and_a_zero_totals_row():
    content, count = report_xlsx(spec(rows=[]))
    sheet = load_workbook(io.BytesIO(content)).active
    assert count == 0
    assert [sheet.cell(5, c).value for c in range(1, 7)] == ["合计", None, 0, 0, 0, 0]


def test_an_empty_report_freezes_its_panes_inside_the_merged_totals_label():
    columns = [Column("编号"), Column("名称"), Column("地址"), Column("床位", total=True)]
    sheet = sheet_of(spec(columns=columns, rows=[], frozen_columns=2))
    assert sheet.freeze_panes == "C4" and "A4:C4" in merged(sheet)
