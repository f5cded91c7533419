"""Every word Dialogic shows, in every language: one gettext catalog per language, through Babel.

English is the source language: the English text lives in the code (a report text of
:mod:`analysis.report.i18n`, a message template of :mod:`analysis.messages`, a measure's name of
:mod:`analysis.report.wording`...), each registered here under a *context* that names it
(``"h.question"``, ``"few_clusters"``, ``"measure.replies.term"``). Every other language is one
file, ``analysis/locale/<language>/LC_MESSAGES/dialogic.po``, read as it is (no compile step
needed); adding a language is adding that file (``dialogic i18n init <language>``, then translate).

The commands of ``dialogic i18n`` wrap Babel's catalogue workflow:

``extract``  write ``analysis/locale/dialogic.pot`` from the registered texts
``update``   merge the template into every catalogue (new texts untranslated, changed ones fuzzy,
             removed ones dropped)
``compile``  check every catalogue and write its ``.mo`` beside it (read when newer than its
             ``.po``)

A test fails when a catalogue lacks a translation, keeps a fuzzy one, holds a text the code no
longer has, or changes the ``{placeholders}`` of a template.

Examples
--------
>>> gettext("h.question", "The question", "fr")
'La question'
>>> gettext("h.question", "The question", "en")
'The question'
>>> ngettext("msg.pages_left_out", "{n} page", "{n} pages", 2, "fr")
'{n} pages de moins de {min_posts} publications exclues'
"""

from __future__ import annotations

import io
import os
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

from analysis import config

DOMAIN = "dialogic"
SOURCE_LANGUAGE = "en"
#: The Babel locale whose number and date formats the source language uses.
SOURCE_LOCALE = "en_GB"


@dataclass(frozen=True)
class Entry:
    """One text to translate: its context, English singular and, for a count, English plural."""

    context: str
    msgid: str
    plural: str | None = None
    comment: str = ""
    #: Placeholders the code fills besides the English text's own (a translation may use them).
    params: tuple[str, ...] = ()


_REGISTRY: dict[str, Entry] = {}


def register(
    context: str,
    msgid: str,
    plural: str | None = None,
    comment: str = "",
    params: tuple[str, ...] = (),
) -> str:
    """Record ``msgid`` (English) under ``context`` (one text per context) for extraction and
    :func:`by_context`; returns ``msgid``."""
    known = _REGISTRY.get(context)
    if known is not None and (known.msgid, known.plural) != (msgid, plural):
        raise ValueError(f"context {context!r} holds {known.msgid!r}; cannot register {msgid!r}")
    _REGISTRY[context] = Entry(context, msgid, plural, comment, tuple(params))
    return msgid


def by_context(context: str) -> str | None:
    """The English registered under ``context`` (by a module already imported), or None."""
    entry = _REGISTRY.get(context)
    return None if entry is None else entry.msgid


def entries() -> list[Entry]:
    """The texts registered so far (by the modules imported so far), sorted by context."""
    return sorted(_REGISTRY.values(), key=lambda e: (e.context, e.msgid))


def locale_dir() -> Path:
    """Where the catalogues are: ``analysis/locale``, or ``$DIALOGIC_LOCALE_DIR`` when set."""
    return Path(os.environ.get(config.LOCALE_DIR_ENV) or config.LOCALE_DIR)


def po_path(language: str, base: Path | None = None) -> Path:
    return (base or locale_dir()) / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def languages() -> tuple[str, ...]:
    """The source language, then every language with a catalogue, sorted."""
    return _languages(str(locale_dir()))


@lru_cache(maxsize=8)
def _languages(base_dir: str) -> tuple[str, ...]:
    base = Path(base_dir)
    found = sorted(p.parent.parent.name for p in base.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))
    return (SOURCE_LANGUAGE, *[lang for lang in found if lang != SOURCE_LANGUAGE])


def check_language(language: str) -> None:
    """Raise ValueError naming the languages available when ``language`` has no catalogue."""
    if language not in languages():
        raise ValueError(
            f"language {language!r} is not supported; use one of {', '.join(languages())} "
            f"(adding one: `dialogic i18n init {language}`, then translate "
            f"{po_path(language)})"
        )


def read_catalog(path: Path) -> Catalog:
    with path.open("rb") as f:
        return read_po(f, domain=DOMAIN)


@lru_cache(maxsize=16)
def _translations(language: str, base: str) -> NullTranslations:
    po = po_path(language, Path(base))
    if not po.exists():
        return NullTranslations()
    mo = po.with_suffix(".mo")
    if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
        with mo.open("rb") as f:
            return Translations(f, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, read_catalog(po))
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


def translations(language: str) -> NullTranslations:
    """The gettext translations of ``language`` (cached; empty for the source language)."""
    if language == SOURCE_LANGUAGE:
        return NullTranslations()
    return _translations(language, str(locale_dir()))


