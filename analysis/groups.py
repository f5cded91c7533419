"""The two groups of accounts a study compares: business vs personal, or any two a study names.

Most hypotheses of the catalogue compare two groups of pages (H1 "business pages get fewer
replies per post than personal pages"). A study can compare any two groups of accounts instead:
"newsroom" vs "journalist", "government" vs "NGO", "client" vs "competitor". The groups live in
an account column:

- ``account_type`` (business, personal, unknown): the default, labelled by the importers, a
  mapping file or coders (:mod:`analysis.labels`);
- ``account_group``: any label, from the canonical accounts table (a platform field or an
  import mapping) or from a *group file* (a CSV ``account_id,group`` that a coder or a script
  wrote, read at load time without touching the data: :mod:`analysis.pipeline.groups`).

:class:`AccountGroups` names the column, the focal and the reference value, and the words for
them in each language the study gives (the notebook parameters ``focal_name``,
``focal_name_fr``, ...). Every sentence, table, figure and translation of a report takes the
groups' words from here, through the hypothesis (:func:`analysis.stats.hypotheses.with_groups`).

Examples
--------
>>> g = AccountGroups("account_group", "newsroom", "journalist",
...                   names={"en": ("newsrooms", "journalists")})
>>> g.is_default, g.words("en")
(False, ('newsrooms', 'journalists'))
>>> g.words("fr")  # no French words given: the labels themselves
('newsroom', 'journalist')
>>> DEFAULT_GROUPS.is_default
True
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: Account columns that hold the groups of a two-group comparison.
GROUP_COLUMNS = ("account_type", "account_group")


@dataclass(frozen=True)
class AccountGroups:
    """The two groups of accounts compared.

    Attributes
    ----------
    column : {"account_type", "account_group"}
        The account column holding the groups.
    focal, reference : str
        The values of the focal group (the one the claim is about: "business") and of the
        reference group ("personal"); accounts with any other value are in neither group.
    names : dict
        Language -> ``(focal words, reference words)`` as the report writes them, plural, with
        the article the language needs ("newsrooms"; French "les rédactions"). A language
        without words uses the labels themselves.
    """

    column: str = "account_type"
    focal: str = "business"
    reference: str = "personal"
    names: dict[str, tuple[str, str]] = field(default_factory=dict, hash=False, compare=False)

    def __post_init__(self) -> None:
        if self.column not in GROUP_COLUMNS:
            raise ValueError(
                f"groups column {self.column!r} is not an account group column; use one of "
                f"{', '.join(GROUP_COLUMNS)}"
            )
        if not self.focal or not self.reference or self.focal == self.reference:
            raise ValueError(
                f"the two groups compared must be two different, non-empty labels; got focal "
                f"{self.focal!r} and reference {self.reference!r} (fix `focal_group` / "
                f"`reference_group`)"
            )

    @property
    def is_default(self) -> bool:
        """True for business vs personal pages on ``account_type`` (the catalogue's words)."""
        return (self.column, self.focal, self.reference) == (
            DEFAULT_GROUPS.column,
            DEFAULT_GROUPS.focal,
            DEFAULT_GROUPS.reference,
        ) and not self.names

    def words(self, language: str) -> tuple[str, str]:
        """``(focal, reference)`` in ``language``: the study's words, else the labels."""
        return self.names.get(language) or (self.focal, self.reference)

    def label_words(self, value: str, language: str) -> str | None:
        """The words for one group label (``"newsroom"`` -> ``"newsrooms"``); None for a label
        that is neither group."""
        focal, reference = self.words(language)
        return {self.focal: focal, self.reference: reference}.get(value)


DEFAULT_GROUPS = AccountGroups()
