"""Turning what a person typed into words the matcher can compare.

Two jobs live here because both must treat a question and a vetted phrasing
identically: `clean()` makes raw input safe (bounded, no control characters,
escape sequences or markup) and `words()` lowercases and splits it.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import snowballstemmer
from rapidfuzz.distance import OSA

MAX_RAW_CHARS = 4_000
MAX_QUESTION_CHARS = 1_000
MAX_WORDS = 200

_ESCAPES = re.compile(
    r"""
    \x1b\[[0-?]*[ -/]*[@-~]           # CSI: colours, cursor moves
  | \x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?  # OSC: titles, hyperlinks
  | \x1b[PX^_][^\x1b]*(?:\x1b\\)?     # DCS, SOS, PM, APC strings
  | \x1b[@-Z\\-_]                     # two-byte escapes
  | \x9b[0-?]*[ -/]*[@-~]             # 8-bit CSI
    """,
    re.VERBOSE,
)
_MARKUP = re.compile(r"\[/?[a-zA-Z@#$][^\[\]]{0,80}\]|\[/\]|</?[a-zA-Z][^<>]{0,80}>")
_APOSTROPHES = re.compile(r"['\u2018\u2019\u02bc`´]")
_NOT_WORD = re.compile(r"[^0-9a-z]+")
_DIGITS_TOUCHING_LETTERS = re.compile(r"(?<=\d)(?=[a-z])|(?<=[a-z])(?=\d)")

# Function words carry no meaning of their own here; question words (what,
# how, why, when) stay, since they separate "what is it" from "how does it work".
STOPWORDS = frozenset(
    """
    a an the is are am was were be been being to of in on at by for from with and or
    but if so as i me my mine myself we us our you your yours he him his she her it its
    they them their this that these those there here do does did doing can could
    should would will shall may might must have has had having im ive id ill youre
    get got just also really some any please tell let about into than then
    own such well ok okay hi hello thanks thank people person someone anyone everyone
    somebody anybody something anything
    """.split()
)

# Everyday words that patients use around the point of a question. A pack
# may never have used them, but unlike an unknown drug or condition they do
# not change what is being asked, so they weigh little when unknown.
EVERYDAY = frozenset(
    """
    morning evening night nighttime daytime day days week weeks month months year years
    today tonight tomorrow yesterday hour hours minute minutes time times daily weekly
    regular regularly often always never sometimes usually normally ever still already
    yet soon later early late recently lately now again once twice since until while
    lot lots little bit few many several enough extra less least half whole first last
    next another each every both either option options way ways thing things kind type
    sort part problem problems issue issues question questions info information advice
    reason reasons chance chances fact facts idea detail details example situation case
    adult adults grown age older elderly woman man husband wife partner mum mom dad
    mother father friend family relative carer caregiver myself yourself himself herself
    happen happens happened happening mean means meant need needs needed want wants
    wanted try trying tried use using used start started starting keep keeping feel
    feeling feels seem seems look looking see find found say ask asked think wondering
    wonder worried worry worrying concerned curious confused understand explain
    normal usual usually common real true right wrong possible likely important
    long short quick quickly slow slowly fast new old big small high low good bad
    certain sure exactly actually basically generally typically probably maybe
    okay fine alright general specific different similar same whole exact main
    """.split()
)

# Irregular forms a suffix stemmer cannot join to their base word.
IRREGULAR = {
    "took": "take", "taken": "take", "ate": "eat", "eaten": "eat", "gave": "give",
    "given": "give", "went": "go", "gone": "go", "felt": "feel", "did": "do",
    "made": "make", "forgot": "forget", "forgotten": "forget", "ran": "run", "began": "begin",
    "begun": "begin", "kept": "keep", "left": "leave", "thought": "think", "told": "tell",
    "said": "say", "saw": "see", "seen": "see", "knew": "know", "known": "know",
    "came": "come", "wrote": "write", "written": "write", "slept": "sleep", "woke": "wake",
    "woken": "wake", "fell": "fall", "fallen": "fall", "brought": "bring", "bought": "buy",
    "drank": "drink", "swam": "swim", "rode": "ride", "ridden": "ride", "drove": "drive",
    "driven": "drive", "got": "get", "gotten": "get", "worse": "bad", "worst": "bad",
    "better": "good", "best": "good", "children": "child", "women": "woman", "men": "man",
    "feet": "foot", "teeth": "tooth",
}

_stemmer = snowballstemmer.stemmer("english")


def clean(raw: str) -> str:
    """Make any input safe to match: bounded, printable, markup and escapes removed."""
    if not isinstance(raw, str):
        raw = str(raw)
    text = raw[:MAX_RAW_CHARS]
    text = _ESCAPES.sub(" ", text)
    text = _MARKUP.sub(" ", text)
    text = unicodedata.normalize("NFKC", text)
    text = "".join(
        ch if unicodedata.category(ch)[0] not in "CZ" else " "
        for ch in text
    )
    text = " ".join(text.split())
    return text[:MAX_QUESTION_CHARS]


# Text-message spellings, read as the words they stand for.
SHORTHAND = {
    "u": "you", "r": "are", "ur": "your", "y": "why", "wat": "what", "wot": "what",
    "wht": "what", "wats": "whats", "shud": "should", "shld": "should", "cud": "could",
    "wud": "would", "cn": "can", "pls": "please", "plz": "please", "thx": "thanks",
    "b4": "before", "bc": "because", "cuz": "because", "coz": "because", "abt": "about",
    "w": "with", "wif": "with", "n": "and", "dr": "doctor", "hw": "how",
    "k": "ok", "tho": "though", "ppl": "people", "msg": "message", "wil": "will",
    "yu": "you", "ya": "you", "wen": "when", "wer": "where", "hav": "have", "giv": "give",
}


def words(text: str) -> list[str]:
    """Lowercase words, apostrophes dropped so "can't" and "cant" agree."""
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = _APOSTROPHES.sub("", text).replace("&", " and ")
    text = _DIGITS_TOUCHING_LETTERS.sub(" ", _NOT_WORD.sub(" ", text))  # "80mg" is "80 mg"
    return [SHORTHAND.get(w, w) for w in text.split()[:MAX_WORDS]]


@lru_cache(maxsize=65_536)
def stem(word: str) -> str:
    return _stemmer.stemWord(IRREGULAR.get(word, word))


def allowed_typos(word: str) -> int:
    """How many edits (a swap of neighbours counts as one) still count as the
    same word: one swap for four-letter words, none below that."""
    if len(word) < 4 or not word.isalpha():
        return 0
    return 1 if len(word) < 8 else 2


def is_typo_of(typed: str, word: str) -> bool:
    """Whether `typed` is a small slip for `word`: same first letter, few edits;
    a four-letter word only by swapping two neighbouring letters ("pian")."""
    if typed == word:
        return True
    limit = allowed_typos(word)
    if not limit or typed[:1] != word[:1] or abs(len(typed) - len(word)) > limit:
        return False
    if len(word) == 4:
        return len(typed) == 4 and sorted(typed) == sorted(word) and OSA.distance(typed, word) == 1
    return OSA.distance(typed, word, score_cutoff=limit) <= limit
