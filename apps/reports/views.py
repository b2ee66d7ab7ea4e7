import csv
import io

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from apps.core.permissions import get_visible_or_404, permission_required, require
from apps.core.spreadsheets import safe_row, safe_rows
from apps.reports import queries, regional, trends
from apps.reports.filters import RegionFilter


def _table(request):
    require(request.user, "reports.view_region")
    region = queries.region_slsps_for(request.user)
    filterset = RegionFilter(request.GET, queryset=region)
    table = regional.build_table(filterset.qs, region=region).sorted_by(
        request.GET.get("tri", "nom")
    )
    return filterset, table


def region(request):
    filterset, table = _table(request)
    context = {
        "filter": filterset,
        "table": table,
        "sort": request.GET.get("tri", "nom"),
        "trends": trends.regional_trends(
            queries.region_slsps_for(request.user), figures=table.figures
        ),
    }
    return render(request, "reports/region.html", context)


def region_csv(request):
    _, table = _table(request)
    buffer = io.StringIO()
    # Semicolons and a BOM: what Excel expects in Belgium.
    writer = csv.writer(buffer, delimiter=";")
    writer.writerows(safe_rows(regional.export_rows(table)))
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename("csv")}"'
    return response


def region_xlsx(request):
    from openpyxl import Workbook
    from openpyxl.styles import Font

    _, table = _table(request)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "SLSP"
    for line in regional.export_rows(table):
        sheet.append(safe_row(line))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "B2"
    sheet.column_dimensions["A"].width = 48
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename("xlsx")}"'
    return response


@permission_required("reports.view_region")
def slsp_overview(request, uuid):
    region = queries.region_slsps_for(request.user)
    slsp = get_visible_or_404(region, uuid=uuid)
    # The SLSP's line of the regional table, protected with every other line: the
    # drill-down shows exactly what the table shows.
    table = regional.build_table([slsp], region=region)
    facts = list(zip(table.columns, table.rows[0].values, strict=True))
    context = {
        "slsp": slsp,
        "facts": facts,
        "trends": trends.slsp_trends(slsp, region, figures=table.figures),
        "evaluation": queries.released_evaluation_for(request.user, slsp),
        **regional.network_overview(slsp),
    }
    return render(request, "reports/slsp_overview.html", context)


def _filename(extension: str) -> str:
    return f"slsp-region-{timezone.localdate():%Y-%m-%d}.{extension}"
