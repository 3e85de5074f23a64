// The offline groundedness heuristic: the share of the response's content tokens that do not occur
// in the grounding source, mapped to 0 (grounded) … 4 (ungrounded):
//   unsupported < 0.10 → 0, < 0.25 → 1, < 0.45 → 2, < 0.70 → 3, else 4.
// Numbers in the response that the source does not contain count double (invented figures are the
// most damaging ungrounded content). No source → undetermined.
import type { Judge, JudgeInput, Verdict } from '../core/index.js';
import { judgesTheAnswer } from './reasoning.js';
import { contentTokens } from './text.js';

export const UNGROUNDED_CUTS = [0.1, 0.25, 0.45, 0.7];

export function ungroundedScore(
  response: string,
  source: string,
): { score: number; unsupported: number; missing: string[] } {
  const src = new Set<string>();
  for (const t of contentTokens(source)) {
    src.add(t);
    src.add(t.slice(0, 5));
  }
  const toks = contentTokens(response);
  if (toks.length === 0) return { score: 0, unsupported: 0, missing: [] };
  let bad = 0;
  let total = 0;
  const missing: string[] = [];
  for (const t of toks) {
    const weight = /^\d/.test(t) ? 2 : 1;
    total += weight;
    if (!src.has(t) && !src.has(t.slice(0, 5))) {
      bad += weight;
      if (missing.length < 12 && !missing.includes(t)) missing.push(t);
    }
  }
  const unsupported = bad / total;
  const score = UNGROUNDED_CUTS.filter((c) => unsupported >= c).length;
  return { score, unsupported, missing };
}

export function offlineGroundednessJudge(): Judge {
  const id = 'offline-groundedness@v1';
  return judgesTheAnswer({
    id,
    kind: 'groundedness',
    async judge(input: JudgeInput): Promise<Verdict> {
      if (!input.grounding)
        return {
          judge: id,
          kind: 'groundedness',
          status: 'undetermined',
          value: null,
          rationale: 'no grounding source',
          detail: { reason: 'no_source' },
        };
      if (!input.response.trim())
        return {
          judge: id,
          kind: 'groundedness',
          status: 'undetermined',
          value: null,
          rationale: 'empty response',
          detail: { reason: 'empty' },
        };
      const r = ungroundedScore(input.response, input.grounding);
      return {
        judge: id,
        kind: 'groundedness',
        status: 'ok',
        value: r.score,
        rationale: `${(r.unsupported * 100).toFixed(0)}% of content tokens unsupported by the source`,
        detail: { unsupported: Number(r.unsupported.toFixed(3)), missing: r.missing },
      };
    },
  });
}
