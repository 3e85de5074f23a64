// What "the answer" of a chat reply is, for the helpfulness judge's numeric tasks. Pure.
//
// A reply holds many numbers: the question's own ("6 - 3 = 3"), rejected alternatives ("4 words,
// not 3"), asides ("300 (3 × 100)"). The answer is, in order:
//   1. the number an answer marker gives ("the answer is", "la réponse est", "la respuesta es",
//      "answer:", a **bold** span that is no "Step 2:" label, LaTeX's \boxed{}): the last marker
//      that holds a number;
//   2. otherwise the reply's last number.
// Never counted: a number right after a negation or "rather than" (en/fr/es), a number inside
// parentheses (unless the reply has no other), a numbered list's item numbers, and the question's
// numbers restated (one occurrence each, earliest first; a reply holding only fewer numbers than the
// question is a bare answer, so a "3" to "What is 6 - 3?" still counts, while "I won't work out
// 6 - 3" has no answer).
// Numbers are read the reply's language's way: spaces (also U+00A0, U+202F, U+2009) group
// thousands everywhere; a "." or "," followed by exactly three digits groups thousands, except "."
// in English; otherwise either is the decimal mark. Number words zero to twenty, the tens and a
// hundred are numbers in en/fr/es ("eight", "huit", "ocho", "twenty-one", "treinta y dos"); the
// French article "un" is not.

export type Language = 'en' | 'fr' | 'es' | string;

interface Found {
  value: number;
  at: number;
  aside: boolean;
  rejected: boolean;
}

const NUMBER_WORDS: Record<string, { units: string; tens: string }> = {
  en: {
    units:
      'zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty',
    tens: '_ ten twenty thirty forty fifty sixty seventy eighty ninety hundred',
  },
  fr: {
    units:
      'zéro un deux trois quatre cinq six sept huit neuf dix onze douze treize quatorze quinze seize dix-sept dix-huit dix-neuf vingt',
    tens: '_ dix vingt trente quarante cinquante soixante soixante-dix quatre-vingts quatre-vingt-dix cent',
  },
  es: {
    units:
      'cero uno dos tres cuatro cinco seis siete ocho nueve diez once doce trece catorce quince dieciséis diecisiete dieciocho diecinueve veinte veintiuno veintidós veintitrés veinticuatro veinticinco veintiséis veintisiete veintiocho veintinueve',
    tens: '_ diez veinte treinta cuarenta cincuenta sesenta setenta ochenta noventa cien',
  },
};
const LEXICON = new Map<string, { units: Record<string, number>; tens: Record<string, number> }>();
for (const [lang, w] of Object.entries(NUMBER_WORDS)) {
  const units: Record<string, number> = {};
  const tens: Record<string, number> = {};
  w.units.split(' ').forEach((x, i) => {
    units[x] = i;
  });
  w.tens.split(' ').forEach((x, i) => {
    if (x !== '_') tens[x] = i * 10;
  });
  // "un" is the French article far more often than the number ("un mot"); "vingt et un" still reads.
  delete units.un;
  LEXICON.set(lang, { units, tens });
}
const lexicon = (lang: Language) =>
  LEXICON.get(lang) ?? (LEXICON.get('en') as NonNullable<ReturnType<typeof LEXICON.get>>);

const SPACE = '[ \\u00a0\\u202f\\u2009]';
// A minus after a digit or letter is an operator ("6-3"), not a sign.
const START = '(?:(?<![\\p{L}\\p{N}])-)?(?<![\\p{L}\\p{N}.,])';
const DIGITS = new RegExp(
  `${START}\\d{1,3}(?:${SPACE}\\d{3})+(?!\\d)|${START}\\d+(?:[.,]\\d+)*(?:\\/\\d+)?`,
  'gu',
);
const WORD = /[\p{L}]+(?:-[\p{L}]+)*/gu;

function parseDigits(raw: string, lang: Language): number | undefined {
  let t = raw.replace(/[ \u00a0\u202f\u2009]/g, '');
  const frac = /^(-?\d+)\/(\d+)$/.exec(t);
  if (frac) return Number(frac[2]) === 0 ? undefined : Number(frac[1]) / Number(frac[2]);
  const seps = t.match(/[.,]/g) ?? [];
  if (seps.length) {
    const last = Math.max(t.lastIndexOf('.'), t.lastIndexOf(','));
    const mark = t[last];
    const after = t.length - last - 1;
    const oneKind = new Set(seps).size === 1;
    const grouping = oneKind && (seps.length > 1 || (after === 3 && !(mark === '.' && lang === 'en')));
    if (grouping) t = t.replace(/[.,]/g, '');
    else {
      // The last mark is the decimal one; any other mark before it groups thousands.
      t = `${t.slice(0, last).replace(/[.,]/g, '')}.${t.slice(last + 1)}`;
    }
  }
  const v = Number(t);
  return Number.isFinite(v) ? v : undefined;
}

function wordValue(w: string, lang: Language): number | undefined {
  const { units: UNITS, tens: TENS } = lexicon(lang);
  const k = w.toLowerCase();
  if (Object.hasOwn(UNITS, k)) return UNITS[k];
  if (Object.hasOwn(TENS, k)) return TENS[k];
  // "twenty-one", "vingt-deux", "quatre-vingt-dix-sept"
  const dash = k.lastIndexOf('-');
  if (dash > 0) {
    const head = k.slice(0, dash).replace(/-et$/, '');
    const tail = k.slice(dash + 1);
    const unit = tail === 'un' ? 1 : Object.hasOwn(UNITS, tail) ? UNITS[tail] : undefined;
    if (Object.hasOwn(TENS, head) && unit !== undefined && unit > 0 && unit < 10 && TENS[head] >= 20)
      return TENS[head] + unit;
  }
  return undefined;
}

