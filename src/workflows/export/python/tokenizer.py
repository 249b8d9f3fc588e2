"""attn's text pipeline (src/data/normalize.ts, src/data/tokenizers/, src/data/vocab.ts) in Python.

Reads pipeline.json (attn's vocab/pipeline.json): normalisation options, tokenizers, vocabularies.
"""
import json
import re
import unicodedata

PAD, BOS, EOS, UNK = 0, 1, 2, 3
SPACE_MARK = "\u2581"
JOINER_MARK = "\uFFED"

# JavaScript's \s with the u flag.
_JS_SPACE = "\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
_WHITESPACE_RUN = re.compile("[" + re.escape(_JS_SPACE) + "]+")


def _is_control(ch):
    return unicodedata.category(ch) == "Cc" or ch in "\u200b\ufeff"


def normalize(text, lowercase=False, strip_accents=False):
    """normalizeText of src/data/normalize.ts."""
    s = _WHITESPACE_RUN.sub(" ", text)
    s = "".join(ch for ch in s if not _is_control(ch))
    s = unicodedata.normalize("NFC", s)
    if lowercase:
        s = unicodedata.normalize("NFC", s.lower())
    if strip_accents:
        s = unicodedata.normalize("NFC", "".join(ch for ch in unicodedata.normalize("NFD", s) if not unicodedata.category(ch).startswith("M")))
    s = s.replace(SPACE_MARK, "_").replace(JOINER_MARK, "_")
    return _WHITESPACE_RUN.sub(" ", s).strip(" ")


def _word_char(ch):
    c = unicodedata.category(ch)
    return c[0] in "LMN" or ch == "_"


class WordTokenizer:
    """Words (letters, marks, digits, _) and single punctuation characters; touching punctuation carries ￭."""

    def encode(self, text):
        tokens, prev_end, prev_word = [], -1, False
        i, n = 0, len(text)
        while i < n:
            ch = text[i]
            if ch in _JS_SPACE:
                i += 1
                continue
            start = i
            if _word_char(ch):
                while i < n and _word_char(text[i]):
                    i += 1
                is_word = True
            else:
                i += 1
                is_word = False
            token = text[start:i]
            if start == prev_end:
                if not is_word:
                    token = JOINER_MARK + token
                elif not prev_word:
                    tokens[-1] += JOINER_MARK
            tokens.append(token)
            prev_end, prev_word = i, is_word
        return tokens

    def decode(self, tokens):
        text, attach_next = "", False
        for i, token in enumerate(tokens):
            body = token
            attach_prev = len(body) > 1 and body.startswith(JOINER_MARK)
            if attach_prev:
                body = body[1:]
            attach_after = len(body) > 1 and body.endswith(JOINER_MARK)
            if attach_after:
                body = body[:-1]
            if i > 0 and not attach_prev and not attach_next:
                text += " "
            text += body
            attach_next = attach_after
        return text


class CharTokenizer:
    """One token per code point, the space written ▁."""

    def encode(self, text):
        return [SPACE_MARK if c == " " else c for c in text]

    def decode(self, tokens):
        return "".join(" " if t == SPACE_MARK else t for t in tokens)


class SpaceTokenizer:
    """A space before . ! ?, then split on whitespace."""

    def encode(self, text):
        return [t for t in _WHITESPACE_RUN.split(re.sub(r"([.!?])", r" \1", text)) if t]

    def decode(self, tokens):
        return " ".join(tokens)


def _lmn(ch):
    return unicodedata.category(ch)[0] in "LMN"


def pre_tokenize(text):
    """BPE pre-tokens: runs of letters/marks/digits or of other non-space characters; ▁-prefixed after a space or at the start."""
    out, prev_end, i, n = [], -1, 0, len(text)
    while i < n:
        if text[i] in _JS_SPACE:
            i += 1
            continue
        start, kind = i, _lmn(text[i])
        while i < n and text[i] not in _JS_SPACE and _lmn(text[i]) == kind:
            i += 1
        piece = text[start:i]
        out.append(piece if start == prev_end else SPACE_MARK + piece)
        prev_end = i
    return out


def _merge_pair(symbols, left, right):
    out, j = [], 0
    while j < len(symbols):
        if j + 1 < len(symbols) and symbols[j] == left and symbols[j + 1] == right:
            out.append(left + right)
            j += 2
        else:
            out.append(symbols[j])
            j += 1
    return out


