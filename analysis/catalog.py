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

import importlib
import io
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po
from babel.support import NullTranslations, Translations

from analysis import config

DOMAIN = "dialogic"
SOURCE_LANGUAGE = "en"
#: The Babel locale whose number and date formats the source language uses.
SOURCE_LOCALE = "en_GB"

#: Modules that register texts when imported (``extract`` imports them all).
REGISTERING_MODULES = (
    "analysis.messages",
    "analysis.report.i18n",
    "analysis.report.wording",
    "analysis.stats.hypotheses",
    "analysis.stats.words",
    "analysis.measures",
)


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
    """The English registered under ``context``, or None (imports the registering modules)."""
    if context not in _REGISTRY:
        registered()
    entry = _REGISTRY.get(context)
    return None if entry is None else entry.msgid


def registered() -> list[Entry]:
    """Every registered text, after importing :data:`REGISTERING_MODULES`, sorted by context."""
    for name in REGISTERING_MODULES:
        importlib.import_module(name)
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


# --- the Babel workflow (``dialogic i18n``) ---------------------------------------------------

PLACEHOLDER = re.compile(r"\{(\w+)(?:[:!][^}]*)?\}")


def template_catalog() -> Catalog:
    """The catalogue template: every registered text, untranslated."""
    catalog = Catalog(domain=DOMAIN, project="Dialogic", charset="utf-8", fuzzy=False)
    for e in registered():
        msgid = (e.msgid, e.plural) if e.plural else e.msgid
        catalog.add(msgid, context=e.context, auto_comments=[e.comment] if e.comment else [])
    return catalog


def _write(catalog: Catalog, path: Path, **options) -> None:
    from analysis._io import atomic_write

    buffer = io.BytesIO()
    write_po(buffer, catalog, width=99, omit_header=False, sort_output=True, **options)
    atomic_write(path, buffer.getvalue())


def extract(base: Path | None = None) -> Path:
    """Write the template ``dialogic.pot``; returns its path."""
    path = (base or locale_dir()) / f"{DOMAIN}.pot"
    _write(template_catalog(), path, ignore_obsolete=True)
    return path


def init(language: str, base: Path | None = None) -> Path:
    """Start the catalogue of a new language from the template (every text untranslated)."""
    path = po_path(language, base)
    if path.exists():
        raise FileExistsError(f"{path} exists; run `dialogic i18n update` to refresh it")
    catalog = template_catalog()
    catalog.locale = None
    path.parent.mkdir(parents=True, exist_ok=True)
    _write(catalog, path)
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('"Language: ', f'"Language: {language}', 1), encoding="utf-8")
    return path


_PSEUDO = str.maketrans("abcdeghiklnorstuyABCDEGHIKLNORSTUY", "ȧƀƈḓḗɠħīķŀƞǿřşŧŭẏȦƁƇḒḖƓĦĪĶĿȠǾŘŞŦŬẎ")


def _pseudo(text: str) -> str:
    """``text`` with its letters accented and bracketed, placeholders kept: a pseudo-translation
    that shows at a glance which words of a page do not come from the catalogue."""
    parts = re.split(r"(\{[^}]*\})", text)
    return "⟦" + "".join(p if p.startswith("{") else p.translate(_PSEUDO) for p in parts) + "⟧"


def write_pseudo(language: str = "qps", base: Path | None = None) -> Path:
    """Write a complete pseudo-locale catalogue ``language`` (every text accented and bracketed;
    the grammar rules left empty): what a new language looks like before anyone translates."""
    catalog = Catalog(locale=None, domain=DOMAIN, project="Dialogic", fuzzy=False)
    for e in registered():
        if e.context.startswith("grammar."):
            string: str | tuple[str, str] = e.msgid
        elif e.plural:
            string = (_pseudo(e.msgid), _pseudo(e.plural))
        else:
            string = _pseudo(e.msgid)
        msgid = (e.msgid, e.plural) if e.plural else e.msgid
        catalog.add(msgid, string=string, context=e.context)
    path = po_path(language, base)
    path.parent.mkdir(parents=True, exist_ok=True)
    _write(catalog, path)
    _languages.cache_clear()
    return path


def update(base: Path | None = None) -> list[Path]:
    """Merge the template into every catalogue; returns the catalogues written."""
    template = template_catalog()
    written = []
    for language in languages()[1:]:
        path = po_path(language, base)
        catalog = read_catalog(path)
        catalog.update(template, no_fuzzy_matching=True)
        _write(catalog, path, ignore_obsolete=True)
        written.append(path)
    return written


def problems(language: str, base: Path | None = None) -> list[str]:
    """What is wrong with a catalogue: untranslated, fuzzy, unused texts, changed placeholders."""
    catalog = read_catalog(po_path(language, base))
    expected = {(e.context, e.msgid): e for e in registered()}
    out = []
    seen = set()
    for m in catalog:
        if not m.id:
            continue
        msgid = m.id[0] if isinstance(m.id, tuple) else m.id
        key = (m.context, msgid)
        seen.add(key)
        where = f"{po_path(language, base)}: msgctxt {m.context!r} msgid {msgid!r}"
        if key not in expected:
            out.append(f"{where}: unused (no longer in the code; run `dialogic i18n update`)")
            continue
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        if not all(strings):
            out.append(f"{where}: untranslated")
        elif m.fuzzy:
            out.append(f"{where}: fuzzy (check the translation, then remove the fuzzy flag)")
        ids = m.id if isinstance(m.id, tuple) else (m.id,)
        wanted = {name for s in ids for name in PLACEHOLDER.findall(s)} | set(expected[key].params)
        for s in strings:
            if s and set(PLACEHOLDER.findall(s)) - wanted:
                out.append(
                    f"{where}: placeholders {sorted(set(PLACEHOLDER.findall(s)))} "
                    f"differ from the English {sorted(wanted)}"
                )
    for key in expected.keys() - seen:
        out.append(
            f"{po_path(language, base)}: msgctxt {key[0]!r} msgid {key[1]!r}: missing "
            "(run `dialogic i18n update`, then translate)"
        )
    return out


def compile_catalogs(base: Path | None = None) -> list[Path]:
    """Check every catalogue (:func:`problems`) and write its ``.mo``; raises on a problem."""
    found = [p for lang in languages()[1:] for p in problems(lang, base)]
    if found:
        raise ValueError("the catalogues need work:\n" + "\n".join(found))
    written = []
    for language in languages()[1:]:
        po = po_path(language, base)
        buffer = io.BytesIO()
        write_mo(buffer, read_catalog(po))
        from analysis._io import atomic_write

        atomic_write(po.with_suffix(".mo"), buffer.getvalue())
        written.append(po.with_suffix(".mo"))
    _translations.cache_clear()
    return written
