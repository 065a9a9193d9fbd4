"""underthesea's sentences, words and POS tags, computed faster, and exactly the same.

underthesea is imported once per process (on first use); its bundled CRF models are the
only ones used, nothing is downloaded. Its sentence splitter, word segmenter and POS
tagger spend most of their time outside their models: looping over every character,
building every feature string one at a time. Here the same models are fed the same input,
built faster: ``sent_tokenize``, ``word_tokenize``, ``pos_tag``. Each falls back to
underthesea's own function when its internals are not the ones this was written for, and
``tests/test_nlp_sentences.py`` and ``tests/test_nlp_pos.py`` check each against underthesea
on every sentence of the shared texts and on random text.
"""
from __future__ import annotations

import contextlib
import importlib
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any


@lru_cache(maxsize=1)
def _underthesea():
    import underthesea

    return underthesea


def pos_tag(text: str) -> list[tuple[str, str]]:
    """``underthesea.pos_tag(text)``, same words and same tags, several times faster.

    underthesea's CRF POS tagger computes each word's features from 22 templates, and for
    every template and word it re-parses the template and copies the whole sentence, which
    makes it quadratic in the sentence's length and most of the pipeline's time. Here the
    templates are parsed once and every feature string is built exactly as underthesea
    builds it (its own feature functions are used), then fed to underthesea's own model.
    ``tests/test_nlp_pos.py`` checks the tags are identical on every sentence of the corpus.
    """
    tagger = _fast_pos_tagger()
    if tagger is None:
        return [(w, t) for w, t in _underthesea().pos_tag(text)]
    model, templates = tagger
    words = word_tokenize(text)
    return list(zip(words, model.tag(_crf_features((words, ["X"] * len(words)), templates))))


def word_tokenize(text: str) -> list[str]:
    """``underthesea.word_tokenize(text)``, the same words, faster: its tokens, with each
    short token normalised once per process (a token's normal form depends on it alone),
    and its CRF's features built here, column by column, to the rules of its Rust
    featurizer, which built each of the 43 features of every token on its own and cost
    more than the model. A text with a character whose case the check at loading did not
    find treated alike is left to underthesea's featurizer. ``tests/test_nlp_pos.py``
    checks the words against underthesea's on every sentence of the corpus."""
    segmenter = _fast_segmenter()
    if segmenter is None:
        return _underthesea().word_tokenize(text)
    tokens, normalized = _tokens(text)
    if not tokens:
        return []
    features = None
    if segmenter.safe.fullmatch(normalized):
        with contextlib.suppress(_Unlike):
            features = _crf_features((tokens,), segmenter.templates)
    if features is None:
        features = segmenter.featurizer.process([[[t] for t in tokens]])[0]
    words: list[str] = []
    for tag, token in zip(segmenter.model.tag(features), tokens):
        if tag == "I-W" and words:
            words[-1] = words[-1] + " " + token
        else:
            words.append(token)
    return words


_TEMPLATE = re.compile(
    r"T\[(?P<index1>\-?\d+)(\,(?P<index2>\-?\d+))?\](\[(?P<column>.*)\])?(\.(?P<function>.*))?"
)


def _templates(syntaxes, functions: dict) -> tuple:
    """CRF feature templates ("T[-1,0].lower") parsed: (prefix, index1, index2 or None,
    column, function or None)."""
    templates = []
    for syntax in syntaxes:
        m = _TEMPLATE.match(syntax)
        index2 = m.group("index2")
        function = m.group("function")
        templates.append((
            f"{syntax}=",
            int(m.group("index1")),
            int(index2) if index2 else None,
            int(m.group("column")) if m.group("column") else 0,
            functions[function] if function is not None else None,
        ))
    return tuple(templates)


