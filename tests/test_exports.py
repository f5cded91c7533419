"""Exports for papers (analysis.report.exports): tables as CSV, LaTeX and Markdown, the key figure
as SVG and PDF, the study index tables, and CITATION.cff."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest
import yaml

import analysis
from analysis.report import exports

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def simulated():
    from analysis.stats import run_hypothesis
    from analysis.stats.simulation import simulate_measures

    posts, comments = simulate_measures(
        11, n_business=8, n_personal=8, posts_range=(4, 9), or_business=0.5
    )
    fast = dict(n_perm=199, n_boot=99)
    results = [
        run_hypothesis(h, posts=posts, comments=comments, min_posts=5, **fast)
        for h in ("H1", "H2")
    ]
    return results, posts, comments


def _frame(**row):
    base = {c: None for c in exports.RESULT_COLUMNS}
    base.update(
        hypothesis="H_1",
        estimate_name="IRR",
        estimate=0.5,
        ci_low=-0.25,
        ci_high=1.5,
        ci_level=0.95,
        statistic=-2.5,
        df=9.0,
        p_value=0.0004,
        p_two_sided=0.0008,
        n_obs=72,
        n_clusters=10,
        verdict="supported",
    )
    base.update(row)
    return pd.DataFrame([base], columns=exports.RESULT_COLUMNS)


def test_latex_table_structure_one_row_per_result_and_escaping(simulated):
    results, _, _ = simulated
    df = pd.concat([exports.results_frame(r) for r in results], ignore_index=True)
    df.loc[0, "verdict"] = "50% & more_than {x} #1"
    tex = exports.table_latex(df, "Results: 100% of H_1 & H_2", "tab:results")
    lines = tex.splitlines()
    assert lines[0].startswith(r"\begin{table}") and lines[-1] == r"\end{table}"
    assert r"\caption{Results: 100\% of H\_1 \& H\_2}" in tex and r"\label{tab:results}" in tex
    assert [ln for ln in lines if ln in (r"\toprule", r"\midrule", r"\bottomrule")] == [
        r"\toprule",
        r"\midrule",
        r"\bottomrule",
    ]
    body = lines[lines.index(r"\midrule") + 1 : lines.index(r"\bottomrule")]
    assert len(body) == len(results) == 2 and all(ln.endswith(r"\\") for ln in body)
    assert r"50\% \& more\_than \{x\} \#1" in body[0]
    spec = re.search(r"\\begin\{tabular\}\{([^}]*)\}", tex).group(1)
    header = lines[lines.index(r"\toprule") + 1]
    assert len(spec) == header.count("&") + 1 == body[1].count("&") + 1
    assert r"95\% CI" in header
    # no unescaped special character outside the math of the minus sign, "<" and p
    text = re.sub(r"\$[^$]*\$", "", "\n".join(body))
    assert not re.search(r"(?<!\\)[%&_#]", text.replace(" & ", " "))


def test_latex_compiles_when_a_tex_engine_is_present(simulated, tmp_path):
    engine = shutil.which("pdflatex") or shutil.which("tectonic")
    if engine is None:
        pytest.skip("no TeX engine (pdflatex or tectonic) on PATH: the LaTeX is not compiled")
    results, _, _ = simulated
    files = exports.table_files(results[0])
    doc = tmp_path / "doc.tex"
    doc.write_text(
        "\\documentclass{article}\n\\usepackage[utf8]{inputenc}\n\\usepackage{booktabs}\n"
        "\\begin{document}\n"
        + "".join(files[f"{s}.tex"].decode() for s in ("results", "robustness", "descriptives"))
        + exports.table_latex(_frame(), "APA 95% CI", "tab:x")
        + "\\end{document}\n"
    )
    args = [engine, "-interaction=nonstopmode", doc.name] if "pdflatex" in engine else [engine]
    if "tectonic" in engine:
        args.append(doc.name)
    done = subprocess.run(args, cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout[-2000:]
    assert (tmp_path / "doc.pdf").is_file()


def test_csv_round_trips_with_the_same_numbers(simulated):
    results, _, _ = simulated
    for result in results:
        for stem, frame in (
            ("results", exports.results_frame(result)),
            ("robustness", exports.robustness_frame(result)),
        ):
            back = pd.read_csv(
                io.StringIO(exports.table_files(result)[f"{stem}.csv"].decode()),
                float_precision="round_trip",
            )
            assert list(back.columns) == list(frame.columns)
            for column in frame.columns:
                want = frame[column]
                if pd.api.types.is_numeric_dtype(back[column]) and want.notna().any():
                    assert back[column].to_numpy(float) == pytest.approx(
                        want.to_numpy(float), nan_ok=True, rel=1e-15
                    ), column
    row = results[0].row
    back = pd.read_csv(
        io.StringIO(exports.table_csv(exports.results_frame(results[0]))),
        float_precision="round_trip",
    )
    assert back.loc[0, "estimate"] == row["estimate"] and back.loc[0, "p_value"] == row["p_value"]
    assert back.loc[0, "n_obs"] == row["n_obs"] and back.loc[0, "verdict"] == row["verdict"]


def test_markdown_has_a_header_separator_row(simulated):
    results, _, _ = simulated
    md = exports.table_files(results[0])["results.md"].decode().splitlines()
    assert len(md) == 3 and md[0].startswith("| Hypothesis |")
    assert re.fullmatch(r"\|( -{3}:? \|)+", md[1])
    assert md[0].count("|") == md[1].count("|") == md[2].count("|")
    escaped = exports.table_markdown(_frame(verdict="a|b")).splitlines()[2]
    assert "a\\|b" in escaped and len(re.findall(r"(?<!\\)\|", escaped)) == md[0].count("|")


def test_apa_style_minus_signs_ci_and_small_p():
    df = _frame()
    md = exports.table_markdown(df)
    tex = exports.table_latex(df, "caption", "tab:x")
    assert "95% CI" in md and r"95\% CI" in tex
    assert "[\u22120.25, 1.50]" in md and "\u22122.50" in md and "-" not in md.split("\n")[2]
    assert "[$-$0.25, 1.50]" in tex and "$-$2.50" in tex
    assert "| < .001 | < .001 |" in md and "$<$ .001 & $<$ .001" in tex
    assert "| \u2014 |" in md  # p adjusted missing: an em dash (APA)
    assert exports._cell(0.0456, "p_value", "markdown") == ".046"
    assert exports._cell(1.0, "p_value", "markdown") == "1.000"
    assert exports._cell(-0.001, "estimate", "markdown") == "0.00"
    ninety = exports.table_markdown(_frame(ci_level=0.9))
    assert "90% CI" in ninety


def test_descriptives_by_group(simulated):
    results, _, _ = simulated
    desc = exports.descriptives_frame(results[0])
    frame = results[0].analysed
    assert list(desc["group"]) == sorted(frame["group_label"].unique())
    assert desc["units"].sum() == len(frame) == results[0].row["n_obs"]
    assert desc["pages"].sum() == frame["cluster"].nunique()
    business = frame[frame.group_label == "business"]["replies"]
    assert desc.set_index("group").loc["business", "mean"] == pytest.approx(business.mean())
    # a results.json record has no analysed frame: no descriptives, the other tables still
    record = {"result": results[0].to_dict()}
    assert exports.descriptives_frame(record) is None
    assert set(exports.table_files(record)) == {
        f"{s}.{e}" for s in ("results", "robustness") for e in ("csv", "tex", "md")
    }
    assert exports.table_files({"verdict": "inconclusive", "preflight": True}) == {}


def test_write_exports_writes_the_files(simulated, tmp_path):
    results, _, _ = simulated
    written = exports.write_exports(results[0], tmp_path / "r")
    assert {p.name for p in written} == {
        f"{s}.{e}" for s in ("results", "robustness", "descriptives") for e in ("csv", "tex", "md")
    }
    assert all(p.read_bytes() for p in written)


def test_figure_svg_and_pdf_are_written_and_deterministic(simulated, tmp_path):
    results, posts, comments = simulated
    first = exports.figure_files(results[0], posts, comments)
    again = exports.figure_files(results[0], posts, comments)
    assert set(first) == {"figure.svg", "figure.pdf"}
    assert first == again  # same bytes twice
    assert first["figure.svg"].lstrip().startswith(b"<?xml") and b"<svg" in first["figure.svg"]
    assert first["figure.pdf"].startswith(b"%PDF")
    assert b"CreationDate" not in first["figure.pdf"] and b"<dc:date>" not in first["figure.svg"]
    written = exports.write_figure(results[0], posts, comments, tmp_path)
    assert {p.name: p.read_bytes() for p in written} == first
    # French labels make another figure
    assert (
        exports.figure_files(results[0], posts, comments, "fr")["figure.svg"]
        != (first["figure.svg"])
    )


def test_index_tables_from_index_rows():
    rows = [
        {
            "name": "h1__platform=x",
            "hypothesis": "H1",
            "claim": "business pages get fewer replies & 5% less",
            "estimate_name": "IRR",
            "estimate": 0.67,
            "ci_low": 0.35,
            "ci_high": 1.28,
            "p_value": 0.097,
            "p_adjusted": 0.194,
            "verdict": "not supported",
            "_row": {"ci_level": 0.95},
        },
        {"name": "h2", "hypothesis": "H2", "claim": "never ran", "_row": {}},
    ]
    files = exports.index_files(rows, "Demo study")
    assert set(files) == {"index.csv", "index.tex", "index.md"}
    back = pd.read_csv(io.StringIO(files["index.csv"].decode()), float_precision="round_trip")
    assert list(back["report"]) == ["h1__platform=x", "h2"] and back.loc[0, "p_adjusted"] == 0.194
    tex = files["index.tex"].decode()
    assert r"replies \& 5\% less" in tex and r"\caption{Demo study: results by report}" in tex
    body = tex.split("\\midrule\n")[1].split("\\bottomrule")[0].strip().splitlines()
    assert len(body) == 2
    assert "| [0.35, 1.28] | .097 | .194 | not supported |" in files["index.md"].decode()


@pytest.mark.slow
def test_runner_writes_the_tables_with_the_report_and_the_index(tmp_path, monkeypatch):
    from test_runner_checks import write_study  # tests/ is on sys.path (pytest prepend mode)

    from analysis.runner import run as runner_run
    from analysis.runner.errors import EXIT_OK

    monkeypatch.setattr("analysis.runner.hashing.code_hash", lambda: "frozen")
    path = write_study(tmp_path, grid={"group": ["a"], "scale": [2.0]})
    out = tmp_path / "out"
    summary = runner_run.run_study(path, workers=1)
    assert summary.exit_code == EXIT_OK
    folder = out / "f1__group=a__scale=2.0"
    names = {p.name for p in folder.iterdir()}
    assert {f"{s}.{e}" for s in ("results", "robustness") for e in ("csv", "tex", "md")} <= names
    table = pd.read_csv(folder / "results.csv")
    assert table.loc[0, "estimate"] == pytest.approx(7 / 3 * 2.0)
    assert {"index.csv", "index.tex", "index.md", "index.html"} <= {p.name for p in out.iterdir()}
    assert pd.read_csv(out / "index.csv").loc[0, "report"] == folder.name
    # nothing changed: the index tables stay, the cached report keeps its tables
    again = runner_run.run_study(path, workers=1)
    assert again.ran == [] and (out / "index.md").is_file() and (folder / "results.tex").is_file()


def test_citation_cff_parses_with_the_required_keys_and_the_package_version():
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert {"cff-version", "message", "title", "version", "authors", "license"} <= set(cff)
    assert cff["cff-version"] == "1.2.0" and cff["license"] == "MIT"
    assert str(cff["version"]) == analysis.__version__
    assert cff["authors"] == [{"name": "The Dialogic authors"}]


def test_the_figure_output_hands_svg_pdf_and_descriptives_to_the_runner(simulated, monkeypatch):
    import base64
    from types import SimpleNamespace

    import nbformat
    import numpy as np

    from analysis.plots import key_figure
    from analysis.report.views import figure_html

    results, posts, comments = simulated
    data = SimpleNamespace(posts=posts, comments=comments, language="en")
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda obj, raw=False: shown.append(obj))
    np.random.seed(1)
    exports.display_figure(data, results[0], figure_html)
    np.random.seed(1)
    page = figure_html(key_figure(results[0], posts, comments, "en"), "en")
    (bundle,) = shown
    assert bundle["text/html"] == page  # the page shows what it showed before
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("report.show_figure(loaded, result)")
    cell.outputs = [nbformat.v4.new_output("display_data", data=bundle)]
    nb.cells = [cell]
    files = exports.extract_files(nbformat.reads(nbformat.writes(nb), as_version=4))
    assert set(files) == {"figure.svg", "figure.pdf"} | {
        f"descriptives.{e}" for e in ("csv", "tex", "md")
    }
    assert files["figure.pdf"].startswith(b"%PDF") and b"<svg" in files["figure.svg"]
    assert bundle[exports.EXPORTS_MIME]["descriptives.md"] == base64.b64encode(
        exports.table_files(results[0])["descriptives.md"]
    ).decode("ascii")
    assert exports.extract_files(nbformat.v4.new_notebook()) == {}
