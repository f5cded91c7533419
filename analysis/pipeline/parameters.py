"""The parameters of the report notebook, declared once: the first step of the pipeline.

``notebooks/hypothesis.ipynb`` starts with a cell tagged ``parameters`` whose lines are
``name: type = default  # meaning``; papermill reads those lines for ``--help-notebook``. The same
list lives here, in :data:`NOTEBOOK_PARAMETERS`, so that the study runner can check every value
(type and allowed values) *before any kernel starts*, and a test keeps the notebook's cell and
this list in step (:func:`parameters_cell_source` writes the cell from the list).

The declaration covers every parameter the notebook takes, those of the data and the test
(``data_dir`` ... ``smallest_effect``, ``preregistration``) and those that only shape the page
(:data:`PRESENTATION_PARAMETERS`): one list, one validation, so that a study file is checked
whole before anything runs. :class:`Parameters` is the validated set as a typed, read-only
object that still reads like the dict the notebook and the runner pass around
(``params["alpha"]``, ``dict(params)``).

Examples
--------
>>> from analysis.pipeline.parameters import Parameters, validate_parameters
>>> validate_parameters({"hypothesis": "H2", "alpha": 0.01})["alpha"]
0.01
>>> Parameters.parse({"hypothesis": "H2"}).hypothesis
'H2'
>>> validate_parameters({"language": "de"})
Traceback (most recent call last):
...
ValueError: parameter `language` = 'de' is not allowed; use one of: en, fr
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, fields
from datetime import date
from pathlib import Path
from typing import Any

from analysis import catalog, config
from analysis.groups import GROUP_COLUMNS


@dataclass(frozen=True)
class Parameter:
    """One notebook parameter.

    Attributes
    ----------
    name : str
        Python name in the notebook.
    type : type
        ``str``, ``int``, ``float``, ``bool`` or ``list``.
    default : object
        Value when the study does not set it.
    meaning : str
        One line shown by ``papermill --help-notebook`` and in error messages.
    allowed : tuple, optional
        Allowed values (for ``list``: allowed items); ``None`` = anything of the right type.
    """

    name: str
    type: type
    default: Any
    meaning: str
    allowed: tuple | None = None

    def declaration(self) -> str:
        """The notebook line ``name: type = default  # meaning``."""
        literal = (
            json.dumps(self.default, ensure_ascii=False)
            if self.type in (str, list)
            else repr(self.default)
        )
        return f"{self.name}: {self.type.__name__} = {literal}  # {self.meaning}"


def _p(name, typ, default, meaning, allowed=None) -> Parameter:
    return Parameter(name, typ, default, meaning, allowed)


