"""Phones voting through a real ``record`` and a real HTTP server on 127.0.0.1: open
sessions, roster sign-in with personal codes, a phone and a clicker of one student,
and every kind of bad request (one log line each, no vote lost)."""

from __future__ import annotations

import csv
import http.client
import shutil
import socket
import subprocess
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from firmware_protocol.phone import (
    CONFIDENCES,
    PhoneVoteError,
    decode_phone_confidence,
    decode_phone_vote,
    encode_phone_confidence,
    encode_phone_vote,
)
from simulators.classroom import ClassroomModel
from simulators.phones import Phone, PhoneClass, PhoneRefused
from simulators.scenario import ClassScenario
from tests.helpers import query, run_cli, wait_for
from tests.phone_helpers import recording_with_phones


def latest_by_handset(db: Path) -> dict[str, str]:
    rows = query(
        db,
        "SELECT handset, answer FROM votes "
        "WHERE id IN (SELECT MAX(id) FROM votes GROUP BY handset)",
    )
    return dict(rows)


@given(st.binary(max_size=40))
def test_the_phone_codec_refuses_what_it_did_not_write(data: bytes) -> None:
    try:
        voter, letter = decode_phone_vote(data)
    except PhoneVoteError:
        return
    assert encode_phone_vote(voter, letter) == data


@given(
    st.one_of(
        st.text("0123456789ABCDEF", min_size=8, max_size=8),
        st.text("0123456789ABCDEF", min_size=10, max_size=10).map(lambda t: "P-" + t),
    ),
    st.sampled_from("ABCDEFGHIJ"),
)
def test_a_phone_vote_reads_back(voter: str, letter: str) -> None:
    assert decode_phone_vote(encode_phone_vote(voter, letter)) == (voter, letter)


@given(st.one_of(st.binary(max_size=40), st.sampled_from(CONFIDENCES).map(str.encode)))
def test_a_confidence_is_read_only_as_written(data: bytes) -> None:
    try:
        voter, confidence = decode_phone_confidence(data)
    except PhoneVoteError:
        return
    assert encode_phone_confidence(voter, confidence) == data


@given(
    st.text("0123456789ABCDEF", min_size=10, max_size=10).map(lambda t: "W-" + t),
    st.sampled_from(CONFIDENCES),
)
def test_a_confidence_reads_back_and_is_no_vote(voter: str, confidence: str) -> None:
    payload = encode_phone_confidence(voter, confidence)
    assert decode_phone_confidence(payload) == (voter, confidence)
    with pytest.raises(PhoneVoteError):
        decode_phone_vote(payload)


def test_an_open_class_of_phones_is_counted_once_each(tmp_path: Path) -> None:
    db = tmp_path / "open.db"
    with recording_with_phones(db, "open=1&code=ACDE&rate=0") as rec:
        assert rec.code == "ACDE"
        _, answers = PhoneClass(rec.address, 40, "ACDE", seed=5, key="B", votes_each=3).play()
        wait_for(lambda: len(latest_by_handset(db)) == 40, what="every phone's vote stored")
        wrong = Phone(rec.address)
        wrong.sign_in()
        with pytest.raises(PhoneRefused, match="not the round code"):
            wrong.vote("A", "ZZZZ")
    assert rec.process.returncode == 0, rec.err
    assert "voters 40" in rec.out
    stored = latest_by_handset(db)
    assert all(handset.startswith("W-") for handset in stored)
    assert sorted(Counter(stored.values()).items()) == sorted(Counter(answers).items())
    assert "Traceback" not in rec.err


def _roster_with_codes(tmp_path: Path, db: Path, handsets: list[str]) -> dict[str, str]:
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "Student ID,Name,Clicker ID\ns0,Zoë Ångström," + handsets[0] + "\ns1,Bo Chen,\ns2,Cy Dee,\n"
    )
    assert (
        run_cli("roster", "import", "--db", str(db), "--course", "C", str(roster)).returncode == 0
    )
    codes_file = tmp_path / "codes.csv"
    made = run_cli("roster", "codes", "--db", str(db), "--course", "C", "-o", str(codes_file))
    assert made.returncode == 0, made.stderr
    assert codes_file.stat().st_mode & 0o777 == 0o600
    assert codes_file.read_bytes().startswith(b"\xef\xbb\xbf")
    with codes_file.open(encoding="utf-8-sig", newline="") as stream:
        rows = list(csv.DictReader(stream))
    assert [row["Name"] for row in rows] == ["Zoë Ångström", "Bo Chen", "Cy Dee"]
    stored = " ".join(str(row) for row in query(db, "SELECT * FROM phone_codes"))
    assert all(row["Code"] not in stored for row in rows)  # only hashes are kept
    return {row["Student ID"]: row["Code"] for row in rows}


