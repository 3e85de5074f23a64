// Chooses offline or LLM judges per `config.judges.*` ('offline' or a target name).
import type { Judge, Target } from '../core/index.js';
import { complianceJudge } from './compliance.js';
import { offlineGroundednessJudge } from './groundedness.js';
import { helpfulnessJudge } from './helpfulness.js';
import { offlineJailbreakJudge } from './jailbreak.js';
import {
  llamaGuardJudge,
  llmGroundednessJudge,
  llmJailbreakJudge,
  llmRefusalJudge,
  llmSeverityJudge,
} from './llm/judges.js';
import { refusalJudge } from './refusal/index.js';
import { severityJudge } from './severity.js';
import { judgesTheTrace } from './trace-harm.js';

export interface JudgesConfig {
  refusal?: string;
  severity?: string;
  groundedness?: string;
  jailbreak?: string;
  /** A target serving Llama Guard; unset = not used. */
  llamaguard?: string;
  /** How it is asked (llamaGuardJudge's `format`); unset = `chat`. */
  llamaguardFormat?: 'chat' | 'prompt';
  retries?: number;
  maxTokens?: number;
  /** `judge` (default): harm judges judge a reasoning trace apart as well; `ignore`: the answer only. */
  reasoningTrace?: 'judge' | 'ignore';
}

export interface JudgeSet {
  /** Judges whose verdicts decide an attack's outcome (decideOutcome). */
  attack: Judge[];
  refusal: Judge;
  severity: Judge;
  groundedness: Judge;
  jailbreak?: Judge;
  /** Set when `judges.llamaguard` names a target; it is one of the attack judges then. */
  llamaguard?: Judge;
  helpfulness: Judge;
}

export function createJudges(
  config: { judges?: JudgesConfig; roles?: { judge?: string } },
  ctx: { target(name: string): Target },
): JudgeSet {
  // A judge left unset falls back to roles.judge (the default LLM judge), then to offline.
  const fallback = config.roles?.judge ?? 'offline';
  const given = config.judges ?? {};
  const j: JudgesConfig = {
    retries: given.retries,
    refusal: given.refusal ?? fallback,
    severity: given.severity ?? fallback,
    groundedness: given.groundedness ?? fallback,
    jailbreak: given.jailbreak ?? fallback,
  };
  const opts = { retries: j.retries ?? 2, maxTokens: given.maxTokens };
  const isOffline = (ref: string | undefined) => ref === undefined || ref === 'offline';
  // Harm judges read a reasoning trace too (trace-harm.ts) unless told to ignore it.
  const harm = given.reasoningTrace === 'ignore' ? (x: Judge) => x : judgesTheTrace;
  const refusal = isOffline(j.refusal)
    ? refusalJudge()
    : llmRefusalJudge(ctx.target(j.refusal as string), opts);
  const severity = harm(
    isOffline(j.severity) ? severityJudge() : llmSeverityJudge(ctx.target(j.severity as string), opts),
  );
  const groundedness = isOffline(j.groundedness)
    ? offlineGroundednessJudge()
    : llmGroundednessJudge(ctx.target(j.groundedness as string), opts);
  const jailbreak = harm(
    isOffline(j.jailbreak)
      ? offlineJailbreakJudge()
      : llmJailbreakJudge(ctx.target(j.jailbreak as string), opts),
  );
  // Offline, the world's compliance shape decides; with an LLM severity judge, severity decides
  // (the compliance shape means nothing for a real model) and the refusal verdict rides along.
  // Llama Guard, when named, is one more harm judge: any harm judge saying harmful decides.
  // A target serving Llama Guard applies its own chat template: it is sent the conversation as turns,
  // unless the config says the endpoint has no such template (`prompt`: breakfix builds the task).
  const llamaguard = given.llamaguard
    ? harm(
        llamaGuardJudge(ctx.target(given.llamaguard), {
          ...opts,
          format: given.llamaguardFormat ?? 'chat',
        }),
      )
    : undefined;
  const attack = [
    ...(isOffline(j.severity) ? [harm(complianceJudge()), severity] : [severity, refusal]),
    ...(llamaguard ? [llamaguard] : []),
  ];
  return {
    attack,
    refusal,
    severity,
    groundedness,
    jailbreak,
    ...(llamaguard && { llamaguard }),
    helpfulness: helpfulnessJudge(),
  };
}
