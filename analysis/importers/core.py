"""What every reader uses: the registry, the record sink, and helpers to read raw files.

A *reader* turns one raw file into records by calling the :class:`Sink`:

- ``sink.post(locator, post_id=..., account_id=..., created_at=..., ...)`` for a post of a studied
  account;
- ``sink.comment(locator, comment_id=..., post_id=..., parent_id=..., author=..., created_at=...,
  ...)``
  for a comment or reply (``author`` is the *raw*, namespaced author id: the pipeline decides
  ``is_owner`` and pseudonymizes, so no reader can get privacy or ownership wrong);
- ``sink.profile(account_id, ...)`` to describe an account (not a record: account rows are made for
  the authors of posts; ``signals`` feed :mod:`analysis.labels`);
- ``sink.account(locator, ...)`` for an account *record* of a tabular source (canonical tables);
- ``sink.reject(table, locator, reason, raw)`` for what cannot be read.

Readers never check cross-record invariants (duplicates, missing parents, replies before posts,
depth, owner): :mod:`analysis.importers.assemble` does that once for every format.
"""

from __future__ import annotations

import contextlib
import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import orjson
import pandas as pd
from tqdm.auto import tqdm

from analysis.errors import DataError

POST_FIELDS = (
    "post_id",
    "account_id",
    "platform",
    "created_at",
    "text",
    "lang",
    "media_type",
    "url",
    "reported_comments",
    "likes",
    "shares",
    "collected_at",
)
COMMENT_FIELDS = (
    "comment_id",
    "post_id",
    "parent_id",
    "author",
    "created_at",
    "text",
    "lang",
    "is_owner",
    "depth",
)
ACCOUNT_FIELDS = (
    "account_id",
    "platform",
    "handle",
    "display_name",
    "account_type",
    "account_type_source",
    "followers",
    "category",
    "collected_at",
    "signal",
)
_META = ("_source", "_locator")
_CHUNK = 10_000
PROGRESS_MIN_BYTES = 8 << 20


# ---------------------------------------------------------------------------------------- registry
@dataclass(frozen=True)
class Format:
    """One importable format.

    ``detect(path, head)`` says whether ``path`` (a file, or a folder for folder formats) is in
    this format; ``head`` holds the first 64 KiB of a file (empty for folders). ``read(path,
    sink)`` reads one file into ``sink``.
    """

    name: str
    detect: Callable[[Path, bytes], bool]
    read: Callable[[Path, Sink], None]
    description: str = ""
    example: str = ""
    folder: bool = False


FORMATS: dict[str, Format] = {}


def register(
    name: str,
    detect: Callable,
    read: Callable,
    *,
    description: str = "",
    example: str = "",
    folder: bool = False,
) -> Format:
    """Register an importer under ``name`` (``dialogic import <name> ...``); returns the
    :class:`Format`.

    Formats are tried for auto-detection in registration order, so register specific layouts
    before general ones.
    """
    if name in FORMATS:
        raise ValueError(f"format {name!r} is already registered; pick another name")
    fmt = Format(name, detect, read, description, example, folder)
    FORMATS[name] = fmt
    return fmt


def get_format(name: str) -> Format:
    """The registered format ``name``; the error lists the known ones."""
    try:
        return FORMATS[name]
    except KeyError:
        raise ValueError(
            f"unknown format {name!r}. Fix: use one of {', '.join(FORMATS)} "
            "(or omit the format to auto-detect)"
        ) from None