def test_a_student_signs_in_and_a_phone_and_a_clicker_count_once(tmp_path: Path) -> None:
    db = tmp_path / "roster.db"
    truth = ClassScenario(30, seed=8).truth()[0]["latest"]
    handsets = [h for h in ClassroomModel(30, seed=8).handsets if h in truth]
    codes = _roster_with_codes(tmp_path, db, handsets)
    clicker_class = "sim://30?seed=8&speed=200&end=0"
    with recording_with_phones(db, "code=ACDE", "--receiver", clicker_class) as rec:
        voting = ClassScenario(30, seed=8).truth()[0]["voters"]
        wait_for(lambda: len(latest_by_handset(db)) == voting, what="every clicker's vote")
        clicker_answer = latest_by_handset(db)[handsets[0]]
        phone_answer = "E" if clicker_answer != "E" else "D"
        owner = Phone(rec.address, "s0", codes["s0"])
        owner.sign_in()
        owner.vote(phone_answer, "ACDE")  # s0's phone votes as s0's clicker
        twice = [Phone(rec.address, "s1", codes["s1"]) for _ in range(2)]
        for phone, letter in zip(twice, "AC", strict=True):
            phone.sign_in()
            phone.vote(letter, "ACDE")
        stranger = Phone(rec.address, "s2", "WRONGCODE")
        with pytest.raises(PhoneRefused, match="do not match"):
            stranger.sign_in()
        wait_for(lambda: latest_by_handset(db)[handsets[0]] == phone_answer, what="the phone")
    assert rec.process.returncode == 0, rec.err
    stored = latest_by_handset(db)
    s1_phone = [h for h in stored if h.startswith("P-")]
    assert len(s1_phone) == 1 and stored[s1_phone[0]] == "C"  # two browsers, one voter
    clickers = [h for h in stored if not h.startswith("P-")]
    assert len(clickers) == len(set(clickers))
    summary_voters = int(rec.out.split("voters ")[1].split(",")[0])
    assert summary_voters == len(stored)


def _raw(address: str, data: bytes) -> bytes:
    host, port = address.removeprefix("http://").rstrip("/").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        connection.sendall(data)
        return connection.recv(65536)  # the status line (the server may keep it open)


BAD_REQUESTS = [
    b"POST /vote HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
    b'Content-Length: 9\r\n\r\n{"a": 1}\n',
    b"POST /vote HTTP/1.1\r\nHost: x\r\nContent-Length: 7\r\n\r\n%%%&&=\xff",
    b"POST /vote HTTP/1.1\r\nHost: x\r\nContent-Length: 999999\r\n\r\n" + b"a" * 4096,
    b"POST /vote HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
    b"GET /../../etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n",
    b"GET /events HTTP/1.1\r\nHost: x\r\nCookie: clicker=" + b"\x01" * 300 + b"\r\n\r\n",
    b"POST /signin HTTP/1.1\r\nHost: x\r\nOrigin: http://evil.example\r\n"
    b"Content-Length: 3\r\n\r\na=b",
    b"DELETE / HTTP/1.1\r\nHost: x\r\n\r\n",
    b"\x16\x03\x01\x02\x00garbage that is no HTTP\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost: x\r\n" + b"X-Long: " + b"y" * 100_000 + b"\r\n\r\n",
]


def test_a_thousand_bad_requests_lose_no_vote(tmp_path: Path) -> None:
    db = tmp_path / "fuzz.db"
    with recording_with_phones(db, "open=1&code=ACDE") as rec:
        voters = [Phone(rec.address) for _ in range(10)]
        for phone in voters:
            phone.sign_in()
        sent = 0
        for index in range(1000):
            _raw(rec.address, BAD_REQUESTS[index % len(BAD_REQUESTS)])
            if index % 100 == 0:
                phone = voters[index // 100]
                try:
                    phone.vote("ABCDE"[index // 100 % 5], "ACDE")
                    sent += 1
                except PhoneRefused as refused:  # the limit applies to it too
                    assert "429" in str(refused)
        wait_for(lambda: len(latest_by_handset(db)) == sent, what="the good votes")
    assert rec.process.returncode == 0, rec.err
    assert sent >= 5
    assert "Traceback" not in rec.err and "Exception" not in rec.err
    refusals = [
        line for line in rec.err.splitlines() if "refused" in line or "Invalid HTTP" in line
    ]
    assert len(refusals) >= 500
    assert f"voters {sent}" in rec.out


@given(st.text(max_size=12), st.text(max_size=12))
def test_any_form_a_phone_sends_is_a_vote_or_a_reason(letter: str, round_code: str) -> None:
    from drivers.web.room import Room

    room = Room("web://test", fixed_code="ACDE", open_session=True)
    room.open_poll()
    browser = room.browser(None)
    outcome = room.vote(browser, letter, round_code)
    packets = room.take_packets(0)
    valid = letter.strip().upper() in "ABCDE" and len(letter.strip()) == 1
    assert outcome.ok == (valid and round_code.strip().upper() == "ACDE")
    assert len(packets) == int(outcome.ok)
    if outcome.ok:
        assert decode_phone_vote(packets[0].payload) == (browser.voter, letter.strip().upper())


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl makes the test certificate")
def test_with_a_certificate_phones_vote_over_https(tmp_path: Path) -> None:
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes"),
            *("-keyout", str(key), "-out", str(cert), "-days", "1", "-subj", "/CN=127.0.0.1"),
        ],
        check=True,
        capture_output=True,
    )
    db = tmp_path / "tls.db"
    with recording_with_phones(db, f"open=1&code=ACDE&cert={cert}&key={key}") as rec:
        assert rec.address.startswith("https://127.0.0.1:")
        phone = Phone(rec.address)
        phone.sign_in()
        assert phone.vote("D", "ACDE")["voted"] == "D"
        phone.close()
        plain = Phone(rec.address.replace("https://", "http://"))
        with pytest.raises((PhoneRefused, OSError, http.client.HTTPException)):
            plain.sign_in()  # no plain HTTP beside it
        wait_for(lambda: len(latest_by_handset(db)) == 1, what="the vote")
    assert "voters 1" in rec.out