class BpeTokenizer:
    """Byte-pair encoding over characters (src/data/tokenizers/bpe.ts): the earliest-learned merge first, within pre-tokens."""

    def __init__(self, merges):
        self.ranks = {}
        for rank, m in enumerate(merges):
            a, b = m.split(" ")
            self.ranks[(a, b)] = rank  # a repeated merge keeps its last rank, as attn does
        self.cache = {}

    def _word(self, word):
        if word in self.cache:
            return self.cache[word]
        symbols = list(word)
        while True:
            best_rank, best = None, -1
            for j in range(len(symbols) - 1):
                r = self.ranks.get((symbols[j], symbols[j + 1]))
                if r is not None and (best_rank is None or r < best_rank):
                    best_rank, best = r, j
            if best < 0:
                break
            symbols = _merge_pair(symbols, symbols[best], symbols[best + 1])
        self.cache[word] = symbols
        return symbols

    def encode(self, text):
        return [s for w in pre_tokenize(text) for s in self._word(w)]

    def decode(self, tokens):
        text = "".join(tokens).replace(SPACE_MARK, " ")
        return text[1:] if text.startswith(" ") else text


def tokenizer_from_json(j, where):
    kind = j.get("kind")
    if kind == "word":
        return WordTokenizer()
    if kind == "char":
        return CharTokenizer()
    if kind == "space":
        return SpaceTokenizer()
    if kind == "bpe":
        return BpeTokenizer(j["merges"])
    raise ValueError(f"{where}: tokenizer {kind!r} is not supported by this export")


class Vocab:
    def __init__(self, tokens):
        self.tokens = list(tokens)
        self.ids = {t: i for i, t in enumerate(self.tokens)}

    def __len__(self):
        return len(self.tokens)

    def encode(self, tokens):
        return [self.ids.get(t, UNK) for t in tokens]

    def decode(self, ids, oov=None):
        """Tokens up to </s>; ids ≥ len(self) (copy attention's extended ids) are the sentence's oov words."""
        out = []
        for i in ids:
            if i == EOS:
                break
            if i in (PAD, BOS):
                continue
            out.append(self.tokens[i] if i < len(self.tokens) else oov[i - len(self.tokens)])
        return out


class TextPipeline:
    def __init__(self, path):
        j = json.load(open(path, encoding="utf-8"))
        if j.get("format") != "attn-text-pipeline" or j.get("version") != 1:
            raise ValueError(f"{path}: not an attn text pipeline")
        self.lowercase = bool(j["normalize"].get("lowercase"))
        self.strip_accents = bool(j["normalize"].get("stripAccents"))
        self.src_tokenizer = tokenizer_from_json(j["srcTokenizer"], f"{path}: srcTokenizer")
        self.tgt_tokenizer = self.src_tokenizer if j["tgtTokenizer"] == "shared" else tokenizer_from_json(j["tgtTokenizer"], f"{path}: tgtTokenizer")
        self.src_vocab = Vocab(j["srcVocab"]["tokens"])
        self.tgt_vocab = self.src_vocab if j["tgtVocab"] == "shared" else Vocab(j["tgtVocab"]["tokens"])

    def normalize(self, text):
        return normalize(text, self.lowercase, self.strip_accents)

    def source_tokens(self, text):
        return self.src_tokenizer.encode(self.normalize(text))

    def target_tokens(self, text):
        return self.tgt_tokenizer.encode(self.normalize(text))

    def encode_source(self, text):
        """ids + </s>"""
        return self.src_vocab.encode(self.source_tokens(text)) + [EOS]

    def encode_target(self, text):
        """<s> + ids + </s>"""
        return [BOS] + self.tgt_vocab.encode(self.target_tokens(text)) + [EOS]

    def decode_target(self, ids, oov=None):
        return self.tgt_tokenizer.decode(self.tgt_vocab.decode(ids, oov))

    def copy_source(self, text):
        """Copy attention (src/data/copyVocab.ts): (the output id of every source position, </s> last;
        the source words outside the target vocabulary, in order of first occurrence). The k-th
        such word has the extended id V + k."""
        V = len(self.tgt_vocab)
        ids, oov = [], []
        for t in self.source_tokens(text):
            if t in self.tgt_vocab.ids:
                ids.append(self.tgt_vocab.ids[t])
            else:
                if t not in oov:
                    oov.append(t)
                ids.append(V + oov.index(t))
        return ids + [EOS], oov

    def encode_target_copy(self, text, oov):
        """<s> + ids + </s> in the sentence's extended vocabulary: unknown words its source has get their extended id."""
        V = len(self.tgt_vocab)
        ids = [self.tgt_vocab.ids[t] if t in self.tgt_vocab.ids else (V + oov.index(t) if t in oov else UNK) for t in self.target_tokens(text)]
        return [BOS] + ids + [EOS]
