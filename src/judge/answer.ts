// What "the answer" of a chat reply is, for the helpfulness judge's numeric tasks. Pure.
//
// A reply holds many numbers: the question's own ("6 - 3 = 3"), rejected alternatives ("4 words,
// not 3"), asides ("300 (3 × 100)"). The answer is, in order:
//   1. the number an answer marker gives ("the answer is", "la réponse est", "la respuesta es",
//      "answer:", a **bold** span): the last marker that holds a number;
//   2. otherwise the reply's last number.
// Never counted: a number right after a negation or "rather than" (en/fr/es), a number inside
// parentheses (unless the reply has no other), and the question's numbers restated (one occurrence
// each, earliest first; a reply holding only fewer numbers than the question is a bare answer, so a
// "3" to "What is 6 - 3?" still counts, while "I won't work out 6 - 3" has no answer).
// Numbers: "1,200" = 1200, "12.0" = 12, "1/2" = 0.5.

export type Language = 'en' | 'fr' | 'es' | string;

interface Found {
  value: number;
  at: number;
  aside: boolean;
  rejected: boolean;
}

// A minus after a digit or letter is an operator ("6-3"), not a sign.
const START = '(?:(?<![\\p{L}\\p{N}])-)?(?<![\\p{L}\\p{N}.,])';
const DIGITS = new RegExp(`${START}\\d+(?:,\\d{3})*(?:\\.\\d+)?(?:\\/\\d+)?`, 'gu');

function parseDigits(raw: string, _lang: Language): number | undefined {
  const t = raw.replace(/,(?=\d{3}\b)/g, '');
  const frac = /^(-?\d+)\/(\d+)$/.exec(t);
  if (frac) return Number(frac[2]) === 0 ? undefined : Number(frac[1]) / Number(frac[2]);
  const v = Number(t);
  return Number.isFinite(v) ? v : undefined;
}

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
  for (const m of text.matchAll(DIGITS)) {
    const v = parseDigits(m[0], lang);
    if (v !== undefined) mark(v, m.index);
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
  for (const m of reply.matchAll(/\*\*([^*]+)\*\*|__([^_]+)__/g))
    spans.push({ at: m.index + 2, text: m[1] ?? m[2] });
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
