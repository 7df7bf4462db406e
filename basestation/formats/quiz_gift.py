"""Moodle's GIFT format, read as Moodle itself reads it, and written for it.

    // [tag:forces]
    // source: after Mazur, Peer Instruction (1997)
    ::Q1:: A truck hits a fly. Which force is larger? {
    ~the truck's on the fly
    =they are equal
    ~the fly's on the truck
    }

The rules are those of Moodle's own importer (``question/format/gift``): questions
are runs of lines between blank lines; lines starting with ``//`` are comments (ours
carry ``[tag:…]``, ``source:`` and ``licence:``); ``\\`` escapes ``~ = # { } :`` and
``\\n`` is a new line; ``::name::`` names a question; ``[html]``, ``[moodle]``,
``[plain]`` and ``[markdown]`` give a text's format (HTML is shown as its text); the
first ``{`` and ``}`` hold the answers, and where text follows them the question shows a
blank (``_____``) in their place; ``####`` starts general feedback, ``#`` an answer's.
The kind of question follows from its answers as in Moodle: ``~`` multiple choice
(``=`` the right answer, ``~%50%`` a weighted one), ``T``/``F`` true/false, and
essay, numerical, matching, short-answer questions and descriptions, which cannot be
polled and are skipped by name and line. ``$CATEGORY:`` lines are skipped.

Reading is linear in the file's length.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from basestation.domain import (
    ANSWER_LETTERS,
    MAX_CHOICES,
    MIN_CHOICES,
    ChoiceError,
    PreparedQuestion,
    QuestionSpec,
)
from basestation.formats.question_errors import QuestionFileError

SPECIAL = "~=#{}:"
TAG = re.compile(r"\[tag:([^\]]+)\]")
META = re.compile(r"^(source|licence|license)\s*:\s*(.*?)\s*$", re.IGNORECASE)
WEIGHT = re.compile(r"^%-*([0-9]{1,2})\.?([0-9]*)%")
FORMATS = ("moodle", "html", "plain", "markdown")
TRUE_FALSE = {"T": "A", "TRUE": "A", "F": "B", "FALSE": "B"}
ESCAPES = {
    ":": "\ue000",
    "#": "\ue001",
    "=": "\ue002",
    "{": "\ue003",
    "}": "\ue004",
    "~": "\ue005",
    "n": "\ue006",
}
"""Moodle's importer swaps escaped characters for placeholders before it reads a
question and back afterwards; these private-use characters play that part."""
UNESCAPED = {placeholder: ("\n" if c == "n" else c) for c, placeholder in ESCAPES.items()}
BACKSLASH = "\ue007"
BLOCK_BREAKS = {"br", "p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6"}


def escape(text: str) -> str:
    return "".join(f"\\{c}" if c in SPECIAL else c for c in text).replace("\n", "\\n")


def looks_like_gift(path: Path) -> bool:
    return path.suffix.lower() in (".gift", ".gift.txt")


def read_gift(path: Path, text: str, notes: list[str] | None = None) -> list[PreparedQuestion]:
    """The questions that can be polled; the others are said in ``notes``."""
    questions = []
    for line, block in _blocks(text):
        question = _question(f"{path}:{line}", block, notes if notes is not None else [])
        if question is not None:
            questions.append(question)
    return questions


def _blocks(text: str) -> list[tuple[int, list[str]]]:
    """(first line, lines) of each run of lines between blank lines, trimmed."""
    blocks: list[tuple[int, list[str]]] = []
    current: list[str] = []
    first = 0
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped:
            if current:
                blocks.append((first, current))
                current = []
            continue
        if not current:
            first = number
        current.append(stripped)
    if current:
        blocks.append((first, current))
    return blocks


def _question(where: str, lines: list[str], notes: list[str]) -> PreparedQuestion | None:
    comments = [line[2:].strip() for line in lines if line.startswith("//")]
    text = "\n".join(" " if line.startswith("//") else line for line in lines).strip()
    if not text:
        return None
    text = _protect(text)
    if text.startswith("$CATEGORY:"):
        return None
    name = ""
    if text.startswith("::"):
        end = text.find("::", 2)
        if end >= 0:
            name, text = _restore(text[2:end]).strip(), text[end + 2 :].strip()
    called = f" {name!r}" if name else ""
    start, finish = text.find("{"), text.find("}")
    if start < 0 and finish < 0:
        notes.append(f"{where}: a description{called} (no answers): skipped")
        return None
    if start < 0 or finish < start:
        raise QuestionFileError(f"{where}: a question whose {{answers}} braces do not match")
    answers = text[start + 1 : finish].strip()
    blank = "" if text.endswith("}") else "_____"
    stem = text[:start] + blank + text[finish + 1 :]
    answers = answers.split("####", 1)[0].strip() if "####" in answers else answers
    kind = _kind(answers)
    if kind not in ("multiple choice", "true/false"):
        article = "an" if kind[0] in "aeiou" else "a"
        notes.append(
            f"{where}: {article} {kind} question{called}: skipped (only multiple-choice "
            "and true/false questions can be polled)"
        )
        return None
    words, text_format = _formatted(stem)
    choices: tuple[str, ...]
    if kind == "true/false":
        verdict = answers.split("#", 1)[0].strip()
        choices, key = ("True", "False"), TRUE_FALSE[verdict]
    else:
        choices, key = _choices(where, answers, text_format)
        if len(choices) > MAX_CHOICES:
            notes.append(
                f"{where}: {len(choices)} choices{called}: skipped (at most "
                f"{MAX_CHOICES} can be polled)"
            )
            return None
    tags = tuple(tag.strip() for comment in comments for tag in TAG.findall(comment))
    meta = {
        ("licence" if m[1].lower() == "license" else m[1].lower()): m[2]
        for comment in comments
        if (m := META.match(comment))
    }
    try:
        return PreparedQuestion(
            words,
            QuestionSpec(choices=len(choices)),
            key or None,
            choices,
            tags,
            meta.get("source"),
            meta.get("licence"),
        )
    except ChoiceError as error:
        raise QuestionFileError(f"{where}: {error}") from None


def _kind(answers: str) -> str:
    """The kind Moodle's importer gives these answers."""
    if not answers:
        return "essay"
    if answers.startswith("#"):
        return "numerical"
    if "~" in answers:
        return "multiple choice"
    if "=" in answers and "->" in answers:
        return "matching"
    if answers.split("#", 1)[0].strip() in TRUE_FALSE:
        return "true/false"
    return "short-answer"


