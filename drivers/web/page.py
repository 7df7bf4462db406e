"""The one page a phone gets: a self-contained document (inline style and script under
the response's nonce, nothing fetched from anywhere else) that works as plain forms
without script; with script it posts in place and follows the poll by server-sent
events. Every piece of text from outside is escaped."""

from __future__ import annotations

import hashlib
import time
from html import escape
from typing import Any

STYLE = """
:root { color-scheme: light; font-family: system-ui, -apple-system, sans-serif; }
body { margin: 0 auto; max-width: 34rem; padding: 1rem; color: #111; background: #fff;
  font-size: 1.15rem; line-height: 1.4; }
h1 { font-size: 1.3rem; margin: 0 0 .5rem; }
label { display: block; font-weight: 600; margin-top: .8rem; }
input { font-size: 1.2rem; padding: .6rem; width: 100%; box-sizing: border-box;
  border: 2px solid #444; border-radius: .4rem; }
button { font-size: 1.2rem; padding: .8rem 1rem; margin-top: 1rem; border: 0;
  border-radius: .5rem; background: #1d4ed8; color: #fff; cursor: pointer; }
button.choice { font-size: 2rem; font-weight: 700; min-width: 4.5rem; min-height: 4.5rem;
  margin: .4rem .4rem 0 0; }
button.chosen { background: #14532d; outline: 4px solid #111; }
button.secondary { background: #e5e7eb; color: #111; }
:focus-visible { outline: 4px solid #b45309; outline-offset: 2px; }
.question { font-size: 1.3rem; font-weight: 600; white-space: pre-wrap; }
.note { color: #374151; }
.status { font-weight: 700; font-size: 1.3rem; }
.closed { color: #7f1d1d; font-weight: 700; font-size: 1.4rem; }
.problem { color: #7f1d1d; font-weight: 700; border-left: 6px solid #7f1d1d;
  padding-left: .6rem; }
.spoken { position: absolute; width: 1px; height: 1px; overflow: hidden;
  clip-path: inset(50%); white-space: nowrap; }
fieldset { border: 0; padding: 0; margin: 1rem 0 0; }
legend { font-weight: 600; }
.letters { font-size: 2.4rem; letter-spacing: .6rem; font-weight: 700; }
"""

SCRIPT = """
(function () {
  var main = document.getElementById('main'), live = document.getElementById('live');
  var last = 0;
  function show(state) {
    if (state.stamp < last) { return; }  /* an older view that arrived late */
    last = state.stamp;
    if (state.message) { live.textContent = state.message; }
    if (state.view === main.dataset.view) { return; }  /* keep what is being typed */
    var active = document.activeElement, value = active && active.value;
    main.innerHTML = state.html;
    main.dataset.view = state.view;
    if (value) {
      var again = main.querySelector('button[value="' + value + '"]');
      if (again) { again.focus(); }
    }
  }
  document.addEventListener('submit', function (event) {
    var form = event.target, data = new URLSearchParams(new FormData(form));
    if (event.submitter && event.submitter.name) {
      data.set(event.submitter.name, event.submitter.value);
    }
    event.preventDefault();
    fetch(form.action, {method: 'POST', body: data, credentials: 'same-origin',
                        headers: {'Accept': 'application/json'}})
      .then(function (r) { return r.json(); }).then(show)
      .catch(function () { live.textContent = 'Not sent: check the network and try again'; });
  });
  if (window.EventSource) {
    var events = new EventSource('/events');
    events.onmessage = function (m) { show(JSON.parse(m.data)); };
  }
})();
"""


def clock(at: float) -> str:
    return time.strftime("%H:%M:%S", time.localtime(at))


def render_main(view: dict[str, Any], problem: str = "") -> str:
    """The part of the page that changes: what went wrong, sign-in or pairing, the
    question and the vote."""
    said = f'<p class="problem">{escape(problem)}</p>' if problem else ""
    return said + (_poll(view) if view["signed_in"] else _sign_in(view))


