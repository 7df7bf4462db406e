"""The phones' HTTP side on Starlette: the page, four form posts and the event stream,
behind a guard that answers nothing else. Every refusal is one log line, never a
traceback, and never stops the poll."""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
import time
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response, StreamingResponse
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from drivers.web.page import render_main, render_page, view_key
from drivers.web.room import Browser, Outcome, Room

log = logging.getLogger("drivers.web")
COOKIE = "clicker"
MAX_BODY = 2048
KEEPALIVE_S = 15.0
ROUTES = {
    ("GET", "/"),
    ("GET", "/events"),
    ("POST", "/signin"),
    ("POST", "/vote"),
    ("POST", "/pair"),
    ("POST", "/seat"),
    ("POST", "/sure"),
}


class Refused(Exception):
    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status


@dataclass
class Bucket:
    tokens: float
    at: float


@dataclass
class RateLimit:
    """A token bucket per client: ``rate`` requests a second, bursts of twice that."""

    rate: float
    buckets: dict[str, Bucket] = field(default_factory=dict)

    def allow(self, key: str) -> bool:
        if self.rate <= 0:
            return True
        now = time.monotonic()
        bucket = self.buckets.get(key)
        if bucket is None:
            if len(self.buckets) > 20_000:
                self.buckets.clear()
            bucket = self.buckets[key] = Bucket(2 * self.rate, now)
        bucket.tokens = min(2 * self.rate, bucket.tokens + (now - bucket.at) * self.rate)
        bucket.at = now
        if bucket.tokens < 1:
            return False
        bucket.tokens -= 1
        return True


def _csp(nonce: str) -> str:
    return (
        f"default-src 'none'; style-src 'nonce-{nonce}'; script-src 'nonce-{nonce}'; "
        "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    )


class Guard:
    """Only the page's own requests pass: the five routes, bodies of at most
    ``MAX_BODY`` bytes, posts from the page's own origin, within the rate limit.
    Every response carries a strict Content-Security-Policy."""

    def __init__(self, app: ASGIApp, room: Room, limit: RateLimit) -> None:
        self.app, self.room, self.limit = app, room, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        nonce = secrets.token_urlsafe(12)
        scope.setdefault("state", {})["nonce"] = nonce
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        client = (scope.get("client") or ("?", 0))[0]

        async def secured(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] += [
                    (b"content-security-policy", _csp(nonce).encode()),
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"same-origin"),
                    (b"cache-control", b"no-store"),
                    (b"x-frame-options", b"DENY"),
                ]
            await send(message)

        try:
            self._check(scope, headers, client)
        except Refused as refusal:
            log.warning(
                "phone request refused (%d): %s %s from %s: %s",
                refusal.status,
                scope["method"],
                scope["path"][:60].encode("unicode_escape").decode(),
                client,
                refusal,
            )
            await Response(str(refusal) + "\n", refusal.status, media_type="text/plain")(
                scope, receive, secured
            )
            return
        try:
            await self.app(scope, receive, secured)
        except Exception as error:  # one line, never a traceback; the poll goes on
            log.warning("phone request failed: %s %s: %r", scope["method"], scope["path"], error)

    def _check(self, scope: Scope, headers: dict[str, str], client: str) -> None:
        method, path = scope["method"], scope["path"]
        token = _cookie(headers.get("cookie", ""))
        if not self.limit.allow(token if token and self.room.known(token) else client):
            raise Refused(429, "too many requests: wait a moment")
        if (method, path) not in ROUTES:
            raise Refused(404, "not found")
        if method == "POST":
            length = headers.get("content-length", "")
            if not length.isdigit() or int(length) > MAX_BODY:
                raise Refused(413, f"a form of at most {MAX_BODY} bytes, with its length")
            # a browser says where a post comes from: Sec-Fetch-Site, else Origin
            site = headers.get("sec-fetch-site")
            origin = headers.get("origin")
            own = f"{scope.get('scheme', 'http')}://{headers.get('host', '')}"
            if site is not None and site not in ("same-origin", "none"):
                raise Refused(403, "a form from another site")
            if site is None and origin is not None and origin != own:
                raise Refused(403, "a form from another site")


def _cookie(header: str) -> str | None:
    for part in header.split(";"):
        name, _, value = part.strip().partition("=")
        if name == COOKIE:
            return value[:64]
    return None


async def _form(request: Request) -> dict[str, str]:
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY:
            raise ValueError("the form is too long")
    text = body.decode("utf-8")
    fields = parse_qs(text, max_num_fields=8, strict_parsing=bool(text))
    return {name: values[0][:64] for name, values in fields.items()}


