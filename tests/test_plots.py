"""Key figures on small and degenerate data: never an exception, a reason in words when nothing can
be drawn.

Every figure function of :mod:`analysis.plots` (through the hypothesis that uses it) is drawn on
synthetic measure frames shaped like :func:`analysis.measures.post_measures` /
:func:`~analysis.measures.comment_measures` output, in each degenerate case real samples produce:
a group absent, a single page, all zeros, all censored (no page reply ever observed), followers
unknown, no row at all. The results come from :func:`analysis.stats.run_hypothesis`, as in the
report notebook. Two regressions reproduce the failures seen on real samples (TWCS brands only:
H4 "Values must be numeric"; Bluesky searchPosts H3 with min_posts 5: ``KeyError: 1.0``).
"""

from __future__ import annotations

import base64
import warnings
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from analysis import plots
from analysis.plots import t
from analysis.report.views import figure_html
from analysis.stats import run_hypothesis
from analysis.stats.hypotheses import CATALOGUE

WINDOW_H = 72.0
HYPOTHESES = ("H1", "H2", "H3", "H4a", "H4b", "H5", "H6")
CASES = (
    "normal",
    "one_group",
    "single_page",
    "all_zeros",
    "all_censored",
    "nan_followers",
    "empty",
)
PNG = b"\x89PNG\r\n\x1a\n"

POST_COLUMNS = [
    "post_id",
    "account_id",
    "platform",
    "account_type",
    "followers",
    "created_at",
    "lang",
    "text",
    "replies",
    "owner_replies",
    "unique_commenters",
    "answered_share",
    "first_owner_reply_h",
    "dialogue_turns",
    "post_age_h",
    "is_question",
    "is_promotional",
    "reported_comments",
    "comments_available",
]
COMMENT_COLUMNS = [
    "comment_id",
    "post_id",
    "account_id",
    "platform",
    "account_type",
    "followers",
    "created_at",
    "depth",
    "lang",
    "text",
    "answered",
    "time_to_owner_reply_h",
    "reply_observed",
    "answered_in_window",
    "sentiment",
    "negative",
    "post_is_question",
]


def measures(case: str, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Post and comment measures of a few pages, degenerate as ``case`` says."""
    rng = np.random.default_rng(seed)
    n_pages = {"empty": 0, "single_page": 1}.get(case, 12)
    t0 = pd.Timestamp("2024-03-01", tz="UTC")
    posts, comments = [], []
    for p in range(n_pages):
        business = case in ("one_group", "single_page") or p % 2 == 0
        acc = f"test:page{p}"
        followers = np.nan if case == "nan_followers" else float(rng.integers(50, 200_000))
        for k in range(8):
            question = case != "one_group" and k % 3 == 0
            n_com = 0 if case == "all_zeros" else int(rng.poisson(6 if question else 3)) + 1
            pid = f"{acc}/post{k}"
            created = t0 + pd.Timedelta(hours=24 * k)
            n_owner = 0
            for c in range(n_com):
                if case == "all_censored":
                    answered = observed = False
                    delay = WINDOW_H
                else:
                    answered = bool(rng.random() < (0.3 if business else 0.6))
                    observed = answered
                    delay = float(rng.exponential(10 if business else 4)) if answered else WINDOW_H
                    delay = min(delay, WINDOW_H)
                n_owner += answered
                comments.append(
                    dict(
                        comment_id=f"{pid}/c{c}",
                        post_id=pid,
                        account_id=acc,
                        platform="test",
                        account_type="business" if business else "personal",
                        followers=followers,
                        created_at=created + pd.Timedelta(minutes=5 * c),
                        depth=0,
                        lang="en",
                        text="a comment",
                        answered=answered,
                        time_to_owner_reply_h=delay,
                        reply_observed=observed,
                        answered_in_window=observed,
                        sentiment=float(rng.normal()),
                        negative=bool(c % 3 == 0),
                        post_is_question=question,
                    )
                )
            if (
                case == "all_zeros"
            ):  # no comment at all: every count and delay of the frame is zero
                comments.append(
                    dict(
                        comment_id=f"{pid}/c0",
                        post_id=pid,
                        account_id=acc,
                        platform="test",
                        account_type="business" if business else "personal",
                        followers=followers,
                        created_at=created,
                        depth=0,
                        lang="en",
                        text="a comment",
                        answered=False,
                        time_to_owner_reply_h=0.0,
                        reply_observed=False,
                        answered_in_window=False,
                        sentiment=0.0,
                        negative=False,
                        post_is_question=question,
                    )
                )
            posts.append(
                dict(
                    post_id=pid,
                    account_id=acc,
                    platform="test",
                    account_type="business" if business else "personal",
                    followers=followers,
                    created_at=created,
                    lang="en",
                    text="a post?" if question else "a post",
                    replies=0 if case == "all_zeros" else n_com,
                    owner_replies=n_owner,
                    unique_commenters=0 if case == "all_zeros" else n_com,
                    answered_share=(n_owner / n_com) if n_com and case != "all_zeros" else np.nan,
                    first_owner_reply_h=np.nan,
                    dialogue_turns=0,
                    post_age_h=500.0,
                    is_question=question,
                    is_promotional=False,
                    reported_comments=np.nan,
                    comments_available=True,
                )
            )
    post_m = pd.DataFrame(posts, columns=POST_COLUMNS)
    com_m = pd.DataFrame(comments, columns=COMMENT_COLUMNS)
    for frame, bools in (
        (post_m, ("is_question", "is_promotional", "comments_available")),
        (com_m, ("answered", "reply_observed", "negative", "post_is_question")),
    ):
        for col in bools:
            frame[col] = frame[col].astype(bool)
        frame["followers"] = frame["followers"].astype(float)
        frame["created_at"] = pd.to_datetime(frame["created_at"], utc=True)
    com_m["answered_in_window"] = com_m["answered_in_window"].astype("boolean")
    for col in ("replies", "owner_replies", "unique_commenters", "dialogue_turns"):
        post_m[col] = post_m[col].astype(int)
    return post_m, com_m


def _result(hid: str, posts: pd.DataFrame, comments: pd.DataFrame, min_posts: int = 1):
    with warnings.catch_warnings():  # degenerate fits warn; not what these tests are about
        warnings.simplefilter("ignore")
        return run_hypothesis(
            hid, posts=posts, comments=comments, min_posts=min_posts, robustness=False
        )


def _draw(result, posts, comments, language):
    """The key figure; the catch-all of key_figure counts as a failure here (its warning is an
    error)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message="the key figure", category=RuntimeWarning)
        return plots.key_figure(result, posts, comments, language)


