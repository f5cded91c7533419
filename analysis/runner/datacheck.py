"""Check a report's data filters against the data itself, before any kernel starts.

A platform the data does not have (``-p "platforms=[myspace]"``) or a period outside the
data's dates would otherwise be found only inside the notebook, seconds later, as a failing
report. Here they stop the run at once (:class:`~analysis.runner.errors.ParameterError`, exit 3)
with the values the data allows; a data folder whose tables cannot be read this way is bad data
(:class:`~analysis.runner.errors.DataError`, exit 4).

Only Parquet *metadata* and one small column are read: the ``platform`` column of
``accounts.parquet`` and the min/max statistics of ``posts.parquet``'s ``created_at`` (the column
itself only when a row group has no statistics). The facts are memoised by the data files'
content hashes in ``.dialogic-cache/``, so a rerun with nothing to do does not import pyarrow.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from analysis.ledger import read_dataset_info
from analysis.runner import hashing
from analysis.runner.errors import DataError, ParameterError

ACCOUNTS, POSTS = "accounts.parquet", "posts.parquet"


def _time_range(path: Path, column: str) -> tuple[str, str] | None:
    """First and last UTC day of ``column`` from the row-group statistics (the column if
    absent)."""
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    meta = pq.ParquetFile(path).metadata
    names = [meta.schema.column(i).name for i in range(meta.num_columns)]
    if column not in names:
        raise DataError(
            f"{path} has no column `{column}`; rebuild the data with `dialogic import` "
            f"(canonical schema: analysis/schema.py)",
            path=path,
            key=column,
        )
    index = names.index(column)
    lows, highs = [], []
    for rg in range(meta.num_row_groups):
        stats = meta.row_group(rg).column(index).statistics
        if stats is None or not stats.has_min_max or not hasattr(stats.min, "date"):
            lows, highs = [], []
            break
        lows.append(stats.min)
        highs.append(stats.max)
    if not lows:  # no statistics: read the one column
        bounds = pc.min_max(pq.read_table(path, columns=[column]).column(column)).as_py()
        lows, highs = [bounds["min"]], [bounds["max"]]
    lows, highs = [v for v in lows if v is not None], [v for v in highs if v is not None]
    if not lows:
        return None
    return min(lows).date().isoformat(), max(highs).date().isoformat()


def data_facts(data: Path, inputs: dict[str, str]) -> dict[str, Any]:
    """What the filters may ask of the data folder: ``platforms`` (sorted) and ``start``/``end``
    (first and last day with a post), each present only when its table is in the folder.

    Parameters
    ----------
    data : Path
        The data folder (canonical tables, Parquet).
    inputs : dict
        Its files' content hashes (:func:`analysis.runner.hashing.tree_hashes`), the memo key.

    Raises
    ------
    DataError
        A table that is not readable Parquet or lacks the column.
    """
    memo = hashing.CACHE_DIR / "data-facts" / (hashing.digest([str(data), inputs])[:32] + ".json")
    if memo.is_file():
        return json.loads(memo.read_text())
    facts: dict[str, Any] = {}
    if ACCOUNTS in inputs or POSTS in inputs:
        import pyarrow as pa
        import pyarrow.parquet as pq

        try:
            if ACCOUNTS in inputs:
                try:
                    column = pq.read_table(data / ACCOUNTS, columns=["platform"]).column(
                        "platform"
                    )
                except KeyError:
                    raise DataError(
                        f"{data / ACCOUNTS} has no column `platform`; rebuild the data with "
                        f"`dialogic import` (canonical schema: analysis/schema.py)",
                        path=data / ACCOUNTS,
                        key="platform",
                    ) from None
                facts["platforms"] = sorted(
                    str(v) for v in set(column.to_pylist()) if v is not None
                )
            if POSTS in inputs:
                window = _time_range(data / POSTS, "created_at")
                if window:
                    facts["start"], facts["end"] = window
        except (OSError, pa.ArrowException) as exc:
            raise DataError(
                f"cannot read the tables of {data}: {exc}; rebuild the data with "
                f"`dialogic import` or `dialogic demo`",
                path=data,
            ) from None
    hashing.atomic_write(memo, json.dumps(facts).encode())
    return facts


def check_filters(params: dict[str, Any], data: Path, inputs: dict[str, str], where: str) -> None:
    """Stop the run when ``platforms``, ``start`` or ``end`` ask for what the data does not have.

    Raises
    ------
    ParameterError
        ``parameter `platforms` = ['myspace'] (notebook hypothesis.ipynb, report h1): platform
        'myspace' is not in the data data/processed/demo, which has: facebook, twitter``; likewise
        for a period that ends before the first post or starts after the last one.
    """
    if not any(params.get(k) for k in ("platforms", "start", "end")):
        return
    facts = data_facts(data, inputs)
    known = facts.get("platforms")
    wanted = params.get("platforms") or []
    if known is not None and isinstance(wanted, list):
        missing = [p for p in wanted if p not in known]
        if missing:
            raise ParameterError(
                f"parameter `platforms` = {wanted!r} ({where}): platform {missing[0]!r} is not "
                f"in the data {data}, which has: {', '.join(known) or 'no accounts'}. Fix the "
                f"study file or the -p/-f override (an empty list keeps every platform).",
                key="platforms",
            )
    first, last = facts.get("start"), facts.get("end")
    start, end = str(params.get("start") or ""), str(params.get("end") or "")
    if first and last and ((start and start > last) or (end and end < first)):
        name, value = ("start", start) if start and start > last else ("end", end)
        raise ParameterError(
            f"parameter `{name}` = {value!r} ({where}): the period {start or '…'} to "
            f"{end or '…'} holds no post of the data {data}, which runs from {first} to {last}. "
            f"Pick dates in that range.",
            key=name,
        )


def check_threads(params: dict[str, Any], data: Path, where: str) -> None:
    """Stop the run when a hypothesis needs comment threads the data set does not have.

    Only ``dataset.json`` is read; the catalogue is imported only for data sets that declare
    ``comments_available: false`` (post-level aggregates), so ordinary runs pay nothing.

    Raises
    ------
    DataError
        Naming the hypothesis, the data set and what can be tested instead (exit 4).
    """
    try:
        info = read_dataset_info(data)
    except (OSError, ValueError):
        return  # an unreadable dataset.json is reported by the notebook, with its own message
    if info.get("comments_available", True):
        return
    from analysis.pipeline.hypothesis import threads_needed

    why = threads_needed(params, data)
    if why:
        raise DataError(f"{where}: {why}")
