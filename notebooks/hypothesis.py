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
data_dir: str = "data/processed/demo"  # folder of canonical tables (Parquet), relative to the project root or absolute
hypothesis: str = "H1"  # hypothesis id from the catalogue (H1..H6) or 'generic'
platforms: list = []  # platforms to keep, e.g. ['facebook']; empty for all
start: str = ""  # first day kept, ISO date YYYY-MM-DD; empty for the first post
end: str = ""  # last day kept, ISO date YYYY-MM-DD; empty for the last post
min_posts: int = 5  # pages with fewer posts in the window are excluded
alpha: float = 0.05  # significance level of the one-sided test
direction: str = "catalogue"  # direction of the test: catalogue (as registered), less, greater or two-sided (a directional claim is then supported only on its side)
covariates: list = []  # columns of the unit's measures the model adjusts for, e.g. ['is_question']; empty for none
reply_window_h: float = 72.0  # hours after which an unanswered comment counts as censored
language: str = "en"  # language of the report: en or fr
client_name: str = ""  # client named on the brief; empty for none
logo: str = ""  # image file shown on the brief (PNG, JPEG or SVG); empty for none
study: str = "adhoc"  # name of the study this report belongs to
outcome: str = ""  # generic hypothesis: outcome measure (a column of the measures); empty for the catalogue's
unit: str = ""  # generic hypothesis: unit of analysis (post, comment or page); empty for the catalogue's
contrast: str = ""  # generic hypothesis: contrast, e.g. account_type or is_question; empty for the catalogue's
model: str = ""  # generic hypothesis: model name from analysis.stats; empty for the catalogue's
equivalence_bound: float = 0.0  # equivalence tests (H5): largest effect still called weak; 0 for the catalogue's
smallest_effect: float = 0.0  # smallest effect of interest, in the effect's own scale (IRR, OR or HR ratio, or rho); 0 for not stated
claim: str = ""  # the study's own wording of the claim in English; empty for the catalogue's or a derived one
claim_fr: str = ""  # the study's own wording of the claim in French; empty for the catalogue's or a derived one
correction: str = "holm"  # multiple-testing correction of the study index (holm, bh or none), named on the page
coverage_threshold: float = 0.8  # pages holding less than this share of their platform-reported comments are left out of the sensitivity rerun
group_column: str = "account_type"  # account column of the two groups compared: account_type (business, personal) or account_group (any labels, see group_file)
focal_group: str = "business"  # the group the claim is about (a label of the column)
reference_group: str = "personal"  # the group it is compared with
group_file: str = ""  # CSV of account_id and group (the labels of account_group), relative to the project root; empty to use the accounts table
focal_name: str = ""  # the focal group in English words; empty for the label
reference_name: str = ""  # the reference group in English words; empty for the label
focal_name_fr: str = ""  # the focal group in French words, with the article
reference_name_fr: str = ""  # the reference group in French words, with the article
preregistration: str = ""  # the study's frozen plan (dialogic prereg), relative to the project root; empty for none

# %% tags=["setup"]
# Load, filter and measure the data, then run the test: all of it lives in the `analysis` package.
from analysis import pipeline, report

params = pipeline.from_namespace(globals())  # the parameters above, type-checked
loaded = pipeline.load(params)  # canonical tables -> filters -> per-post/comment measures
result = pipeline.test(loaded, params)  # analysis.stats.run_hypothesis with these parameters
result = report.relabel(result, params)  # the question, claim and groups in words

# %%
report.show_header(loaded, result)  # simulated-data notice (if any) and the question in plain words

# %%
report.publish_result(result, loaded)  # verdict box; also the result record the runner reads

# %% tags=["academic"]
report.show_statistics(result, params["language"])  # APA sentence and warnings

# %%
report.show_figure(loaded, result)  # the key figure, with alt text

# %% tags=["academic"]
report.show_results(result, params["language"], audience="academic")  # every statistic, robustness

# %% tags=["brief"]
report.show_results(result, params["language"], audience="brief")  # the same in plain words

# %% tags=["brief"]
report.show_preregistration_line(loaded, result)  # one line, Confirmatory or Exploratory, when the study has a frozen plan

# %%
report.show_data(loaded, result)  # platforms, period, pages, posts, comments, exclusions (filters and model), examples

# %% tags=["academic"]
report.show_sensitivity(loaded, result)  # the same test without the pages of low coverage (collected vs reported comments)

# %% tags=["academic"]
report.show_preregistration(loaded, result)  # the frozen plan (if any): Confirmatory or Exploratory, every deviation from it

# %% tags=["academic"]
report.show_methods(result, loaded)  # methods paragraph from the fitted model, references

# %% tags=["academic"]
report.show_glossary(result, params["language"], audience="academic")  # measures by name, with their column

# %% tags=["brief"]
report.show_glossary(result, params["language"], audience="brief")  # measures by name, in words only