@lru_cache(maxsize=1)
def _fast_pos_tagger():
    """(underthesea's CRF model, its templates parsed), or None if underthesea's internals
    are not the ones this was written for (then its public ``pos_tag`` is used)."""
    try:
        from underthesea.pipeline.pos_tag import tagged_feature
        from underthesea.pipeline.pos_tag.model_crf import CRFPOSTagPredictor

        predictor = CRFPOSTagPredictor.Instance()
        functions = {name: _each(f) for name, f in (
            ("lower", tagged_feature.text_lower),
            ("istitle", tagged_feature.text_istitle),
            ("isallcap", tagged_feature.text_isallcap),
            ("isdigit", tagged_feature.text_isdigit),
            ("is_in_dict", tagged_feature.text_is_in_dict))}
        return predictor.model, _templates(predictor.transformer.template, functions)
    except Exception:
        return None


def _crf_features(columns: tuple[list[str], ...], templates) -> list[tuple[str, ...]]:
    """Each token's features, as underthesea's feature builders write them: ``T[i]`` is
    the token ``i`` places on (``columns[c]`` for ``T[i][c]``), ``T[i,j]`` the tokens from
    there to ``j`` places on joined by a space, then the function; "BOS" or "EOS" where
    they fall outside the sentence. Built one template at a time, each n-gram once."""
    n = len(columns[0])
    grams: dict = {}
    out = []
    for prefix, index1, index2, column, function in templates:
        last = index1 if index2 is None else index2
        size = last - index1 + 1
        values = grams.get((column, size, function))
        if values is None:
            values = grams.get((column, size, None))
            if values is None:
                tokens = columns[column]
                values = tokens if size == 1 else list(map(" ".join, zip(*(tokens[k:] for k in range(size)))))
                grams[column, size, None] = values
            if function is not None:
                values = grams[column, size, function] = function(values)
        lo, hi = max(0, -index1), min(n, n - last)  # the positions whose n-gram is inside
        if lo >= hi:
            lo = hi = min(lo, n)
        out.append([prefix + "BOS"] * lo + list(map(prefix.__add__, values[lo + index1: hi + index1]))
                   + [prefix + "EOS"] * (n - hi))
    return list(zip(*out))


class _Unlike(Exception):
    """The Rust featurizer would not build this feature as ``_crf_features`` does."""


def _each(function):
    """A feature function of one value as one of a list of values (``_crf_features``)."""
    return lambda values: [f"{function(v)}" for v in values]


_I32 = re.compile(r"[+-]?[0-9]+")


def _rust_lower(values: list[str]) -> list[str]:
    return list(map(str.lower, values))


def _rust_isdigit(values: list[str]) -> list[str]:
    """underthesea_core's ``isdigit``: whether Rust parses the text as an i32."""
    return ["True" if _I32.fullmatch(v) and -2**31 <= int(v) < 2**31 else "False" for v in values]


def _rust_istitle(values: list[str]) -> list[str]:
    """underthesea_core's ``istitle``: every space-separated part starts with a character
    that upper case leaves as it is (a digit too); an empty part makes it panic."""
    out = []
    for value in values:
        for part in value.split(" ") if " " in value or not value else (value,):
            if not part:
                raise _Unlike(value)
            if part[0].upper() != part[0]:
                out.append("False")
                break
        else:
            out.append("True")
    return out


def _rust_is_in_dict(dictionary: set[str]):
    """underthesea_core's ``is_in_dict``: the text in lower case is in the dictionary."""
    return lambda values: ["True" if v in dictionary else "False" for v in map(str.lower, values)]


@dataclass(frozen=True)
class _Segmenter:
    model: Any  # underthesea's word-segmentation CRF
    featurizer: Any  # its Rust featurizer
    templates: tuple
    safe: re.Pattern[str]  # texts of the characters whose features were checked alike


# The characters a Vietnamese page is written in: Latin with its diacritics, punctuation,
# symbols. Each is checked at loading against the Rust featurizer (its case rules are
# Rust's), so that a text with a character Python cases otherwise goes to that featurizer.
# (Blanks are in no token.)
_PROBED = [chr(c) for r in ((0x21, 0x250), (0x300, 0x370), (0x1E00, 0x1F00), (0x2000, 0x2070),
                            (0x20A0, 0x20C0), (0x2100, 0x2200))
           for c in range(*r) if not chr(c).isspace()]


