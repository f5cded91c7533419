"""Turn the records of all readers into canonical tables, quarantining what breaks a row invariant.

One function, :func:`assemble`, does for every format what readers must not each do on their own:
parse times to UTC, read counts, drop duplicates, check that every comment's post and parent
exist (cascading: a reply under a quarantined comment is quarantined too), reject replies dated
before their post, compute ``depth`` and ``is_owner``, pseudonymize non-owner authors, label
accounts, and merge with the data set already imported (rows already present are kept once).
Every record removed is written to the quarantine with its reason; nothing is dropped silently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa

from analysis import labels as labels_mod
from analysis.errors import UsageError
from analysis.importers.core import Sink
from analysis.ledger import Quarantine
from analysis.privacy import ANON_MARK, pseudonymize_many
from analysis.schema import TABLES, CanonicalTables, coerce_table, empty_table

_ZONE = re.compile(r"(?:Z|z|[+-]\d{2}:?\d{2}|UTC|GMT)$")
_TIME_COLS = {
    "posts": ("created_at", "collected_at"),
    "comments": ("created_at",),
    "accounts": ("collected_at",),
}
_COUNT_COLS = {
    "posts": ("reported_comments", "likes", "shares"),
    "accounts": ("followers",),
    "comments": (),
}
_REQUIRED = {
    "posts": ("post_id", "account_id", "platform", "created_at"),
    "comments": ("comment_id", "post_id", "author", "created_at"),
    "accounts": ("account_id", "platform", "handle"),
}


@dataclass
class TableCount:
    """Records of one table: ``read`` = ``added`` + ``already_present`` + ``quarantined``."""

    read: int = 0
    added: int = 0
    already_present: int = 0
    quarantined: int = 0

    @property
    def kept(self) -> int:
        return self.added + self.already_present

    def reconciles(self) -> bool:
        return self.read == self.kept + self.quarantined


@dataclass
class Assembly:
    tables: CanonicalTables
    counts: dict[str, TableCount] = field(default_factory=dict)


class _Dropper:
    """Removes masked rows from a frame, writing each to the quarantine with its reason."""

    def __init__(self, quarantine: Quarantine, counts: dict[str, TableCount]):
        self.q, self.counts = quarantine, counts

    def __call__(self, table: str, df: pd.DataFrame, mask, reason) -> pd.DataFrame:
        mask = np.asarray(mask, dtype=bool)
        if not mask.any():
            return df
        bad = df[mask]
        self.write(table, bad, reason(bad) if callable(reason) else [reason] * len(bad))
        self.counts[table].quarantined += int(mask.sum())
        return df[~mask]

    def write(self, table: str, bad: pd.DataFrame, reasons) -> None:
        """Quarantine the rows of ``bad`` (with ``_source`` and ``_locator``), one reason each."""
        cols = [c for c in bad.columns if not c.startswith("_")]
        for rec, src, loc, why in zip(
            bad[cols].to_dict("records"), bad["_source"], bad["_locator"], reasons, strict=True
        ):
            self.q.add(
                table,
                str(src),
                str(loc),
                why,
                record={k: (None if _isna(v) else v) for k, v in rec.items()},
            )


class _Deferred:
    """A dropper for key columns of spilled rows: remembers position -> reason, counts the row.

    The full records are written to the quarantine later by :meth:`Spill.finish`, which reads them
    back from disk; tables that are not spilled (accounts) go to the ordinary dropper at once.
    Reasons are kept as Arrow strings, made in blocks: a file whose comments mostly miss their
    post (a keyword sample) must not hold a Python string per quarantined row.
    """

    block = 20_000

    def __init__(self, direct: _Dropper, counts: dict[str, TableCount], tables):
        self.direct, self.counts = direct, counts
        self._parts: dict[str, list[tuple[np.ndarray, pa.Array]]] = {t: [] for t in tables}

    def __call__(self, table: str, df: pd.DataFrame, mask, reason) -> pd.DataFrame:
        if table not in self._parts:
            return self.direct(table, df, mask, reason)
        rows = np.flatnonzero(np.asarray(mask, dtype=bool))
        if not len(rows):
            return df
        for i in range(0, len(rows), self.block):
            bad = df.iloc[rows[i : i + self.block]]
            why = reason(bad) if callable(reason) else [reason] * len(bad)
            self._parts[table].append((bad.index.to_numpy(), pa.array(why, pa.string())))
        self.counts[table].quarantined += len(rows)
        keep = np.ones(len(df), dtype=bool)
        keep[rows] = False
        return df[keep]

    def reasons(self, table: str) -> pd.Series:
        """Reason of every rejected row of ``table``, indexed by spill position."""
        parts = self._parts[table]
        if not parts:
            return pd.Series(
                [], index=pd.Index([], dtype="int64"), dtype=pd.StringDtype("pyarrow")
            )
        values = pd.arrays.ArrowStringArray(pa.chunked_array([r for _, r in parts], pa.string()))
        return pd.Series(values, index=np.concatenate([p for p, _ in parts])).sort_index()


def _isna(v) -> bool:
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def parse_utc(values: pd.Series, naive_tz: str | None) -> tuple[pd.Series, pd.Series]:
    """Parse timestamps to UTC; returns ``(parsed, problem)`` where ``problem`` names unreadable
    ones.

    Strings must be ISO 8601 (readers convert other layouts); a zone or offset is required unless
    ``naive_tz`` says which zone naive times are in (e.g. ``America/New_York``).
    """
    idx = values.index
    out = pd.Series(pd.NaT, index=idx, dtype="datetime64[ns, UTC]")
    problem = pd.Series(pd.NA, index=idx, dtype="string")
    if pd.api.types.is_datetime64_any_dtype(values):
        s = values
        if s.dt.tz is None:
            if naive_tz is None:
                problem[s.notna()] = "timestamp has no time zone (pass --tz)"
                return out, problem
            s = s.dt.tz_localize(naive_tz)
        return s.dt.tz_convert("UTC").astype("datetime64[ns, UTC]"), problem
    text = values.map(
        lambda v: v.isoformat() if hasattr(v, "isoformat") else v, na_action="ignore"
    )
    text = text.astype("string").str.strip()
    present = text.notna() & (text != "")
    zoned = text.str.contains(_ZONE, na=False)
    zoned_parsed = pd.to_datetime(
        text.where(zoned & present), utc=True, errors="coerce", format="ISO8601"
    )
    out[zoned] = zoned_parsed[zoned]
    naive = present & ~zoned & text.str.match(r"^\d{4}-\d{2}-\d{2}", na=False)
    if naive.any():
        if naive_tz is None:
            problem[naive] = (
                "timestamp " + text[naive] + " has no time zone (pass --tz with the zone it is in)"
            )
        else:
            parsed = pd.to_datetime(text[naive], errors="coerce", format="ISO8601")
            try:
                loc = parsed.dt.tz_localize(naive_tz, ambiguous="NaT", nonexistent="NaT")
            except Exception as exc:  # unknown zone name
                raise UsageError(
                    f"time zone {naive_tz!r} is not known ({exc}). Fix: use an IANA name such as "
                    "Europe/Paris or UTC",
                    key="--tz",
                    fix="use an IANA name such as Europe/Paris or UTC",
                ) from exc
            out[naive] = loc.dt.tz_convert("UTC")
    unreadable = present & out.isna() & problem.isna()
    problem[unreadable] = "unreadable timestamp " + text[unreadable]
    return out, problem


def _read_counts(df: pd.DataFrame, cols) -> tuple[pd.DataFrame, pd.Series]:
    problem = pd.Series(pd.NA, index=df.index, dtype="string")
    for col in cols:
        raw = df[col]
        num = pd.to_numeric(raw, errors="coerce")
        bad = (num.isna() & raw.notna()) | (num.notna() & (num % 1 != 0))
        neg = num < 0
        problem = problem.mask(bad & problem.isna(), f"unreadable {col}: " + raw.astype("string"))
        problem = problem.mask(neg & problem.isna(), f"negative {col}: " + raw.astype("string"))
        df[col] = num.where(~bad & ~neg).astype("Int64")
    return df, problem


def _basic(table: str, df: pd.DataFrame, drop: _Dropper, naive_tz) -> pd.DataFrame:
    """Required fields, times and counts of one table."""
    df = df.copy()
    for col in _REQUIRED[table]:
        s = df[col]
        missing = s.isna() | (s.astype("string").str.strip() == "").fillna(True)
        df = drop(table, df, missing.to_numpy(), f"missing field: {col}")
    for col in ("post_id", "comment_id", "parent_id", "account_id", "author"):
        if col in df.columns:
            df[col] = df[col].astype("string")
    for col in _TIME_COLS[table]:
        parsed, problem = parse_utc(df[col], naive_tz)
        df = df.assign(**{col: parsed})
        df = drop(
            table,
            df,
            problem.notna().to_numpy(),
            lambda b, p=problem: list(p[b.index].astype(str)),
        )
    df, problem = _read_counts(df, _COUNT_COLS[table])
    return drop(
        table, df, problem.notna().to_numpy(), lambda b, p=problem: list(p[b.index].astype(str))
    )


def _dedupe(
    table: str, df: pd.DataFrame, existing_ids: pd.Index, drop: _Dropper, counts
) -> pd.DataFrame:
    idcol = {"posts": "post_id", "comments": "comment_id", "accounts": "account_id"}[table]
    df = drop(
        table,
        df,
        df[idcol].duplicated(keep="first").to_numpy(),
        lambda b: [f"duplicate id: {i} appears earlier in this import" for i in b[idcol]],
    )
    present = df[idcol].isin(existing_ids).to_numpy()
    counts[table].already_present += int(present.sum())
    return df[~present]


def _comments(
    com: pd.DataFrame, posts_all: pd.DataFrame, old: pd.DataFrame, drop: _Dropper, key, counts
) -> pd.DataFrame:
    com = com.copy()
    com["parent_id"] = com["parent_id"].mask(com["parent_id"] == com["post_id"])
    post_created = posts_all.set_index("post_id")["created_at"]
    post_account = posts_all.set_index("post_id")["account_id"]
    com = drop(
        "comments",
        com,
        (~com["post_id"].isin(post_created.index)).to_numpy(),
        lambda b: [
            f"post not found: {p} is not in this import or the data set (import it too)"
            for p in b["post_id"]
        ],
    )
    before = (com["created_at"] < com["post_id"].map(post_created)).fillna(False).to_numpy()
    com = drop(
        "comments",
        com,
        before,
        "reply before its post: comment is dated before the post (check the time zones of both)",
    )
    # parents: cascade until stable (a reply under a quarantined comment is quarantined too)
    old_post = old.set_index("comment_id")["post_id"] if len(old) else pd.Series(dtype="string")
    removed: set = set()
    while True:
        known = set(com["comment_id"]) | set(old_post.index)
        orphan = (com["parent_id"].notna() & ~com["parent_id"].isin(known)).to_numpy()
        if not orphan.any():
            break
        removed_now = set(com["comment_id"][orphan])

        def why(b, removed=removed):
            return [
                f"parent quarantined: {p} was itself quarantined"
                if p in removed
                else f"parent missing: {p} is not in this import or the data set"
                for p in b["parent_id"]
            ]

        com = drop("comments", com, orphan, why)
        removed |= removed_now
    own_post = com.set_index("comment_id")["post_id"]
    parent_post = com["parent_id"].map(
        pd.concat([own_post, old_post]) if len(old_post) else own_post
    )
    wrong = (com["parent_id"].notna() & (parent_post != com["post_id"])).fillna(False).to_numpy()
    com = drop(
        "comments",
        com,
        wrong,
        lambda b: [f"parent under another post: {p}" for p in b["parent_id"]],
    )
    # depth from the parent chain (existing rows keep theirs)
    depth = pd.Series(np.where(com["parent_id"].isna(), 0, -1), index=com.index)
    known_depth = (
        old.set_index("comment_id")["depth"].astype("int64")
        if len(old)
        else pd.Series(dtype="int64")
    )
    for _ in range(len(com) + 1):
        todo = depth < 0
        if not todo.any():
            break
        lookup = pd.concat(
            [known_depth, pd.Series(depth.to_numpy(), index=com["comment_id"].to_numpy())]
        )
        lookup = lookup[lookup >= 0]
        lookup = lookup[~lookup.index.duplicated()]
        got = com.loc[todo, "parent_id"].map(lookup)
        if got.isna().all():
            break
        depth[got.dropna().index] = got.dropna().astype("int64") + 1
    com = drop(
        "comments",
        com,
        (depth < 0).to_numpy(),
        "reply cycle: the parent chain loops back on itself",
    )
    depth = depth[com.index]
    hint = pd.to_numeric(com["depth"], errors="coerce")
    com = drop(
        "comments",
        com,
        (hint.notna() & (hint != depth)).to_numpy(),
        lambda b: [
            f"depth disagrees: given {h}, parent chain gives {d}"
            for h, d in zip(hint[b.index], depth[b.index], strict=True)
        ],
    )
    com["depth"] = depth[com.index].astype("Int64")
    owner = com["post_id"].map(post_account)
    is_owner = (com["author"] == owner).fillna(False).astype(bool)
    hint = com["is_owner"].map(
        lambda v: None if _isna(v) else str(v).strip().lower() in ("true", "1"), na_action="ignore"
    )
    bad = (hint.notna() & (hint != is_owner)).to_numpy()
    com = drop(
        "comments", com, bad, "is_owner disagrees with whether the author is the post's account"
    )
    com["is_owner"] = is_owner[com.index].astype("boolean")
    if key is not None:
        others = com.loc[~com["is_owner"].astype(bool), "author"]
        names = pseudonymize_many(others.dropna().unique(), key)
        com.loc[others.index, "author"] = others.map(names)
    com = com.rename(columns={"author": "author_id"})
    return com


def _accounts(
    sink: Sink, acc: pd.DataFrame, posts: pd.DataFrame, old: pd.DataFrame, drop, counts, naive_tz
):
    """Account records plus rows made from the profiles of new post authors."""
    have = set(acc["account_id"]) | set(old["account_id"])
    derived = []
    for aid in pd.unique(posts["account_id"]):
        if aid in have or aid not in sink.profiles:
            continue
        p = sink.profiles[aid]
        derived.append(
            (
                aid,
                p.get("platform") or aid.split(":", 1)[0],
                p.get("handle") or aid.split(":", 1)[-1],
                p.get("display_name"),
                p.get("account_type"),
                p.get("account_type_source"),
                p.get("followers"),
                p.get("category"),
                p.get("collected_at") or sink.key_time,
                p.get("signal"),
                p.get("_source", ""),
                f"profile {aid}",
            )
        )
    if derived:
        extra = pd.DataFrame.from_records(derived, columns=list(acc.columns))
        counts["accounts"].read += len(extra)
        extra = _basic("accounts", extra, drop, naive_tz)
        acc = pd.concat([acc, extra], ignore_index=True) if len(acc) else extra
    labelled = [labels_mod.label_from_signal(s) for s in acc["signal"]]
    given = acc["account_type"].notna() & (acc["account_type"].astype("string").str.strip() != "")
    acc["account_type"] = acc["account_type"].where(given, [t for t, _ in labelled])
    src_given = acc["account_type_source"].notna()
    acc["account_type_source"] = acc["account_type_source"].where(
        given & src_given, np.where(given, "source file", [s for _, s in labelled])
    )
    acc["account_type"] = acc["account_type"].astype("string").str.strip().str.lower()
    bad = (~acc["account_type"].isin(labels_mod.ACCOUNT_TYPES)).to_numpy()
    return drop(
        "accounts",
        acc,
        bad,
        lambda b: [
            f"unknown account_type {t!r} (use business, personal or unknown)"
            for t in b["account_type"]
        ],
    )


def assemble(
    sink: Sink,
    existing: CanonicalTables | None,
    quarantine: Quarantine,
    key: bytes | None,
    mapping: pd.DataFrame | None = None,
    naive_tz: str | None = None,
) -> Assembly:
    """Check, complete and merge the records of ``sink`` with ``existing``; see the module
    docstring.

    Parameters
    ----------
    sink
        Records from the readers.
    existing
        Tables already in the output folder (``None`` for a new data set); their rows win over
        re-imported ones with the same id.
    quarantine
        Open quarantine writer; receives every rejected record with its reason.
    key
        Pseudonymization key, or ``None`` to keep author ids (opt-out, recorded in the import log).
    mapping
        Account-type mapping (:func:`analysis.labels.read_mapping`), applied last.
    naive_tz
        Zone of timestamps written without one; ``None`` quarantines them.
    """
    counts = {t: TableCount() for t in ("accounts", "posts", "comments", "unparsed")}
    drop = _Dropper(quarantine, counts)
    for (
        table,
        n,
    ) in sink.streamed.items():  # rejected while reading, already in the quarantine file
        counts[table].read += n
        counts[table].quarantined += n
    sink.quarantine = None
    n_rejects = len(sink.rejects)
    for table, src, loc, reason, raw in sink.rejects:
        counts[table].read += 1
        quarantine.add(
            table,
            src,
            loc,
            reason,
            raw=raw if isinstance(raw, (str, bytes)) else None,
            record=None if isinstance(raw, (str, bytes)) else raw,
        )
        counts[table].quarantined += 1
    old = existing or CanonicalTables(*(empty_table(t) for t in TABLES))

    spill = sink.spill
    sink.flush_all()  # posts and comments: row-local checks done, rows on disk, key columns here
    for table, src, loc, reason, raw in sink.rejects[n_rejects:]:  # stubs without an account
        counts[table].read += 1
        quarantine.add(table, src, loc, reason, record=raw)
        counts[table].quarantined += 1
    for t in spill.tables:
        counts[t].read += spill.counts[t].read
        counts[t].quarantined += spill.counts[t].quarantined
    later = _Deferred(
        drop, counts, spill.tables
    )  # cross-record rejects of spilled rows, written by finish
    acc_frame = sink.frame("accounts")
    counts["accounts"].read += len(acc_frame)
    acc = _basic("accounts", acc_frame, drop, naive_tz)
    acc = _dedupe("accounts", acc, pd.Index(old.accounts["account_id"]), drop, counts)

    posts = _dedupe("posts", spill.keys("posts"), pd.Index(old.posts["post_id"]), later, counts)
    known_acc = set(acc["account_id"]) | set(old.accounts["account_id"]) | set(sink.profiles)
    posts = later(
        "posts",
        posts,
        (~posts["account_id"].isin(known_acc)).to_numpy(),
        lambda b: [
            f"account not found: {a} (add it to the accounts table)" for a in b["account_id"]
        ],
    )
    acc = _accounts(sink, acc, posts, old.accounts, drop, counts, naive_tz)
    # posts whose account row was quarantined follow it
    known_acc = set(acc["account_id"]) | set(old.accounts["account_id"])
    posts = later(
        "posts",
        posts,
        (~posts["account_id"].isin(known_acc)).to_numpy(),
        lambda b: [f"account quarantined: {a}" for a in b["account_id"]],
    )

    com = _dedupe(
        "comments", spill.keys("comments"), pd.Index(old.comments["comment_id"]), later, counts
    )
    posts_all = pd.concat(
        [
            old.posts[["post_id", "account_id", "created_at"]],
            posts[["post_id", "account_id", "created_at"]],
        ],
        ignore_index=True,
    )
    com = _comments(com, posts_all, old.comments, later, key, counts)

    new = {
        "accounts": coerce_table(acc[list(TABLES["accounts"])], "accounts"),
        "posts": spill.finish("posts", posts, later.reasons("posts")),
        "comments": spill.finish(
            "comments",
            com,
            later.reasons("comments"),
            rename={"author": "author_id"},
            replace=("parent_id", "author_id", "depth", "is_owner"),
        ),
    }
    out = {}
    for name, prev in old.items():
        counts[name].added = len(new[name])
        out[name] = (
            pd.concat([prev, new[name]], ignore_index=True)
            if len(prev) and len(new[name])
            else (new[name] if len(new[name]) or not len(prev) else prev)
        )
    tables = CanonicalTables(**out)
    if mapping is not None:
        tables.accounts = labels_mod.apply_mapping(tables.accounts, mapping)
    return Assembly(tables, counts)


__all__ = ["assemble", "Assembly", "TableCount", "parse_utc", "ANON_MARK"]
