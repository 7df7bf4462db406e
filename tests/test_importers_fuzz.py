"""Every importer on arbitrary input: the only outcomes are its result or its own error
(never another exception, never a hang)."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from basestation.formats.bank import read_bank
from basestation.formats.classic_import import ClassicImportError, read_classic_session
from basestation.formats.question_errors import QuestionFileError
from basestation.formats.quiz_gift import read_gift
from basestation.formats.quiz_text2qti import read_text2qti
from basestation.formats.roster import RosterError, parse_roster

GIFT_PIECES = st.sampled_from(
    [
        "::",
        "{",
        "}",
        "~",
        "=",
        "#",
        "####",
        "%50%",
        "%-100%",
        "%1.2.3%",
        "->",
        "\\",
        "\\{",
        "\\n",
        "[html]",
        "[markdown]",
        "<p>",
        "</b>",
        "&amp;",
        "T",
        "FALSE",
        "//",
        "$CATEGORY:",
        "\n",
        "\n\n",
        " ",
        "word",
        "é",
        "\x1b",
        "\x00",
        "_____",
    ]
)
TEXT2QTI_PIECES = st.sampled_from(
    [
        "1.  ",
        "2.  ",
        "a) ",
        "*b) ",
        "[*] ",
        "[ ] ",
        "% tags: x",
        "Quiz title: q",
        "\n",
        "\n\n",
        "![i](",
        "../x.png",
        ")",
        "word ",
        "*",
        "...",
        "1. ",
        "z) ",
        "\x1b",
    ]
)
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(st.lists(GIFT_PIECES, max_size=40).map("".join))
def test_gift_gives_questions_or_its_error(text: str) -> None:
    notes: list[str] = []
    try:
        questions = read_gift(Path("f.gift"), text, notes)
    except QuestionFileError as error:
        assert "\n" not in str(error)
        return
    for question in questions:
        assert 2 <= len(question.choice_texts) <= 10


@SETTINGS
@given(st.lists(TEXT2QTI_PIECES, max_size=30).map("".join))
def test_text2qti_gives_questions_or_its_error(tmp_path_factory: object, text: str) -> None:
    folder = Path(tmp_path_factory.mktemp("quiz"))  # type: ignore[attr-defined]
    with contextlib.suppress(QuestionFileError):
        read_text2qti(folder / "q.md", text, [])


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-(10**12), 10**12) | st.floats() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=20,
)
BANK_KEYS = [
    "format",
    "id",
    "text",
    "choice_count",
    "choices",
    "key",
    "tags",
    "source",
    "licence",
    "images",
    "uses",
]


@SETTINGS
@given(
    st.one_of(
        st.binary(max_size=200),
        st.fixed_dictionaries({k: JSON_VALUES for k in BANK_KEYS}).map(
            lambda d: json.dumps({**d, "format": "basestation question bank 1"}).encode()
        ),
    )
)
def test_a_bank_file_gives_entries_or_its_error(tmp_path_factory: object, data: bytes) -> None:
    folder = Path(tmp_path_factory.mktemp("bank"))  # type: ignore[attr-defined]
    (folder / "x.json").write_bytes(data)
    try:
        read_bank(folder, [])
    except QuestionFileError as error:
        assert "x.json" in str(error)


@SETTINGS
@given(
    st.lists(
        st.sampled_from(
            [
                "Student ID",
                "Name",
                "Clicker ID",
                "s1",
                "A24653B7",
                "#A24653B7",
                "11A4C277",
                "428071B3",
                "112233",
                ",",
                ";",
                "\n",
                "\r\n",
                '"',
                "\x1b",
                "é",
                " ",
            ]
        ),
        max_size=40,
    ).map("".join)
)
def test_a_roster_gives_students_or_its_error(text: str) -> None:
    try:
        parse_roster(text)
    except RosterError as error:
        assert error.problems


@SETTINGS
@given(
    st.one_of(
        st.binary(max_size=300),
        st.lists(
            st.sampled_from(
                [
                    '<?xml version="1.0"?>',
                    '<?xml version="1.0" encoding="nope"?>',
                    "<ssn>",
                    "</ssn>",
                    '<p qn="Q" idx="x" strt="99:99:99" cans="Z">',
                    "</p>",
                    '<v id="#A24653B7" ans="A" att="-1" tm="nan"/>',
                    '<v id="zz" ans=""/>',
                    "<!DOCTYPE x [<!ENTITY a 'b'>]>",
                    "&a;",
                    "\x00",
                ]
            ),
            max_size=20,
        ).map(lambda parts: "".join(parts).encode()),
    )
)
def test_a_classic_file_gives_a_session_or_its_error(tmp_path_factory: object, data: bytes) -> None:
    path = Path(tmp_path_factory.mktemp("classic")) / "L2610011000.xml"  # type: ignore[attr-defined]
    path.write_bytes(data)
    with contextlib.suppress(ClassicImportError):
        read_classic_session(path)
