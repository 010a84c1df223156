"""`textnorm.fold`'s fast paths give exactly what its slow path gives."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from readlist.textnorm import _fold_slow, fold, is_plain

_TYPOGRAPHIC = "\u2018\u2019\u201c\u201d\u2013\u2014"
_LATIN = "éèêëáàâäåãíìîïóòôöõúùûüçñßÉÈÁÀÖÜÇÑøØæÆœŒłŁıđĐðÐþÞħĦŋ"

ascii_text = st.text(st.characters(max_codepoint=0x7F))
punctuated = st.text(st.sampled_from([*"abcXYZ 09-.,", *_TYPOGRAPHIC]))
latin = st.text(st.sampled_from([*"abcXYZ ", *_LATIN, "\u0301", "\u0308"]))


@settings(max_examples=500)
@given(st.one_of(ascii_text, punctuated, latin, st.text()))
@example("Kjærgaard")
@example("İstanbul")  # capital dotted I: lower() and casefold() differ beyond ASCII
@example("ﬁnal ＡＢＣ")  # compatibility forms
@example("Straße")
@example("e\u0301")
def test_fast_paths_agree_with_the_slow_path(text: str) -> None:
    assert fold(text) == _fold_slow(text)


@given(st.one_of(ascii_text, punctuated, st.text()))
def test_plain_text_folds_to_its_lower_case(text: str) -> None:
    if is_plain(text):
        assert fold(text) == text.lower()


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        pytest.param("Clément", "clement", id="accent"),
        pytest.param("Kjærgaard", "kjaergaard", id="undecomposed_letter"),
        pytest.param("“Quoted” – text", "“quoted” – text", id="typographic_punctuation"),
        pytest.param("王 Straße", "王 strasse", id="beyond_latin"),
    ],
)
def test_fold(text: str, folded: str) -> None:
    assert fold(text) == folded