#: Every parameter of ``notebooks/hypothesis.ipynb``, in the order of its parameters cell.
NOTEBOOK_PARAMETERS: dict[str, Parameter] = {
    p.name: p
    for p in [
        _p(
            "data_dir",
            str,
            "data/processed/demo",
            "folder of canonical tables (Parquet), relative to the project root or absolute",
        ),
        _p("hypothesis", str, "H1", "hypothesis id from the catalogue (H1..H6) or 'generic'"),
        _p("platforms", list, [], "platforms to keep, e.g. ['facebook']; empty for all"),
        _p("start", str, "", "first day kept, ISO date YYYY-MM-DD; empty for the first post"),
        _p("end", str, "", "last day kept, ISO date YYYY-MM-DD; empty for the last post"),
        _p(
            "min_posts",
            int,
            config.DEFAULT_MIN_POSTS,
            "pages with fewer posts in the window are excluded",
        ),
        _p("alpha", float, config.DEFAULT_ALPHA, "significance level of the one-sided test"),
        _p(
            "direction",
            str,
            "catalogue",
            "direction of the test: catalogue (as registered), less, greater or two-sided (a "
            "directional claim is then supported only on its side)",
            ("catalogue", "less", "greater", "two-sided"),
        ),
        _p(
            "covariates",
            list,
            [],
            "columns of the unit's measures the model adjusts for, e.g. ['is_question']; empty "
            "for none",
        ),
        _p(
            "reply_window_h",
            float,
            config.DEFAULT_REPLY_WINDOW_H,
            "hours after which an unanswered comment counts as censored",
        ),
        _p("language", str, "en", "language of the report: en or fr", catalog.languages()),
        _p("client_name", str, "", "client named on the brief; empty for none"),
        _p("logo", str, "", "image file shown on the brief (PNG, JPEG or SVG); empty for none"),
        _p("study", str, "adhoc", "name of the study this report belongs to"),
        _p(
            "outcome",
            str,
            "",
            "generic hypothesis: outcome measure (a column of the measures); empty for the "
            "catalogue's",
        ),
        _p(
            "unit",
            str,
            "",
            "generic hypothesis: unit of analysis (post, comment or page); empty for the "
            "catalogue's",
            ("", "post", "comment", "page"),
        ),
        _p(
            "contrast",
            str,
            "",
            "generic hypothesis: contrast, e.g. account_type or is_question; empty for the "
            "catalogue's",
        ),
        _p(
            "model",
            str,
            "",
            "generic hypothesis: model name from analysis.stats; empty for the catalogue's",
        ),
        _p(
            "equivalence_bound",
            float,
            0.0,
            "equivalence tests (H5): largest effect still called weak; 0 for the catalogue's",
        ),
        _p(
            "smallest_effect",
            float,
            0.0,
            "smallest effect of interest, in the effect's own scale (IRR, OR or HR ratio, or "
            "rho); 0 for not stated",
        ),
        _p(
            "claim",
            str,
            "",
            "the study's own wording of the claim in English; empty for the catalogue's or a "
            "derived one",
        ),
        _p(
            "claim_fr",
            str,
            "",
            "the study's own wording of the claim in French; empty for the catalogue's or a "
            "derived one",
        ),
        _p(
            "correction",
            str,
            "holm",
            "multiple-testing correction of the study index (holm, bh or none), named on the page",
            ("holm", "bh", "none"),
        ),
        _p(
            "coverage_threshold",
            float,
            config.DEFAULT_COVERAGE_THRESHOLD,
            "pages holding less than this share of their platform-reported comments are left "
            "out of the sensitivity rerun",
        ),
        _p(
            "group_column",
            str,
            "account_type",
            "account column of the two groups compared: account_type (business, personal) or "
            "account_group (any labels, see group_file)",
            GROUP_COLUMNS,
        ),
        _p("focal_group", str, "business", "the group the claim is about (a label of the column)"),
        _p("reference_group", str, "personal", "the group it is compared with"),
        _p(
            "group_file",
            str,
            "",
            "CSV of account_id and group (the labels of account_group), relative to the project "
            "root; empty to use the accounts table",
        ),
        _p("focal_name", str, "", "the focal group in English words; empty for the label"),
        _p("reference_name", str, "", "the reference group in English words; empty for the label"),
        _p("focal_name_fr", str, "", "the focal group in French words, with the article"),
        _p("reference_name_fr", str, "", "the reference group in French words, with the article"),
        _p(
            "preregistration",
            str,
            "",
            "the study's frozen plan (dialogic prereg), relative to the project root; empty for "
            "none",
        ),
    ]
}

#: Parameters that only shape how the report looks; changing them needs no new statistics.
PRESENTATION_PARAMETERS = (
    "language",
    "client_name",
    "logo",
    "study",
    "claim",
    "claim_fr",
    "correction",
    "focal_name",
    "reference_name",
    "focal_name_fr",
    "reference_name_fr",
)


def parameters_cell_source() -> str:
    """The source of the notebook's ``parameters`` cell, written from
    :data:`NOTEBOOK_PARAMETERS`."""
    lines = ["# Parameters (papermill replaces them; `papermill --help-notebook` lists them)."]
    lines += [p.declaration() for p in NOTEBOOK_PARAMETERS.values()]
    return "\n".join(lines)


