#!/usr/bin/env python3
"""Reference scores from sacreBLEU for test/eval/sacrebleu.test.ts (run by hand).

    python3 -m venv /tmp/sb && /tmp/sb/bin/pip install sacrebleu==2.6.0
    /tmp/sb/bin/python tools/sacrebleu-fixtures.py      # writes test/fixtures/sacrebleu/cases.json

Every case calls sacreBLEU's own API (BLEU, CHRF, sentence_bleu); attn's src/eval must give the
same numbers. References are given as sacreBLEU takes them: a list of reference *streams*,
references[k][i] being the k-th reference of sentence i (None = no k-th reference for it).
"""
import json
import os
import random

import sacrebleu
from sacrebleu.metrics import BLEU, CHRF
from sacrebleu.tokenizers.tokenizer_13a import Tokenizer13a

OUT = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "sacrebleu", "cases.json")

# The example of sacreBLEU's README (two reference streams).
README_SYS = ["The dog bit the man.", "It wasn't surprising.", "The man had just bitten him."]
README_REFS = [
    ["The dog bit the man.", "It was not unexpected.", "The man bit him first."],
    ["The dog had bit the man.", "No one was surprised.", "The man had bitten the dog."],
]


def bleu_case(name, hyps, refs, sentence=False, **opts):
    if sentence:
        # What sacrebleu.sentence_bleu does: effective order on unless the case says otherwise.
        opts = {"effective_order": True} | opts
        metric = BLEU(**opts)
        score = metric.sentence_score(hyps[0], [r[0] for r in refs])
    else:
        metric = BLEU(**opts)
        score = metric.corpus_score(hyps, refs)
    return {
        "name": name,
        "metric": "bleu",
        "level": "sentence" if sentence else "corpus",
        "options": opts,
        "hypotheses": hyps,
        "references": refs,
        "expected": {
            "score": score.score,
            "counts": list(score.counts),
            "totals": list(score.totals),
            "precisions": list(score.precisions),
            "bp": score.bp,
            "sys_len": score.sys_len,
            "ref_len": score.ref_len,
            "signature": str(metric.get_signature()),
        },
    }


def chrf_case(name, hyps, refs, sentence=False, **opts):
    metric = CHRF(**opts)
    score = metric.sentence_score(hyps[0], [r[0] for r in refs]) if sentence else metric.corpus_score(hyps, refs)
    return {
        "name": name,
        "metric": "chrf",
        "level": "sentence" if sentence else "corpus",
        "options": opts,
        "hypotheses": hyps,
        "references": refs,
        "expected": {"score": score.score, "name": score.name, "signature": str(metric.get_signature())},
    }


def random_corpus(seed, n):
    """A deterministic corpus of noisy near-copies, long enough for every n-gram order."""
    rng = random.Random(seed)
    words = "the a dog cat man bit saw had has been old new , . ! ? 's don't 3.5 1,000 U.S. e-mail (x) \"q\"".split()
    hyps, refs = [], []
    for _ in range(n):
        ref = [rng.choice(words) for _ in range(rng.randint(1, 14))]
        hyp = [w if rng.random() < 0.7 else rng.choice(words) for w in ref]
        if rng.random() < 0.2:
            hyp = hyp[: rng.randint(0, len(hyp))]
        if rng.random() < 0.2:
            hyp += [rng.choice(words) for _ in range(rng.randint(1, 4))]
        hyps.append(" ".join(hyp))
        refs.append(" ".join(ref))
    return hyps, [refs]