# ----------------------------------------------------------------------------------------- sink
@dataclass
class Sink:
    """Collects records in chunks and counts what each reader emits.

    Every ``_CHUNK`` rows of a table become one DataFrame; with a :attr:`spill`, chunks of posts
    and comments are checked and written to disk at once (memory stays flat on large files),
    otherwise they are kept in memory for :meth:`frame`.
    """

    key_time: str = ""
    source: str = ""
    progress: bool = True
    naive_tz: str | None = None
    state: dict = field(default_factory=dict)
    quarantine: object = None  # an open analysis.ledger.Quarantine: rejects stream to disk
    spill: object = (
        None  # an analysis.importers.spill.Spill: posts and comments go to disk by chunk
    )

    def __post_init__(self):
        self._rows = {"posts": [], "comments": [], "accounts": []}
        self._chunks = {"posts": [], "comments": [], "accounts": []}
        self.profiles: dict[str, dict] = {}
        self.stubs: dict[str, dict] = {}
        self.rejects: list[tuple] = []
        self.streamed: dict[str, int] = {}
        self.notes: list[str] = []
        self.records = (
            0  # records emitted so far (kept rows and rejects): how `guarded` knows what is done
        )

    # records -------------------------------------------------------------------------------
    def post(
        self,
        locator: str,
        *,
        post_id,
        account_id,
        created_at,
        platform,
        text=None,
        lang=None,
        media_type=None,
        url=None,
        reported_comments=None,
        likes=None,
        shares=None,
        collected_at=None,
    ) -> None:
        """One post of a studied account (ids already namespaced ``platform:id``)."""
        if self._excluded(
            "posts", locator, post_id, account_id=account_id, created_at=created_at, text=text
        ):
            return
        self._add(
            "posts",
            (
                post_id,
                account_id,
                platform,
                created_at,
                text,
                lang,
                media_type,
                url,
                reported_comments,
                likes,
                shares,
                collected_at or self.collected_default(),
                self.source,
                locator,
            ),
        )

    def comment(
        self,
        locator: str,
        *,
        comment_id,
        post_id,
        author,
        created_at,
        parent_id=None,
        text=None,
        lang=None,
        is_owner=None,
        depth=None,
    ) -> None:
        """One comment or reply; ``parent_id`` None (or equal to ``post_id``) means top level."""
        if self._excluded(
            "comments", locator, comment_id, post_id=post_id, created_at=created_at, text=text
        ):
            return
        self._add(
            "comments",
            (
                comment_id,
                post_id,
                parent_id,
                author,
                created_at,
                text,
                lang,
                is_owner,
                depth,
                self.source,
                locator,
            ),
        )

    def account(
        self,
        locator: str,
        *,
        account_id,
        platform,
        handle,
        display_name=None,
        account_type=None,
        account_type_source=None,
        followers=None,
        category=None,
        collected_at=None,
        signal=None,
    ) -> None:
        """One account *record* (tabular sources); duplicates of it are quarantined."""
        self._add(
            "accounts",
            (
                account_id,
                platform,
                handle,
                display_name,
                account_type,
                account_type_source,
                followers,
                category,
                collected_at or self.collected_default(),
                signal,
                self.source,
                locator,
            ),
        )

    def profile(self, account_id: str, **fields) -> None:
        """Describe an account (first value of each field wins); rows are made for post authors
        only.

        Fields: platform, handle, display_name, followers, category, collected_at, signal (a
        platform signal for :func:`analysis.labels.label_from_signal`, e.g.
        ``"verified_type=business"``), and ``account_type`` with its ``account_type_source`` when
        the source states it (a column mapping).
        """
        known = self.profiles.setdefault(account_id, {})
        for k, v in fields.items():
            if v is not None and known.get(k) is None:
                known[k] = v

    def post_stub(self, post_id: str, **row) -> None:
        """A post known only from its comments (e.g. a video whose ``videos.list`` was not
        collected).

        Used only if no real record of the post arrives from any file; ``created_at`` keeps the
        earliest value given (the first comment: an upper bound of the publication time, noted in
        the import log). Without ``account_id`` the stub is quarantined with the reason.
        """
        known = self.stubs.get(post_id)
        if known is None:
            self.stubs[post_id] = dict(row, _source=self.source)
            return
        for k, v in row.items():
            if v is None:
                continue
            if k == "created_at" and known.get(k) is not None:
                known[k] = min(known[k], v)
            elif known.get(k) is None:
                known[k] = v

    def _excluded(self, table: str, locator: str, record_id, **raw) -> bool:
        """A record its collection excludes (``state["exclude"]``: id -> reason, e.g. a post
        outside the collection window, whose thread was not fetched) goes to the quarantine with
        the reason."""
        reason = (self.state.get("exclude") or {}).get(record_id)
        if reason is None:
            return False
        self.reject(table, locator, reason, raw={"id": record_id, **raw})
        return True

    def collected_default(self):
        """Collection time of the current file (a cassette's recording time) or the import time."""
        return self.state.get("collected_at") or self.key_time

    def reject(self, table: str, locator: str, reason: str, raw=None) -> None:
        """A record that cannot be read; ``table`` is ``unparsed`` when it is not even known
        which."""
        self.records += 1
        if self.quarantine is not None:
            text = raw if isinstance(raw, (str, bytes)) else None
            self.quarantine.add(
                table,
                self.source,
                locator,
                reason,
                raw=text,
                record=None if text is not None else raw,
            )
            self.streamed[table] = self.streamed.get(table, 0) + 1
            return
        self.rejects.append((table, self.source, locator, reason, raw))

    def note(self, message: str) -> None:
        """Something the import log should say (an encoding fallback, a guessed zone, ...)."""
        self.notes.append(f"{Path(self.source).name}: {message}")

    def _add(self, table, row):
        self.records += 1
        rows = self._rows[table]
        rows.append(row)
        if len(rows) >= _CHUNK:
            self._flush(table)

    def _flush(self, table):
        rows = self._rows[table]
        if rows:
            cols = {"posts": POST_FIELDS, "comments": COMMENT_FIELDS, "accounts": ACCOUNT_FIELDS}[
                table
            ] + _META
            df = pd.DataFrame.from_records(rows, columns=list(cols))
            self._rows[table] = []
            if self.spill is not None and table in self.spill.tables:
                self.spill.add(table, df)
            else:
                self._chunks[table].append(df)

    def _resolve_stubs(self) -> None:
        if not self.stubs:
            return
        self._flush("posts")
        real = self.spill.post_ids() if self.spill is not None else set()
        for chunk in self._chunks["posts"]:
            real |= set(chunk["post_id"].dropna())
        used = 0
        for pid, row in self.stubs.items():
            if pid in real:
                continue
            self.source = row.pop("_source", "")
            if not row.get("account_id"):
                self.reject(
                    "posts",
                    f"post {pid} (derived from its comments)",
                    "post not found: the post's own "
                    "record is missing and its comments do not name its account; import it too",
                    raw=row,
                )
                continue
            used += 1
            self.post(f"post {pid} (derived from its comments)", post_id=pid, **row)
        if used:
            self.notes.append(
                f"{used} post(s) known only from their comments: created_at set to the first "
                "comment's time (an upper bound); import the posts' own records for exact times"
            )
        self.stubs = {}

    def flush_all(self) -> None:
        """End of input: make the rows of stubs never matched by a real post, flush every table."""
        self._resolve_stubs()
        for table in self._rows:
            self._flush(table)

    def frame(self, table: str) -> pd.DataFrame:
        """All records of ``table`` read so far, as one DataFrame with ``_source`` and
        ``_locator``."""
        if table == "posts":
            self._resolve_stubs()
        self._flush(table)
        chunks = self._chunks[table]
        if not chunks:
            cols = {"posts": POST_FIELDS, "comments": COMMENT_FIELDS, "accounts": ACCOUNT_FIELDS}[
                table
            ] + _META
            return pd.DataFrame(columns=list(cols))
        df = pd.concat(chunks, ignore_index=True) if len(chunks) > 1 else chunks[0]
        self._chunks[table] = [df]
        return df