def _reason(key: str, language: str) -> str:
    """The words of a reason up to its first field (the fields are data)."""
    return t(key, language).split("{")[0]  # no values: the text with its fields unfilled


#: (case, hypothesis) -> the reason the figure cannot be drawn; every other pair draws an image.
NOT_DRAWN = {
    **{("empty", h): "fig.none.empty" for h in HYPOTHESES},
    ("one_group", "H3"): "fig.none.within_page",  # no question post: no page compared with itself
    ("nan_followers", "H5"): "fig.none.followers",
    ("all_zeros", "H4b"): "fig.none.empty",  # nothing answered: H4b has no comment to test
    ("all_censored", "H4b"): "fig.none.empty",
}
#: (case, hypothesis) -> a note the drawn figure must carry.
NOTES = {
    **{
        (c, h): "fig.one_group"
        for c in ("one_group", "single_page")
        for h in ("H1", "H2", "H4a", "H4b", "H6")
    },
    ("all_zeros", "H4a"): "fig.none_answered",
    ("all_censored", "H4a"): "fig.none_answered",
}


@pytest.fixture(scope="module")
def frames():
    return {case: measures(case) for case in CASES}


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("hid", HYPOTHESES)
def test_every_figure_is_drawn_or_says_why(frames, hid, case):
    posts, comments = frames[case]
    result = _result(hid, posts, comments)
    for language in ("en", "fr"):
        view = _draw(result, posts, comments, language)
        assert view.title
        key = NOT_DRAWN.get((case, hid))
        if key:
            assert not view.drawn and view.png_base64 == ""
            assert view.reason.startswith(_reason(key, language)), (language, view.reason)
            assert view.alt == view.reason  # a screen reader gets the same sentence
            page = figure_html(view, language)
            assert "<img" not in page and _reason(key, language) in page.replace("&#x27;", "'")
        else:
            assert view.drawn and view.reason == "", view.reason
            assert base64.b64decode(view.png_base64).startswith(PNG)
            assert view.alt and view.width_px > 0 and view.height_px > 0
            if note := NOTES.get((case, hid)):
                assert _reason(note, language) in view.note, (language, view.note)
            elif case == "normal":
                assert _reason("fig.one_group", language) not in view.note
                assert "<img" in figure_html(view, language)


@pytest.mark.parametrize("case", CASES)
def test_french_reasons_and_notes_have_no_english_left(frames, case):
    posts, comments = frames[case]
    for hid in HYPOTHESES:
        view = _draw(_result(hid, posts, comments), posts, comments, "fr")
        text = f"{view.reason} {view.note}"
        for english in (
            "cannot be drawn",
            "No data for",
            "the figure",
            "Pages without",
            "No answer",
        ):
            assert english not in text, (hid, text)


def test_figure_functions_take_a_result_without_analysed_frame_or_comment_measures():
    posts, comments = measures("normal")
    for hid in HYPOTHESES:
        bare = SimpleNamespace(hypothesis=CATALOGUE[hid], analysed=None)
        for language in ("en", "fr"):
            view = _draw(bare, posts, comments, language)
            assert not view.drawn and view.reason == t("fig.none.empty", language)
    # H4 curves from the analysed frame alone when no comment measures are given
    result = _result("H4a", posts, comments)
    view = _draw(result, posts, None, "en")
    assert view.drawn and view.reason == ""


