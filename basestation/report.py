"""``basestation report``: a self-contained HTML page of a session, charts drawn by
matplotlib as inline SVG (no script, no network, nothing to fetch)."""

from __future__ import annotations

import html
import io
from typing import Any

import matplotlib
from matplotlib.figure import Figure

from basestation.analysis import gain_text
from basestation.domain import DEFAULT_ANSWERS, correct_answers

matplotlib.rcParams["svg.hashsalt"] = "basestation"  # the same data, the same page
matplotlib.rcParams["svg.fonttype"] = "none"  # text stays text: drawn 3x faster, smaller
ROUND_COLOURS = ("#4c72b0", "#dd8452")
CORRECT_EDGE = "#2ca02c"


def question_figure(question: dict[str, Any]) -> Figure:
    """Vote 1 and the revote side by side, and the switching matrix if there is one."""
    rounds = question["rounds"]
    answers = list(question.get("answers") or DEFAULT_ANSWERS)
    keys = correct_answers(question["correct"])
    has_matrix = "matrix" in question
    figure = Figure(figsize=(9 if has_matrix else 5, 3.2))  # no pyplot: no GUI machinery
    axes = figure.subplots(1, 2 if has_matrix else 1, squeeze=False)
    bars = axes[0][0]
    width = 0.8 / max(len(rounds), 1)
    for index, figures in enumerate(rounds):
        positions = [a + (index - (len(rounds) - 1) / 2) * width for a in range(len(answers))]
        shares = [figures["percent"][a] for a in answers]
        drawn = bars.bar(positions, shares, width, label=f"vote {figures['round']}",
                         color=ROUND_COLOURS[index % len(ROUND_COLOURS)])
        for answer, bar in zip(answers, drawn, strict=True):
            if answer in keys:
                bar.set_edgecolor(CORRECT_EDGE)
                bar.set_linewidth(2.5)
    bars.set_xticks(range(len(answers)),
                    [a + (" ✓" if a in keys else "") for a in answers])
    bars.set_ylabel("% of voters")
    bars.set_ylim(0, 100)
    bars.legend(frameon=False)
    bars.set_title(f"Question {question['question']}")
    if has_matrix:
        grid = axes[0][1]
        values = [[question["matrix"][a][b] for b in answers] for a in answers]
        grid.imshow(values, cmap="Blues")
        dark = max(max(row) for row in values) / 2
        for row in range(len(answers)):
            for column in range(len(answers)):
                value = values[row][column]
                grid.text(column, row, str(value), ha="center", va="center",
                          color="white" if value > dark else "black")
        grid.set_xticks(range(len(answers)), answers)
        grid.set_yticks(range(len(answers)), answers)
        grid.set_xlabel("vote 2")
        grid.set_ylabel("vote 1")
        grid.set_title(f"switches ({question['paired']} voted twice)")
    figure.subplots_adjust(left=0.08 if has_matrix else 0.14, right=0.97, bottom=0.14,
                           top=0.9, wspace=0.25)  # fixed: tight_layout draws it all twice
    return figure


def svg(figure: Figure) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None})
    text = buffer.getvalue()
    return text[text.index("<svg"):]  # drop the XML prolog and DOCTYPE for inline use


def render_report(analysis: dict[str, Any], title: str) -> str:
    """The whole page; every piece of user text is escaped."""
    questions = analysis["questions"]
    rows = []
    sections = []
    for question in questions:
        first = question["rounds"][0] if question["rounds"] else None
        last = question["rounds"][-1] if question["rounds"] else None
        gain = question.get("gain")
        rows.append("<tr>" + "".join(f"<td>{html.escape(str(cell))}</td>" for cell in (
            question["question"], question.get("text") or "", question["correct"] or "-",
            first["voters"] if first else 0,
            _percent(first["percent_correct"]) if first else "-",
            _percent(last["percent_correct"]) if last and len(question["rounds"]) > 1 else "-",
            gain_text(gain, question["paired"]) if "paired" in question else "-"))
                    + "</tr>")
        summary = ""
        if question.get("switches"):
            s = question["switches"]
            summary = (f"<p>right→right {s['RR']}, wrong→right {s['WR']}, right→wrong "
                       f"{s['RW']}, wrong→wrong {s['WW_same'] + s['WW_diff']} (same "
                       f"{s['WW_same']}, different {s['WW_diff']})</p>")
        heading = f"Question {question['question']}"
        if question.get("text"):
            heading += f": {question['text']}"
        sections.append(f"<section><h2>{html.escape(heading)}</h2>"
                        f"<figure>{svg(question_figure(question))}</figure>{summary}"
                        f"<p class='hint'>{html.escape(question.get('hint', ''))}</p></section>")
    return PAGE.format(
        title=html.escape(title),
        seen=analysis["handsets_seen"],
        count=len(questions),
        rows="\n".join(rows),
        sections="\n".join(sections),
    )


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f}%"


PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 960px; color: #222; }}
table {{ border-collapse: collapse; margin: 1rem 0; }}
td, th {{ border: 1px solid #ccc; padding: .3rem .6rem; text-align: left; }}
figure {{ margin: 0; }} figure svg {{ max-width: 100%; height: auto; }}
.hint {{ color: #666; }}
</style></head>
<body>
<h1>{title}</h1>
<p>{count} questions, {seen} handsets heard.</p>
<table><thead><tr><th>#</th><th>question</th><th>correct</th><th>voters</th>
<th>vote 1 correct</th><th>revote correct</th><th>normalized gain</th></tr></thead>
<tbody>
{rows}
</tbody></table>
{sections}
</body></html>
"""
