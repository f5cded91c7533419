"""Pipeline step 3b: the account groups of the study, from the parameters and a group file.

A study comparing other groups than business and personal pages names them with the notebook
parameters ``group_column = "account_group"``, ``focal_group``, ``reference_group`` and the
labels in a *group file* (``group_file``): a CSV with a header and one row per account,
``account_id,group`` (or ``handle,group`` with ``platform`` when handles are easier to write
down), written by a coder, a script or an export of another tool. The file is read at load time
and never changes the data; accounts it does not list are in no group (and left out of the
comparison, counted in the report). :func:`apply_groups` adds the ``account_group`` column to
the accounts table and to the post and comment measures.

Examples
--------
>>> import pandas as pd
>>> accounts = pd.DataFrame({"account_id": ["fb:1", "fb:2"], "handle": ["le_monde", "ana"],
...                          "platform": ["facebook", "facebook"]})
>>> labels = pd.DataFrame({"account_id": ["fb:1", "fb:2"], "group": ["newsroom", "journalist"]})
>>> account_labels(accounts, labels, "groups.csv").tolist()
['newsroom', 'journalist']
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from analysis.errors import DataError
from analysis.groups import AccountGroups

#: The column of the canonical frames that holds a group file's labels.
GROUP_LABEL_COLUMN = "account_group"


def groups_from_params(params: Mapping[str, Any]) -> AccountGroups:
    """The groups the notebook parameters name, with the words given for each language."""
    from analysis import catalog

    names = {}
    for language in catalog.languages():
        suffix = "" if language == catalog.SOURCE_LANGUAGE else f"_{language}"
        focal = str(params.get(f"focal_name{suffix}") or "").strip()
        reference = str(params.get(f"reference_name{suffix}") or "").strip()
        if focal or reference:
            names[language] = (
                focal or params["focal_group"],
                reference or params["reference_group"],
            )
    return AccountGroups(
        params["group_column"], params["focal_group"], params["reference_group"], names
    )


def read_group_file(path: Path | str) -> pd.DataFrame:
    """The labels of a group file: ``account_id`` (or ``platform``, ``handle``) and ``group``.

    Raises
    ------
    DataError
        Naming the file, the row and the fix: unreadable CSV, no ``group`` column, no key
        column, an empty label, one account given two different groups.
    """
    path = Path(path)
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, ValueError) as exc:
        raise DataError(f"group file {path} cannot be read as CSV ({exc}); fix the file") from exc
    table.columns = [str(c).strip() for c in table.columns]
    keys = ["account_id"] if "account_id" in table else ["platform", "handle"]
    missing = [c for c in [*keys, "group"] if c not in table]
    if missing:
        raise DataError(
            f"group file {path} has no column {', '.join(missing)}; write a header "
            "`account_id,group` (or `platform,handle,group`) and one account per row"
        )
    table = table[[*keys, "group"]].apply(lambda s: s.str.strip())
    empty = table.index[(table[keys + ["group"]] == "").any(axis=1)]
    if len(empty):
        row = int(empty[0]) + 2  # the header is line 1
        raise DataError(
            f"group file {path}, line {row}: an empty {'/'.join(keys)} or group; fill it or "
            "delete the line (an account without a group is left out of the comparison)"
        )
    labels = table.drop_duplicates()
    twice = labels[labels.duplicated(keys, keep=False)]
    if len(twice):
        first = twice.iloc[0]
        groups = sorted(twice[(twice[keys] == first[keys]).all(axis=1)]["group"])
        raise DataError(
            f"group file {path}: account {' '.join(first[keys])} is given two groups "
            f"({', '.join(groups)}); keep one line per account"
        )
    return labels.reset_index(drop=True)


def account_labels(accounts: pd.DataFrame, labels: pd.DataFrame, source: str) -> pd.Series:
    """The group label of each row of ``accounts`` (NA when the group file does not list it)."""
    if "account_id" in labels:
        by_id = dict(zip(labels["account_id"], labels["group"], strict=True))
        found = accounts["account_id"].astype(str).map(by_id)
    else:
        key = accounts["platform"].astype(str) + "\0" + accounts["handle"].astype(str)
        by_handle = dict(
            zip(labels["platform"] + "\0" + labels["handle"], labels["group"], strict=True)
        )
        found = key.map(by_handle)
    return pd.Series(found.to_numpy(), index=accounts.index, dtype="string", name=source)


def apply_groups(
    accounts: pd.DataFrame,
    frames: Mapping[str, pd.DataFrame],
    groups: AccountGroups,
    group_file: Path | str | None,
) -> tuple[pd.DataFrame, dict[str, pd.DataFrame]]:
    """``accounts`` and each of ``frames`` (post, comment measures) with the ``account_group``
    column, when the groups are read from it; unchanged otherwise.

    Raises
    ------
    DataError
        ``account_group`` is asked for and no group file gives it.
    """
    if groups.column != GROUP_LABEL_COLUMN:
        return accounts, dict(frames)
    if not group_file:
        raise DataError(
            f"the groups {groups.focal!r} and {groups.reference!r} are read from "
            f"`{GROUP_LABEL_COLUMN}`, and no group file gives it; set `group_file` to a CSV of "
            "account_id and group (or groups.file in the study file)"
        )
    labels = read_group_file(group_file)
    accounts = accounts.assign(
        **{GROUP_LABEL_COLUMN: account_labels(accounts, labels, GROUP_LABEL_COLUMN).to_numpy()}
    )
    ids = accounts["account_id"].astype(str)
    by_account = dict(zip(ids, accounts[GROUP_LABEL_COLUMN], strict=True))
    out = {
        name: frame.assign(
            **{
                GROUP_LABEL_COLUMN: frame["account_id"]
                .astype(str)
                .map(by_account)
                .astype("string")
                .to_numpy()
            }
        )
        for name, frame in frames.items()
    }
    return accounts, out


def group_counts(accounts: pd.DataFrame, groups: AccountGroups) -> dict[str, int]:
    """Accounts in the focal group, in the reference group and in neither."""
    column = accounts[groups.column].astype("string")
    focal = int((column == groups.focal).sum())
    reference = int((column == groups.reference).sum())
    return {"focal": focal, "reference": reference, "neither": len(accounts) - focal - reference}