def test_measure_without_any_value_says_so():
    posts, comments = measures("normal")
    result = _result("H1", posts, comments)
    result.analysed = result.analysed.assign(replies=np.nan)
    view = _draw(result, posts, comments, "fr")
    assert not view.drawn and view.reason.startswith(_reason("fig.none.no_values", "fr"))


def test_some_unknown_audiences_are_counted_in_the_note():
    posts, comments = measures("normal")
    posts.loc[posts["account_id"].isin(["test:page0", "test:page1"]), "followers"] = np.nan
    view = _draw(_result("H5", posts, comments), posts, comments, "en")
    assert view.drawn and view.note == t("fig.no_followers", "en", n=2)


def test_a_failure_no_rule_foresaw_is_a_reason_not_an_exception(monkeypatch):
    posts, comments = measures("normal")
    result = _result("H1", posts, comments)

    def broken(*args):
        raise ValueError("boom")

    monkeypatch.setitem(plots.FIGURES, "H1", broken)
    with pytest.warns(
        RuntimeWarning, match="key figure of H1 could not be drawn: ValueError: boom"
    ):
        view = plots.key_figure(result, posts, comments, "fr")
    assert not view.drawn and view.reason == t("fig.none.failed", "fr")
    assert view.title == t("fig.title.H1", "fr")


def test_importing_plots_leaves_the_matplotlib_backend_alone():
    import subprocess
    import sys

    code = (
        "import matplotlib; matplotlib.use('svg'); import analysis.plots; "
        "print(matplotlib.get_backend())"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "svg"


def test_drawing_a_key_figure_leaves_the_backend_and_the_style_alone():
    """A researcher's JupyterLab keeps its backend and its own figure style after a report cell:
    the seaborn theme holds only while the key figure is drawn."""
    import matplotlib

    with matplotlib.rc_context({"axes.facecolor": "#fafafa"}):  # the researcher's own style
        backend, style = matplotlib.get_backend(), dict(matplotlib.rcParams)
        posts, comments = measures("normal")
        for hid in ("H1", "H4a", "H5"):
            assert _draw(_result(hid, posts, comments), posts, comments, "en").drawn
            assert matplotlib.get_backend() == backend
            changed = {k for k, v in matplotlib.rcParams.items() if style[k] != v}
            assert not changed, f"{hid}: key_figure left rcParams changed: {sorted(changed)}"


# --------------------------------------------------------------------------- real samples (regress


def _import(real_data, tmp_path, monkeypatch, *paths, fmt=None):
    from analysis import config
    from analysis.importers import import_paths

    monkeypatch.setattr(config, "PSEUDONYM_KEY_FILE", tmp_path / "key")
    out = tmp_path / "data"
    import_paths(fmt, list(paths), out, progress=False)
    return out


def _report_figure(data_dir, hid, min_posts, language):
    from analysis import report

    data = report.load_report_data(
        report.from_namespace(
            dict(data_dir=str(data_dir), hypothesis=hid, min_posts=min_posts, language=language)
        )
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = report.run_test(data)
    return result, _draw(result, data.posts, data.comments, language)


@pytest.mark.parametrize("hid", ["H4a", "H4b"])
def test_twcs_brands_only_h4_figure_draws_the_brands_and_names_the_missing_group(
    real_data, tmp_path, monkeypatch, hid
):
    # was: ValueError "Values must be numeric" (Kaplan–Meier fitted on the empty personal group)
    src = real_data / "twcs-customer-support-twitter"
    out = _import(
        real_data, tmp_path, monkeypatch, src / "sample.csv", src / "twcs_small.csv", fmt="twcs"
    )
    for language in ("en", "fr"):
        result, view = _report_figure(out, hid, 5, language)
        assert result.row["verdict"] == "inconclusive"
        assert view.drawn and base64.b64decode(view.png_base64).startswith(PNG)
        assert (
            t(
                "fig.one_group",
                language,
                absent=result.hypothesis.text("reference", "fr")
                if language == "fr"
                else result.hypothesis.reference_en,
                present=result.hypothesis.text("focal", "fr")
                if language == "fr"
                else result.hypothesis.focal_en,
            )
            in view.note
        )


def test_bluesky_h3_with_min_posts_5_says_no_page_can_be_compared_with_itself(
    real_data, tmp_path, monkeypatch
):
    # was: KeyError 1.0 (no page kept by min_posts 5 has a question post); the full sample, as
    # collected (the bundled excerpt keeps too few posts per page for this case)
    sample = real_data.full("bluesky-searchposts-ishaan")
    if sample is None:
        pytest.skip("the full Bluesky searchPosts sample is only in ../shared")
    out = _import(real_data, tmp_path, monkeypatch, sample)
    for language in ("en", "fr"):
        result, view = _report_figure(out, "H3", 5, language)
        assert result.row["verdict"] == "inconclusive"
        assert not view.drawn and view.reason == t("fig.none.within_page", language)
        assert view.reason in figure_html(view, language).replace("&#x27;", "'")
