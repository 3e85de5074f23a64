// The offline groundedness heuristic: the share of the response's content tokens that do not occur
// in the grounding source, mapped to 0 (grounded) … 4 (ungrounded):
//   unsupported < 0.10 → 0, < 0.25 → 1, < 0.45 → 2, < 0.70 → 3, else 4.
// Numbers in the response that the source does not contain count double (invented figures are the
// most damaging ungrounded content). Words the source lacks that carry no claim count neither way:
// the request's own words (restating the question: "The oldest object mentioned is …") and a reply's
// framing ("Sure! Based on the document, the answer is …"), in en/fr/es; a number never does, as a
// figure the question holds is no evidence. No source → undetermined.
import type { Judge, JudgeInput, Verdict } from '../core/index.js';
import { judgesTheAnswer } from './reasoning.js';
import { PROVIDER_FILTER_TEXT } from './refusal/index.js';
import { contentTokens } from './text.js';

export const UNGROUNDED_CUTS = [0.1, 0.25, 0.45, 0.7];

// How a reply frames its answer (accents stripped, as contentTokens gives them), matched whole:
// a prefix would take "provided" for "province".
const FRAMING = new Set(
  (
    'sure certainly course okay ok yes here based according document text passage source article notice answer ' +
    'summary summarise summarize summarised summarized says say states stated state mentioned mentions mention ' +
    'question provided given following information brief briefly short overall sentence sentences above below ' +
    'describes explains notes note reports indicates shows tells up also just only each both ' +
    'bien voici selon apres texte reponse resume resumer resumant indique mentionne dit phrase phrases bref ' +
    'informations information ci dessous dessus oui donc ' +
    'claro aqui segun documento texto respuesta resumen resumir indica menciona dice pregunta informacion breve ' +
    'frase frases continuacion si'
  ).split(' '),
);

function withPrefixes(tokens: Iterable<string>): Set<string> {
  const out = new Set<string>();
  for (const t of tokens) {
    out.add(t);
    out.add(t.slice(0, 5));
  }
  return out;
}

export function ungroundedScore(
  response: string,
  source: string,
  request = '',
): { score: number; unsupported: number; missing: string[] } {
  const src = withPrefixes(contentTokens(source));
  const asked = withPrefixes(contentTokens(request));
  const has = (set: Set<string>, t: string) => set.has(t) || set.has(t.slice(0, 5));
  const toks = contentTokens(response).filter(
    (t) => has(src, t) || /^\d/.test(t) || !(FRAMING.has(t) || has(asked, t)),
  );
  if (toks.length === 0) return { score: 0, unsupported: 0, missing: [] };
  let bad = 0;
  let total = 0;
  const missing: string[] = [];
  for (const t of toks) {
    const weight = /^\d/.test(t) ? 2 : 1;
    total += weight;
    if (!has(src, t)) {
      bad += weight;
      if (missing.length < 12 && !missing.includes(t)) missing.push(t);
    }
  }
  const unsupported = bad / total;
  const score = UNGROUNDED_CUTS.filter((c) => unsupported >= c).length;
  return { score, unsupported, missing };
}

/** A reply the provider's content filter blocked (a target records it as the filter's placeholder)
 * states nothing, so nothing in it is grounded or not: undetermined, for every groundedness judge.
 * Read as an answer, the placeholder shares no word with the document and scored 4. */
export function filteredReply(id: string, input: JudgeInput): Verdict | undefined {
  if (input.response.trim() !== PROVIDER_FILTER_TEXT) return undefined;
  return {
    judge: id,
    kind: 'groundedness',
    status: 'undetermined',
    value: null,
    rationale: "the provider's content filter blocked the reply: no answer to score",
    detail: { reason: 'filtered' },
  };
}

export function offlineGroundednessJudge(): Judge {
  const id = 'offline-groundedness@v2';
  return judgesTheAnswer({
    id,
    kind: 'groundedness',
    async judge(input: JudgeInput): Promise<Verdict> {
      const filtered = filteredReply(id, input);
      if (filtered) return filtered;
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
      const r = ungroundedScore(input.response, input.grounding, input.prompt);
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
