"""The collection window (``--since`` / ``--until``) and the progress bar shared by the
collectors."""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from analysis.errors import UsageError

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_time(value) -> datetime | None:
    """A platform timestamp (ISO 8601, ``Z`` or offset) as an aware UTC datetime, or None."""
    if not value or not isinstance(value, str):
        return None
    try:
        dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return (dt if dt.tzinfo else dt.replace(tzinfo=UTC)).astimezone(UTC)


@dataclass(frozen=True)
class Window:
    """Posts created at ``since <= t < until`` (UTC). A date alone for ``until`` includes that
    day."""

    since: datetime | None = None
    until: datetime | None = None

    @classmethod
    def parse(cls, since: str | None, until: str | None) -> Window:
        def one(text, end):
            if not text:
                return None
            if _DATE.match(text):
                day = datetime.fromisoformat(text).replace(tzinfo=UTC)
                return day + timedelta(days=1) if end else day
            dt = parse_time(text)
            if dt is None:
                raise UsageError(
                    f"{text!r} is not a date. Fix: write YYYY-MM-DD or an ISO 8601 time, "
                    "e.g. 2024-03-01 or 2024-03-01T12:00:00Z"
                )
            return dt

        w = cls(one(since, False), one(until, True))
        if w.since and w.until and w.since >= w.until:
            raise UsageError(f"--since {since} is not before --until {until}")
        return w

    def params(self) -> dict:
        return {
            "since": self.since.isoformat() if self.since else None,
            "until": self.until.isoformat() if self.until else None,
        }

    def position(self, t: datetime | None) -> str:
        """``inside``, ``newer`` (after until), ``older`` (before since) or ``unknown``."""
        if t is None:
            return "unknown"
        if self.until and t >= self.until:
            return "newer"
        if self.since and t < self.since:
            return "older"
        return "inside"

    def reason(self, t: datetime | None) -> str:
        where = self.position(t)
        if where == "unknown":
            return (
                "no readable creation time: outside the collection window; its thread was not "
                "collected"
            )
        bound = (
            f"--until {self.until.isoformat()}"
            if where == "newer"
            else f"--since {self.since.isoformat()}"
        )
        return (
            f"outside the collection window ({where} than {bound}): listed, its thread was not "
            "collected"
        )


def progress_bar(total: int, desc: str, enabled: bool):
    """A tqdm bar on stderr, shown only on a terminal (silent in CI logs and pipes)."""
    from tqdm import tqdm

    return tqdm(
        total=total,
        desc=desc,
        unit="thread",
        leave=False,
        disable=not (enabled and sys.stderr.isatty()),
    )
