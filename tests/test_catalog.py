"""The translation catalogues: complete, in step with the code, and a new language is one file."""

from __future__ import annotations

import re
import shutil

import pytest
from babel.messages.pofile import read_po, write_po

from analysis import catalog, catalog_tools
from analysis.messages import MESSAGES, Message, render

NNBSP = "\u202f"


def test_every_catalogue_translates_every_text_and_nothing_else():
    assert catalog.languages()[0] == "en" and "fr" in catalog.languages()
    problems = [p for lang in catalog.languages()[1:] for p in catalog_tools.problems(lang)]
    assert not problems, "\n".join(problems)


def test_the_checks_find_untranslated_unused_fuzzy_and_changed_placeholders(tmp_path):
    base = tmp_path / "locale"
    shutil.copytree(catalog.locale_dir(), base)
    path = catalog.po_path("fr", base)
    with path.open("rb") as f:
        cat = read_po(f)
    cat.get("The question", context="h.question").string = ""
    cat.get("Verdict", context="h.verdict").flags.add("fuzzy")
    cat.get("Key figure", context="h.figure").string = "Figure clé {oops}"
    cat.add("A text the code no longer has", "Un texte disparu", context="gone")
    cat.delete("Results", context="h.results")
    with path.open("wb") as f:
        write_po(f, cat)
    found = "\n".join(catalog_tools.problems("fr", base))
    for expected in (
        "'h.question' msgid 'The question': untranslated",
        "'h.verdict' msgid 'Verdict': fuzzy",
        "'h.figure' msgid 'Key figure': placeholders ['oops']",
        "'gone' msgid 'A text the code no longer has': unused",
        "'h.results' msgid 'Results': missing",
    ):
        assert expected in found
    with pytest.raises(ValueError, match="the catalogues need work"):
        catalog_tools.compile_catalogs(base)


def test_extract_update_and_compile_round_trip(tmp_path):
    base = tmp_path / "locale"
    shutil.copytree(catalog.locale_dir(), base)
    pot = catalog_tools.extract(base)
    with pot.open("rb") as f:
        template = read_po(f)
    assert len(template) == len(catalog_tools.registered())
    catalog_tools.update(base)
    assert catalog_tools.problems("fr", base) == []
    mo = catalog_tools.compile_catalogs(base)[0]
    assert mo.exists() and mo.suffix == ".mo"


def test_a_new_language_starts_untranslated_and_is_listed(tmp_path, monkeypatch):
    base = tmp_path / "locale"
    shutil.copytree(catalog.locale_dir(), base)
    catalog_tools.init("de", base)
    monkeypatch.setenv("DIALOGIC_LOCALE_DIR", str(base))
    assert catalog.languages() == ("en", "de", "fr")
    problems = catalog_tools.problems("de", base)
    assert len(problems) == len(catalog_tools.registered())
    assert all(p.endswith("untranslated") for p in problems)
    # untranslated texts fall back to English, numbers follow German conventions
    assert render(Message("km_note", n=9144, answered=2017), "de").startswith("9.144 comments")


def test_every_message_renders_in_every_language_with_its_placeholders():
    for code, template in MESSAGES.items():
        names = set(re.findall(r"{(\w+)}", template.english + (template.plural or "")))
        params = {n: 2 if n in ("n", template.count) else f"<{n}>" for n in names}
        for lang in catalog.languages():
            assert render(Message(code, **params), lang), (code, lang)


def test_french_plural_rule_is_the_catalogues():
    one = Message("fixed_effects_dropped", n=1, measure="replies")
    many = Message("fixed_effects_dropped", n=2, measure="replies")
    assert "1 page sans" in render(one, "fr") and "a été exclue" in render(one, "fr")
    assert "2 pages sans" in render(many, "fr") and "ont été exclues" in render(many, "fr")
    assert str(one).startswith("1 page without") and "was left out" in str(one)
