/**
 * toy-lang: English-like sentences from a small grammar, translated into an invented language
 * whose differences from English are the ones attention has to learn:
 *   - verb-final word order: subject [place] [object "o"] verb, from English subject verb object place;
 *   - adjectives after the noun, in mirror order ("the big red cat" → "miruna roja gor");
 *   - many-to-one: "the cat" → "miruna" (definite suffix), "does not see" → "zevidu";
 *   - one-to-many: "cats" → "miru ta" (plural particle), "saw" → "vidu ka" (past particle);
 *   - prepositions become postpositions ("in the garden" → "gadana ne");
 *   - a word with no English counterpart: the object marker "o" (unaligned).
 * The gold alignment is recorded while the two sentences are built, word by word.
 */
import type { Rng } from "../../tensor/rng.js";
import {
  ADJECTIVES, AGENTS, DEFINITE_SUFFIX, INTRANSITIVE_VERBS, NEGATION_PREFIX, OBJECT_PARTICLE, PAST_PARTICLE,
  PLACES, PLURAL_PARTICLE, PREPOSITIONS, THINGS, TRANSITIVE_VERBS, type Noun, type Verb, type Word,
} from "./toyLangLexicon.js";
import { pick, sampleDistinct, type Alignment, type SyntheticPair, type SyntheticTask } from "./task.js";

interface NounPhrase {
  definite: boolean;
  plural: boolean;
  adjectives: Word[];
  noun: Noun;
}

/** A target word and the English word indices it translates. */
interface TargetWord {
  word: string;
  from: number[];
}

/** Builds the English sentence word by word; each call returns the new words' indices. */
class English {
  readonly words: string[] = [];
  add(...words: string[]): number[] {
    return words.map((w) => this.words.push(w) - 1);
  }
}

const chance = (rng: Rng, p: number): boolean => rng.next() < p;

function sampleNounPhrase(rng: Rng, nouns: readonly Noun[]): NounPhrase {
  const adjectiveCount = pick(rng, [0, 0, 0, 1, 1, 2]);
  const adjectives: Word[] = [];
  while (adjectives.length < adjectiveCount) {
    const a = pick(rng, ADJECTIVES);
    if (!adjectives.includes(a)) adjectives.push(a);
  }
  return { definite: chance(rng, 0.6), plural: chance(rng, 0.3), adjectives, noun: pick(rng, nouns) };
}

function nounPhrase(np: NounPhrase, en: English): TargetWord[] {
  const nounWord = np.plural ? np.noun.pl : np.noun.sg;
  const next = np.adjectives[0]?.en ?? nounWord;
  const article = np.definite ? "the" : np.plural ? "some" : /^[aeiou]/.test(next) ? "an" : "a";
  const [det] = en.add(article) as [number];
  const adj = en.add(...np.adjectives.map((a) => a.en));
  const [noun] = en.add(nounWord) as [number];
  return [
    // The article is absorbed into the noun: a definite suffix, or nothing for "a"/"some".
    { word: np.noun.stem + (np.definite ? DEFINITE_SUFFIX : ""), from: [det, noun] },
    ...(np.plural ? [{ word: PLURAL_PARTICLE, from: [noun] }] : []),
    ...np.adjectives.map((a, k) => ({ word: a.stem, from: [adj[k]!] })).reverse(),
  ];
}

function verbGroup(verb: Verb, pluralSubject: boolean, past: boolean, negated: boolean, en: English): TargetWord[] {
  const stem = (negated ? NEGATION_PREFIX : "") + verb.stem;
  if (!negated) {
    const [v] = en.add(past ? verb.past : pluralSubject ? verb.base : verb.s3) as [number];
    return past ? [{ word: stem, from: [v] }, { word: PAST_PARTICLE, from: [v] }] : [{ word: stem, from: [v] }];
  }
  const aux = past ? "did" : pluralSubject ? "do" : "does";
  const [a, not, v] = en.add(aux, "not", verb.base) as [number, number, number];
  // In the past the auxiliary carries the tense, which the target marks with its particle.
  return past
    ? [{ word: stem, from: [not, v] }, { word: PAST_PARTICLE, from: [a] }]
    : [{ word: stem, from: [a, not, v] }];
}

function sampleSentence(rng: Rng): SyntheticPair {
  const en = new English();
  const subjectNp = sampleNounPhrase(rng, AGENTS);
  const subject = nounPhrase(subjectNp, en);
  const transitive = chance(rng, 0.65);
  const verb = pick(rng, transitive ? TRANSITIVE_VERBS : INTRANSITIVE_VERBS);
  const verbWords = verbGroup(verb, subjectNp.plural, chance(rng, 0.4), chance(rng, 0.25), en);
  const object = transitive ? [...nounPhrase(sampleNounPhrase(rng, [...AGENTS, ...THINGS]), en), { word: OBJECT_PARTICLE, from: [] }] : [];
  let place: TargetWord[] = [];
  if (chance(rng, 0.35)) {
    const prep = pick(rng, PREPOSITIONS);
    const [p] = en.add(prep.en) as [number];
    const np = nounPhrase(sampleNounPhrase(rng, prep.en === "with" ? AGENTS : PLACES), en);
    place = [...np, { word: prep.stem, from: [p] }];
  }
  const target = [...subject, ...place, ...object, ...verbWords];
  const alignment: Alignment = target.flatMap((t, j) => t.from.map((i): [number, number] => [i, j]));
  alignment.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  return { src: en.words.join(" "), tgt: target.map((t) => t.word).join(" "), alignment };
}

export const toyLangTask: SyntheticTask = {
  name: "toy-lang",
  description: "English-like sentences → an invented verb-final language with reordering and 1-to-n / n-to-1 words",
  tokenizer: "word",
  options: [],
  generate: (n, _options, rng) => sampleDistinct(n, () => sampleSentence(rng), "toy-lang"),
};
