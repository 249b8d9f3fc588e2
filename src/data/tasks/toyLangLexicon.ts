/**
 * Lexicon of the toy-lang task: English words with their forms, and the invented target
 * language's stems. Target words are letters only, so word-level tokens are exactly the
 * space-separated words.
 */

export interface Noun {
  sg: string;
  pl: string;
  /** Target stem; the definite form adds DEFINITE_SUFFIX. */
  stem: string;
}

export interface Verb {
  /** Base form (after "do not", and with plural subjects). */
  base: string;
  /** Third person singular present. */
  s3: string;
  past: string;
  stem: string;
}

export interface Word {
  en: string;
  stem: string;
}

const noun = (sg: string, stem: string, pl = sg + "s"): Noun => ({ sg, pl, stem });

/** Animate nouns: subjects and objects. */
export const AGENTS: readonly Noun[] = [
  noun("cat", "miru"),
  noun("dog", "tako"),
  noun("bird", "pilo"),
  noun("child", "nenu", "children"),
  noun("woman", "sala", "women"),
  noun("man", "doro", "men"),
  noun("teacher", "kema"),
  noun("farmer", "buta"),
  noun("horse", "hesa"),
  noun("king", "reko"),
  noun("girl", "tina"),
  noun("boy", "bani"),
  noun("friend", "amo"),
  noun("mouse", "sumi", "mice"),
];

/** Things: objects only. */
export const THINGS: readonly Noun[] = [
  noun("apple", "mapo"),
  noun("book", "liba"),
  noun("ball", "bolu"),
  noun("letter", "pesa"),
  noun("song", "kanu"),
  noun("stone", "sito"),
  noun("boat", "nava"),
  noun("cake", "torta"),
  noun("box", "kesti", "boxes"),
  noun("flower", "flori"),
];

/** Places: objects of prepositions. */
export const PLACES: readonly Noun[] = [
  noun("garden", "gada"),
  noun("house", "kasu"),
  noun("river", "rena"),
  noun("city", "urba", "cities"),
  noun("forest", "silva"),
  noun("market", "merka"),
  noun("kitchen", "kuzi"),
  noun("mountain", "monta"),
];

export const ADJECTIVES: readonly Word[] = [
  { en: "big", stem: "gor" },
  { en: "small", stem: "piti" },
  { en: "red", stem: "roja" },
  { en: "old", stem: "vesa" },
  { en: "young", stem: "juna" },
  { en: "happy", stem: "feli" },
  { en: "green", stem: "verda" },
  { en: "tall", stem: "alta" },
  { en: "quiet", stem: "kalma" },
  { en: "angry", stem: "ira" },
  { en: "white", stem: "blanka" },
  { en: "black", stem: "nera" },
];

const verb = (base: string, past: string, stem: string, s3 = base + "s"): Verb => ({ base, s3, past, stem });

export const TRANSITIVE_VERBS: readonly Verb[] = [
  verb("see", "saw", "vidu"),
  verb("like", "liked", "ama"),
  verb("find", "found", "trova"),
  verb("carry", "carried", "porta", "carries"),
  verb("help", "helped", "ajuta"),
  verb("follow", "followed", "sega"),
  verb("watch", "watched", "mira", "watches"),
  verb("want", "wanted", "vola"),
  verb("take", "took", "prena"),
  verb("hold", "held", "teni"),
];

export const INTRANSITIVE_VERBS: readonly Verb[] = [
  verb("sleep", "slept", "dormi"),
  verb("run", "ran", "kuri"),
  verb("sing", "sang", "kanta"),
  verb("laugh", "laughed", "rida"),
  verb("wait", "waited", "spera"),
  verb("swim", "swam", "nata"),
  verb("fall", "fell", "kada"),
  verb("work", "worked", "labora"),
];

/** Prepositions become postpositions after their noun phrase. */
export const PREPOSITIONS: readonly Word[] = [
  { en: "in", stem: "ne" },
  { en: "near", stem: "pres" },
  { en: "behind", stem: "dor" },
  { en: "under", stem: "sub" },
  { en: "with", stem: "kun" },
];

/** "the cat" → one word, the noun with this suffix: "miruna". */
export const DEFINITE_SUFFIX = "na";
/** Plural particle after the noun: "cats" → "miru ta". */
export const PLURAL_PARTICLE = "ta";
/** Object marker after the object noun phrase; nothing in English corresponds to it. */
export const OBJECT_PARTICLE = "o";
/** Past-tense particle after the verb: "saw" → "vidu ka". */
export const PAST_PARTICLE = "ka";
/** Negation prefix of the verb: "does not see" → "zevidu". */
export const NEGATION_PREFIX = "ze";