@lru_cache(maxsize=1)
def _fast_segmenter() -> _Segmenter | None:
    """underthesea's word-segmentation model with its templates and dictionary, or None if
    its internals are not the ones ``word_tokenize`` was written for, or its featurizer
    builds a probe's features otherwise than ``_crf_features``."""
    try:
        from os.path import dirname, join

        from underthesea.models.fast_crf_sequence_tagger import FastCRFSequenceTagger
        from underthesea.pipeline import word_tokenize as module
        from underthesea_core import CRFFeaturizer, CRFTagger

        # The model underthesea's word_tokenize loads (FastCRFSequenceTagger.load, its
        # files), loaded as it does but without joblib's Python unpickler (0.2 s a process).
        base = join(dirname(module.__file__), "models", "ws_crf_vlsp2013_20230727")
        files = FastCRFSequenceTagger()
        estimator = CRFTagger()
        estimator.load(join(base, files.path_model))
        syntaxes, dictionary = (_unpickle(join(base, name)) for name in (files.path_features, files.path_dictionary))
        if not isinstance(dictionary, set):
            return None
        featurizer = CRFFeaturizer(syntaxes, dictionary)
        functions = {"lower": _rust_lower, "isdigit": _rust_isdigit, "istitle": _rust_istitle,
                     "is_in_dict": _rust_is_in_dict(dictionary)}
        templates = _templates(syntaxes, functions)
        safe = _checked(featurizer, templates)
        numbers = ["+5", "-0", "007", "2147483647", "2147483648", "-2147483648", "-2147483649",
                   "1.5", "+", "-", "Hà Nội", "hợp tác xã", "ABC", "1/2"]
        if not _same(featurizer.process([[[t] for t in numbers]])[0], numbers, templates):
            return None
        return _Segmenter(estimator, featurizer, templates,
                          re.compile(r"[\s" + "".join(re.escape(c) for c in safe) + "]*"))
    except Exception:
        return None


def _unpickle(path: str):
    """A file underthesea saved with joblib: a plain pickle (read by the C unpickler,
    five times faster than joblib's), else through joblib."""
    import pickle

    try:
        with open(path, "rb") as f:
            return pickle.load(f)
    except Exception:
        import joblib

        return joblib.load(path)


