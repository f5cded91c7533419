"""The canonical data model: three tables, whatever the source.

This module is the one place where the tables are documented (``docs/data-model.md`` is generated
from :data:`TABLES`) and checked. Every importer produces these tables; every measure reads them.

Ids are strings namespaced by platform (``bluesky:at://...``). Times are timezone-aware UTC.

Invariants checked by :func:`validate_tables` (each failure raises :class:`SchemaError` naming the
table, column, row and the remedy):

- every column present with its type;
- ids unique (``account_id``, ``post_id``, ``comment_id``);
- every post's account exists; every comment's post exists;
- every comment's parent exists and belongs to the same post;
- ``depth`` is 0 for top-level comments and parent depth + 1 otherwise;
- ``is_owner`` is true exactly when ``author_id`` equals the post's ``account_id``;
- no comment is created before its post;
- counts are non-negative; ``account_type`` is business, personal or unknown.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from analysis._io import atomic_path
from analysis.errors import DataError

ACCOUNT_TYPES = ("business", "personal", "unknown")

# name -> (pandas dtype, nullable, meaning)
Column = tuple[str, bool, str]

TABLES: dict[str, dict[str, Column]] = {
    "accounts": {
        "account_id": (
            "string",
            False,
            "platform-namespaced id of the page/account, e.g. `twitter:12`",
        ),
        "platform": (
            "string",
            False,
            "twitter, facebook, instagram, youtube, reddit, mastodon, bluesky, ...",
        ),
        "handle": ("string", False, "screen name / page username"),
        "display_name": ("string", True, "name shown on the platform"),
        "account_type": ("string", False, "business | personal | unknown"),
        "account_type_source": (
            "string",
            False,
            "where the label came from: a platform field, a mapping file, a coder",
        ),
        "followers": (
            "Int64",
            True,
            "audience size at collection (followers, subscribers, page likes)",
        ),
        "category": ("string", True, "the platform's page category, if any"),
        "collected_at": ("datetime64[ns, UTC]", False, "when the account was collected (UTC)"),
    },
    "posts": {
        "post_id": ("string", False, "platform-namespaced id of the post"),
        "account_id": ("string", False, "the studied account that wrote the post"),
        "platform": ("string", False, "platform of the post"),
        "created_at": ("datetime64[ns, UTC]", False, "publication time (UTC)"),
        "text": ("string", True, "post text as collected (shown escaped in reports)"),
        "lang": ("string", True, "ISO 639-1 language, from the platform or detected"),
        "media_type": ("string", True, "text, photo, video, link, ..."),
        "url": ("string", True, "permalink"),
        "reported_comments": (
            "Int64",
            True,
            "the platform's own comment count (may exceed collected comments)",
        ),
        "likes": ("Int64", True, "likes / favourites at collection"),
        "shares": ("Int64", True, "shares / retweets / reposts at collection"),
        "collected_at": (
            "datetime64[ns, UTC]",
            False,
            "when the post and its comments were collected (UTC)",
        ),
    },
    "comments": {
        "comment_id": ("string", False, "platform-namespaced id of the comment or reply"),
        "post_id": ("string", False, "the studied post the comment sits under"),
        "parent_id": ("string", True, "the comment replied to; null for a top-level comment"),
        "author_id": ("string", False, "author; a keyed hash unless the author is the page owner"),
        "is_owner": (
            "boolean",
            False,
            "true when the author is the post's account (an owner reply)",
        ),
        "created_at": ("datetime64[ns, UTC]", False, "publication time (UTC)"),
        "text": ("string", True, "comment text as collected (shown escaped in reports)"),
        "lang": ("string", True, "ISO 639-1 language, from the platform or detected"),
        "depth": ("Int64", False, "0 for a top-level comment, parent depth + 1 for a reply"),
    },
}

ID_COLUMNS = {"accounts": "account_id", "posts": "post_id", "comments": "comment_id"}
COUNT_COLUMNS = {
    "accounts": ["followers"],
    "posts": ["reported_comments", "likes", "shares"],
    "comments": ["depth"],
}


class SchemaError(DataError):
    """A canonical table breaks an invariant (a :class:`analysis.errors.DataError`: exit code 4).

    Attributes name what is wrong so that callers (importers, the CLI) can act on it.
    """

    def __init__(
        self,
        table: str,
        column: str,
        row: int | None,
        record_id: object,
        problem: str,
        remedy: str,
        count: int = 1,
        source: str | None = None,
    ):
        self.table, self.column, self.row, self.record_id = table, column, row, record_id
        self.problem, self.remedy, self.count, self.source = problem, remedy, count, source
        where = f"{table}" + (f" ({source})" if source else "")
        at = f", row {row}" if row is not None else ""
        rid = f" ({ID_COLUMNS.get(table, 'id')}={record_id!r})" if record_id is not None else ""
        more = f" [{count - 1} more row(s) with the same problem]" if count > 1 else ""
        super().__init__(
            f"{where}, column `{column}`{at}{rid}: {problem}.{more} Fix: {remedy}",
            path=source,
            key=column,
            fix=remedy,
        )


@dataclass
class CanonicalTables:
    """The three canonical tables of one data set."""

    accounts: pd.DataFrame
    posts: pd.DataFrame
    comments: pd.DataFrame
    #: ``(post_row, parent_row)`` of each comment when :func:`validate_tables` joined them (row of
    #: its post in ``posts``, of its parent in ``comments``, -1 for none): the measures reuse them
    thread_rows: tuple[np.ndarray, np.ndarray] | None = field(
        default=None, repr=False, compare=False
    )

    def items(self):
        return (("accounts", self.accounts), ("posts", self.posts), ("comments", self.comments))

    def counts(self) -> dict[str, int]:
        return {name: len(df) for name, df in self.items()}


def empty_table(table: str) -> pd.DataFrame:
    """An empty frame with the canonical columns and dtypes of ``table``."""
    return pd.DataFrame({c: pd.Series(dtype=d) for c, (d, _, _) in TABLES[table].items()})


def _fail(table, df, mask, column, problem, remedy, source=None):
    bad = df.index[mask.to_numpy()]
    if len(bad):
        pos = int(df.index.get_loc(bad[0]))
        idcol = ID_COLUMNS[table]
        rid = df[idcol].iloc[pos] if idcol in df.columns else None
        raise SchemaError(
            table,
            column,
            pos,
            None if pd.isna(rid) else rid,
            problem,
            remedy,
            count=len(bad),
            source=source,
        )


def coerce_table(df: pd.DataFrame, table: str, source: str | None = None) -> pd.DataFrame:
    """Return ``df`` with exactly the canonical columns of ``table`` in their canonical dtypes.

    Raises :class:`SchemaError` when a column is missing or a value cannot be read as its type
    (naming the first bad row). Naive timestamps are rejected: say which zone they are in.
    """
    if table not in TABLES:
        raise ValueError(f"unknown table {table!r}; expected one of {sorted(TABLES)}")
    out = {}
    for col, (dtype, nullable, meaning) in TABLES[table].items():
        if col not in df.columns:
            raise SchemaError(
                table,
                col,
                None,
                None,
                "column is missing",
                f"add the column `{col}` ({meaning}; type {dtype}) to the {table} table",
                source=source,
            )
        s = df[col]
        try:
            if dtype.startswith("datetime"):
                if not (pd.api.types.is_datetime64_any_dtype(s)):
                    parsed = pd.to_datetime(s, utc=False, errors="coerce", format="ISO8601")
                    bad = parsed.isna() & s.notna()
                    _fail(
                        table,
                        df,
                        bad,
                        col,
                        f"value {s[bad].iloc[0]!r} is not a timestamp" if bad.any() else "",
                        "write timestamps as ISO 8601 with a zone, e.g. 2024-01-31T12:00:00Z",
                        source,
                    )
                    s = parsed
                if getattr(s.dt, "tz", None) is None:
                    raise SchemaError(
                        table,
                        col,
                        0 if len(s) else None,
                        None,
                        "timestamps have no time zone",
                        "store times as timezone-aware UTC (e.g. `pd.to_datetime(x, utc=True)`)",
                        source=source,
                    )
                s = s.dt.tz_convert("UTC").astype(dtype)
            elif dtype == "Int64":
                num = pd.to_numeric(s, errors="coerce")
                bad = num.isna() & s.notna()
                _fail(
                    table,
                    df,
                    bad,
                    col,
                    f"value {s[bad].iloc[0]!r} is not a whole number" if bad.any() else "",
                    f"make `{col}` an integer (or leave it empty if unknown)",
                    source,
                )
                frac = num.notna() & (num % 1 != 0)
                _fail(
                    table,
                    df,
                    frac,
                    col,
                    "value is not a whole number",
                    f"make `{col}` an integer",
                    source,
                )
                s = num.astype("Int64")
            elif dtype == "boolean":
                if s.dtype == object or pd.api.types.is_string_dtype(s):
                    mapped = s.map(
                        lambda v: (
                            {"true": True, "false": False, "1": True, "0": False}.get(
                                str(v).strip().lower(), pd.NA
                            )
                            if pd.notna(v)
                            else pd.NA
                        )
                    )
                    bad = mapped.isna() & s.notna()
                    _fail(
                        table,
                        df,
                        bad,
                        col,
                        f"value {s[bad].iloc[0]!r} is not true/false" if bad.any() else "",
                        f"write `{col}` as true or false",
                        source,
                    )
                    s = mapped
                s = s.astype("boolean")
            else:
                if pd.api.types.is_numeric_dtype(s) and not nullable and col.endswith("_id"):
                    raise SchemaError(
                        table,
                        col,
                        0 if len(s) else None,
                        None,
                        f"ids must be strings, found {s.dtype}",
                        "store ids as platform-namespaced strings, e.g. 'twitter:123'",
                        source=source,
                    )
                if not (isinstance(s.dtype, pd.StringDtype) or _string_categorical(s)):
                    s = s.astype(
                        "string"
                    )  # an Arrow-backed or dictionary-encoded column stays as it is
        except SchemaError:
            raise
        except (TypeError, ValueError) as exc:
            raise SchemaError(
                table,
                col,
                None,
                None,
                f"cannot be read as {dtype} ({exc})",
                f"make `{col}` of type {dtype}",
                source=source,
            ) from exc
        if not nullable:
            _fail(
                table,
                df,
                s.isna(),
                col,
                "required value is missing",
                f"fill `{col}` ({meaning}) or drop the row",
                source,
            )
        out[col] = s if numbered_from_zero(s.index) else s.reset_index(drop=True)
    return pd.DataFrame(out, copy=False)  # no copy of a column already in its canonical dtype


def numbered_from_zero(index: pd.Index) -> bool:
    """True for the index ``0, 1, …, n−1`` (a frame needs no ``reset_index`` copy)."""
    return isinstance(index, pd.RangeIndex) and index.start == 0 and index.step == 1


def _string_categorical(s: pd.Series) -> bool:
    """A dictionary-encoded string column (as :func:`read_canonical` reads repeated values)."""
    return isinstance(s.dtype, pd.CategoricalDtype) and pd.api.types.is_string_dtype(
        s.cat.categories
    )


def _arrow_strings(s: pd.Series) -> pa.Array:
    """The Arrow array (large_string) of a string column: no copy of the characters when the
    column is Arrow-backed."""
    arr = s.array if isinstance(s.dtype, pd.StringDtype) else s.astype("string").array
    if isinstance(arr, pd.arrays.ArrowStringArray):
        chunked = arr.__arrow_array__()  # the buffers pandas wraps, not a copy
        return chunked.combine_chunks() if chunked.num_chunks != 1 else chunked.chunk(0)
    return pa.array(arr).cast(pa.large_string())


#: From this many keys, :func:`row_numbers` joins on hashes (below, Arrow's exact hash join).
HASH_JOIN_MIN_ROWS = 1 << 19
_HASH_CHUNK = 1 << 16  # rows hashed at once (~60 MB of work arrays for 30-byte ids)


def id_hashes(s: pd.Series) -> np.ndarray:
    """A 64-bit hash of each string of ``s`` (uint64), computed on the Arrow buffers by numpy.

    Multilinear hashing (Lemire & Kaser 2016, *Software: Practice and Experience* 46(8)): the sum
    of each byte times a fixed random odd 64-bit multiplier of its position, modulo 2**64, mixed
    with the length. No Python string object is created and the memory is one chunk of bytes at
    a time, so 10 million ids hash in a few seconds within ~100 MB; two different ids of the same
    length collide with probability about 2**-56. Callers treat equal hashes as candidates and
    confirm them on the strings (:func:`row_numbers`), so a collision costs time, never a wrong
    join.
    """
    if isinstance(s.array, pd.arrays.ArrowStringArray):
        chunks = s.array.__arrow_array__().chunks  # hash the Parquet row groups' buffers in place
    else:
        chunks = [_arrow_strings(s)]
    parts = [
        _hash_chunk(c if c.type == pa.large_string() else c.cast(pa.large_string()))
        for c in chunks
    ]
    return np.concatenate(parts) if parts else np.empty(0, dtype=np.uint64)


def _hash_chunk(arr: pa.Array) -> np.ndarray:
    n = len(arr)
    out = np.empty(n, dtype=np.uint64)
    if n == 0:
        return out
    bufs = arr.buffers()
    offsets = np.frombuffer(bufs[1], dtype=np.int64)[arr.offset : arr.offset + n + 1]
    data = np.frombuffer(bufs[2], dtype=np.uint8) if bufs[2] is not None else np.zeros(1, np.uint8)
    lengths = np.diff(offsets)
    mult = _multipliers(int(lengths.max(initial=0)))
    with np.errstate(over="ignore"):
        for a in range(0, n, _HASH_CHUNK):
            b = min(a + _HASH_CHUNK, n)
            lo, hi = int(offsets[a]), int(offsets[b])
            h = lengths[a:b].astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)
            if hi > lo:
                starts = offsets[a:b] - lo
                pos = np.arange(hi - lo) - np.repeat(starts, lengths[a:b])
                terms = (data[lo:hi].astype(np.uint64) + np.uint64(1)) * mult[pos]
                nonempty = lengths[a:b] > 0
                h[nonempty] += np.add.reduceat(terms, starts[nonempty])
            h ^= h >> np.uint64(29)  # final mix (splitmix64 step): spread the high bits
            h *= np.uint64(0xBF58476D1CE4E5B9)
            h ^= h >> np.uint64(32)
            out[a:b] = h
    if arr.null_count:
        out[np.asarray(arr.is_null())] = 0
    return out


def _multipliers(longest: int) -> np.ndarray:
    """Fixed random odd 64-bit multipliers, one per byte position (the same on every run)."""
    rng = np.random.default_rng(0x5EED)
    return rng.integers(1, 2**63, size=max(longest, 1), dtype=np.uint64) * np.uint64(
        2
    ) + np.uint64(1)


def duplicated_ids(s: pd.Series) -> np.ndarray:
    """``s.duplicated(keep="first")`` for string ids, by their 64-bit hashes (exact: the
    strings decide whenever two hashes are equal)."""
    h = np.sort(id_hashes(s))  # sorting: 16 bytes a row, where a hash table takes ~60
    if not (h[1:] == h[:-1]).any():
        return np.zeros(len(s), dtype=bool)
    return s.reset_index(drop=True).astype(object).duplicated(keep="first").to_numpy()


def row_numbers(keys: pd.Series, values: pd.Series) -> np.ndarray:
    """For each key, the row number of the same id in ``values`` (unique), -1 when absent.

    No Python string object is created. Dictionary-encoded keys are joined once per distinct
    value. From :data:`HASH_JOIN_MIN_ROWS` keys the join is a sorted merge of 64-bit hashes
    (:func:`id_hashes`, 16 bytes a row), every match then confirmed on the strings; smaller joins,
    and any hash collision, use Arrow's exact hash join (``pyarrow.compute.index_in``), whose
    hash table of 10 million ids took 1.6 GB.
    """
    if not len(keys):
        return np.empty(0, dtype=np.int64)
    if _string_categorical(keys):  # join the distinct values once, then gather by code
        codes = keys.cat.codes.to_numpy()
        rows = row_numbers(pd.Series(keys.cat.categories.astype("string")), values)
        return np.where(codes >= 0, rows[np.maximum(codes, 0)] if len(rows) else -1, -1).astype(
            np.int64
        )
    if (
        len(keys) >= HASH_JOIN_MIN_ROWS
    ):  # large: join on 64-bit hashes, then confirm on the strings
        value_hashes = id_hashes(values)
        order = np.argsort(value_hashes, kind="stable")
        value_hashes = value_hashes[order]
        if not (value_hashes[1:] == value_hashes[:-1]).any():  # unique hashes: a sorted-merge join
            key_hashes = id_hashes(keys)
            pos = np.minimum(np.searchsorted(value_hashes, key_hashes), len(value_hashes) - 1)
            rows = np.where(value_hashes[pos] == key_hashes, order[pos], -1).astype(np.int64)
            del pos, key_hashes, value_hashes, order
            hit = np.flatnonzero(rows >= 0)
            same = pc.equal(
                _arrow_strings(keys.iloc[hit]), _arrow_strings(values).take(pa.array(rows[hit]))
            )
            if bool(pc.all(same.fill_null(False)).as_py()):
                return rows
    found = pc.index_in(_arrow_strings(keys), value_set=_arrow_strings(values))
    return found.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)


def thread_rows(posts: pd.DataFrame, comments: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """``(post_row, parent_row)``: each comment's row in ``posts`` and its parent's row in
    ``comments`` (-1 for no parent, or an id not found)."""
    post_row = row_numbers(comments["post_id"], posts["post_id"])
    has_parent = comments["parent_id"].notna().to_numpy()
    parent_row = np.full(len(comments), -1, dtype=np.int64)
    if has_parent.any():
        parent_row[has_parent] = row_numbers(
            comments["parent_id"][has_parent], comments["comment_id"]
        )
    return post_row, parent_row


def ids_equal(a: pd.Series, b: pd.Series, rows: np.ndarray) -> np.ndarray:
    """``a[i] == b[rows[i]]`` for string ids, element-wise, as a numpy bool array (False on NA)."""
    taken = _arrow_strings(b).take(pa.array(rows))
    return pc.equal(_arrow_strings(a), taken).fill_null(False).to_numpy(zero_copy_only=False)


def validate_tables(tables: CanonicalTables, source: str | None = None) -> CanonicalTables:
    """Coerce and check all invariants across the three tables; return the coerced tables.

    Raises
    ------
    SchemaError
        On the first violated invariant, naming table, column, first bad row, how many rows
        share the problem, and the fix.
    """
    acc = coerce_table(tables.accounts, "accounts", source)
    posts = coerce_table(tables.posts, "posts", source)
    com = coerce_table(tables.comments, "comments", source)

    for name, df in (("accounts", acc), ("posts", posts), ("comments", com)):
        idcol = ID_COLUMNS[name]
        _fail(
            name,
            df,
            pd.Series(duplicated_ids(df[idcol])),
            idcol,
            "id is duplicated",
            "keep one row per id (re-importing the same file adds nothing; duplicates from one "
            "source are quarantined by `dialogic import`)",
            source,
        )
        for col in COUNT_COLUMNS[name]:
            _fail(
                name,
                df,
                (df[col] < 0).fillna(False),
                col,
                "count is negative",
                f"counts cannot be negative; fix `{col}` in the source or leave it empty",
                source,
            )

    _fail(
        "accounts",
        acc,
        ~acc["account_type"].isin(ACCOUNT_TYPES),
        "account_type",
        f"label is not one of {ACCOUNT_TYPES}",
        "label accounts business, personal or unknown (see `dialogic label export`)",
        source,
    )
    _fail(
        "posts",
        posts,
        ~posts["account_id"].isin(acc["account_id"]),
        "account_id",
        "the post's account does not exist in accounts",
        "add the account to accounts or drop its posts",
        source,
    )

    # ids joined once into row numbers (reused by every check, then by the measures)
    post_row, parent_row = thread_rows(posts, com)
    _fail(
        "comments",
        com,
        pd.Series(post_row < 0),
        "post_id",
        "the comment's post does not exist in posts",
        "import the post too, or drop the comment (importers quarantine such records)",
        source,
    )

    has_parent = com["parent_id"].notna().to_numpy()
    _fail(
        "comments",
        com,
        pd.Series(has_parent & (parent_row < 0)),
        "parent_id",
        "the parent comment does not exist",
        "import the parent comment, or set parent_id empty if it replies to the post",
        source,
    )
    known = parent_row >= 0
    _fail(
        "comments",
        com,
        pd.Series(known & (post_row[np.maximum(parent_row, 0)] != post_row)),
        "parent_id",
        "the parent comment sits under a different post",
        "point parent_id to a comment of the same post",
        source,
    )
    depth = com["depth"].to_numpy(dtype=np.int64)
    expected_depth = np.where(known, depth[np.maximum(parent_row, 0)] + 1, 0)
    _fail(
        "comments",
        com,
        pd.Series(depth != expected_depth),
        "depth",
        "depth does not equal the parent's depth + 1 (0 at top level)",
        "recompute depth from parent_id",
        source,
    )

    authored_by_owner = ids_equal(com["author_id"], posts["account_id"], post_row)
    _fail(
        "comments",
        com,
        pd.Series(com["is_owner"].to_numpy(dtype=bool) != authored_by_owner),
        "is_owner",
        "is_owner disagrees with whether author_id is the post's account",
        "set is_owner to (author_id == the post's account_id); never pseudonymize the owner",
        source,
    )
    post_created = pd.DatetimeIndex(posts["created_at"]).asi8[post_row]
    _fail(
        "comments",
        com,
        pd.Series(pd.DatetimeIndex(com["created_at"]).asi8 < post_created),
        "created_at",
        "comment is dated before its post",
        "check the time zones of both timestamps (times must be UTC) or quarantine the record",
        source,
    )
    return CanonicalTables(acc, posts, com, thread_rows=(post_row, parent_row))


def _atomic_write_parquet(df: pd.DataFrame, path: Path) -> None:
    with atomic_path(path, suffix="") as tmp:
        df.to_parquet(tmp, index=False)


def write_canonical(tables: CanonicalTables, directory: Path) -> dict[str, Path]:
    """Validate and write ``accounts.parquet``, ``posts.parquet``, ``comments.parquet``
    atomically."""
    tables = validate_tables(tables, source=str(directory))
    directory = Path(directory)
    paths = {}
    for name, df in tables.items():
        paths[name] = directory / f"{name}.parquet"
        _atomic_write_parquet(df, paths[name])
    return paths


#: ``to_pandas(types_mapper=ARROW_STRING_DTYPES.get)``: Arrow strings stay Arrow-backed in pandas.
ARROW_STRING_DTYPES = {
    pa.string(): pd.StringDtype("pyarrow"),
    pa.large_string(): pd.StringDtype("pyarrow"),
}
#: Comment columns read dictionary-encoded (few distinct values over many rows).
DICTIONARY_COLUMNS = ("post_id", "text", "lang")


def _read_table(path: Path, arrow_strings: bool) -> pd.DataFrame:
    """One Parquet table as pandas; string columns Arrow-backed (``string[pyarrow]``) if asked.

    Python string objects cost ~60 bytes each: 10 million comments with six string columns
    took 5 GB as Python strings against 1.9 GB in Arrow buffers (``benchmarks/scale.py``).
    """
    if not arrow_strings:
        return pq.read_table(path).to_pandas()
    # values repeated across rows (a post's id under each of its comments, the same "Thanks!")
    # are read dictionary-encoded: pandas categoricals of the distinct values
    table = pq.read_table(
        path, read_dictionary=[c for c in DICTIONARY_COLUMNS if c in pq.read_schema(path).names]
    )
    return table.to_pandas(types_mapper=ARROW_STRING_DTYPES.get)


def read_canonical(directory: Path, validate: bool = True) -> CanonicalTables:
    """Read the three canonical tables from ``directory`` and check every invariant.

    The comment table's strings (ids, text, language) stay in Arrow buffers
    (``string[pyarrow]``, the same ``string`` dtype with another storage): the table is the one
    that grows to millions of rows.
    """
    directory = Path(directory)
    frames = {}
    for name in TABLES:
        path = directory / f"{name}.parquet"
        if not path.exists():
            raise FileNotFoundError(
                f"{path} does not exist. Fix: import data first (`dialogic import <format> <path>`"
                f" or `dialogic demo` for the simulated demo data)."
            )
        frames[name] = _read_table(path, arrow_strings=name == "comments")
    tables = CanonicalTables(**frames)
    return validate_tables(tables, source=str(directory)) if validate else tables


def data_model_markdown() -> str:
    """The data model as Markdown (written to docs/data-model.md by ``dialogic schema``)."""
    lines = ["# Canonical data model", "", (__doc__ or "").strip(), ""]
    for table, cols in TABLES.items():
        lines += [f"## {table}", "", "| column | type | nullable | meaning |", "|---|---|---|---|"]
        lines += [
            f"| `{c}` | {d} | {'yes' if n else 'no'} | {m} |" for c, (d, n, m) in cols.items()
        ]
        lines.append("")
    return "\n".join(lines)