def gettext(context: str, msgid: str, language: str) -> str:
    """``msgid`` (English, registered under ``context``) in ``language``; English when missing."""
    if language == SOURCE_LANGUAGE:
        return msgid
    return translations(language).pgettext(context, msgid)


def ngettext(context: str, singular: str, plural: str, n: int, language: str) -> str:
    """The form of a counted text for ``n`` in ``language`` (the language's plural rule)."""
    if language == SOURCE_LANGUAGE:
        return singular if n == 1 else plural
    return translations(language).npgettext(context, singular, plural, n)


@lru_cache(maxsize=16)
def _babel_locale(language: str, base: str) -> Locale:
    names = [language]
    po = po_path(language, Path(base))
    if language != SOURCE_LANGUAGE and po.exists():
        header = read_catalog(po).locale_identifier
        names.insert(0, header or language)
    for name in (*names, SOURCE_LOCALE):
        try:
            locale = Locale.parse(name if "_" in name or name != "en" else SOURCE_LOCALE)
        except (UnknownLocaleError, ValueError):
            continue
        return locale
    return Locale.parse(SOURCE_LOCALE)


def babel_locale(language: str) -> Locale:
    """The Babel locale whose number and date formats ``language`` uses: the catalogue's
    ``Language`` header when it names a known locale, else the source locale (a pseudo-locale)."""
    if language == SOURCE_LANGUAGE:
        return Locale.parse(SOURCE_LOCALE)
    return _babel_locale(language, str(locale_dir()))


class LanguageTexts(Mapping[str, str]):
    """One text by language (``texts["fr"]``): the English registered under ``context``, every
    other language from its catalogue; other fields (``extra``) are kept as they are."""

    def __init__(self, context: str, english: str, extra: dict[str, str] | None = None):
        self.context, self.english, self.extra = context, english, dict(extra or {})
        register(context, english)

    def __getitem__(self, key: str) -> str:
        if key in self.extra:
            return self.extra[key]
        if key in languages():
            return gettext(self.context, self.english, key)
        raise KeyError(key)

    def __iter__(self):
        return iter((*languages(), *self.extra))

    def __len__(self) -> int:
        return len(languages()) + len(self.extra)


def texts(prefix: str, table: dict[str, dict[str, str]]) -> dict[str, LanguageTexts]:
    """``{key: {"en": English, other fields...}}`` as texts by language, each registered under
    ``<prefix>.<key>`` (``texts("glossary", {...})["replies"]["fr"]``)."""
    return {
        key: LanguageTexts(
            f"{prefix}.{key}",
            fields[SOURCE_LANGUAGE],
            {k: v for k, v in fields.items() if k != SOURCE_LANGUAGE},
        )
        for key, fields in table.items()
    }


# --- the grammar a language's catalogue states ------------------------------------------------

NO_RULE = "(none)"
CONTRACTIONS = register(
    "grammar.contractions",
    NO_RULE,
    comment="word pairs the language contracts, 'a b = c' separated by '|' (French: 'de les = "
    "des | à les = aux'); (none) when it has none",
)
ELISIONS = register(
    "grammar.elisions",
    NO_RULE,
    comment="words that lose their last letter before a vowel, then ':' and the vowels (French: "
    "'que de le la : aeiouyéè...'); (none) when it has none",
)


@lru_cache(maxsize=16)
def _grammar(language: str, base: str) -> tuple[tuple[tuple[str, str], ...], tuple[str, ...], str]:
    spec = gettext("grammar.contractions", CONTRACTIONS, language)
    pairs = (
        ()
        if spec == NO_RULE
        else tuple(
            (f" {a.strip()} ", f" {b.strip()} ")
            for a, b in (p.split("=") for p in spec.split("|"))
        )
    )
    spec = gettext("grammar.elisions", ELISIONS, language)
    words, _, vowels = spec.partition(":")
    if spec == NO_RULE:
        return pairs, (), ""
    return pairs, tuple(words.split()), vowels.strip()


def contract(text: str, language: str) -> str:
    """``text`` with the contractions and elisions the language's catalogue states applied
    ("de les" -> "des", "que il" -> "qu'il" in French); unchanged in a language without them."""
    if language == SOURCE_LANGUAGE:
        return text
    pairs, words, vowels = _grammar(language, str(locale_dir()))
    for old, new in pairs:
        text = text.replace(old, new)
    for word in words:
        for v in vowels:
            text = text.replace(f" {word} {v}", f" {word[:-1]}'{v}")
            if text.startswith(f"{word.capitalize()} {v}"):
                text = f"{word.capitalize()[:-1]}'{text[len(word) + 1 :]}"
    return text