def cases():
    c = []
    c.append(bleu_case("readme: corpus BLEU, both reference streams (48.53)", README_SYS, README_REFS))
    c.append(bleu_case("readme: corpus BLEU, first reference stream only", README_SYS, README_REFS[:1]))
    c.append(chrf_case("readme: chrF, both reference streams", README_SYS, README_REFS))
    c.append(chrf_case("readme: chrF++, both reference streams", README_SYS, README_REFS, word_order=2))
    c.append(chrf_case("readme: chrF, first reference stream only", README_SYS, README_REFS[:1]))

    c.append(bleu_case("one empty hypothesis among others", ["", "the cat sat on the mat", "a b c d e"], [["x y", "the cat sat on a mat", "a b c d e f"]]))
    c.append(bleu_case("all hypotheses empty", ["", ""], [["the cat", "a dog barked"]]))
    c.append(chrf_case("chrF: all hypotheses empty", ["", ""], [["the cat", "a dog barked"]]))
    c.append(chrf_case("chrF: one empty hypothesis among others", ["", "the cat sat on the mat"], [["x y", "the cat sat on a mat"]]))
    c.append(bleu_case("empty reference", ["some words here"], [[""]]))
    c.append(bleu_case("no matching n-gram at all", ["alpha beta gamma delta epsilon"], [["one two three four five six"]]))
    c.append(chrf_case("chrF: no matching character", ["xyz qqq"], [["abc def"]]))
    c.append(bleu_case("unigram matches only (exp smoothing for orders 2-4)", ["d c b a e"], [["a b c d f"]]))

    c.append(bleu_case("apostrophes stay inside words", ["It's John's car, isn't it?", "don't 'quote' me"], [["It is John's car, isn't it?", "Don't 'quote' me"]]))
    c.append(bleu_case(
        "numbers with separators, decimals and dashes",
        ["It costs $1,000,000.50 (about 3.14 units), not 1-2.", "On 2026-11-23 at 10:30, 5,5 and .5 and 5. ok"],
        [["It costs $1,000,000.50 (about 3.14 units) not 1 - 2.", "On 2026-11-23 at 10:30 , 5,5 and 0.5 and 5. ok"]],
    ))
    c.append(bleu_case(
        "hyphens: words, numbers, minus signs, line-break hyphen",
        ["a well-known 5-year-old e-mail from -5 to 1--2 a - b", "self-evident and co-\noperate"],
        [["a well known 5 year old e-mail from - 5 to 1 - - 2 a-b", "self evident and cooperate"]],
    ))
    c.append(bleu_case(
        "periods and commas: abbreviations, digits on either side",
        ["U.S.A. etc., 3.5. a.b 1.a .5 ,5 5, x,y", "Mr. Smith paid 1.000,00 EUR."],
        [["U.S.A. etc. , 3.5 . a.b 1 . a .5 , 5 5 , x , y", "Mr Smith paid 1.000,00 EUR ."]],
    ))
    c.append(bleu_case(
        "HTML entities (&quot; &amp; &lt; &gt; decoded, others kept)",
        ["&quot;Hi&quot; &amp; &lt;b&gt;bold&lt;/b&gt; &amp;lt; &#39;x&#39; &nbsp; AT&T", "Tom &amp; Jerry"],
        [['"Hi" & <b>bold</b> &lt; \'x\' &nbsp; AT&T', "Tom & Jerry"]],
    ))
    c.append(bleu_case("<skipped> is removed", ["<skipped>", "the <skipped> cat sat on the <skipped>mat"], [["nothing here", "the cat sat on the mat"]]))
    c.append(bleu_case(
        "unicode punctuation (not split by 13a)",
        ["«Bonjour», dit-il… — “c’est ça” ¿qué? ¡sí!", "Straße · naïve café"],
        [["« Bonjour » , dit-il ... - \"c'est ça\" ¿ qué ? ¡ sí !", "Straße · naive cafe"]],
    ))
    c.append(bleu_case("CJK without spaces (13a keeps each run as one token)", ["我喜欢猫。", "今日は いい 天気 です 。 明日 も"], [["我喜欢狗。", "今日は いい 天気 です。 明日 も"]]))
    c.append(chrf_case("chrF: CJK", ["我喜欢猫。", "今日はいい天気です。"], [["我喜欢狗。", "今日は いい 天気です。"]]))
    c.append(bleu_case("very short sentences (no 3- and 4-grams)", ["a", "Hi .", "ok"], [["a", "Hi.", "no"]]))
    c.append(bleu_case("very short sentences, effective order", ["a", "Hi .", "ok"], [["a", "Hi.", "no"]], effective_order=True))
    c.append(bleu_case(
        "multiple references with a missing one (nrefs:var)",
        ["the cat is on the mat", "there is a cat here", "hello world"],
        [["the cat sat on the mat", "a cat is here", "hello there world"], ["there is a cat on the mat", None, "hello world !"]],
    ))
    c.append(bleu_case(
        "three references: closest reference length, ties to the shorter",
        ["a b c d e f", "p q r s"],
        [["a b c d e f g h", "p q r"], ["a b c d", "p q r s t"], ["a b c d e f g", "x y z w v u"]],
    ))
    c.append(chrf_case(
        "chrF: multiple references, best sentence F picked",
        ["the cat is on the mat", "there is a cat here"],
        [["the cat sat on the mat", "a cat is here"], ["there is a cat on the mat", "there is a cat here !"]],
    ))
    c.append(bleu_case("sentence BLEU (effective order)", ["The cat sat on the mat."], [["The cat is sitting on the mat."]], sentence=True))
    c.append(bleu_case("sentence BLEU, two words", ["hello world"], [["hello there world"]], sentence=True))
    c.append(bleu_case("sentence BLEU, nothing matches", ["foo bar"], [["baz qux"]], sentence=True))
    c.append(bleu_case("sentence BLEU, two references", ["It wasn't surprising."], [["It was not unexpected."], ["No one was surprised."]], sentence=True))
    c.append(chrf_case("sentence chrF", ["The cat sat on the mat."], [["The cat is sitting on the mat."]], sentence=True))
    c.append(chrf_case("sentence chrF++", ["The cat sat on the mat."], [["The cat is sitting on the mat."]], sentence=True, word_order=2))
    c.append(chrf_case(
        "chrF++: punctuation split from word edges",
        ["(hi) hello, world! 'quoted' - a", "x, y"],
        [["( hi ) hello , world ! quoted - a", "x , y"]],
        word_order=2,
    ))
    c.append(chrf_case(
        "chrF: unicode whitespace removed (Python str.split)",
        ["a\u3000b\u00a0c\td\u2009e\x1cf\x85g", "zero\u200bwidth\ufeffkept"],
        [["abcdefg", "zerowidthkept"]],
    ))
    c.append(chrf_case("chrF: astral characters count as one", ["👍🏽 great 𝒜𝒷𝒸", "🙂"], [["👍 great 𝒜𝒷", "🙂🙂"]]))
    c.append(chrf_case("chrF: very short sentences (orders without n-grams)", ["a", "ab", "abc"], [["a", "abc", "x"]]))
    c.append(bleu_case("whitespace: tabs, newlines, carriage returns, trailing spaces", ["the\tcat\r\nsat on\u3000the mat  \u3000", " leading and trailing spaces \n"], [["the cat sat on the mat", "leading and trailing spaces"]]))
    hyps, refs = random_corpus(12, 60)
    c.append(bleu_case("random noisy corpus of 60 sentences", hyps, refs))
    c.append(bleu_case("random noisy corpus, smooth none", hyps, refs, smooth_method="none"))
    c.append(bleu_case("random noisy corpus, smooth floor", hyps, refs, smooth_method="floor"))
    c.append(bleu_case("random noisy corpus, smooth add-k", hyps, refs, smooth_method="add-k"))
    c.append(bleu_case("random noisy corpus, tokenize none", hyps, refs, tokenize="none"))
    c.append(chrf_case("chrF: random noisy corpus", hyps, refs))
    c.append(chrf_case("chrF++: random noisy corpus", hyps, refs, word_order=2))
    return c


