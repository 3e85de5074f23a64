// The contract every attack implements: given one seed and a target, produce a conversation,
// judge it, and say what happened. Budgets are shared across a run; attacks check them between
// target calls so a run stops promptly.
import type { Judge, Message, Outcome, PromptCuts, Rng, Seed, Target, Verdict } from '../../core/index.js';

/** Budget counters shared by every attempt of a run. */
export interface BudgetCounter {
  /** Target calls made so far (all attempts). */
  calls: number;
  /** Target tokens (prompt + completion) used so far by the round, its earlier processes' included. */
  tokens: number;
  /** Attacker-model tokens (prompt + completion) used so far likewise: proposals, questions, translations. */
  attackerTokens: number;
  /** True once the tokens, attacker tokens or wall-time budget is spent; attacks stop before the next
   * target or attacker call that the response cache cannot answer (freeCalls). */
  exhausted(): boolean;
  /** Once exhausted, whether calls the response cache answers are still made: a tokens budget counts
   * what was sent, and a cached reply sends nothing (so a round resumed after its budget was spent
   * completes, free, the attempts its killed process had answered but not yet stored); past the
   * seconds budget's deadline nothing is. Absent: none is. */
  freeCalls?(): boolean;
  /** Why the budget ran out ('tokens' | 'attackerTokens' | 'seconds'), once it has. */
  reason?: string;
}

/** Thrown when the run's budget is spent; attacks stop and report what they have. (Here rather than
 * in session.ts: the attacker's request wrapper, attacker.ts, lets it through unchanged.) */
export class BudgetSpent extends Error {
  constructor() {
    super('budget spent');
    this.name = 'BudgetSpent';
  }
}

export interface AttackJudges {
  /** Judges whose verdicts decide the outcome (decideOutcome). */
  attack: Judge[];
  /** 1–10 jailbreak rater for PAIR/TAP/Crescendo; absent = derived from the attack verdicts. */
  score?: Judge;
}

export interface AttackContext {
  target: Target;
  seed: Seed;
  judges: AttackJudges;
  rng: Rng;
  budget: BudgetCounter;
  /** The attacker LLM (PAIR, TAP, simulated, Crescendo-with-attacker, LLM translation). */
  attacker?: Target;
  /** Converter/template ids this attempt uses (chain attacks); others read it as a hint. */
  techniques: string[];
  /** Most user turns in a multi-turn attack. */
  maxTurns: number;
  /** Attack-specific knobs (streams, iterations, branching …). */
  options?: Record<string, unknown>;
}

export interface AttackResult {
  /** The conversation that decided the outcome (the successful one, else the last; PAIR and TAP:
   * Session.decideBy). */
  transcript: Message[];
  verdicts: Verdict[];
  outcome: Outcome;
  severity?: number;
  /** Converter and template ids actually applied, in order. */
  techniques: string[];
  /** Target calls made, including backtracked turns (a pruned TAP child is never sent: no call). */
  calls: number;
  /** Target tokens used. */
  tokens: number;
  /** User turns in the deciding transcript. */
  turns: number;
  error?: string;
  /** The target calls whose prompt it read cut short (stored with the attempt). */
  truncated?: PromptCuts;
  /** Attack bookkeeping (backtracks, pruned branches, attacker errors, scores …). */
  detail?: Record<string, unknown>;
  /** True when the budget ran out before the attack finished (and it had not succeeded): not
   * stored, redone whole on resume. */
  incomplete?: boolean;
}

export interface Attack {
  id: string;
  description: string;
  /** Needs an attacker LLM (unavailable offline). */
  needsAttacker?: boolean;
  /** Multi-turn by nature. */
  multiTurn?: boolean;
  run(ctx: AttackContext): Promise<AttackResult>;
}