# ----------------------------------------------------------------------------------------- reading
class UnreadableFile(DataError):
    """A whole raw file cannot be parsed (the pipeline quarantines it as one ``unparsed`` record).

    A :class:`analysis.errors.DataError` (exit code 4), hence still a ``ValueError``."""


def head_bytes(path: Path, n: int = 65536) -> bytes:
    """The first ``n`` bytes of a file (empty for a folder)."""
    if path.is_dir():
        return b""
    with open(path, "rb") as fh:
        return fh.read(n)


def progress_bar(size: int, name: str, wanted: bool = True):
    """A tqdm bar over ``size`` bytes of file ``name``.

    Shown only on files of at least :data:`PROGRESS_MIN_BYTES` when ``wanted`` (``progress=True``)
    and stderr is a terminal (tqdm's ``disable=None``), so CI logs and pipes stay clean.
    """
    return tqdm(
        total=size,
        unit="B",
        unit_scale=True,
        desc=name,
        leave=False,
        disable=True if not wanted or size < PROGRESS_MIN_BYTES else None,
    )


def iter_lines(path: Path, sink: Sink) -> Iterator[tuple[int, bytes]]:
    """Yield ``(line_number, bytes)`` for each non-empty line, with a byte progress bar on large
    files."""
    size = path.stat().st_size
    bar = progress_bar(size, path.name, sink.progress)
    done = 0
    with open(path, "rb") as fh, bar:
        for n, line in enumerate(fh, 1):
            done += len(line)
            if n % 2000 == 0:
                bar.update(done - bar.n)
            if line.strip():
                yield n, line
        bar.update(done - bar.n)


def loads_lenient(data: bytes, sink: Sink | None = None):
    """Parse JSON with orjson; retry as Windows-1252 text when the bytes are not UTF-8.

    Raises ``orjson.JSONDecodeError`` (a ``ValueError``) when the text is not JSON at all.
    """
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        if "utf-8" not in str(exc).lower() and "str is not valid" not in str(exc):
            raise
        if sink is not None:
            sink.note("bytes are not UTF-8; decoded as Windows-1252")
        return orjson.loads(data.decode("cp1252", errors="replace"))


def load_json(path: Path, sink: Sink):
    """Parse a whole JSON file; :class:`UnreadableFile` names the file and the parse error."""
    data = path.read_bytes()
    try:
        return loads_lenient(data, sink)
    except orjson.JSONDecodeError as exc:
        raise UnreadableFile(
            f"{path.name} is not valid JSON ({exc}); the file may be truncated. "
            "Fix: re-export or re-download it"
        ) from exc


