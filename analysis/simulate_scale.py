"""Large simulated canonical data sets, built fast and deterministically, for the scale benchmark.

:func:`write_scale_dataset` writes the three canonical Parquet tables of a data set of any size
(100k, 1M, 10M comments...) straight with numpy and pyarrow, with no Python loop over rows, so that
``benchmarks/scale.py`` measures the analysis and not the simulation. The data are invented
(``dataset.json`` says ``"simulated": true``) and follow the demo's planted directions: business
pages get half the replies, answer a smaller share of comments and answer later.

Shape: one page per 1,000 comments, 100 posts a page, about 10 comments a post in threads of up
to three levels (audience comment, the page's answer, the audience's answer back). Comment texts
come from a pool of about 80,000 distinct sentences built from the demo's templates (English and
French; the language is left to detection, as for platforms that do not report it).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from analysis.schema import TABLES

COMMENTS_PER_PAGE = 1_000
POSTS_PER_PAGE = 100
START = np.datetime64("2024-01-01T00:00:00", "s")
PERIOD_S = 181 * 86_400
COLLECTED = np.datetime64("2024-07-08T00:00:00", "s")
#: mean audience top-level comments per post (personal pages; business pages get half)
TOP_PER_POST = 7.4
ANSWER_P = {"business": 0.3, "personal": 0.5}
ANSWER_SCALE_H = {"business": 6.0, "personal": 2.0}
BACK_P = 0.3


def text_pool() -> tuple[np.ndarray, np.ndarray]:
    """(texts, languages): every pair of comment sentences of the demo's templates, per topic
    pair."""
    from analysis.simulate import TEXTS

    texts, langs = [], []
    for lang, parts in TEXTS.items():
        sentences = [
            s for kind in ("praise", "complaint", "cquestion", "neutral") for s in parts[kind]
        ]
        topics = parts["topics"]
        for a in sentences:
            for b in sentences:
                for ta in topics:
                    for tb in topics[:5]:
                        texts.append(f"{a.format(topic=ta)} {b.format(topic=tb)}")
                        langs.append(lang)
    return np.array(texts, dtype=object), np.array(langs, dtype=object)


def _ids(prefix: str, n: int) -> pa.Array:
    return pc.binary_join_element_wise(
        pa.scalar(prefix), pc.cast(pa.array(np.arange(n)), pa.string()), ""
    )


def _times(seconds: np.ndarray) -> pa.Array:
    return pa.array(
        seconds.astype("datetime64[s]").astype("datetime64[ns]"), type=pa.timestamp("ns", tz="UTC")
    )


def _schema(table: str) -> pa.Schema:
    types = {
        "string": pa.string(),
        "Int64": pa.int64(),
        "boolean": pa.bool_(),
        "datetime64[ns, UTC]": pa.timestamp("ns", tz="UTC"),
    }
    return pa.schema([(c, types[d]) for c, (d, _, _) in TABLES[table].items()])


def simulate_scale(n_comments: int, seed: int = 11) -> dict[str, pa.Table]:
    """Canonical tables (pyarrow) with about ``n_comments`` comments; same seed, same tables.

    Parameters
    ----------
    n_comments : int
        Target number of comments (the result is within a few percent).
    seed : int

    Returns
    -------
    dict of pyarrow.Table
        ``accounts``, ``posts``, ``comments``, in the canonical schema, comments sorted by post.
    """
    rng = np.random.default_rng(seed)
    n_pages = max(4, n_comments // COMMENTS_PER_PAGE)
    business = np.arange(n_pages) % 2 == 0
    followers = np.round(np.exp(rng.normal(np.log(5000), 1.6, n_pages))).astype(np.int64) + 10
    page_effect = rng.normal(0, 0.5, n_pages)
    answer_effect = rng.normal(0, 0.5, n_pages)
    n_posts = n_pages * POSTS_PER_PAGE
    post_page = np.repeat(np.arange(n_pages), POSTS_PER_PAGE)
    post_created = START + rng.integers(0, PERIOD_S, n_posts).astype("timedelta64[s]")
    question = rng.random(n_posts) < 0.25
    mu = TOP_PER_POST * np.exp(
        np.log(0.5) * business[post_page] + np.log(1.5) * question + page_effect[post_page] - 0.125
    )
    n_top = rng.poisson(rng.gamma(1 / 1.2, 1.2 * mu))
    # top-level audience comments
    top_post = np.repeat(np.arange(n_posts), n_top)
    n_t = len(top_post)
    top_created = post_created[top_post] + rng.exponential(5 * 3600, n_t).astype("timedelta64[s]")
    bus_t = business[post_page[top_post]]
    p_answer = 1 / (
        1 + np.exp(-(np.log(np.where(bus_t, 0.3 / 0.7, 1.0)) + answer_effect[post_page[top_post]]))
    )
    answered = rng.random(n_t) < p_answer
    # the page's answers, then the audience's answers back
    ans_of = np.flatnonzero(answered)
    scale_h = np.where(bus_t[ans_of], ANSWER_SCALE_H["business"], ANSWER_SCALE_H["personal"])
    ans_created = top_created[ans_of] + (rng.weibull(0.8, len(ans_of)) * scale_h * 3600).astype(
        "timedelta64[s]"
    )
    back_of = np.flatnonzero(rng.random(len(ans_of)) < BACK_P)
    back_created = ans_created[back_of] + rng.exponential(3 * 3600, len(back_of)).astype(
        "timedelta64[s]"
    )
    # one comment array: tops [0, n_t), answers [n_t, n_t + n_a), backs after
    n_a, n_b = len(ans_of), len(back_of)
    post = np.concatenate([top_post, top_post[ans_of], top_post[ans_of][back_of]])
    parent = np.concatenate([np.full(n_t, -1), ans_of, n_t + back_of])
    depth = np.concatenate([np.zeros(n_t, np.int64), np.ones(n_a, np.int64), np.full(n_b, 2)])
    owner = np.concatenate([np.zeros(n_t, bool), np.ones(n_a, bool), np.zeros(n_b, bool)])
    created = np.minimum(
        np.concatenate([top_created, ans_created, back_created]),
        COLLECTED - np.timedelta64(60, "s"),
    )
    order = np.lexsort((created, post))  # comments grouped by post, oldest first
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    post, depth, owner, created = post[order], depth[order], owner[order], created[order]
    parent = parent[order]
    parent = np.where(parent >= 0, rank[np.maximum(parent, 0)], -1)
    n = len(post)
    user = rng.integers(0, max(1000, n // 10), n)
    texts, _ = text_pool()
    text_index = rng.integers(0, len(texts), n)

    page_ids = _ids("facebook:scale-page-", n_pages)
    post_ids = _ids("facebook:scale-post-", n_posts)
    comment_ids = _ids("facebook:scale-comment-", n)
    accounts = pa.table(
        {
            "account_id": page_ids,
            "platform": pa.array(["facebook"] * n_pages),
            "handle": _ids("scale-page-", n_pages),
            "display_name": _ids("Page ", n_pages),
            "account_type": pa.array(np.where(business, "business", "personal")),
            "account_type_source": pa.array(["simulation"] * n_pages),
            "followers": pa.array(followers),
            "category": pa.nulls(n_pages, pa.string()),
            "collected_at": _times(np.full(n_pages, COLLECTED)),
        },
        schema=_schema("accounts"),
    )
    post_texts = np.where(
        question, "What do you think about our new menu?", "Our morning at the market."
    )
    posts = pa.table(
        {
            "post_id": post_ids,
            "account_id": page_ids.take(pa.array(post_page)),
            "platform": pa.array(["facebook"] * n_posts),
            "created_at": _times(post_created),
            "text": pa.array(post_texts),
            "lang": pa.array(["en"] * n_posts),
            "media_type": pa.array(["photo"] * n_posts),
            "url": pa.nulls(n_posts, pa.string()),
            "reported_comments": pa.array(np.bincount(post, minlength=n_posts).astype(np.int64)),
            "likes": pa.array(rng.poisson(3 * mu).astype(np.int64)),
            "shares": pa.array(rng.poisson(mu / 3).astype(np.int64)),
            "collected_at": _times(np.full(n_posts, COLLECTED)),
        },
        schema=_schema("posts"),
    )
    users = _ids("facebook:scale-user-", int(user.max()) + 1)
    author = pc.if_else(
        pa.array(owner), page_ids.take(pa.array(post_page[post])), users.take(pa.array(user))
    )
    comments = pa.table(
        {
            "comment_id": comment_ids,
            "post_id": post_ids.take(pa.array(post)),
            "parent_id": pc.if_else(
                pa.array(parent >= 0),
                comment_ids.take(pa.array(np.maximum(parent, 0))),
                pa.scalar(None, pa.string()),
            ),
            "author_id": author,
            "is_owner": pa.array(owner),
            "created_at": _times(created),
            "text": pa.array(texts, pa.string()).take(pa.array(text_index)),
            "lang": pa.nulls(n, pa.string()),
            "depth": pa.array(depth),
        },
        schema=_schema("comments"),
    )
    return {"accounts": accounts, "posts": posts, "comments": comments}


def write_scale_dataset(
    directory: Path, n_comments: int, seed: int = 11, row_group: int = 1_000_000
) -> dict:
    """Write the tables of :func:`simulate_scale` and a ``dataset.json`` into ``directory``; return
    the counts."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    tables = simulate_scale(n_comments, seed)
    for name, table in tables.items():
        pq.write_table(table, directory / f"{name}.parquet", row_group_size=row_group)
    counts = {name: table.num_rows for name, table in tables.items()}
    (directory / "dataset.json").write_text(
        json.dumps(
            {
                "name": f"scale-{n_comments}",
                "simulated": True,
                "comments_available": True,
                "owner_identifiable": True,
                "counts": counts,
                "source": "analysis.simulate_scale (invented data for benchmarks/scale.py)",
            },
            indent=1,
        )
    )
    return counts
