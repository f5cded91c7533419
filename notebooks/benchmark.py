# ---
# jupyter:
#   jupytext:
#     cell_metadata_filter: tags,-all
#     formats: notebooks///ipynb,notebooks///py:percent
#     notebook_metadata_filter: kernelspec,jupytext,-jupytext.text_representation.jupytext_version
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% tags=["parameters"]
# Parameters (papermill replaces them; `papermill --help-notebook` lists them).
focal: str = "facebook:shop022_en"  # the client's page: its account_id (platform:handle) or its handle
peers: str = "same_type"  # peers of the client: same_type (pages of its account type) or all (every page kept)
data_dir: str = "data/processed/demo"  # folder of canonical tables (Parquet), relative to the project root or absolute
platforms: list = []  # platforms to keep, e.g. ['facebook']; empty for all
start: str = ""  # first day kept, ISO date YYYY-MM-DD; empty for the first post
end: str = ""  # last day kept, ISO date YYYY-MM-DD; empty for the last post
min_posts: int = 5  # pages with fewer posts in the window are excluded
reply_window_h: float = 72.0  # hours after which an unanswered comment counts as censored
alpha: float = 0.05  # significance level of the one-sided single-case test (client worse than its peers)
language: str = "en"  # language of the report: en or fr
client_name: str = ""  # client named on the brief; empty for none
logo: str = ""  # image file shown on the brief (PNG, JPEG or SVG); empty for none
study: str = "adhoc"  # name of the study this report belongs to
correction: str = "holm"  # multiple-testing correction of the study index (holm, bh or none), named on the page
coverage_threshold: float = 0.8  # pages holding less than this share of their platform-reported comments are left out of the sensitivity rerun

# %% tags=["setup"]
# Load and filter the data as the hypothesis reports do, then compare the client with its peers.
from analysis import pipeline, report
from analysis.pipeline.benchmark import benchmark
from analysis.pipeline.benchmark_parameters import from_namespace, load_parameters

params = from_namespace(globals())  # the parameters above, type-checked
loaded = pipeline.load(load_parameters(params))  # canonical tables -> filters -> measures
result = benchmark(loaded, params["focal"], params["peers"], alpha=params["alpha"])
language = params["language"]

# %%
report.show_benchmark_header(loaded, result)  # simulated-data notice (if any), the question, the peers

# %%
report.publish_benchmark(result, loaded, params)  # summary box; also the record the runner reads

# %%
report.show_benchmark_league(result, language)  # every page, the client marked, each metric with its CI

# %%
report.show_benchmark_funnel(result, language)  # share answered against volume, control limits

# %% tags=["academic"]
report.show_benchmark_versus(result, language, audience="academic")  # Crawford-Howell per metric

# %% tags=["brief"]
report.show_benchmark_versus(result, language, audience="brief")  # the same in plain words

# %%
report.show_benchmark_trend(result, language)  # month by month, the client highlighted

# %%
report.show_benchmark_vendors(result, language)  # the industry's definitions, each with its denominator

# %%
report.show_data(loaded)  # platforms, period, pages, posts, comments, exclusions

# %% tags=["academic"]
report.show_benchmark_methods(result, language)  # formulas and references