def _checked(featurizer, templates) -> list[str]:
    """The characters of ``_PROBED`` whose features the Rust featurizer builds as
    ``_crf_features`` does: one probe of every character alone and between two letters;
    where a token's features differ, the characters of the tokens they read (two on either
    side) are dropped and the rest probed again."""
    safe = list(_PROBED)
    while safe:
        probe = [t for ch in safe for t in (ch, f"A{ch}a")]
        rust = featurizer.process([[[t] for t in probe]])[0]
        try:
            ours = _crf_features((probe,), templates)
        except _Unlike:
            return []
        differ = [k for k, (r, o) in enumerate(zip(rust, ours)) if tuple(r) != o]
        if not differ:
            break
        dropped = {j // 2 for k in differ for j in range(max(0, k - 2), k + 3)}
        safe = [ch for i, ch in enumerate(safe) if i not in dropped]
    return safe


def _same(rust: list[list[str]], tokens: list[str], templates) -> bool:
    """Whether ``_crf_features`` builds the features the Rust featurizer built."""
    try:
        return [tuple(features) for features in rust] == _crf_features((tokens,), templates)
    except _Unlike:
        return False


def _tokens(text: str) -> tuple[list[str], str]:
    """underthesea's ``regex_tokenize.tokenize(text)`` and the normalised text its tokens
    are from. Each of its patterns is a named group of the whole alternation, so a token
    is the match itself (underthesea looks for the first group that matched)."""
    from underthesea.pipeline.text_normalize.character_normalize import normalize_characters_in_text
    from underthesea.pipeline.word_tokenize import regex_tokenize

    normalized = normalize_characters_in_text(text)
    return ([t if len(t) > 6 else _token_normalize(t) for t in _regex_tokens(normalized, regex_tokenize.patterns)],
            normalized)


_CHUNK = re.compile(r"\S+")


def _regex_tokens(text: str, patterns: re.Pattern[str]) -> list[str]:
    """``patterns.finditer(text)``'s matches (underthesea's token patterns), without
    trying them on a run of letters between blanks: no branch before its ``word`` one can
    match there (each needs a digit, a mark or a symbol), none matches a blank, so the run
    is one token. But for "Th.S", whose dot is any character, and a leading "ʺ", a
    letter its ``punct`` branch takes alone. The rest is left to the patterns, from where
    the last match ended (which may lie beyond a blank: "Th S")."""
    tokens: list[str] = []
    done = 0  # where the last match ended
    for chunk in _CHUNK.finditer(text):
        start, end = chunk.span()
        if start >= done:
            word = chunk.group()
            if word.isalpha() and word[0] != "ʺ" and not (
                    word.startswith("Th") and (len(word) == 2 or len(word) > 3 and word[3] in "Ss")):
                tokens.append(word)
                done = end
                continue
        at = max(start, done)
        while at < end and (m := patterns.search(text, at)) is not None and m.start() < end:
            tokens.append(m.group())
            at = done = m.end()
    return tokens


@lru_cache(maxsize=1 << 14)
def _token_normalize(token: str) -> str:
    from underthesea.pipeline.text_normalize import token_normalize

    return token_normalize(token)


_SENTENCE_END = re.compile(r"[.?!]")


def sent_tokenize(text: str) -> list[str]:
    """``underthesea.sent_tokenize(text)``, the same sentences, without its loop over every
    character: the scan jumps from one ``.``, ``?`` or ``!`` to the next (the only places
    where a sentence can end) and asks underthesea's own tokenizer whether each is a
    boundary. ``tests/test_nlp_sentences.py`` checks it against underthesea on every
    paragraph of the corpus and on random text."""
    tokenizer = _fast_sentence_tokenizer()
    if tokenizer is None:
        return _underthesea().sent_tokenize(text)
    if not text or not text.strip():
        return []
    sentences, start, n = [], 0, len(text)
    found = _SENTENCE_END.search(text)
    while found is not None:
        i = found.start()
        if text[i] == ".":
            dots = i
            while dots < n and text[dots] == ".":
                dots += 1
            if dots - i >= 3:  # an ellipsis ends a sentence before a capital or the end
                after = dots
                while after < n and text[after] in " \t":
                    after += 1
                if after >= n or text[after].isupper():
                    start = dots = _cut(text, start, dots, sentences)
                found = _SENTENCE_END.search(text, dots)
                continue
        if tokenizer._is_sentence_boundary(text, i):
            end = i + 1
            while end < n and text[end] in ".?!":
                end += 1
            start = _cut(text, start, end, sentences)
            found = _SENTENCE_END.search(text, start)
            continue
        found = _SENTENCE_END.search(text, i + 1)
    if final := text[start:].strip():
        sentences.append(final)
    return sentences


def _cut(text: str, start: int, end: int, sentences: list[str]) -> int:
    """End a sentence at ``end``; where the next one starts (past the blanks)."""
    if sentence := text[start:end].strip():
        sentences.append(sentence)
    while end < len(text) and text[end] in " \t\n\r":
        end += 1
    return end


@lru_cache(maxsize=1)
def _fast_sentence_tokenizer():
    """underthesea's sentence tokenizer, or None if its internals are not the ones
    ``sent_tokenize`` was written for (then its public function is used)."""
    try:
        module = importlib.import_module("underthesea.pipeline.sent_tokenize")
        module._load_model()
        tokenizer = module.sentence_tokenizer
        if tokenizer.SENT_END_CHARS != frozenset(".?!") or not callable(tokenizer._is_sentence_boundary):
            return None
        return tokenizer
    except Exception:
        return None
