"""The ``mapping`` format: any CSV or Parquet table, read through a column-mapping file (YAML).

For tables written by other tools (a collaborator's scraper, a notebook's flattened export), a
small YAML file says which source column feeds which canonical column::

    platform: bluesky              # namespace of ids (``bluesky:<id>``) and the posts' platform
    time_zone: UTC                 # zone of timestamps written without one (default: quarantined)
    comments_available: false      # optional; default: true when a comments table is mapped
    files:                         # one entry per table layout; a file uses the first that matches
      - match: "snowball_archive_*.parquet"
        skip:                      # rows that are not records of this table (quarantined)
          - {column: is_reply, equals: true, reason: "reply to a post outside the data set"}
        posts:
          post_id: uri             # a string names a source column
          account_id: author_did
          created_at: created_at
          likes: like_count
          lang: {column: langs, first: true}
        accounts:                  # in an entry with posts: describes the posts' authors
          handle: author_handle
          account_type: {column: author_handle, map: {nytimes.com: business}, default: personal}

A field is a column name or a rule with exactly one of ``column``, ``const`` or ``template``
(``"https://bsky.app/profile/{author_handle}"``), then optional steps in this order: ``first``
(first element of a list), ``regex`` (first group of a match, or with ``replace`` a
substitution), ``map`` (value table) with
``default`` (for values not in the table, and for missing values), ``format`` (``strptime`` format,
or ``epoch`` / ``epoch_ms``, for time fields). Without ``files``, top-level ``posts`` /
``comments`` / ``accounts`` apply to every file.

Ids (``post_id``, ``account_id``, ``comment_id``, ``parent_id``, ``author``) get the ``platform:``
prefix unless they already have it (``namespace_ids: false`` keeps them as they are). A mapped
``account_type`` keeps ``mapping:<file name>`` as its source unless ``account_type_source`` is
mapped too. An entry maps one record table (posts, comments, or accounts alone); accounts given
beside posts describe the posts' authors (one row per account, not one per post). Every check of
the canonical model (duplicates, missing parents, times, counts) is made by the pipeline as for any
format; rows that fail go to the quarantine with the reason.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from analysis.errors import UsageError
from analysis.importers.core import (
    ACCOUNT_FIELDS,
    COMMENT_FIELDS,
    POST_FIELDS,
    Sink,
    UnreadableFile,
    csv_rows,
    iso_from_epoch,
    nonempty,
    register,
)

STATE_KEY = "column_mapping"
ID_FIELDS = ("post_id", "account_id", "comment_id", "parent_id", "author")
TIME_FIELDS = ("created_at", "collected_at")
FIELDS = {
    "posts": POST_FIELDS,
    "comments": COMMENT_FIELDS + ("author_id",),
    "accounts": tuple(f for f in ACCOUNT_FIELDS if f != "signal"),
}
REQUIRED = {
    "posts": ("post_id", "account_id", "created_at"),
    "comments": ("comment_id", "post_id", "author", "created_at"),
    "accounts": ("account_id",),
}
_RULE_KEYS = {
    "column",
    "const",
    "template",
    "first",
    "regex",
    "replace",
    "map",
    "default",
    "format",
}
_TOP_KEYS = {
    "platform",
    "namespace_ids",
    "time_zone",
    "time_format",
    "comments_available",
    "files",
    "posts",
    "comments",
    "accounts",
    "description",
    "label_source",
}
_ENTRY_KEYS = {"match", "skip", "posts", "comments", "accounts"}
_TEMPLATE_FIELD = re.compile(r"{([^{}]+)}")


@dataclass(frozen=True)
class Rule:
    """How one canonical field is made from a source row."""

    column: str | None = None
    const: object = None
    template: str | None = None
    first: bool = False
    regex: re.Pattern | None = None
    replace: str | None = None
    map: dict | None = None
    default: object = None
    format: str | None = None

    def columns(self) -> set[str]:
        if self.column:
            return {self.column}
        return set(_TEMPLATE_FIELD.findall(self.template)) if self.template else set()

    def value(self, row: dict):
        if self.column is not None:
            v = _plain(row.get(self.column))
        elif self.template is not None:
            parts = {c: _plain(row.get(c)) for c in self.columns()}
            v = None if any(p is None for p in parts.values()) else self.template.format(**parts)
        else:
            v = self.const
        if self.first and v is not None:
            v = _plain(v[0]) if len(v) else None
        if self.regex is not None and v is not None and self.replace is not None:
            v = self.regex.sub(self.replace, str(v))
        elif self.regex is not None and v is not None:
            m = self.regex.search(str(v))
            v = (m.group(1) if m.groups() else m.group(0)) if m else None
        if self.map is not None:
            key = v if not isinstance(v, str) else v.strip()
            v = (
                self.map.get(key, self.map.get(str(key).lower(), self.default))
                if v is not None
                else self.default
            )
        elif v is None:
            v = self.default
        return v


@dataclass
class Entry:
    """One table layout: which files, which rows to skip, and the rules per canonical table."""

    match: str
    tables: dict[str, dict[str, Rule]]
    skip: list[dict] = field(default_factory=list)

    @property
    def record_table(self) -> str:
        return next(t for t in ("posts", "comments", "accounts") if t in self.tables)

    def columns(self) -> set[str]:
        cols = {c for rules in self.tables.values() for r in rules.values() for c in r.columns()}
        return cols | {s["column"] for s in self.skip}


@dataclass
class MappingSpec:
    """A parsed, checked column-mapping file (see the module docstring)."""

    path: Path
    platform: str
    entries: list[Entry]
    namespace_ids: bool = True
    time_zone: str | None = None
    time_format: str | None = None
    comments_available: bool | None = None
    label_source: str = ""

    def entry_for(self, path: Path) -> Entry | None:
        return next((e for e in self.entries if fnmatch.fnmatch(path.name, e.match)), None)


def _fail(path: Path, where: str, problem: str, fix: str):
    raise UsageError(f"{path}: {where}: {problem}. Fix: {fix}", path=path, key=where, fix=fix)


def _rule(path: Path, where: str, spec) -> Rule:
    if isinstance(spec, str):
        return Rule(column=spec)
    if not isinstance(spec, dict):
        _fail(
            path,
            where,
            f"expected a column name or a rule, got {spec!r}",
            "write `field: column` or `field: {column: ..., map: {...}}`",
        )
    unknown = set(spec) - _RULE_KEYS
    if unknown:
        _fail(
            path, where, f"unknown rule key(s) {sorted(unknown)}", f"use only {sorted(_RULE_KEYS)}"
        )
    sources = [k for k in ("column", "const", "template") if k in spec]
    if len(sources) != 1:
        _fail(
            path,
            where,
            f"a rule needs exactly one of column, const, template (has {sources or 'none'})",
            "give the source column, a constant, or a template",
        )
    if "map" in spec and not isinstance(spec["map"], dict):
        _fail(
            path, where, "`map` must be a table of value: replacement", "write map: {a: b, c: d}"
        )
    try:
        regex = re.compile(spec["regex"]) if "regex" in spec else None
    except re.error as exc:
        _fail(
            path,
            where,
            f"regex {spec['regex']!r} does not compile ({exc})",
            "fix the regular expression",
        )
    return Rule(
        column=spec.get("column"),
        const=spec.get("const"),
        template=spec.get("template"),
        first=bool(spec.get("first", False)),
        regex=regex,
        replace=spec.get("replace"),
        map=spec.get("map"),
        default=spec.get("default"),
        format=spec.get("format"),
    )


def _entry(path: Path, where: str, raw: dict) -> Entry:
    unknown = set(raw) - _ENTRY_KEYS
    if unknown:
        _fail(path, where, f"unknown key(s) {sorted(unknown)}", f"use only {sorted(_ENTRY_KEYS)}")
    tables = {}
    for table in ("posts", "comments", "accounts"):
        if raw.get(table) is None:
            continue
        if not isinstance(raw[table], dict):
            _fail(
                path,
                f"{where}.{table}",
                "expected a table of canonical field: source",
                "see docs/importers.md",
            )
        rules = {}
        for name, spec in raw[table].items():
            name = "author" if (table, name) == ("comments", "author_id") else name
            if name not in FIELDS[table]:
                _fail(
                    path,
                    f"{where}.{table}.{name}",
                    f"{name!r} is not a field of {table}",
                    f"use one of {', '.join(f for f in FIELDS[table] if f != 'author_id')}",
                )
            rules[name] = _rule(path, f"{where}.{table}.{name}", spec)
        tables[table] = rules
    if not tables:
        _fail(path, where, "maps no table", "add posts:, comments: or accounts:")
    if "posts" in tables and "comments" in tables:
        _fail(
            path,
            where,
            "maps both posts and comments",
            "use one `files` entry per table, told apart by `match`",
        )
    record = next(t for t in ("posts", "comments", "accounts") if t in tables)
    for name in REQUIRED[record]:
        if name not in tables[record]:
            _fail(
                path,
                f"{where}.{record}",
                f"required field {name!r} is not mapped",
                f"add `{name}: <column>`",
            )
    if "accounts" in tables and record == "posts":
        tables["accounts"].setdefault("account_id", tables["posts"]["account_id"])
    skip = raw.get("skip") or []
    for i, s in enumerate(skip):
        if not isinstance(s, dict) or "column" not in s or not ({"equals", "in"} & set(s)):
            _fail(
                path,
                f"{where}.skip[{i}]",
                "a skip rule needs `column` and `equals` (or `in`)",
                "write {column: is_reply, equals: true, reason: ...}",
            )
    return Entry(match=str(raw.get("match", "*")), tables=tables, skip=list(skip))


def load_mapping(path: Path) -> MappingSpec:
    """Read and check a column-mapping YAML file; errors name the file, the key and the fix."""
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise UsageError(
            f"{path}: cannot read the column mapping ({exc}). Fix: check the path and the YAML",
            path=path,
            fix="check the path and the YAML",
        ) from exc
    if not isinstance(raw, dict):
        _fail(path, "top level", "expected a YAML mapping", "start with `platform: <name>`")
    unknown = set(raw) - _TOP_KEYS
    if unknown:
        _fail(
            path, "top level", f"unknown key(s) {sorted(unknown)}", f"use only {sorted(_TOP_KEYS)}"
        )
    platform = raw.get("platform")
    if not isinstance(platform, str) or not platform.strip():
        _fail(path, "platform", "missing", "add `platform: bluesky` (or twitter, facebook, ...)")
    zone = raw.get("time_zone")
    if zone is not None:
        try:
            ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            _fail(
                path,
                "time_zone",
                f"{zone!r} is not a known zone ({exc})",
                "use an IANA name such as UTC",
            )
    if "files" in raw:
        if not isinstance(raw["files"], list) or not raw["files"]:
            _fail(
                path,
                "files",
                "expected a list of entries",
                "write files: [- match: ..., posts: ...]",
            )
        entries = [
            _entry(path, f"files[{i}]", e if isinstance(e, dict) else {})
            for i, e in enumerate(raw["files"])
        ]
    else:
        entries = [
            _entry(path, "top level", {k: raw.get(k) for k in ("posts", "comments", "accounts")})
        ]
    return MappingSpec(
        path=path,
        platform=platform.strip(),
        entries=entries,
        namespace_ids=bool(raw.get("namespace_ids", True)),
        time_zone=zone,
        time_format=raw.get("time_format"),
        comments_available=raw.get("comments_available"),
        label_source=raw.get("label_source") or f"mapping:{path.name}",
    )


# ------------------------------------------------------------------------------------ values
def _plain(v):
    """Python scalars from numpy/pyarrow values; ``None`` for missing markers and NaN."""
    if hasattr(v, "item") and not hasattr(v, "__len__"):
        v = v.item()
    if isinstance(v, float) and v != v:
        return None
    if hasattr(v, "tolist"):
        v = v.tolist()
    return nonempty(v)


def _time(value, fmt: str | None, zone: str | None):
    if value is None:
        return None
    if fmt in ("epoch", "epoch_ms"):
        try:
            return iso_from_epoch(float(value) / (1000 if fmt == "epoch_ms" else 1))
        except (TypeError, ValueError, OverflowError, OSError):
            return str(value)
    dt = value if isinstance(value, datetime) else None
    if dt is None:
        text = str(value).strip()
        try:
            dt = (
                datetime.strptime(text, fmt)
                if fmt
                else datetime.fromisoformat(text.replace("Z", "+00:00"))
            )
        except ValueError:
            return text  # quarantined by the pipeline as unreadable, with the value in the reason
    if dt.tzinfo is None and zone:
        dt = dt.replace(tzinfo=ZoneInfo(zone))
    return dt.isoformat()


def _id(value, spec: MappingSpec):
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    prefix = f"{spec.platform}:"
    return text if not spec.namespace_ids or text.startswith(prefix) else prefix + text


def _fields(rules: dict[str, Rule], row: dict, spec: MappingSpec) -> dict:
    out = {}
    for name, rule in rules.items():
        v = rule.value(row)
        if name in ID_FIELDS:
            v = _id(v, spec)
        elif name in TIME_FIELDS:
            v = _time(v, rule.format or spec.time_format, spec.time_zone)
        out[name] = v
    return out


def _skipped(entry: Entry, row: dict) -> str | None:
    for s in entry.skip:
        v = _plain(row.get(s["column"]))
        wanted = s["in"] if "in" in s else [s["equals"]]
        if any(v == w or str(v).lower() == str(w).lower() for w in wanted):
            return s.get("reason") or f"skipped by the mapping: {s['column']} = {v!r}"
    return None


# ------------------------------------------------------------------------------------ reading
def _rows(path: Path, sink: Sink) -> Iterator[tuple[str, dict]]:
    if path.suffix.lower() == ".parquet":
        import pyarrow.parquet as pq

        try:
            pf = pq.ParquetFile(path)
        except Exception as exc:  # pyarrow raises several types for a damaged file
            raise UnreadableFile(
                f"{path.name} cannot be read as Parquet ({exc}). Fix: re-export it"
            ) from exc
        n = 0
        for batch in pf.iter_batches(batch_size=20_000):
            for row in batch.to_pylist():
                n += 1
                yield f"row {n}", row
    else:
        for n, row in csv_rows(path, sink):
            yield f"row {n}", row


def _columns(path: Path, sink: Sink, first: dict | None) -> set[str]:
    if path.suffix.lower() == ".parquet":
        import pyarrow.parquet as pq

        return set(pq.read_schema(path).names)
    return set(first or ())


def read(path: Path, sink: Sink) -> None:
    spec: MappingSpec | None = sink.state.get(STATE_KEY)
    if spec is None:
        raise UnreadableFile(
            "no column mapping given. Fix: pass --mapping FILE.yaml (see docs/importers.md)"
        )
    entry = spec.entry_for(path)
    if entry is None:
        raise UnreadableFile(
            f"no `files` entry of {spec.path.name} matches {path.name} (patterns: "
            f"{', '.join(e.match for e in spec.entries)}). Fix: add an entry for this layout"
        )
    if "comments" in entry.tables:
        sink.state["comments_available"] = True
    elif sink.state.get("comments_available") is not True:
        sink.state["comments_available"] = bool(spec.comments_available)  # not stated: posts only
    table = entry.record_table
    emit = {"posts": sink.post, "comments": sink.comment, "accounts": sink.account}[table]
    profiles = entry.tables.get("accounts") if table == "posts" else None
    rows = _rows(path, sink)
    checked = False
    for loc, row in rows:
        if not checked:
            missing = sorted(entry.columns() - _columns(path, sink, row))
            if missing:
                raise UnreadableFile(
                    f"{path.name} lacks column(s) {', '.join(missing)} named by {spec.path.name} "
                    f"(entry {entry.match!r}). Fix: correct the mapping or the file"
                )
            checked = True
        why = _skipped(entry, row)
        if why:
            sink.reject(table, loc, why, raw=row)
            continue
        rec = _fields(entry.tables[table], row, spec)
        if table == "posts":
            rec.setdefault("platform", spec.platform)
        elif table == "accounts":
            rec.setdefault("platform", spec.platform)
            rec.setdefault("handle", (rec.get("account_id") or "").split(":", 1)[-1] or None)
        if table != "comments" and rec.get("account_type") is not None:
            rec.setdefault("account_type_source", spec.label_source)
        emit(loc, **rec)
        if profiles:
            acc = _fields(profiles, row, spec)
            aid = acc.pop("account_id", None) or rec.get("account_id")
            if aid and aid not in sink.profiles:
                if acc.get("account_type") is not None:
                    acc.setdefault("account_type_source", spec.label_source)
                acc.setdefault("platform", spec.platform)
                sink.profile(aid, _source=sink.source, **acc)


def detect(path: Path, head: bytes) -> bool:
    return False  # a table of unknown layout: only read with an explicit --mapping


register(
    "mapping",
    detect,
    read,
    description="any CSV/Parquet table through a column-mapping YAML (--mapping FILE)",
    example="dialogic import mapping posts.parquet --mapping docs/mappings/bluesky-keegan.yaml",
)
