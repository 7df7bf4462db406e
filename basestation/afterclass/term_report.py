"""The term's page of the HTML report: rates and gains over the sessions of a course,
charts as inline SVG (the session report's way: no script, nothing to fetch)."""

from __future__ import annotations

import html
from typing import Any

from basestation.afterclass.charts import bar_chart, line_chart
from basestation.peer_instruction import CHANGE_MEANING, GAIN_MEANING, gain_text


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"


def term_figures(picture: dict[str, Any]) -> str:
    sessions = picture["sessions"]
    labels = [s["label"] for s in sessions]
    charts = line_chart(
        "response rate per session",
        labels,
        [("response rate", [100 * (s["response_rate"] or 0) for s in sessions])],
        y_title=f"% of the {picture['rates_of']}",
        y_range=(0, 100),
    )
    charts += bar_chart(
        "response times",
        labels,
        [
            ("median", [s["response_times"]["median_s"] or 0 for s in sessions]),
            ("90th percentile", [s["response_times"]["p90_s"] or 0 for s in sessions]),
        ],
        y_title="seconds to the first vote",
    )
    gains = [g for g in picture["gains"] if g["gain"] is not None]
    if gains:
        charts += bar_chart(
            "what discussion did, question by question",
            [f"{g['date']} Q{g['question']}" for g in gains],
            [("normalized gain", [100 * g["gain"] for g in gains])],
            y_title="normalized gain, %",
            width=900,
        )
    return charts


def _kind(gain: dict[str, Any], kind: str) -> str:
    """``40% → 70%, gain 50% (12)``: a kind of discussion group's revote, if kept."""
    figures = gain.get("by_group", {}).get(kind)
    if not figures or not figures["groups"]:
        return "-"
    right = figures["percent_correct"]
    before_after = "" if right is None else f"{right[0]:.0f}% → {right[1]:.0f}%, "
    text = f"{before_after}gain {gain_text(figures['gain'], figures['paired'])}"
    return html.escape(f"{text} ({figures['groups']} groups)")


def render_term(picture: dict[str, Any]) -> str:
    escape = html.escape
    rows = "".join(
        f"<tr><td>{s['session']}</td><td>{escape(s['label'])}</td><td>{s['voters']}</td>"
        f"<td>{_percent(s['response_rate'])}</td>"
        f"<td>{'' if s['unregistered'] is None else s['unregistered']}</td>"
        f"<td>{s['response_times']['median_s']}</td>"
        f"<td>{s['response_times']['p90_s']}</td>"
        f"<td>{'yes' if s['anonymous'] else ''}</td></tr>"
        for s in picture["sessions"]
    )
    gains = "".join(
        f"<tr><td>{escape(g['date'])}</td><td>{g['question']}</td>"
        f"<td>{escape(g['text'] or '')}</td><td>{escape(gain_text(g['gain'], g['paired']))}"
        f"</td><td>{'-' if g.get('change') is None else format(g['change'], '+.0%')}</td>"
        f"<td>{_kind(g, 'mixed')}</td><td>{_kind(g, 'same')}</td></tr>"
        for g in picture["gains"]
    )
    absent = picture["absent"]
    if absent is None:
        missing = (
            "<p>Who has not answered cannot be told (no roster, or only anonymous "
            "sessions lately).</p>"
        )
    else:
        names = "".join(f"<li>{escape(a['student_id'])} {escape(a['name'])}</li>" for a in absent)
        missing = (
            f"<p>{len(absent)} student(s) have not answered in the last "
            f"{picture['absent_sessions']} session(s):</p><ul>{names}</ul>"
        )
    return PAGE.format(
        course=escape(picture["course"]),
        count=len(picture["sessions"]),
        share=_percent(picture["roster_share"]),
        charts=term_figures(picture),
        rows=rows,
        gains=gains,
        meanings=escape(f"The {GAIN_MEANING}; the {CHANGE_MEANING}."),
        missing=missing,
    )


PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Term of {course}</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 1000px; color: #222; }}
table {{ border-collapse: collapse; margin: 1rem 0; }}
td, th {{ border: 1px solid #ccc; padding: .3rem .6rem; text-align: left; }}
svg {{ max-width: 100%; height: auto; }}
</style></head>
<body>
<h1>Term of {course}</h1>
<p>{count} sessions; {share} of the roster voted at least once.</p>
{charts}
<table><thead><tr><th>session</th><th>when</th><th>voters</th><th>response rate</th>
<th>handsets of nobody on the roster</th>
<th>median s</th><th>90th percentile s</th><th>anonymous</th></tr></thead>
<tbody>{rows}</tbody></table>
<h2>Normalized gain per question</h2>
<p>{meanings}</p>
<table><thead><tr><th>date</th><th>#</th><th>question</th><th>normalized gain</th>
<th>normalized change</th><th>mixed groups</th><th>same-answer groups</th></tr></thead>
<tbody>{gains}</tbody></table>
<h2>Not answering lately (for the instructor only)</h2>
{missing}
</body></html>
"""
