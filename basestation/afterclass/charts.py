"""Charts for the HTML reports: pygal's SVG, inline in the page, with no script (pygal
adds its configuration as one; an XML filter takes it out) and an id made from what the
chart shows, so the same data gives the same page."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any
from xml.etree.ElementTree import Element

import pygal
from pygal.style import Style

ROUND_COLOURS = ("#4c72b0", "#dd8452", "#55a868")
CORRECT_EDGE = "stroke: #2ca02c; stroke-width: 4"
STYLE = Style(
    background="white",
    plot_background="white",
    foreground="#222",
    foreground_strong="#222",
    foreground_subtle="#888",
    colors=ROUND_COLOURS,
    font_family="system-ui, sans-serif",
    title_font_size=16,
    label_font_size=13,
    legend_font_size=13,
    major_label_font_size=13,
    opacity="1",
    opacity_hover="0.85",
)
Value = float | dict[str, Any]


def _without_scripts(root: Element) -> Element:
    """The chart without pygal's script and comments (one of them dates the file)."""
    for parent in list(root.iter()):
        for child in list(parent):
            tag = child.tag if isinstance(child.tag, str) else "comment"  # comments: a function
            if tag.rsplit("}", 1)[-1] in ("script", "comment"):
                parent.remove(child)
    return root


def _chart_id(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-") or "chart"


def bar_chart(
    title: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[Value]]],
    *,
    y_title: str,
    y_range: tuple[float, float] | None = None,
    width: int = 560,
    height: int = 340,
) -> str:
    """Grouped bars, one group per label, one bar per series; a value may be a dict
    with pygal's ``value`` and ``style``."""
    chart = pygal.Bar(
        width=width,
        height=height,
        js=[],
        style=STYLE,
        title=title,
        y_title=y_title,
        range=y_range,
        legend_at_bottom=True,
        x_label_rotation=30 if len(labels) > 8 else 0,
        truncate_label=-1,
        disable_xml_declaration=True,
        show_legend=len(series) > 1,
    )
    return _render(chart, title, labels, series)


def line_chart(
    title: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[Value]]],
    *,
    y_title: str,
    y_range: tuple[float, float] | None = None,
) -> str:
    chart = pygal.Line(
        width=560,
        height=340,
        js=[],
        style=STYLE,
        title=title,
        y_title=y_title,
        range=y_range,
        x_label_rotation=30 if len(labels) > 4 else 0,
        truncate_label=-1,
        margin_bottom=60,
        disable_xml_declaration=True,
        show_legend=False,
    )
    return _render(chart, title, labels, series)


def _render(
    chart: Any, title: str, labels: Sequence[str], series: Sequence[tuple[str, Sequence[Value]]]
) -> str:
    chart.uuid = _chart_id(title)
    chart.x_labels = list(labels)
    for name, values in series:
        chart.add(name, list(values))
    chart.add_xml_filter(_without_scripts)
    return str(chart.render(is_unicode=True))


def switch_table(answers: Sequence[str], matrix: dict[str, dict[str, int]], paired: int) -> str:
    """The switching matrix as a table, each cell shaded by its share of the largest."""
    largest = max((matrix[a][b] for a in answers for b in answers), default=0) or 1
    head = "".join(f"<th scope='col'>{answer}</th>" for answer in answers)
    rows = []
    for first in answers:
        cells = []
        for second in answers:
            count = matrix[first][second]
            alpha = round(0.85 * count / largest, 2)
            ink = "#fff" if alpha > 0.45 else "#222"
            cells.append(
                f"<td style='background: rgba(76, 114, 176, {alpha}); color: {ink}; "
                f"text-align: center'>{count}</td>"
            )
        rows.append(f"<tr><th scope='row'>{first}</th>{''.join(cells)}</tr>")
    return (
        f"<table class='switches'><caption>switches ({paired} voted twice): vote 1 "
        f"down, vote 2 across</caption><thead><tr><th></th>{head}</tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )
