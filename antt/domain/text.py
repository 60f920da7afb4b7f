"""Vietnamese text: NFC everywhere, and a matching key that ignores case, diacritics and tone placement.

Official names mix two tone-mark placements ("Thuỷ"/"Thủy", "Hoà"/"Hòa"); macOS and some input methods
produce NFD. We always *store and show* NFC text as given, and *match* on :func:`fold`.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

_EXTRA_FOLDS = str.maketrans({"đ": "d", "Đ": "d"})


def nfc(text: str) -> str:
    return text if text.isascii() else unicodedata.normalize("NFC", text)


def fold(text: str) -> str:
    """A key for matching: lower case, no diacritics (đ → d), single spaces, no surrounding space.

    >>> fold("  Phường  Thuỷ Nguyên ") == fold("phuong thuy nguyen")
    True
    """
    decomposed = unicodedata.normalize("NFD", text.translate(_EXTRA_FOLDS))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.casefold().split())


@lru_cache(maxsize=8192)  # names repeat: every CompStat table sorts the same communes
def sort_key(text: str) -> tuple[str, str]:
    """Vietnamese-alphabet sort key for names: a ă â b c d đ e ê … o ô ơ … u ư, then tones break ties.

    A light collation without ICU: every letter becomes its base letter plus one digit for its letter
    mark (none, breve, circumflex, horn/stroke), so "An" < "Ăn" < "Ân" < "Bạch" and "Dương" < "Đồ".
    """
    letters: list[str] = []
    tones: list[str] = []
    for ch in unicodedata.normalize("NFD", text.casefold()):
        if ch in _TONE_MARKS:
            tones.append(_TONE_MARKS[ch])
        elif unicodedata.combining(ch):
            if letters and ch in _LETTER_MARKS:
                letters[-1] = letters[-1][0] + _LETTER_MARKS[ch]
        else:
            letters.append("d3" if ch == "đ" else ch + "0")
            tones.append("0")
    return ("".join(letters), "".join(tones))


_TONE_MARKS = {"\u0300": "2", "\u0309": "3", "\u0303": "4", "\u0301": "5", "\u0323": "6"}
_LETTER_MARKS = {"\u0306": "1", "\u0302": "2", "\u031b": "3"}
