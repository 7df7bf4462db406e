"""What a question bank file may hold, checked before anything of it is used: every
field's type, size and range (msgspec, in one pass over the bytes), and text that is
valid Unicode. A file that breaks any rule is refused whole, with one line naming the
file and the field."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec

from basestation.domain import ANSWER_LETTERS, MAX_CHOICES, MIN_CHOICES

FORMAT = "basestation question bank 1"
MAX_COUNT = 100_000
"""More voters than any lecture hall holds."""
Letter = Literal["A", "B", "C", "D", "E", "F", "G", "H", "I", "J"]
Count = Annotated[int, msgspec.Meta(ge=0, le=MAX_COUNT)]
Name = Annotated[str, msgspec.Meta(max_length=200)]
Short = Annotated[str, msgspec.Meta(max_length=64)]
assert set(Letter.__args__) == set(ANSWER_LETTERS)  # type: ignore[attr-defined]


class RoundDocument(msgspec.Struct, forbid_unknown_fields=True):
    n: Count
    counts: Annotated[dict[Letter, Count], msgspec.Meta(max_length=MAX_CHOICES)]
    percent_correct: Annotated[float, msgspec.Meta(ge=0, le=100)] | None
    median_response_s: Annotated[float, msgspec.Meta(ge=0, le=86_400)] | None


class UseDocument(msgspec.Struct, forbid_unknown_fields=True):
    use: Short
    origin: Name
    date: Short
    course: Name
    vote1: RoundDocument
    revote: RoundDocument | None
    paired: Count
    normalized_gain: Annotated[float, msgspec.Meta(ge=-1_000, le=1)] | None


class BankDocument(msgspec.Struct, forbid_unknown_fields=True):
    format: Literal["basestation question bank 1"]
    id: Short
    text: Annotated[str, msgspec.Meta(max_length=20_000)]
    choice_count: Annotated[int, msgspec.Meta(ge=MIN_CHOICES, le=MAX_CHOICES)]
    choices: Annotated[
        list[Annotated[str, msgspec.Meta(max_length=2_000)]], msgspec.Meta(max_length=MAX_CHOICES)
    ]
    key: Annotated[str, msgspec.Meta(min_length=1, max_length=MAX_CHOICES)] | None
    tags: Annotated[list[Name], msgspec.Meta(max_length=50)]
    source: Annotated[str, msgspec.Meta(max_length=1_000)] | None
    licence: Annotated[str, msgspec.Meta(max_length=1_000)] | None
    images: Annotated[list[Name], msgspec.Meta(max_length=50)]
    uses: Annotated[list[UseDocument], msgspec.Meta(max_length=10_000)]


class BankSchemaError(ValueError):
    """What is wrong, as msgspec says it (``... - at `$.uses[0].n```)."""


def decode_bank_file(data: bytes) -> BankDocument:
    try:
        document = msgspec.json.decode(data, type=BankDocument)
    except msgspec.ValidationError as error:
        raise BankSchemaError(str(error)) from None
    except msgspec.DecodeError as error:
        raise BankSchemaError(f"not JSON ({error})") from None
    _valid_unicode(document)
    return document


def convert_use(raw: object) -> UseDocument:
    """A use as stored in the database (a dictionary), checked by the same rules."""
    try:
        use = msgspec.convert(raw, UseDocument)
    except msgspec.ValidationError as error:
        raise BankSchemaError(str(error)) from None
    _valid_unicode(use)
    return use


def _valid_unicode(document: msgspec.Struct) -> None:
    """JSON may escape half of a surrogate pair (``"\\ud800"``): such text cannot be
    stored or shown, so the file is refused."""
    try:
        _encodable(document)
    except UnicodeError:
        raise BankSchemaError("text that is not valid Unicode (a lone surrogate)") from None


def _encodable(value: object) -> None:
    if isinstance(value, str):
        value.encode("utf-8")
    elif isinstance(value, msgspec.Struct):
        for field in value.__struct_fields__:
            _encodable(getattr(value, field))
    elif isinstance(value, list | tuple):
        for item in value:
            _encodable(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            _encodable(key)
            _encodable(item)
