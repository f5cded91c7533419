"""Account-type labels (business | personal | unknown), each with the source it came from.

Three sources, in increasing priority:

1. **Platform signals** read by the importers (:func:`label_from_signal`): X/Twitter
   ``verified_type`` (``business`` and ``government`` are organisations), Facebook/CrowdTangle page
   categories through :data:`CATEGORY_TABLE`, CrowdTangle ``accountType`` (a ``facebook_profile``
   is a person), a TWCS brand handle, a Humanizr ``organization``/``individual`` label.
2. **A user mapping file** (CSV with columns ``platform``, ``handle`` or ``id``, ``account_type``)
   that overrides the signals (:func:`apply_mapping`); the source becomes ``mapping:<file name>``.
3. **Human coders**: ``dialogic label export`` writes a coding sheet of the accounts still
   ``unknown`` (:func:`coding_sheet`); two coders fill it independently; ``dialogic label
   agreement`` computes Krippendorff's alpha (:func:`agreement`); the agreed sheet is then used
   as a mapping file.

"business" here means any organisation speaking as such (brands, media, public bodies, NGOs);
"personal" a person speaking for themself, including public figures' personal profiles.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.errors import DataError
from analysis.schema import ACCOUNT_TYPES

#: Page categories (Facebook Graph ``category``, CrowdTangle ``Page Category``) -> account type.
#: Looked up through :func:`normalise_category` (case, ``&``/``and``, ``_``, ``/``, ``-`` and
#: spaces do not matter), so CrowdTangle's ``SHOPPING_RETAIL`` finds "shopping & retail".
#: Categories naming a person are ``personal``; those naming an organisation are ``business``;
#: anything else stays ``unknown`` for coders. Documented in docs/importers.md; extend it with a
#: mapping file rather than by editing code.
CATEGORY_TABLE: dict[str, str] = {
    # organisations
    "company": "business",
    "internet company": "business",
    "website": "business",
    "brand": "business",
    "product/service": "business",
    "local business": "business",
    "shopping & retail": "business",
    "retail company": "business",
    "restaurant": "business",
    "hotel": "business",
    "bank": "business",
    "media/news company": "business",
    "media news company": "business",
    "news & media website": "business",
    "newspaper": "business",
    "magazine": "business",
    "broadcasting & media production company": "business",
    "tv channel": "business",
    "radio station": "business",
    "publisher": "business",
    "non-profit organization": "business",
    "nonprofit organization": "business",
    "organization": "business",
    "government organization": "business",
    "government official": "personal",
    "political party": "business",
    "school": "business",
    "college & university": "business",
    "sports team": "business",
    "cosmetics store": "business",
    "health/beauty": "business",
    "app page": "business",
    "software": "business",
    "consulting agency": "business",
    "community": "unknown",
    # people
    "person": "personal",
    "public figure": "personal",
    "musician/band": "personal",
    "musician band": "personal",
    "artist": "personal",
    "athlete": "personal",
    "actor": "personal",
    "writer": "personal",
    "author": "personal",
    "journalist": "personal",
    "politician": "personal",
    "blogger": "personal",
    "video creator": "personal",
    "digital creator": "personal",
    "comedian": "personal",
    "entrepreneur": "personal",
    "personal blog": "personal",
    # CrowdTangle's enumerated page categories not spelled like a Graph category above
    "news site": "business",
    "non profit": "business",
    "political organization": "business",
    "broadcasting media production": "business",
    "media": "business",
    "public figure person": "personal",
}

#: Other platform signals (``key=value``) -> account type.
SIGNAL_TABLE: dict[str, str] = {
    "verified_type=business": "business",
    "verified_type=government": "business",
    "account_kind=facebook_profile": "personal",
    "account_kind=facebook_group": "unknown",
    "twcs=brand": "business",
    "twcs=customer": "personal",
    "humanizr=organization": "business",
    "humanizr=individual": "personal",
    "uci=brand_page": "business",
}


def normalise_category(category: str) -> str:
    """A page category reduced to lower-case words: the key of :data:`CATEGORY_TABLE` lookups.

    Examples
    --------
    >>> normalise_category("SHOPPING_RETAIL") == normalise_category("Shopping & Retail")
    True
    >>> normalise_category("Media/News Company")
    'media news company'
    """
    words = re.split(r"[^0-9a-z]+", str(category).lower())
    return " ".join(w for w in words if w and w != "and")


_CATEGORY_INDEX = {normalise_category(k): v for k, v in CATEGORY_TABLE.items()}


def label_from_signal(signal: str | None) -> tuple[str, str]:
    """Account type and its source from ``;``-joined platform signals (first decisive one wins).

    Examples
    --------
    >>> label_from_signal("verified_type=business")
    ('business', 'platform:verified_type=business')
    >>> label_from_signal("category=Musician/Band")
    ('personal', 'platform:category=Musician/Band')
    >>> label_from_signal("category=SHOPPING_RETAIL")
    ('business', 'platform:category=SHOPPING_RETAIL')
    >>> label_from_signal(None)
    ('unknown', 'none')
    """
    for part in (signal or "").split(";"):
        part = part.strip()
        if not part:
            continue
        key, _, value = part.partition("=")
        if key == "category":
            label = _CATEGORY_INDEX.get(normalise_category(value))
        else:
            label = SIGNAL_TABLE.get(f"{key}={value.strip().lower()}")
        if label and label != "unknown":
            return label, f"platform:{part}"
    return "unknown", "none"


def read_mapping(path: Path) -> pd.DataFrame:
    """Read a mapping CSV: ``platform``, ``handle`` and/or ``id`` (or ``account_id``),
    ``account_type``.

    Published Twitter label tables are read as they are (:data:`KNOWN_LABEL_TABLES`): Humanizr
    (``username``, ``id``, ``label`` organization/individual) and CrowdFlower's "Twitter User
    Gender" (``name``, ``gender`` brand/male/female; other values are skipped).

    Raises
    ------
    ValueError
        Naming the file, the row and the fix when a column is missing or a label is not one of
        business, personal, unknown.
    """
    path = Path(path)
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False)
    except UnicodeDecodeError:  # the CrowdFlower table is Latin-1
        df = pd.read_csv(
            path, dtype=str, keep_default_na=False, encoding="cp1252", encoding_errors="replace"
        )
    df.columns = [c.strip().lower() for c in df.columns]
    df = _known_label_table(df)
    if "account_id" in df.columns and "id" not in df.columns:
        df = df.rename(columns={"account_id": "id"})
    missing = [c for c in ("platform", "account_type") if c not in df.columns]
    if missing or not ({"handle", "id"} & set(df.columns)):
        raise DataError(
            f"mapping file {path} needs columns platform, handle or id, account_type "
            f"(missing: {', '.join(missing) or 'handle/id'}). Fix: add them, e.g. "
            "`platform,handle,account_type` / `twitter,TwitterDev,business`",
            path=path,
            key=", ".join(missing) or "handle/id",
            fix="add them",
        )
    df["account_type"] = df["account_type"].str.strip().str.lower()
    bad = ~df["account_type"].isin(ACCOUNT_TYPES) & (df["account_type"] != "")
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise DataError(
            f"mapping file {path}, row {i + 2}: account_type {df['account_type'].iloc[i]!r} is "
            f"not "
            f"one of {ACCOUNT_TYPES}. Fix: correct the label",
            path=path,
            record=f"row {i + 2}",
            key="account_type",
            fix="correct the label",
        )
    for col in ("handle", "id"):
        if col not in df.columns:
            df[col] = ""
    df["platform"] = df["platform"].str.strip().str.lower()
    df["handle"] = df["handle"].str.strip().str.lstrip("@").str.lower()
    df["id"] = df["id"].str.strip()
    df.attrs["source"] = f"mapping:{path.name}"
    return df[df["account_type"] != ""]


#: Published account-label tables read as mapping files: (columns that identify it, label column,
#: label -> account type, handle column, id column). Twitter tables; labels not listed are skipped.
KNOWN_LABEL_TABLES = {
    "humanizr": (
        {"username", "label"},
        "label",
        {"organization": "business", "individual": "personal"},
        "username",
        "id",
    ),
    "crowdflower-gender": (
        {"gender", "name", "_unit_id"},
        "gender",
        {"brand": "business", "male": "personal", "female": "personal"},
        "name",
        None,
    ),
}


def _known_label_table(df: pd.DataFrame) -> pd.DataFrame:
    """A mapping frame from a published label table (Humanizr organisation/individual, CrowdFlower
    "Twitter User Gender" brand/male/female); other frames are returned unchanged."""
    if "account_type" in df.columns:
        return df
    for cols, label, table, handle, ident in KNOWN_LABEL_TABLES.values():
        if cols <= set(df.columns):
            out = pd.DataFrame(
                {
                    "platform": "twitter",
                    "handle": df[handle],
                    "id": df[ident].str.replace(r"\.0$", "", regex=True) if ident else "",
                    "account_type": df[label].str.strip().str.lower().map(table).fillna(""),
                }
            )
            return out
    return df


def apply_mapping(accounts: pd.DataFrame, mapping: pd.DataFrame) -> pd.DataFrame:
    """Override ``account_type`` from a mapping (by ``platform`` + ``id`` first, then ``handle``).

    ``id`` may be given raw (``12``) or namespaced (``twitter:12``). Returns a copy; the number of
    accounts relabelled is in ``result.attrs["relabelled"]``.
    """
    out = accounts.copy()
    source = mapping.attrs.get("source", "mapping")
    by_id = {}
    by_handle = {}
    for row in mapping.itertuples(index=False):
        if row.id:
            by_id[row.id if ":" in row.id else f"{row.platform}:{row.id}"] = row.account_type
        if row.handle:
            by_handle[(row.platform, row.handle)] = row.account_type
    keys = list(
        zip(
            out["platform"].astype(str).str.lower(),
            out["handle"].astype(str).str.lstrip("@").str.lower(),
            strict=True,
        )
    )
    new = [
        by_id.get(a, by_handle.get(k))
        for a, k in zip(out["account_id"].astype(str), keys, strict=True)
    ]
    hit = pd.Series([n is not None for n in new], index=out.index)
    out.loc[hit, "account_type"] = [n for n in new if n is not None]
    out.loc[hit, "account_type_source"] = source
    out.attrs["relabelled"] = int(hit.sum())
    return out


SHEET_COLUMNS = [
    "account_id",
    "platform",
    "handle",
    "display_name",
    "category",
    "followers",
    "url",
    "account_type",
    "coder",
    "note",
]


def coding_sheet(
    accounts: pd.DataFrame, posts: pd.DataFrame | None = None, only_unknown: bool = True
) -> pd.DataFrame:
    """A coding sheet: one row per account to label, with what a coder needs to decide.

    ``account_type`` is left empty for the coder (business, personal or unknown); ``url`` is a
    permalink of the account's latest post, if any. Fill it, save as CSV, and use it with
    ``dialogic import ... --labels sheet.csv`` (it is a valid mapping file).
    """
    acc = accounts[accounts["account_type"] == "unknown"] if only_unknown else accounts
    sheet = acc[
        ["account_id", "platform", "handle", "display_name", "category", "followers"]
    ].copy()
    if posts is not None and len(posts):
        latest = posts.sort_values("created_at").groupby("account_id")["url"].last()
        sheet["url"] = sheet["account_id"].map(latest)
    else:
        sheet["url"] = pd.NA
    sheet["account_type"] = ""
    sheet["coder"] = ""
    sheet["note"] = ""
    return sheet[SHEET_COLUMNS].sort_values(["platform", "handle"]).reset_index(drop=True)


def agreement(sheet_a: pd.DataFrame, sheet_b: pd.DataFrame) -> dict:
    """Krippendorff's alpha (nominal) between two coders' sheets, matched on ``account_id``.

    Returns a dict: ``alpha``, ``n_units`` (accounts coded by both), ``n_only_one`` (coded by one),
    ``percent_agreement``, ``disagreements`` (list of account ids).

    Notes
    -----
    Alpha = 1 - D_o / D_e (observed over expected disagreement); 1 is perfect agreement, 0 is
    chance. Krippendorff (2004) asks for alpha >= 0.8 before relying on the labels, and >= 0.667
    for tentative conclusions. Computed with the ``krippendorff`` package.

    References
    ----------
    Krippendorff, K. (2004). *Content Analysis: An Introduction to Its Methodology*, 2nd ed., ch.
    11.
    """
    import krippendorff

    def clean(df, name):
        if "account_id" not in df.columns or "account_type" not in df.columns:
            raise DataError(
                f"coding sheet {name} needs columns account_id and account_type. Fix: use the "
                f"sheet "
                "written by `dialogic label export`",
                fix="use the sheet written by `dialogic label export`",
            )
        s = df.set_index("account_id")["account_type"].astype("string").str.strip().str.lower()
        s = s[s.notna() & (s != "")]
        bad = s[~s.isin(ACCOUNT_TYPES)]
        if len(bad):
            raise DataError(
                f"coding sheet {name}: account {bad.index[0]!r} has label {bad.iloc[0]!r}; "
                f"use one of {ACCOUNT_TYPES}",
                record=f"account {bad.index[0]!r}",
                key="account_type",
                fix=f"use one of {ACCOUNT_TYPES}",
            )
        return s

    a, b = clean(sheet_a, "A"), clean(sheet_b, "B")
    both = a.index.intersection(b.index)
    codes = {t: i for i, t in enumerate(ACCOUNT_TYPES)}
    units = a.index.union(b.index)
    data = np.array(
        [
            [codes.get(a.get(u), np.nan) for u in units],
            [codes.get(b.get(u), np.nan) for u in units],
        ],
        dtype=float,
    )
    if len(both) < 2:
        raise DataError(
            f"only {len(both)} account(s) coded by both coders; alpha needs at least 2. Fix: have "
            "both coders label the same accounts",
            fix="have both coders label the same accounts",
        )
    alpha = krippendorff.alpha(
        reliability_data=data,
        level_of_measurement="nominal",
        value_domain=list(range(len(ACCOUNT_TYPES))),
    )
    same = a[both] == b[both]
    return {
        "alpha": float(alpha),
        "n_units": int(len(both)),
        "n_only_one": int(len(units) - len(both)),
        "percent_agreement": float(same.mean()),
        "disagreements": list(both[~same.to_numpy()]),
    }