def tokenizer_cases():
    tok = Tokenizer13a()
    lines = [
        "Hello, world!",
        "It's 3.5 o'clock; don't panic.",
        "$1,000,000.50 (approx.)",
        "2026-11-23 and -5 and 5-year-old",
        "&quot;a&quot; &amp;amp; &lt;&gt; &amp;lt;",
        "x<skipped>y",
        "line-\nbreak and new\nline",
        "a{b}c[d]e^f_g`h|i~j\\k/l@m=n",
        "«ok» — “yes” … ¿no?",
        "U.S.A.",
        "1.a.2,b,3",
        "  many   spaces\there  ",
        "👍.x",
        "",
    ]
    return [{"input": s, "output": tok(s)} for s in lines]


def main():
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    data = {
        "generator": "tools/sacrebleu-fixtures.py",
        "sacrebleu": sacrebleu.__version__,
        "tokenizer13a": tokenizer_cases(),
        "cases": cases(),
    }
    with open(OUT, "w", encoding="utf-8") as f:
        json.dump(data, f, indent=1, ensure_ascii=True)
        f.write("\n")
    print(f"wrote {len(data['cases'])} cases and {len(data['tokenizer13a'])} tokenizer lines to {os.path.normpath(OUT)}")


if __name__ == "__main__":
    main()
