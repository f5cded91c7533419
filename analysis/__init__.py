"""Dialogic: test hypotheses about conversation on social media.

All logic lives in this package; notebooks and the ``dialogic`` command only call it.
"""

__version__ = "0.1.0"
