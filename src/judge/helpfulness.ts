// The helpfulness judge for tasks with checkable answers: passes when the seed's answer occurs in the
// response, after normalisation (case, accents, punctuation, spacing); numeric answers are compared
// numerically against every number in the response (relative tolerance 1e-6), so "12.0", "12" and
// "1,200" vs "1200" agree.
import type { Judge, JudgeInput, Verdict } from '../core/index.js';
import { judgesTheAnswer } from './reasoning.js';
import { normalise, parseNumber, stripAccents } from './text.js';

function norm(s: string): string {
  return stripAccents(normalise(s))
    .replace(/[^\p{L}\p{N}.\- ]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

export function answerMatches(answer: string, response: string): boolean {
  const num = parseNumber(answer);
  if (num !== undefined) {
    const found = response.replace(/(\d),(?=\d{3}\b)/g, '$1').match(/-?\d+(?:\.\d+)?(?:\/\d+)?/g) ?? [];
    return found.some((f) => {
      const v = parseNumber(f);
      return v !== undefined && Math.abs(v - num) <= 1e-6 * Math.max(1, Math.abs(num));
    });
  }
  // Words without the full stops and hyphens at their edges that norm keeps for numbers ("Bogota.").
  const words = (x: string) =>
    norm(x)
      .split(' ')
      .map((w) => w.replace(/^[.-]+|[.-]+$/g, ''))
      .filter(Boolean);
  const a = words(answer).join(' ');
  if (!a) return false;
  const r = words(response);
  if (` ${r.join(' ')} `.includes(` ${a} `)) return true;
  // Spacing may differ ("NewYork" for "New York", "New York" for "NewYork"), but the answer must
  // still be whole words of the response: a run of them that, joined, spells it — never a piece of
  // a longer word ("Paris" in "comparison", "Lima" in "climate", "no" in "know").
  const target = a.replace(/ /g, '');
  for (let i = 0; i < r.length; i++) {
    let joined = '';
    for (let j = i; j < r.length && joined.length < target.length; j++) joined += r[j];
    if (joined === target) return true;
  }
  return false;
}

export function helpfulnessJudge(): Judge {
  const id = 'offline-helpfulness@v1';
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
      const pass = answerMatches(answer, input.response);
      return {
        judge: id,
        kind: 'helpfulness',
        status: 'ok',
        value: pass ? 'pass' : 'fail',
        rationale: pass
          ? 'contains the expected answer'
          : `expected answer ${JSON.stringify(answer)} not found`,
        detail: { expected: answer },
      };
    },
  });
}
