"""The term's page of the HTML report: rates and gains over the sessions of a course,
charts as inline SVG (the session report's way: no script, nothing to fetch)."""

from __future__ import annotations

import html
from typing import Any

from matplotlib.figure import Figure

from basestation.analysis import gain_text
from basestation.report import svg


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"


def term_figures(picture: dict[str, Any]) -> str:
    sessions = picture["sessions"]
    figure = Figure(figsize=(10, 3.2))
    rates, times = figure.subplots(1, 2)
    labels = [s["date"] for s in sessions]
    rates.plot(labels, [100 * (s["response_rate"] or 0) for s in sessions], marker="o")
    rates.set_ylim(0, 105)
    rates.set_ylabel(f"% of the {picture['rates_of']}")
    rates.set_title("response rate per session")
    medians = [s["response_times"]["median_s"] or 0 for s in sessions]
    p90s = [s["response_times"]["p90_s"] or 0 for s in sessions]
    times.bar(labels, p90s, color="#dd8452", label="90th percentile")
    times.bar(labels, medians, color="#4c72b0", label="median")
    times.set_ylabel("seconds to the first vote")
    times.set_title("response times")
    times.legend(frameon=False)
    for axes in (rates, times):
        axes.tick_params(axis="x", labelrotation=45)
    figure.tight_layout()
    charts = svg(figure)
    gains = [g for g in picture["gains"] if g["gain"] is not None]
    if gains:
        figure = Figure(figsize=(10, 3))
        axes = figure.subplots()
        axes.bar([f"{g['date']} Q{g['question']}" for g in gains],
                 [100 * g["gain"] for g in gains], color="#55a868")
        axes.set_ylabel("normalized gain, %")
        axes.set_title("what discussion did, question by question")
        axes.tick_params(axis="x", labelrotation=45)
        figure.tight_layout()
        charts += svg(figure)
    return charts


def render_term(picture: dict[str, Any]) -> str:
    escape = html.escape
    rows = "".join(
        f"<tr><td>{s['session']}</td><td>{escape(s['date'])}</td><td>{s['voters']}</td>"
        f"<td>{_percent(s['response_rate'])}</td><td>{s['response_times']['median_s']}</td>"
        f"<td>{s['response_times']['p90_s']}</td>"
        f"<td>{'yes' if s['anonymous'] else ''}</td></tr>" for s in picture["sessions"])
    gains = "".join(
        f"<tr><td>{escape(g['date'])}</td><td>{g['question']}</td>"
        f"<td>{escape(g['text'] or '')}</td><td>{escape(gain_text(g['gain'], g['paired']))}"
        "</td></tr>" for g in picture["gains"])
    absent = picture["absent"]
    if absent is None:
        missing = "<p>Who has not answered cannot be told (no roster, or only anonymous " \
                  "sessions lately).</p>"
    else:
        names = "".join(f"<li>{escape(a['student_id'])} {escape(a['name'])}</li>"
                        for a in absent)
        missing = (f"<p>{len(absent)} student(s) have not answered in the last "
                   f"{picture['absent_sessions']} session(s):</p><ul>{names}</ul>")
    return PAGE.format(course=escape(picture["course"]), count=len(picture["sessions"]),
                       share=_percent(picture["roster_share"]), charts=term_figures(picture),
                       rows=rows, gains=gains, missing=missing)


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
<table><thead><tr><th>session</th><th>date</th><th>voters</th><th>response rate</th>
<th>median s</th><th>90th percentile s</th><th>anonymous</th></tr></thead>
<tbody>{rows}</tbody></table>
<h2>Normalized gain per question</h2>
<table><thead><tr><th>date</th><th>#</th><th>question</th><th>gain</th></tr></thead>
<tbody>{gains}</tbody></table>
<h2>Not answering lately (for the instructor only)</h2>
{missing}
</body></html>
"""