def _coerce(p: Parameter, value: Any) -> Any:
    """``value`` as ``p.type`` (ints accepted for floats; a comma string for lists), else
    ValueError."""
    if p.type is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if p.type is list and isinstance(value, str):
        value = [v.strip() for v in value.split(",") if v.strip()]
    if p.type is list and isinstance(value, tuple):
        value = list(value)
    if not isinstance(value, p.type) or (p.type is int and isinstance(value, bool)):
        raise ValueError(
            f"parameter `{p.name}` = {value!r} has type {type(value).__name__}; expected "
            f"{p.type.__name__} ({p.meaning}), e.g. {p.name}={p.default!r}"
        )
    if p.type is float and not math.isfinite(value):
        raise ValueError(f"parameter `{p.name}` = {value!r} must be a finite number ({p.meaning})")
    return value


def validate_parameters(values: Mapping[str, Any]) -> dict[str, Any]:
    """Check ``values`` against :data:`NOTEBOOK_PARAMETERS` and return the full set.

    Parameters
    ----------
    values : mapping
        Parameter name -> value; missing names take their default.

    Returns
    -------
    dict
        Every parameter, in declaration order, with values of the declared type.

    Raises
    ------
    ValueError
        Naming the parameter, the value and what is expected: an unknown name, a wrong type, a
        value outside the allowed list, an ISO date that does not parse, alpha outside (0, 1),
        a negative ``min_posts`` or ``reply_window_h``, a ``logo`` that is not an image
        (:func:`logo_file`).
    """
    unknown = sorted(set(values) - set(NOTEBOOK_PARAMETERS))
    if unknown:
        raise ValueError(
            f"unknown notebook parameter(s) {unknown}; the notebook takes: "
            f"{', '.join(NOTEBOOK_PARAMETERS)}"
        )
    out: dict[str, Any] = {}
    for name, p in NOTEBOOK_PARAMETERS.items():
        value = _coerce(p, values.get(name, p.default))
        if p.allowed is not None and value not in p.allowed:
            raise ValueError(
                f"parameter `{name}` = {value!r} is not allowed; use one of: "
                f"{', '.join(repr(a) if a == '' else str(a) for a in p.allowed)}"
            )
        if p.type is list and not all(isinstance(v, str) for v in value):
            raise ValueError(
                f"parameter `{name}` = {value!r} must be a list of strings ({p.meaning})"
            )
        out[name] = value
    _check_values(out)
    return out


def _check_values(out: dict[str, Any]) -> None:
    """The checks across or within values: ISO dates in order, ranges, a real logo image."""
    for name in ("start", "end"):
        if out[name]:
            try:
                date.fromisoformat(out[name])
            except ValueError:
                raise ValueError(
                    f"parameter `{name}` = {out[name]!r} is not an ISO date; "
                    f"write YYYY-MM-DD, e.g. 2024-03-31, or leave it empty"
                ) from None
    if out["start"] and out["end"] and out["start"] > out["end"]:
        raise ValueError(
            f"parameter `start` = {out['start']!r} is after `end` = {out['end']!r}; swap them"
        )
    if not 0 < out["alpha"] < 1:
        raise ValueError(
            f"parameter `alpha` = {out['alpha']!r} must lie between 0 and 1, e.g. 0.05"
        )
    for name in ("min_posts", "reply_window_h", "equivalence_bound", "smallest_effect"):
        if out[name] < 0:
            raise ValueError(
                f"parameter `{name}` = {out[name]!r} must not be negative "
                f"({NOTEBOOK_PARAMETERS[name].meaning})"
            )
    if not 0 <= out["coverage_threshold"] <= 1:
        raise ValueError(
            f"parameter `coverage_threshold` = {out['coverage_threshold']!r} must be a share "
            "between 0 and 1, e.g. 0.8"
        )
    if out["focal_group"] == out["reference_group"] or not out["focal_group"]:
        raise ValueError(
            f"parameters `focal_group` = {out['focal_group']!r} and `reference_group` = "
            f"{out['reference_group']!r} must be two different labels of `{out['group_column']}`"
        )
    if out["group_file"]:
        path = resolve_data_dir(out["group_file"])
        if not path.is_file():
            raise ValueError(
                f"parameter `group_file` = {out['group_file']!r}: file {path} not found; give a "
                "CSV with columns account_id and group, relative to the project root"
            )
    if out["preregistration"]:
        from analysis.prereg import read_plan

        read_plan(resolve_data_dir(out["preregistration"]))  # exists, and its hash holds
    if out["logo"]:
        logo_file(out["logo"])  # a real image, checked by its content, before any kernel starts