def _sign_in(view: dict[str, Any]) -> str:
    parts = ["<h1>Vote in this class</h1>"]
    if view["sign_in"]:
        parts.append(
            '<form method="post" action="/signin">'
            '<label for="student">Student ID</label>'
            '<input id="student" name="student" autocomplete="username" required maxlength="64">'
            '<label for="code">Code</label>'
            '<input id="code" name="code" autocomplete="current-password" required '
            'maxlength="32" autocapitalize="characters">'
            "<button>Sign in</button></form>"
        )
    if view["pairing"]:
        letters = escape(view["pairing"])
        parts.append(
            f"<p>Press these three buttons on your clicker while a poll is open:</p>"
            f'<p class="letters" aria-label="{" ".join(letters)}">{letters}</p>'
            '<p class="note">This phone then votes as your clicker.</p>'
            '<form method="get" action="/"><button class="secondary">I pressed them'
            "</button></form>"
        )
    else:
        parts.append(
            '<form method="post" action="/pair"><button class="secondary">'
            "Use my clicker instead</button></form>"
            if view["sign_in"]
            else '<form method="post" action="/pair"><button>Pair my clicker</button></form>'
        )
    return "\n".join(parts)


def _poll(view: dict[str, Any]) -> str:
    who = {
        "student": f"Voting as {escape(view['name'])}",
        "clicker": "Voting as your clicker",
        "open": "Voting anonymously",
    }.get(view["how"], "")
    parts = [f'<p class="note">{who}</p>']
    if not view["open"]:
        parts.append(
            '<p class="closed">Voting closed</p>'
            if view["poll"]
            else '<p class="status">Waiting for the first question</p>'
        )
        if view["voted"]:
            parts.append(f"<p>Your answer: {escape(view['voted'])}</p>")
        if view["talk_to"]:
            parts.append(f'<p class="status">Talk with {escape(_seats(view["talk_to"]))}</p>')
        return "\n".join(parts + _seat_question(view))
    title = escape(view["text"]) if view["text"] else f"Question {view['poll']}"
    parts.append(f'<h1 class="question">{title}</h1><form method="post" action="/vote">')
    if view["needs_code"]:
        parts.append(
            '<label for="round">Round code</label>'
            '<input id="round" name="round" required maxlength="8" autocomplete="off" '
            'autocapitalize="characters">'
        )
    for letter in view["answers"]:
        chosen = " chosen" if letter == view["voted"] else ""
        pressed = "true" if chosen else "false"
        parts.append(
            f'<button class="choice{chosen}" name="letter" value="{escape(letter)}" '
            f'aria-pressed="{pressed}">{escape(letter)}</button>'
        )
    parts.append("</form>")
    if view["voted"]:
        parts.append(
            f'<p class="status">{escape(view["voted"])} counted at {clock(view["voted_at"])}'
            '</p><p class="note">You can change your answer while voting is open.</p>'
        )
        parts.append(_how_sure(view["sure"]))
    return "\n".join(parts + _seat_question(view))


def _how_sure(chosen: str) -> str:
    buttons = "".join(
        f'<button class="{"chosen" if level == chosen else "secondary"}" name="sure" '
        f'value="{level}" aria-pressed="{"true" if level == chosen else "false"}">'
        f"{level}</button> "
        for level in ("guessing", "unsure", "sure")
    )
    return (
        '<form method="post" action="/sure"><fieldset><legend>How sure are you?</legend>'
        f"{buttons}</fieldset></form>"
    )


def _seat_question(view: dict[str, Any]) -> list[str]:
    if not view["ask_seat"]:
        return []
    return [
        '<form method="post" action="/seat"><label for="seat">Your seat (like C12), '
        "so the class can be grouped for discussion</label>"
        '<input id="seat" name="seat" maxlength="12" autocomplete="off" '
        'autocapitalize="characters"><button>Save seat</button> '
        '<button class="secondary" name="no_seat" value="1">I have no seat number</button></form>'
    ]


def _seats(seats: list[str]) -> str:
    """``seats C11 and C13``."""
    if len(seats) == 1:
        return f"seat {seats[0]}"
    return "seats " + ", ".join(seats[:-1]) + f" and {seats[-1]}"


def view_key(html: str) -> str:
    """Names what the page shows, so the script replaces nothing that did not change."""
    return hashlib.sha256(html.encode()).hexdigest()[:16]


def render_page(view: dict[str, Any], nonce: str, message: str = "", problem: str = "") -> str:
    main = render_main(view, problem)
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<title>Class vote</title><style nonce="{nonce}">{STYLE}</style></head><body>'
        f'<main id="main" data-view="{view_key(main)}">{main}</main>'
        f'<p id="live" role="status" aria-live="polite" class="spoken">{escape(message)}</p>'
        f'<script nonce="{nonce}">{SCRIPT}</script></body></html>'
    )
