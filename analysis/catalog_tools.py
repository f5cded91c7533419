"""The catalogues' workflow (``dialogic i18n``), on Babel: extract, update, check, compile, a new
language, a pseudo-locale.

``extract``  write ``analysis/locale/dialogic.pot`` from the registered texts
``update``   merge the template into every catalogue (new texts untranslated, removed ones dropped)
``check``    list what is untranslated, fuzzy, unused, or changes a template's ``{placeholders}``
``compile``  check every catalogue and write its ``.mo`` beside it (read when newer than its
             ``.po``)

Every module that registers texts is imported first (:data:`REGISTERING_MODULES`), so the
template holds every text of the code; the runtime (:mod:`analysis.catalog`) imports none of them.
"""

from __future__ import annotations

import importlib
import io
import re
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import write_po

from analysis import __version__
from analysis import catalog as runtime
from analysis._io import atomic_write
from analysis.catalog import DOMAIN, Entry, languages, locale_dir, po_path, read_catalog

#: Modules that register texts when imported (``extract`` imports them all).
REGISTERING_MODULES = (
    "analysis.plots",
    "analysis.vocabulary",
    "analysis.messages",
    "analysis.report.i18n",
    "analysis.report.wording",
    "analysis.report.methods",
    "analysis.report.viewmodels",
    "analysis.stats.hypotheses",
    "analysis.stats.words",
    "analysis.measures",
    "analysis.formatting",
    "analysis.runner.recommend",
    "analysis.runner.study_brief",
    "analysis.plots_benchmark",
    "analysis.report.benchmark",
    "analysis.runner.multiverse",
    "analysis.plots_multiverse",
    "analysis.prereg_text",
    "analysis.report.prereg",
)


def registered() -> list[Entry]:
    """Every registered text, after importing :data:`REGISTERING_MODULES`, sorted by context."""
    for name in REGISTERING_MODULES:
        importlib.import_module(name)
    return runtime.entries()


PLACEHOLDER = re.compile(r"\{(\w+)(?:[:!][^}]*)?\}")


def template_catalog() -> Catalog:
    """The catalogue template: every registered text, untranslated."""
    catalog = Catalog(
        domain=DOMAIN,
        project="Dialogic",
        version=__version__,
        copyright_holder="the Dialogic authors",
        msgid_bugs_address="",
        charset="utf-8",
        fuzzy=False,
    )
    for e in registered():
        msgid = (e.msgid, e.plural) if e.plural else e.msgid
        catalog.add(msgid, context=e.context, auto_comments=[e.comment] if e.comment else [])
    return catalog


def _write(catalog: Catalog, path: Path, **options) -> None:
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
    runtime._languages.cache_clear()
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
        atomic_write(po.with_suffix(".mo"), buffer.getvalue())
        written.append(po.with_suffix(".mo"))
    runtime._translations.cache_clear()
    return written