@dataclass
class Changes:
    """Wakes every open event stream when what all pages show has changed."""

    event: asyncio.Event = field(default_factory=asyncio.Event)
    stopping: bool = False

    def bump(self) -> None:
        self.event.set()
        self.event = asyncio.Event()


def build_app(room: Room, limit: RateLimit, changes: Changes, secure: bool) -> ASGIApp:
    # sign-in codes are checked on threads of our own, which end at exit whatever state the
    # event loop was left in (anyio's worker threads wait for the loop's main task)
    hashing = ThreadPoolExecutor(max_workers=2, thread_name_prefix="phone sign-in")

    def browser_of(request: Request) -> tuple[Browser, bool]:
        token = request.cookies.get(COOKIE)
        browser = room.browser(token)
        return browser, browser.token != token

    def respond(request: Request, browser: Browser, new: bool, outcome: Outcome | None) -> Response:
        view = room.view(browser)
        message = outcome.message if outcome else ""
        problem = message if outcome is not None and not outcome.ok else ""
        response: Response
        if "application/json" in request.headers.get("accept", ""):
            response = JSONResponse(
                {"html": (html := render_main(view, problem)), "view": view_key(html)}
                | {"message": message, "stamp": time.monotonic()}
                | view
            )
        else:
            response = HTMLResponse(render_page(view, request.state.nonce, message, problem))
        if outcome is not None and not outcome.ok:
            response.status_code = 400
        if new:
            set_cookie(response, browser)
        return response

    def set_cookie(response: Response, browser: Browser) -> None:
        response.set_cookie(
            COOKIE, browser.token, httponly=True, samesite="strict", secure=secure, path="/"
        )

    def posted(
        act: Callable[[Browser, dict[str, str]], Outcome], slow: bool = False
    ) -> Callable[..., Any]:
        """``slow``: the step checks a hash, so it runs off the event loop."""

        async def endpoint(request: Request) -> Response:
            try:
                fields = await _form(request)
            except (ValueError, UnicodeDecodeError) as error:
                log.warning("phone form refused from %s: %s", _client(request), error)
                return Response("not a form this page sends\n", 400, media_type="text/plain")
            browser, new = browser_of(request)
            if slow:
                loop = asyncio.get_running_loop()
                outcome = await loop.run_in_executor(hashing, act, browser, fields)
            else:
                outcome = act(browser, fields)
            return respond(request, browser, new, outcome)

        return endpoint

    async def page(request: Request) -> Response:
        browser, new = browser_of(request)
        return respond(request, browser, new, None)

    async def events(request: Request) -> Response:
        browser, new = browser_of(request)

        async def stream() -> AsyncIterator[str]:
            room.stream_opened(browser, True)
            try:
                while not changes.stopping:
                    waiting = changes.event  # taken first: a change from now on wakes us
                    view = room.view(browser)
                    html = render_main(view)
                    data = {"html": html, "view": view_key(html), "stamp": time.monotonic()} | view
                    yield f"data: {json.dumps(data)}\n\n"
                    try:
                        await asyncio.wait_for(waiting.wait(), KEEPALIVE_S)
                    except TimeoutError:
                        yield ": still here\n\n"
            finally:
                room.stream_opened(browser, False)

        response = StreamingResponse(stream(), media_type="text/event-stream")
        if new:
            set_cookie(response, browser)
        return response

    def sign_in(browser: Browser, fields: dict[str, str]) -> Outcome:
        return room.sign_in(browser, fields.get("student", ""), fields.get("code", ""))

    def vote(browser: Browser, fields: dict[str, str]) -> Outcome:
        return room.vote(browser, fields.get("letter", ""), fields.get("round", ""))

    def seat(browser: Browser, fields: dict[str, str]) -> Outcome:
        return room.set_seat(browser, "" if fields.get("no_seat") else fields.get("seat", ""))

    def sure(browser: Browser, fields: dict[str, str]) -> Outcome:
        return room.set_sure(browser, fields.get("sure", ""))

    def pair(browser: Browser, fields: dict[str, str]) -> Outcome:
        return Outcome(True, _pairing_text(room.start_pairing(browser)))

    routes = [
        Route("/", page, methods=["GET"]),
        Route("/events", events, methods=["GET"]),
        Route("/signin", posted(sign_in, slow=True), methods=["POST"]),
        Route("/vote", posted(vote), methods=["POST"]),
        Route("/pair", posted(pair), methods=["POST"]),
        Route("/seat", posted(seat), methods=["POST"]),
        Route("/sure", posted(sure), methods=["POST"]),
    ]
    return Guard(Starlette(routes=routes), room, limit)


def _pairing_text(letters: str) -> str:
    return f"press {' '.join(letters)} on your clicker" if letters else "try again in a moment"


def _client(request: Request) -> str:
    return request.client.host if request.client else "?"
