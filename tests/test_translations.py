"""Indonesian is the default language: every string has a translation, and the compiled catalog
is the one the sources say."""

from pathlib import Path

import polib
from django.utils import translation

from lk3_flow.choices import Stage

CATALOG = Path(__file__).resolve().parent.parent / "lk3_flow" / "locale" / "id" / "LC_MESSAGES"


def test_every_message_is_translated_and_none_is_a_guess():
    po = polib.pofile(str(CATALOG / "django.po"))
    assert po.untranslated_entries() == []
    assert po.fuzzy_entries() == []
    assert len(po.translated_entries()) > 400


def test_compiled_catalog_matches_its_source():
    po = polib.pofile(str(CATALOG / "django.po"))
    mo = polib.mofile(str(CATALOG / "django.mo"))

    def pairs(catalog):
        return {(e.msgctxt, e.msgid, e.msgstr) for e in catalog if e.msgid and not e.obsolete}

    assert pairs(po) == pairs(mo)


def test_labels_follow_the_active_language():
    with translation.override("id"):
        assert str(Stage.COUNSELING.label) == "Sesi konseling"
    with translation.override("en"):
        assert str(Stage.COUNSELING.label) == "Counseling session"
