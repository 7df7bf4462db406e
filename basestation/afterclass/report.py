"""``basestation report``: a self-contained HTML page of a session, charts as inline
SVG (no script, no network, nothing to fetch)."""

from __future__ import annotations

import html
from typing import Any

from basestation.afterclass.charts import CORRECT_EDGE, Value, bar_chart, switch_table
from basestation.afterclass.session_analysis import confidence_line
from basestation.domain import DEFAULT_ANSWERS, SEVERAL_KEYS_RULE, correct_answers, key_text
from basestation.peer_instruction import CHANGE_MEANING, GAIN_MEANING, expected_text, gain_text


def question_figure(question: dict[str, Any]) -> str:
    """Vote 1 and the revote side by side (the key marked), and the switching matrix if
    there is one."""
    answers = [str(a) for a in (question.get("answers") or DEFAULT_ANSWERS)]
    keys = correct_answers(question["correct"])
    series: list[tuple[str, list[Value]]] = []
    for figures in question["rounds"]:
        shares = [float(figures["percent"][a]) for a in answers]
        series.append(
            (
                f"vote {figures['round']}",
                [
                    {"value": share, "style": CORRECT_EDGE} if answer in keys else share
                    for answer, share in zip(answers, shares, strict=True)
                ],
            )
        )
    chart = bar_chart(
        f"Question {question['question']}",
        [a + (" ✓" if a in keys else "") for a in answers],
        series,
        y_title="% of voters",
        y_range=(0, 100),
    )
    if "matrix" not in question:
        return chart
    return chart + switch_table(answers, question["matrix"], question["paired"])


def render_report(analysis: dict[str, Any], title: str) -> str:
    """The whole page; every piece of user text is escaped."""
    questions = analysis["questions"]
    rows = []
    sections = []
    for question in questions:
        first = question["rounds"][0] if question["rounds"] else None
        last = question["rounds"][-1] if question["rounds"] else None
        gain = question.get("gain")
        rows.append(
            "<tr>"
            + "".join(
                f"<td>{html.escape(str(cell))}</td>"
                for cell in (
                    question["question"],
                    question.get("text") or "",
                    key_text(question["correct"]),
                    first["voters"] if first else 0,
                    _rate(first["response_rate"]) if first else "-",
                    _percent(first["percent_correct"]) if first else "-",
                    _percent(last["percent_correct"])
                    if last and len(question["rounds"]) > 1
                    else "-",
                    gain_text(gain, question["paired"]) if "paired" in question else "-",
                    "-"
                    if question.get("normalized_change") is None
                    else f"{question['normalized_change']:+.0%}",
                )
            )
            + "</tr>"
        )
        summary = ""
        if question.get("switches"):
            s = question["switches"]
            summary = (
                f"<p>right→right {s['RR']}, wrong→right {s['WR']}, right→wrong "
                f"{s['RW']}, wrong→wrong {s['WW_same'] + s['WW_diff']} (same "
                f"{s['WW_same']}, different {s['WW_diff']})</p>"
            )
        for kind, words in (("mixed", "mixed groups"), ("same", "same-answer groups")):
            figures = question.get("by_group", {}).get(kind)
            if figures:
                right = figures["percent_correct"]
                summary += html.escape(
                    f"After discussion in {words} ({figures['groups']} groups, "
                    f"{figures['paired']} voted twice): "
                    + ("" if right is None else f"{right[0]}% → {right[1]}% correct, ")
                    + f"normalized gain {gain_text(figures['gain'], figures['paired'])}."
                ).join(("<p>", "</p>"))
        for figures in question.get("by_confidence", []):
            summary += html.escape(confidence_line(figures).capitalize() + ".").join(
                ("<p>", "</p>")
            )
        heading = f"Question {question['question']}"
        if question.get("text"):
            heading += f": {question['text']}"
        rule = (
            f"<p>Scored: {SEVERAL_KEYS_RULE}.</p>"
            if len(correct_answers(question["correct"])) > 1
            else ""
        )
        sections.append(
            f"<section><h2>{html.escape(heading)}</h2>"
            f"<figure>{question_figure(question)}</figure>{rule}{summary}"
            f"<p class='hint'>{html.escape(question.get('hint', ''))}</p></section>"
        )
    return PAGE.format(
        title=html.escape(title),
        seen=analysis["handsets_seen"],
        expected=html.escape(expected_text(analysis["roster_size"], analysis["handsets_seen"])),
        band=html.escape(analysis["band"]),
        meanings=html.escape(f"The {GAIN_MEANING}; the {CHANGE_MEANING}."),
        count=len(questions),
        rows="\n".join(rows),
        sections="\n".join(sections),
    )


def _rate(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"


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
figure {{ margin: 0; display: flex; flex-wrap: wrap; gap: 1rem; align-items: center; }}
figure svg {{ max-width: 560px; width: 100%; height: auto; }}
.switches caption {{ caption-side: bottom; color: #666; }}
.hint {{ color: #666; }}
</style></head>
<body>
<h1>{title}</h1>
<p>{count} questions, {seen} handsets heard. Response rates are of {expected};
the advice follows the {band} % discussion band.</p>
<p class="hint">{meanings}</p>
<table><thead><tr><th>#</th><th>question</th><th>correct</th><th>voters</th><th>response</th>
<th>vote 1 correct</th><th>revote correct</th><th>normalized gain</th>
<th>normalized change</th></tr></thead>
<tbody>
{rows}
</tbody></table>
{sections}
</body></html>
"""
