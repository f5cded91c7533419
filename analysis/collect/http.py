"""HTTP for collectors: one client with rate-limit handling, retries with capped backoff, and a
hook that logs every request.

Built on httpx (pinned in requirements.lock): connection reuse, timeouts, ``Link`` header parsing
(``response.links``) and pluggable transports, which the tests use to stop a run after N requests.

Waiting, in order of precedence:

* ``Retry-After`` (seconds, or an HTTP date) on a 429 or 503: wait exactly that long;
* the rate-limit reset of the platform on a 429, or before any request once the previous response
  said nothing remains: Bluesky ``ratelimit-reset`` (Unix seconds; a small number is read as a
  delay in seconds, as in the IETF draft), Mastodon ``X-RateLimit-Reset`` (an ISO 8601 time);
* otherwise (a 5xx, a 429 without headers, a dropped connection) exponential backoff,
  ``backoff_base * 2**attempt`` seconds capped at ``backoff_cap``.

Every wait is capped at ``max_wait`` and goes through the injectable ``sleep`` (tests record it
instead of waiting), and is kept in :attr:`HttpClient.waits` with its reason.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import httpx

from analysis import __version__
from analysis.errors import CollectError

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
USER_AGENT = f"dialogic/{__version__} (research collector; +https://github.com/dialogic)"


def _parse_time(value: str) -> float | None:
    """Unix seconds of an HTTP date or an ISO 8601 time, or None."""
    value = value.strip()
    try:
        return parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError, IndexError):
        pass
    try:
        dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return (dt if dt.tzinfo else dt.replace(tzinfo=UTC)).timestamp()


def retry_after(headers: httpx.Headers, now: float) -> float | None:
    """Seconds to wait that ``Retry-After`` asks for (a delay or a date), or None."""
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        at = _parse_time(value)
        return None if at is None else max(0.0, at - now)


def reset_wait(headers: httpx.Headers, now: float) -> float | None:
    """Seconds until the rate-limit window resets (Bluesky ``ratelimit-reset``, Mastodon
    ``X-RateLimit-Reset``), or None when the response does not say."""
    value = headers.get("ratelimit-reset") or headers.get("x-ratelimit-reset")
    if value is None:
        return None
    try:
        number = float(value)
    except ValueError:
        at = _parse_time(value)
        return None if at is None else max(0.0, at - now)
    if number < 1e9:  # a delay (IETF RateLimit draft), not a Unix time
        return max(0.0, number)
    return max(0.0, number - now)


def remaining(headers: httpx.Headers) -> int | None:
    value = headers.get("ratelimit-remaining") or headers.get("x-ratelimit-remaining")
    try:
        return int(float(value)) if value is not None else None
    except ValueError:
        return None


class HttpClient:
    """GET with the waits and retries above. ``on_request(event: dict)`` is called once per attempt
    (url, status or error, attempt number, wait that followed), which the collection log records.

    ``transport`` is an httpx transport (tests wrap ``httpx.HTTPTransport``); ``sleep`` and
    ``clock`` are injectable so that tests assert the waits without waiting.
    """

    def __init__(
        self,
        *,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
        max_retries: int = 6,
        backoff_base: float = 1.0,
        backoff_cap: float = 60.0,
        max_wait: float = 900.0,
        timeout: float = 30.0,
        headers: dict | None = None,
        on_request: Callable[[dict], None] | None = None,
    ):
        self._client = httpx.Client(
            transport=transport,
            timeout=timeout,
            follow_redirects=True,
            headers={"User-Agent": USER_AGENT, "Accept": "application/json", **(headers or {})},
        )
        self.sleep, self.clock = sleep, clock
        self.max_retries, self.backoff_base, self.backoff_cap, self.max_wait = (
            max_retries,
            backoff_base,
            backoff_cap,
            max_wait,
        )
        self.on_request = on_request
        self.requests = 0
        self.waits: list[tuple[float, str]] = []
        self._exhausted_until: float | None = None

    def close(self) -> None:
        self._client.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _wait(self, seconds: float, reason: str) -> float:
        seconds = min(max(0.0, seconds), self.max_wait)
        self.waits.append((seconds, reason))
        if seconds > 0:
            self.sleep(seconds)
        return seconds

    def _backoff(self, attempt: int) -> float:
        return min(self.backoff_cap, self.backoff_base * 2**attempt)

    def _emit(self, **event) -> None:
        if self.on_request is not None:
            self.on_request(event)

    def get(self, url: str, params: dict | None = None) -> httpx.Response:
        """The response (any status); 429 and 5xx are retried up to ``max_retries`` times, after
        which the last response is returned for the caller to log as a failure."""
        attempt = 0
        while True:
            if self._exhausted_until is not None:
                ahead = self._exhausted_until - self.clock()
                self._exhausted_until = None
                if ahead > 0:
                    self._wait(ahead, "rate limit: no requests remaining until the window resets")
            self.requests += 1
            try:
                resp = self._client.get(url, params=params)
            except httpx.TransportError as exc:
                if attempt >= self.max_retries:
                    self._emit(
                        url=url,
                        params=params,
                        status=None,
                        error=repr(exc),
                        attempt=attempt + 1,
                        wait=None,
                    )
                    raise CollectError(f"{url}: {exc!r} after {attempt + 1} attempts") from exc
                wait = self._wait(self._backoff(attempt), f"{type(exc).__name__}: backoff")
                self._emit(
                    url=url,
                    params=params,
                    status=None,
                    error=repr(exc),
                    attempt=attempt + 1,
                    wait=wait,
                )
                attempt += 1
                continue
            now = self.clock()
            if remaining(resp.headers) == 0:
                ahead = reset_wait(resp.headers, now)
                if ahead:
                    self._exhausted_until = now + ahead
            if resp.status_code not in RETRY_STATUSES or attempt >= self.max_retries:
                self._emit(
                    url=str(resp.url),
                    params=None,
                    status=resp.status_code,
                    attempt=attempt + 1,
                    wait=None,
                )
                return resp
            asked = retry_after(resp.headers, now)
            reason = "Retry-After"
            if asked is None and resp.status_code == 429:
                asked, reason = reset_wait(resp.headers, now), "rate-limit reset"
            if asked is None:
                asked, reason = self._backoff(attempt), "backoff"
            self._exhausted_until = None
            wait = self._wait(asked, f"HTTP {resp.status_code}: {reason}")
            self._emit(
                url=str(resp.url),
                params=None,
                status=resp.status_code,
                attempt=attempt + 1,
                wait=wait,
            )
            attempt += 1
