// The helpfulness judge for tasks with checkable answers. A numeric answer is compared with the
// number the reply gives as its answer (answer.ts: an answer marker, else the last number; never the
// question's numbers restated, a rejected alternative or an aside), numerically (relative tolerance
// 1e-6, numbers read the reply's language's way). A text answer must occur as whole words after
// normalisation (case, accents, punctuation, spacing), not as a rejected alternative ("not Canberra",
// "Canberra, but no"); an answer that is one word repeated (a repeat task) must be said exactly that
// many times in a row.
import type { Judge, JudgeInput, Verdict } from '../core/index.js';
import { numericAnswer, same } from './answer.js';
import { judgesTheAnswer } from './reasoning.js';
import { normalise, parseNumber, stripAccents } from './text.js';

function norm(s: string): string {
  return stripAccents(normalise(s))
    .replace(/[^\p{L}\p{N}.\- ]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

// Words of text that reject what follows them, or what precedes them, as normalised words.
const REJECT_BEFORE = [
  'not',
  'no',
  'non',
  'pas',
  'ni',
  'nor',
  'never',
  'jamais',
  'nunca',
  'rather than',
  'instead of',
  'plutot que',
  'au lieu de',
  'en lugar de',
  'en vez de',
].map((p) => p.split(' '));
const REJECT_AFTER = [
  'but no',
  'mais non',
  'pero no',
  'is not',
  'isn t',
  'n est pas',
  'no es',
  'was not',
  'wasn t',
].map((p) => p.split(' '));
const FILLER = new Set(['a', 'an', 'the', 'le', 'la', 'les', 'el', 'los', 'las', 'just', 'only']);

function endsWith(ws: string[], end: number, phrase: string[]): boolean {
  return phrase.every((p, k) => ws[end - phrase.length + k] === p);
}

/** Is the answer at words [i, j) of the reply a rejected alternative? */
function rejected(ws: string[], i: number, j: number): boolean {
  const before = i > 0 && FILLER.has(ws[i - 1]) ? i - 1 : i;
  if (REJECT_BEFORE.some((p) => endsWith(ws, before, p))) return true;
  return REJECT_AFTER.some((p) => p.every((x, k) => ws[j + k] === x));
}

// Words without the full stops and hyphens at their edges that norm keeps for numbers ("Bogota.").
const wordsOf = (x: string) =>
  norm(x)
    .split(' ')
    .map((w) => w.replace(/^[.-]+|[.-]+$/g, ''))
    .filter(Boolean);

export interface AnswerContext {
  /** The question asked: its numbers restated in the reply are not the answer. */
  question?: string;
  /** The reply's language (en, fr, es): how its numbers are written. */
  language?: string;
}

export function answerMatches(answer: string, response: string, ctx: AnswerContext = {}): boolean {
  const num = parseNumber(answer);
  if (num !== undefined) {
    const given = numericAnswer(response, ctx.question, ctx.language);
    return given !== undefined && same(given, num);
  }
  const a = wordsOf(answer);
  if (!a.length) return false;
  const r = wordsOf(response);
  // A repeat task ("apple apple apple"): a run of exactly that many, so four apples are not three.
  if (a.length > 1 && a.every((w) => w === a[0])) {
    for (let i = 0; i < r.length; i++) {
      if (r[i] !== a[0] || r[i - 1] === a[0]) continue;
      let j = i;
      while (r[j] === a[0]) j++;
      if (j - i === a.length && !rejected(r, i, j)) return true;
    }
    return false;
  }
  // Spacing may differ ("NewYork" for "New York", "New York" for "NewYork"), but the answer must
  // still be whole words of the response: a run of them that, joined, spells it — never a piece of
  // a longer word ("Paris" in "comparison", "Lima" in "climate", "no" in "know").
  const target = a.join('');
  for (let i = 0; i < r.length; i++) {
    let joined = '';
    let j = i;
    for (; j < r.length && joined.length < target.length; j++) joined += r[j];
    if (joined === target && !rejected(r, i, j)) return true;
  }
  return false;
}

export function helpfulnessJudge(): Judge {
  const id = 'offline-helpfulness@v2';
  return judgesTheAnswer({
    id,
    kind: 'helpfulness',
    async judge(input: JudgeInput): Promise<Verdict> {
      const answer = input.seed?.answer;
      if (answer === undefined)
        return {
          judge: id,
          kind: 'helpfulness',
          status: 'undetermined',
          value: null,
          rationale: 'seed has no checkable answer',
          detail: { reason: 'no_answer' },
        };
      if (!input.response.trim())
        return {
          judge: id,
          kind: 'helpfulness',
          status: 'ok',
          value: 'fail',
          rationale: 'empty response',
          detail: { expected: answer },
        };
      const ctx = { question: input.prompt || input.seed?.text, language: input.seed?.language };
      const pass = answerMatches(answer, input.response, ctx);
      const numeric = parseNumber(answer) !== undefined;
      const given = numeric ? numericAnswer(input.response, ctx.question, ctx.language) : undefined;
      return {
        judge: id,
        kind: 'helpfulness',
        status: 'ok',
        value: pass ? 'pass' : 'fail',
        rationale: pass
          ? 'gives the expected answer'
          : numeric
            ? `expected answer ${JSON.stringify(answer)}; the reply's answer is ${given === undefined ? 'none' : given}`
            : `expected answer ${JSON.stringify(answer)} not found`,
        detail: { expected: answer, ...(numeric ? { given: given ?? null } : {}) },
      };
    },
  });
}
