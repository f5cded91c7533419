"""Deprecated: the notebook's parameters moved to :mod:`analysis.pipeline.parameters`.

They are the pipeline's first step (declared once, validated before any kernel starts), so they
live with the pipeline, which imports nothing from :mod:`analysis.report`. This module re-exports
them for code written against the old path.
"""

from __future__ import annotations

from analysis.pipeline.parameters import (
    MAX_LOGO_BYTES,
    NOTEBOOK_PARAMETERS,
    PRESENTATION_PARAMETERS,
    Parameter,
    Parameters,
    check_declarations,
    from_namespace,
    logo_file,
    parameters_cell_source,
    resolve_data_dir,
    validate_parameters,
)

__all__ = [
    "MAX_LOGO_BYTES",
    "NOTEBOOK_PARAMETERS",
    "PRESENTATION_PARAMETERS",
    "Parameter",
    "Parameters",
    "check_declarations",
    "from_namespace",
    "logo_file",
    "parameters_cell_source",
    "resolve_data_dir",
    "validate_parameters",
]
