"""How a name is spelled for comparison: one key for the spellings of one Indonesian name.

The same person is registered as "Dedy" and "Dedi", "Achmad" and "Ahmad", "Soekarno" and
"Sukarno", "Aminah" and "Amina", "Muhammad" and "Muhamad": the old spelling (oe, dj, tj, nj, sj,
ch), y for i, a silent final h, doubled letters. Each word is brought to one key so that a search
and the duplicate check at registration find them all, on any database: the key is stored beside
the name (`Client.name_key`, `HouseholdMember.name_key`) and matched with a plain LIKE, which
PostgreSQL serves from a trigram index; there a search also forgives a typo
(`lk3_flow.selectors.clients_matching`).
"""

import re
import unicodedata

# Applied in this order to each lower-cased word: the older spellings first, then the letters
# that are written either way.
_SPELLINGS = (
    ("oe", "u"),
    ("dj", "j"),
    ("tj", "c"),
    ("nj", "ny"),
    ("sj", "sy"),
    ("ch", "h"),
    ("kh", "h"),
    ("ph", "f"),
    ("th", "t"),
    ("dh", "d"),
    ("q", "k"),
    ("v", "f"),
    ("x", "ks"),
    ("y", "i"),
    ("ie", "i"),
)
_NOT_LETTERS = re.compile(r"[^a-z]+")
_DOUBLED = re.compile(r"(.)\1+")
_SILENT_FINAL_H = re.compile(r"(?<=[aiueo])h$")
# A word shorter than this after keying matches too many names to narrow a search.
MIN_WORD_KEY = 2


def _ascii_words(text: str) -> list[str]:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return [word for word in _NOT_LETTERS.split(plain) if word]


def word_key(word: str) -> str:
    for written, spoken in _SPELLINGS:
        word = word.replace(written, spoken)
    word = _DOUBLED.sub(r"\1", word)
    return _SILENT_FINAL_H.sub("", word)


def word_keys(text: str) -> list[str]:
    """The keys of the words of `text` that are long enough to search by."""
    keys = (word_key(word) for word in _ascii_words(text))
    return [key for key in keys if len(key) >= MIN_WORD_KEY]


def name_key(name: str) -> str:
    """The stored key of a full name: its words' keys, each enclosed in spaces.

    The enclosing spaces let a search ask for a whole word (" dedi ") or a word's start
    (" ded"), so that "Adi" does not find every "Hadi" and "Ardi".
    """
    keys = [word_key(word) for word in _ascii_words(name)]
    return f" {' '.join(key for key in keys if key)} " if any(keys) else ""


def phone_key(phone: str) -> str:
    """A phone number's digits as dialled at home: "+62 812-3456" and "0812 3456" are one."""
    digits = "".join(char for char in phone if char.isascii() and char.isdigit())
    return f"0{digits[2:]}" if digits.startswith("62") else digits
