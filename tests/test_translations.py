"""Every interface string is translated to French and Portuguese: the check CI runs
(make messages-check) gathers the strings from the code and fails on any untranslated or fuzzy
entry, then compiles the catalogues."""

import shutil

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from cases.management.commands import translations

pytestmark = pytest.mark.skipif(
    shutil.which("msgattrib") is None, reason="GNU gettext is not installed (make install does it)"
)


def test_every_interface_string_is_translated_and_the_catalogues_compile(capsys):
    call_command("translations", "--check")
    assert "Every interface string is translated." in capsys.readouterr().out


def test_the_check_fails_on_an_untranslated_string(tmp_path, settings):
    locale = tmp_path / "locale"
    shutil.copytree(settings.LOCALE_PATHS[0], locale)
    po_file = locale / "fr" / "LC_MESSAGES" / "django.po"
    text = po_file.read_text(encoding="utf-8")
    po_file.write_text(text.replace('msgstr "Aller au contenu"', 'msgstr ""'), encoding="utf-8")
    settings.LOCALE_PATHS = [locale]
    with pytest.raises(CommandError, match="Skip to content"):
        call_command("translations", "--check")


def test_the_check_fails_on_a_fuzzy_string(tmp_path, settings):
    locale = tmp_path / "locale"
    shutil.copytree(settings.LOCALE_PATHS[0], locale)
    po_file = locale / "pt" / "LC_MESSAGES" / "django.po"
    text = po_file.read_text(encoding="utf-8")
    po_file.write_text(
        text.replace('msgid "Skip to content"', '#, fuzzy\nmsgid "Skip to content"'),
        encoding="utf-8",
    )
    settings.LOCALE_PATHS = [locale]
    with pytest.raises(CommandError, match="fuzzy"):
        call_command("translations", "--check")


def test_the_languages_checked_are_the_sites_others():
    assert translations.languages() == ["fr", "pt"]


@pytest.mark.parametrize(
    ("language", "expected"), [("fr", "Aller au contenu"), ("pt", "Saltar para o conteúdo")]
)
def test_the_compiled_catalogues_are_used(language, expected):
    with translation.override(language):
        assert translation.gettext("Skip to content") == expected


def test_a_missing_compiled_catalogue_is_a_system_check_warning(tmp_path, settings):
    from cases.checks import translations_compiled

    assert translations_compiled(None) == []
    settings.LOCALE_PATHS = [tmp_path]
    [warning] = translations_compiled(None)
    assert warning.id == "citylearn.W001"
    assert "fr, pt" in warning.msg
