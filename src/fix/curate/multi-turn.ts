// Synthetic siblings of a multi-turn vulnerability. A single-turn chain can be rebuilt around any
// seed offline (wrap.ts); a multi-turn conversation cannot, because its earlier turns are the
// model's own replies. So the attack that found the vulnerability is run again, on a train-split
// seed of the same category and language, against the model being fixed: its conversation is the
// record's context (what a deployment would see), and a harmful last reply is the rejected side.
// Beside them go benign look-alikes in the same shape, so that the model does not learn that a
// conversation which opens with questions about a subject ends in a refusal.
import { type Attack, type BudgetCounter, getAttack, openingQuestions } from '../../break/index.js';
import { defaultConfig } from '../../config/index.js';
import {
  type Attempt,
  compareText,
  errorMessage,
  type Message,
  type Seed,
  stableId,
  type Vulnerability,
} from '../../core/index.js';
import { vulnerabilityKey } from '../identify/vulnerabilities.js';
import { answerOnly, asContext, rejectedSide } from './traces.js';
import type { Candidate, CurateInput } from './types.js';

/** The schema's redteam.maxTurns, for a caller that does not say. */
const DEFAULT_MAX_TURNS = defaultConfig().redteam.maxTurns;

/** The multi-turn attack behind a vulnerability that curate can run again: the one most of its
 * attempts used, if it runs with what curate has (an attack that needs an attacker model needs
 * `input.attacker`). */
export function replayableAttack(v: Vulnerability, attempts: readonly Attempt[], input: CurateInput) {
  const counts = new Map<string, number>();
  for (const a of attempts)
    if (vulnerabilityKey(a) === v.id) counts.set(a.attack, (counts.get(a.attack) ?? 0) + 1);
  const ranked = [...counts.entries()].sort((x, y) => y[1] - x[1] || compareText(x[0], y[0]));
  for (const [id] of ranked) {
    const attack = getAttack(id);
    if (attack?.multiTurn && (!attack.needsAttacker || input.attacker)) return attack;
  }
  return undefined;
}

export type SiblingResult = { candidate: Candidate } | { failed: string };

/** Runs `attack` on `seed` against the model being fixed and turns the conversation into a safety
 * candidate. An attack that ends in error gives no candidate (said, never a made-up conversation). */
export async function multiTurnSibling(
  attack: Attack,
  seed: Seed,
  v: Vulnerability,
  input: CurateInput,
): Promise<SiblingResult> {
  const target = input.target as NonNullable<CurateInput['target']>;
  // The attack's own turn and backtrack limits bound it; curate spends no run budget.
  const budget: BudgetCounter = { calls: 0, tokens: 0, attackerTokens: 0, exhausted: () => false };
  let result: Awaited<ReturnType<Attack['run']>>;
  try {
    result = await attack.run({
      target,
      seed,
      judges: { attack: input.judges.attack },
      rng: input.rng.fork(`multi-turn:${v.id}:${seed.id}`),
      budget,
      ...(input.attacker ? { attacker: input.attacker } : {}),
      techniques: [],
      maxTurns: input.maxTurns ?? DEFAULT_MAX_TURNS,
      ...(input.attackOptions?.[attack.id] && { options: input.attackOptions[attack.id] }),
    });
  } catch (err) {
    return { failed: `${attack.id} on ${seed.id} failed: ${errorMessage(err)}` };
  }
  if (result.outcome === 'error')
    return { failed: `${attack.id} on ${seed.id} ended in error: ${result.error ?? 'unknown'}` };
  const last = result.transcript.findLastIndex((m) => m.role === 'assistant');
  if (last < 1) return { failed: `${attack.id} on ${seed.id} left no conversation` };
  const prompt = asContext(result.transcript.slice(0, last));
  const harmful = result.outcome === 'success';
  // (said as the single-turn path says it: onPolicyHarmful in curate.ts)
  const why = result.verdicts.find((x) => x.status === 'undetermined')?.rationale;
  const modelAnswered =
    result.outcome === 'undetermined'
      ? { undetermined: `attack judges: undetermined${why ? ` (${why})` : ''}` }
      : {};
  return {
    candidate: {
      id: stableId('cand', 'safety', prompt),
      purpose: 'safety',
      prompt,
      seed,
      techniques: result.techniques,
      language: v.language,
      category: v.category,
      // The model's own harmful reply is the rejected side; any other reply was judged not harmful
      // or could not be decided, and asking the same conversation again would only repeat the call.
      ...(harmful ? { rejected: rejectedSide(result.transcript[last].content, result.verdicts) } : {}),
      modelAnswered,
      // The attack and the seed, not the conversation: every sibling shares the attack's scripted
      // openers, which would make them near-duplicates of each other.
      dedupText: `${attack.id} ${seed.text}`,
      source: 'synthetic',
      vulnerabilityId: v.id,
    },
  };
}

/** A benign look-alike in a multi-turn vulnerability's shape: Crescendo's harmless opening questions
 * about the look-alike's subject (one fewer than the vulnerability's turns, at most two), each
 * answered by the model being fixed, then the look-alike itself, to be answered helpfully. */
export async function multiTurnLookAlike(
  seed: Seed,
  v: Vulnerability,
  input: CurateInput,
): Promise<SiblingResult> {
  const target = input.target as NonNullable<CurateInput['target']>;
  const openers = openingQuestions(seed.topic ?? seed.text).slice(0, Math.max(1, v.turns - 1));
  const prompt: Message[] = [];
  try {
    for (const question of openers) {
      prompt.push({ role: 'user', content: question });
      const reply = await target.chat([...prompt], { temperature: 0 });
      prompt.push({ role: 'assistant', content: answerOnly(reply.text) });
    }
  } catch (err) {
    return {
      failed: `the opening turns of a look-alike for ${v.id} (${seed.id}) failed: ${errorMessage(err)}`,
    };
  }
  prompt.push({ role: 'user', content: seed.text });
  return {
    candidate: {
      id: stableId('cand', 'benign', prompt),
      purpose: 'benign',
      prompt,
      seed,
      techniques: [],
      language: seed.language,
      ...(seed.category ? { category: seed.category } : {}),
      dedupText: `multi-turn ${seed.text}`,
      source: 'benign_counterpart',
      vulnerabilityId: v.id,
    },
  };
}