def from_namespace(namespace: Mapping[str, Any]) -> Parameters:
    """Read the parameters from a notebook's namespace (``globals()``) and validate them."""
    return Parameters.parse({k: namespace[k] for k in NOTEBOOK_PARAMETERS if k in namespace})


@dataclass(frozen=True, eq=False)
class Parameters(Mapping[str, Any]):
    """The validated notebook parameters, typed (one field per :data:`NOTEBOOK_PARAMETERS`).

    Read-only, and a :class:`~collections.abc.Mapping` in declaration order, so code written for
    the parameters dict keeps working (``params["alpha"]``, ``params.get("study")``,
    ``dict(params)``); equal to any mapping with the same items. Build it with :meth:`parse`
    (validates) rather than by hand. A test keeps the fields and the declaration in step.
    """

    data_dir: str = "data/processed/demo"
    hypothesis: str = "H1"
    platforms: list[str] = field(default_factory=list)
    start: str = ""
    end: str = ""
    min_posts: int = config.DEFAULT_MIN_POSTS
    alpha: float = config.DEFAULT_ALPHA
    direction: str = "catalogue"
    covariates: list[str] = field(default_factory=list)
    reply_window_h: float = config.DEFAULT_REPLY_WINDOW_H
    language: str = "en"
    client_name: str = ""
    logo: str = ""
    study: str = "adhoc"
    outcome: str = ""
    unit: str = ""
    contrast: str = ""
    model: str = ""
    equivalence_bound: float = 0.0
    smallest_effect: float = 0.0
    claim: str = ""
    claim_fr: str = ""
    correction: str = "holm"
    coverage_threshold: float = config.DEFAULT_COVERAGE_THRESHOLD
    group_column: str = "account_type"
    focal_group: str = "business"
    reference_group: str = "personal"
    group_file: str = ""
    focal_name: str = ""
    reference_name: str = ""
    focal_name_fr: str = ""
    reference_name_fr: str = ""
    preregistration: str = ""

    @classmethod
    def parse(cls, values: Mapping[str, Any]) -> Parameters:
        """``values`` validated (:func:`validate_parameters`); a :class:`Parameters` as it is."""
        if isinstance(values, Parameters):
            return values
        return cls(**validate_parameters(values))

    def __getitem__(self, name: str) -> Any:
        if name not in NOTEBOOK_PARAMETERS:
            raise KeyError(name)
        return getattr(self, name)

    def __iter__(self) -> Iterator[str]:
        return (f.name for f in fields(self))

    def __len__(self) -> int:
        return len(fields(self))

    def __repr__(self) -> str:
        return f"Parameters({dict(self)!r})"

    def to_dict(self) -> dict[str, Any]:
        """A plain dict, in declaration order (lists copied)."""
        return {k: list(v) if isinstance(v, list) else v for k, v in self.items()}


