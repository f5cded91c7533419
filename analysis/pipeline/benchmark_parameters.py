"""The parameters of the benchmark notebook (``notebooks/benchmark.ipynb``), declared once.

The benchmark report compares one page, the client (``focal``), with its peers. It reads the data
as the hypothesis notebook does, so it shares that notebook's data parameters (``data_dir``,
``platforms``, ``start``, ``end``, ``min_posts``, ``reply_window_h``) and presentation parameters
(``language``, ``client_name``, ``logo``, ``study``, ``correction``, ``coverage_threshold``):
the same :class:`~analysis.pipeline.parameters.Parameter` objects, so a meaning or a default
changes in one place. Its own are ``focal`` and ``peers``; ``alpha`` is the level of the
single-case test.

This module is the runner's *parameter spec* of the notebook
(:data:`analysis.runner.parameters.SPECS`): it has :data:`NOTEBOOK_PARAMETERS` and
:func:`validate_parameters`, so a study's values are checked before any kernel starts, and
:func:`parameters_cell_source` writes the notebook's ``parameters`` cell (a test keeps the two in
step).

Examples
--------
>>> validate_parameters({"focal": "facebook:shop022_en"})["peers"]
'same_type'
>>> validate_parameters({"focal": ""})  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
ValueError: parameter `focal` is empty; name the client's page by its account_id ...
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from analysis.pipeline import parameters as _hyp
from analysis.pipeline.parameters import Parameter, Parameters

#: Parameters shared with the hypothesis notebook, in the order of the benchmark's cell.
SHARED = (
    "data_dir",
    "platforms",
    "start",
    "end",
    "min_posts",
    "reply_window_h",
    "alpha",
    "language",
    "client_name",
    "logo",
    "study",
    "correction",
    "coverage_threshold",
)
#: The benchmark's peers: pages of the focal page's account type, or every page kept.
PEERS = ("same_type", "all")

_OWN = {
    "focal": Parameter(
        "focal",
        str,
        "facebook:shop022_en",
        "the client's page: its account_id (platform:handle) or its handle",
    ),
    "peers": Parameter(
        "peers",
        str,
        "same_type",
        "peers of the client: same_type (pages of its account type) or all (every page kept)",
        PEERS,
    ),
}

#: Every parameter of ``notebooks/benchmark.ipynb``, in the order of its parameters cell.
NOTEBOOK_PARAMETERS: dict[str, Parameter] = {
    "focal": _OWN["focal"],
    "peers": _OWN["peers"],
    **{name: _hyp.NOTEBOOK_PARAMETERS[name] for name in SHARED},
}
# the significance level means something else here than in the hypothesis notebook
NOTEBOOK_PARAMETERS["alpha"] = Parameter(
    "alpha",
    float,
    _hyp.NOTEBOOK_PARAMETERS["alpha"].default,
    "significance level of the one-sided single-case test (client worse than its peers)",
)


def parameters_cell_source() -> str:
    """The source of the benchmark notebook's ``parameters`` cell, from
    :data:`NOTEBOOK_PARAMETERS`."""
    lines = ["# Parameters (papermill replaces them; `papermill --help-notebook` lists them)."]
    lines += [p.declaration() for p in NOTEBOOK_PARAMETERS.values()]
    return "\n".join(lines)


def validate_parameters(values: Mapping[str, Any]) -> dict[str, Any]:
    """Check ``values`` and return every parameter of the benchmark notebook, in order.

    The shared parameters are checked by :func:`analysis.pipeline.parameters.validate_parameters`
    (types, dates, ranges, a real logo); ``focal`` must name a page, ``peers`` one of
    :data:`PEERS`.

    Raises
    ------
    ValueError
        Naming the parameter, its value and what is expected.
    """
    unknown = sorted(set(values) - set(NOTEBOOK_PARAMETERS))
    if unknown:
        raise ValueError(
            f"unknown notebook parameter(s) {unknown}; the benchmark notebook takes: "
            f"{', '.join(NOTEBOOK_PARAMETERS)}"
        )
    shared = _hyp.validate_parameters({k: v for k, v in values.items() if k in SHARED})
    own: dict[str, Any] = {}
    for name, p in _OWN.items():
        value = values.get(name, p.default)
        if not isinstance(value, str):
            raise ValueError(
                f"parameter `{name}` = {value!r} has type {type(value).__name__}; expected str "
                f"({p.meaning}), e.g. {name}={p.default!r}"
            )
        if p.allowed is not None and value not in p.allowed:
            raise ValueError(
                f"parameter `{name}` = {value!r} is not allowed; use one of: "
                f"{', '.join(p.allowed)}"
            )
        own[name] = value.strip()
    if not own["focal"]:
        raise ValueError(
            "parameter `focal` is empty; name the client's page by its account_id "
            f"(e.g. {_OWN['focal'].default}) or its handle"
        )
    return {name: (own[name] if name in own else shared[name]) for name in NOTEBOOK_PARAMETERS}


def from_namespace(namespace: Mapping[str, Any]) -> dict[str, Any]:
    """The benchmark notebook's parameters read from its namespace (``globals()``), validated."""
    return validate_parameters({k: namespace[k] for k in NOTEBOOK_PARAMETERS if k in namespace})


def load_parameters(params: Mapping[str, Any]) -> Parameters:
    """The parameters :func:`analysis.pipeline.load` reads, from the benchmark's: the shared
    values, the others at the hypothesis notebook's defaults (the groups are not used)."""
    return Parameters.parse({k: params[k] for k in SHARED if k in params})
