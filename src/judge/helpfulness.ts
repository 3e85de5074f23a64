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
// "Canberra is not only the capital but …" praises, it does not reject.
const NOT_ONLY = new Set(['only', 'just', 'merely', 'seulement', 'que', 'solo', 'solamente']);

/** A word, and whether only spaces or an apostrophe part it from the word before (a full stop or a
 * comma between "No." and "Lima" means the "no" answers something else). */
interface Word {
  w: string;
  close: boolean;
}

function wordsOf(x: string): Word[] {
  const t = stripAccents(normalise(x));
  const out: Word[] = [];
  let last = 0;
  for (const m of t.matchAll(/[\p{L}\p{N}]+/gu)) {
    out.push({ w: m[0], close: /^[\s']*$/.test(t.slice(last, m.index)) });
    last = m.index + m[0].length;
  }
  return out;
}

/** Is the answer at words [i, j) of the reply a rejected alternative ("not Lima", "Lima, but no")? */
function rejected(ws: Word[], i: number, j: number): boolean {
  const at = i > 0 && ws[i].close && FILLER.has(ws[i - 1].w) ? i - 1 : i;
  const before = REJECT_BEFORE.some(
    (p) =>
      at >= p.length && p.every((x, k) => ws[at - p.length + k].w === x && ws[at - p.length + k + 1].close),
  );
  if (before) return true;
  return REJECT_AFTER.some(
    (p) =>
      p.every((x, k) => ws[j + k]?.w === x && (k === 0 || ws[j + k].close)) &&
      (p[0] === 'but' || p[0] === 'mais' || p[0] === 'pero' || !NOT_ONLY.has(ws[j + p.length]?.w ?? '')),
  );
}

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
  const a = wordsOf(answer).map((x) => x.w);
  if (!a.length) return false;
  const ws = wordsOf(response);
  const r = ws.map((x) => x.w);
  // A repeat task ("apple apple apple"): a run of exactly that many, so four apples are not three.
  if (a.length > 1 && a.every((w) => w === a[0])) {
    for (let i = 0; i < r.length; i++) {
      if (r[i] !== a[0] || r[i - 1] === a[0]) continue;
      let j = i;
      while (r[j] === a[0]) j++;
      if (j - i === a.length && !rejected(ws, i, j)) return true;
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
    if (joined === target && !rejected(ws, i, j)) return true;
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