#: largest logo embedded in a brief (the page carries it as base64)
MAX_LOGO_BYTES = 5 * 1024 * 1024
_IMAGE_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)
#: what a file that is not an image is, by its first bytes (for the error message)
_OTHER_MAGIC = (
    (b"%PDF", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (or an office document)"),
    (b"\x7fELF", "a program (ELF executable)"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"BM", "a BMP bitmap (convert it to PNG)"),
    (b"II*\x00", "a TIFF image (convert it to PNG)"),
    (b"MM\x00*", "a TIFF image (convert it to PNG)"),
)
_SVG_NS = "{http://www.w3.org/2000/svg}"


def _svg_problem(data: bytes) -> str | None:
    """Why ``data`` is not a safe SVG image (None when it is one): XML with an <svg> root, no
    scripts."""
    import xml.etree.ElementTree as ET

    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return "neither an image nor UTF-8 text"
    if "<!DOCTYPE" in text.upper() or "<!ENTITY" in text.upper():
        return "XML with a DOCTYPE or entity declarations (not allowed in a logo)"
    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        return (
            f"a text file that is not an image (not valid XML either: {exc})"
            if "<svg" in text
            else f"a text file of {len(data)} bytes, not an image"
        )
    if root.tag not in ("svg", _SVG_NS + "svg"):
        return f"XML whose root element is <{root.tag.rsplit('}', 1)[-1]}>, not <svg>"
    for el in root.iter():
        local = el.tag.rsplit("}", 1)[-1].lower() if isinstance(el.tag, str) else ""
        if local in ("script", "foreignobject"):
            return (
                f"an SVG image with a <{local}> element (scripts and embedded HTML are "
                "not allowed in a logo)"
            )
        for attr, value in el.attrib.items():
            name = attr.rsplit("}", 1)[-1].lower()
            if name.startswith("on"):
                return (
                    f"an SVG image with an event handler attribute `{name}` (scripts are "
                    "not allowed in a logo)"
                )
            if "javascript:" in value.lower().replace(" ", ""):
                return "an SVG image with a javascript: link (scripts are not allowed in a logo)"
    return None


def logo_file(logo: str | Path) -> tuple[Path, str]:
    """The logo's path (relative paths from the project root) and its MIME type, read from its
    content.

    Only real images are accepted, whatever the file is called: PNG, JPEG, GIF and WebP by their
    magic bytes, SVG when it parses as XML with an ``<svg>`` root and holds no script, event
    handler, ``javascript:`` link or embedded HTML; at most :data:`MAX_LOGO_BYTES`.

    Raises
    ------
    ValueError
        Naming the file and what it is (missing, a folder, empty, too large, a PDF, text, ...).
    """
    path = Path(logo).expanduser()
    path = path if path.is_absolute() else config.PROJECT_ROOT / path
    fix = "give a PNG, JPEG, GIF, WebP or SVG image, or leave `logo` empty"
    if not path.exists():
        raise ValueError(
            f"parameter `logo` = {str(logo)!r}: file {path} not found; give the path of an image "
            "file "
            f"relative to the project root, or leave `logo` empty"
        )
    if not path.is_file():
        raise ValueError(
            f"parameter `logo` = {str(logo)!r}: {path} is not a regular file (a folder or a "
            f"device); {fix}"
        )
    size = path.stat().st_size
    if size > MAX_LOGO_BYTES:
        raise ValueError(
            f"parameter `logo` = {str(logo)!r}: {path} is {size / 2**20:.1f} MB, more than a "
            "logo may be "
            f"({MAX_LOGO_BYTES // 2**20} MB); use a smaller image"
        )
    with open(path, "rb") as fh:
        data = fh.read(MAX_LOGO_BYTES + 1)
    for magic, mime in _IMAGE_MAGIC:
        if data.startswith(magic):
            return path, mime
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return path, "image/webp"
    if not data.strip():
        what = "an empty file"
    else:
        what = next(
            (w for magic, w in _OTHER_MAGIC if data.startswith(magic)), None
        ) or _svg_problem(data)
        if what is None:
            return path, "image/svg+xml"
    raise ValueError(f"parameter `logo` = {str(logo)!r}: {path} is {what}, not an image; {fix}")


def resolve_data_dir(data_dir: str | Path) -> Path:
    """``data_dir`` as an absolute path: relative paths are taken from the project root."""
    path = Path(data_dir).expanduser()
    return path if path.is_absolute() else config.PROJECT_ROOT / path


def check_declarations() -> None:
    """Raise ValueError if a meaning holds '=' (papermill skips such lines in --help-notebook)."""
    for p in NOTEBOOK_PARAMETERS.values():
        if "=" in p.meaning or "\n" in p.meaning:
            raise ValueError(
                f"meaning of parameter `{p.name}` must be one line without '=': {p.meaning!r}"
            )