def read_text(path: Path, sink: Sink) -> str:
    """A text file's content as UTF-8, falling back to Windows-1252/Latin-1 (noted in the import
    log)."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        sink.note(f"not UTF-8 (byte {exc.start}); decoded as Windows-1252")
        return data.decode("cp1252", errors="replace")


def csv_rows(
    path: Path, sink: Sink, delimiter: str | None = None, fieldnames=None
) -> Iterator[tuple[int, dict]]:
    """Yield ``(row_number, dict)`` for a CSV file of any common encoding and delimiter (, ;
    tab)."""
    text = read_text(path, sink)
    if delimiter is None:
        first = text.split("\n", 1)[0]
        delimiter = max([",", ";", "\t"], key=first.count)
    reader = csv.DictReader(
        io.StringIO(text, newline=""), delimiter=delimiter, fieldnames=fieldnames
    )
    for n, row in enumerate(reader, 1 if fieldnames else 2):
        if None in row:
            sink.reject(
                "unparsed",
                f"row {n}",
                f"row has {len(row) - 1 + len(row[None])} fields, header has {len(row) - 1}",
                raw=delimiter.join(str(v) for v in row.values() if v is not None),
            )
            continue
        yield n, row


def csv_header(head: bytes) -> list[str]:
    """Lower-cased header fields of a CSV head (any of , ; tab)."""
    first = head.decode("utf-8", errors="replace").lstrip("\ufeff").split("\n", 1)[0].strip()
    delim = max([",", ";", "\t"], key=first.count)
    return [h.strip().strip('"').lower() for h in first.split(delim)]


def iso_from_epoch(value) -> str | None:
    """Unix seconds (int, float or numeric string) as an ISO 8601 UTC string."""
    if value is None or value == "":
        return None
    return datetime.fromtimestamp(float(value), UTC).isoformat()


def iso_from_format(value: str | None, fmt: str) -> str | None:
    """Parse ``value`` with :func:`datetime.strptime` format ``fmt``; keeps the zone if ``fmt`` has
    one.

    Returns the input unchanged when it does not match, so the pipeline quarantines it with the
    offending value in the reason.
    """
    if not value:
        return None
    try:
        return datetime.strptime(value.strip(), fmt).isoformat()
    except ValueError:
        return value


def nonempty(value):
    """``None`` for empty strings and the usual missing markers (``NA``, ``nan``, ``null``)."""
    if value is None:
        return None
    if isinstance(value, str) and value.strip() in ("", "NA", "N/A", "nan", "NaN", "null", "None"):
        return None
    return value


def int_or_none(value):
    """An integer from ints, floats (``166.0``) or numeric strings; the raw value if unreadable."""
    value = nonempty(value)
    if value is None or isinstance(value, int):
        return value
    try:
        f = float(value)
    except (TypeError, ValueError):
        return value
    return int(f) if f == f and f.is_integer() else value


def dig(obj, *keys, default=None):
    """``obj[k1][k2]...`` or ``default`` when any level is missing or not a dict."""
    for k in keys:
        if not isinstance(obj, dict) or k not in obj:
            return default
        obj = obj[k]
    return obj


_RECORD_ERRORS = (AttributeError, TypeError, KeyError, ValueError, IndexError)


def guarded(table: str, nested=None):
    """Decorate ``fn(obj, sink, loc, ...)`` so a malformed record is quarantined instead of
    crashing.

    A damaged API object (a field of the wrong type, a missing sub-object) becomes one quarantined
    record of ``table`` with the Python error in the reason; the rest of the file is still read.

    ``nested(obj)`` lists the records an object holds beneath it, in the order the reader emits
    them, as ``(table, locator suffix, raw)`` (e.g. a post's comment tree). When the object fails,
    the ones not emitted yet are quarantined too, each counted, so in = kept + quarantined still
    holds whatever part of the family had been read before the error.
    """
    import functools

    def deco(fn):
        @functools.wraps(fn)
        def wrapper(obj, sink, loc, *args, **kwargs):
            before = sink.records
            try:
                return fn(obj, sink, loc, *args, **kwargs)
            except _RECORD_ERRORS as exc:
                why = f"malformed record: {type(exc).__name__}: {exc}"
                family = [(table, "", obj)]
                if nested is not None:
                    # a family that cannot be walked counts as its one record
                    with contextlib.suppress(*_RECORD_ERRORS):
                        family += list(nested(obj))
                reject_family(
                    sink, family[sink.records - before :], loc, why, "a malformed record"
                )

        return wrapper

    return deco


def reject_family(sink: Sink, family: list, loc: str, why: str, what: str) -> None:
    """Quarantine a record that could not be read and the records it holds, ``(table, locator
    suffix, raw)`` each: the first with ``why``, the others as being inside ``what`` at ``loc``."""
    for i, (table, suffix, raw) in enumerate(family):
        sink.reject(
            table,
            loc + suffix,
            why if i == 0 else f"inside {what} at {loc} ({why})",
            raw=raw if isinstance(raw, (dict, list, str, bytes)) else repr(raw),
        )