const LIST_ITEM = /(?:^|\n)[ \t]*\d{1,2}[.)]\s/g;

/** Inside parentheses at `at`? */
function parenthesised(text: string, at: number): boolean {
  const before = text.slice(0, at);
  return before.lastIndexOf('(') > before.lastIndexOf(')');
}

const NEGATED =
  /(?:\bnot|n't|\bno|\bnon|\bpas|\bni|\bnor|\brather than|\binstead of|\bplutôt que|\bau lieu de|\ben lugar de|\ben vez de|\bno es|\bno son|\bjamais|\bnever|\bnunca)(?:\s+(?:a|an|the|just|only|exactly|seulement|solo|sólo))?\s*$/i;

/** The numbers of `text` in order, with where they sit. */
export function numbersIn(text: string, lang: Language = 'en'): Found[] {
  const out: Found[] = [];
  const mark = (value: number, at: number) =>
    out.push({
      value,
      at,
      aside: parenthesised(text, at),
      rejected: NEGATED.test(text.slice(Math.max(0, at - 24), at)),
    });
  // "1." or "2)" opening a line, where two lines open so, numbers a list's items: no answer.
  const list = (text.match(LIST_ITEM) ?? []).length >= 2;
  for (const m of text.matchAll(DIGITS)) {
    const v = parseDigits(m[0], lang);
    const item =
      list && /(?:^|\n)[ \t]*$/.test(text.slice(0, m.index)) && /^\d+[.)]\s/.test(text.slice(m.index));
    if (v !== undefined && !item) mark(v, m.index);
  }
  const words = [...text.matchAll(WORD)];
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    let v = wordValue(w[0], lang);
    if (v === undefined) continue;
    // "twenty one", "treinta y dos", "vingt et un": a ten, maybe a link word, a unit below ten.
    if (v >= 20 && v % 10 === 0 && v < 100) {
      const gap = (a: RegExpExecArray | RegExpMatchArray, b?: RegExpMatchArray) =>
        b !== undefined && b.index !== undefined && text.slice((a.index ?? 0) + a[0].length, b.index) === ' ';
      const linked =
        gap(w, words[i + 1]) && /^(?:et|y|and)$/i.test(words[i + 1][0]) && gap(words[i + 1], words[i + 2]);
      const next = linked ? words[i + 2] : gap(w, words[i + 1]) ? words[i + 1] : undefined;
      const unit = next && (next[0].toLowerCase() === 'un' ? 1 : wordValue(next[0], lang));
      if (unit !== undefined && unit > 0 && unit < 10) {
        v += unit;
        i += linked ? 2 : 1;
      }
    }
    mark(v, w.index);
  }
  return out.sort((a, b) => a.at - b.at);
}

/** The reply's numbers minus the question's restated ones; see the header. */
function pick(found: Found[], question: number[]): number | undefined {
  const kept = found.filter((f) => !f.rejected);
  const main = kept.some((f) => !f.aside) ? kept.filter((f) => !f.aside) : kept;
  if (main.length === 0) return undefined;
  const rest = [...main];
  for (const q of question) {
    const i = rest.findIndex((f) => same(f.value, q));
    if (i >= 0) rest.splice(i, 1);
  }
  if (rest.length) return rest[rest.length - 1].value;
  return main.length < question.length ? main[main.length - 1].value : undefined;
}

const MARKERS =
  /\b(?:the\s+)?(?:final\s+)?answer\s*(?:is|would be|:|=)|\b(?:la\s+)?r[ée]ponse\s*(?:finale\s*)?(?:est|serait|:|=)|\b(?:la\s+)?respuesta\s*(?:final\s*)?(?:es|ser[ií]a|:|=)/giu;

/** Spans an answer marker introduces, in order: to the end of its sentence, or a bold span. */
function markedSpans(reply: string): { at: number; text: string }[] {
  const spans: { at: number; text: string }[] = [];
  for (const m of reply.matchAll(MARKERS)) {
    const from = m.index + m[0].length;
    const end = reply.slice(from).search(/[.,!?;](?!\d)|\n/);
    spans.push({ at: from, text: reply.slice(from, end < 0 ? undefined : from + end) });
  }
  // A bold span or LaTeX's \boxed{}; a bold label ("**Step 2:**", "**Paso 2**") is a heading, no answer.
  for (const m of reply.matchAll(/\*\*([^*]+)\*\*|__([^_]+)__|\\boxed\{([^{}]+)\}/g)) {
    const inner = m[1] ?? m[2] ?? m[3];
    if (/:\s*$/.test(inner) || /^\s*(?:step|[ée]tape|paso|part|partie|parte)\s+\d+\s*$/i.test(inner))
      continue;
    spans.push({ at: m.index + 2, text: inner });
  }
  return spans.sort((a, b) => a.at - b.at);
}

/** The number a reply gives as its answer to `question`, or undefined when it gives none. */
export function numericAnswer(reply: string, question = '', lang: Language = 'en'): number | undefined {
  const q = numbersIn(question, lang).map((f) => f.value);
  const spans = markedSpans(reply);
  for (let i = spans.length - 1; i >= 0; i--) {
    const v = pick(numbersIn(spans[i].text, lang), q);
    if (v !== undefined) return v;
  }
  return pick(numbersIn(reply, lang), q);
}

export function same(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(b));
}