def _choices(where: str, answers: str, text_format: str) -> tuple[tuple[str, ...], str]:
    parts = answers.replace("=", "~=").split("~")
    if not parts[0].strip():
        parts = parts[1:]
    if len(parts) < MIN_CHOICES:
        raise QuestionFileError(f"{where}: {len(parts)} answer(s); a question has at least 2")
    choices: list[str] = []
    key = ""
    for raw in parts:
        answer = raw.strip()
        right = False
        if answer.startswith("="):
            right, answer = True, answer[1:]
        elif weight := WEIGHT.match(answer):
            right = not answer[1:].startswith("-") and float(f"{weight[1]}.{weight[2] or 0}") > 0
            answer = answer[weight.end() :]
        words, _ = _formatted(answer.split("#", 1)[0], text_format)
        if right and len(choices) < len(ANSWER_LETTERS):
            key += ANSWER_LETTERS[len(choices)]
        choices.append(words)
    return tuple(choices), key


def _protect(text: str) -> str:
    text = text.replace("\\\\", BACKSLASH)
    text = re.sub(r"\\([:#={}~n])", lambda m: ESCAPES[m[1]], text)
    return text.replace(BACKSLASH, "\\")


def _restore(text: str) -> str:
    return "".join(UNESCAPED.get(c, c) for c in text)


def _formatted(text: str, default: str = "moodle") -> tuple[str, str]:
    """A text with its format marker applied: the words a person reads, and the format."""
    text = text.strip()
    text_format = default
    if text.startswith("["):
        end = text.find("]")
        if end > 0 and text[1:end].lower() in FORMATS:
            text_format, text = text[1:end].lower(), text[end + 1 :]
    text = _restore(text)
    if text_format == "html":
        text = _html_text(text)
    return " ".join(text.split()), text_format


class _TextOfHtml(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in BLOCK_BREAKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def _html_text(html: str) -> str:
    parser = _TextOfHtml()
    parser.feed(html)
    parser.close()
    return "".join(parser.parts)


def write_gift(questions: list[PreparedQuestion]) -> str:
    out: list[str] = []
    for number, question in enumerate(questions, start=1):
        out.extend(f"// [tag:{tag}]" for tag in question.tags)
        if question.source:
            out.append(f"// source: {question.source}")
        if question.licence:
            out.append(f"// licence: {question.licence}")
        out.append(f"::Q{number}:: {escape(question.text)} {{")
        keys = question.correct or ""
        weight = 100 / len(keys) if len(keys) > 1 else None
        for letter, choice in zip(ANSWER_LETTERS, question.choice_words, strict=False):
            if weight is None:
                out.append(("=" if letter in keys else "~") + escape(choice))
            else:
                share = f"%{weight:g}%" if letter in keys else "%-100%"
                out.append(f"~{share}{escape(choice)}")
        out.extend(["}", ""])
    return "\n".join(out)
