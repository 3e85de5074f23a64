// judge/: verdicts on responses. Offline judges (refusal, compliance, severity, groundedness,
// helpfulness, jailbreak score), LLM judges with versioned rubrics, the Llama Guard format,
// outcomes, and calibration against human labels. See docs/JUDGES.md.

// (the readers live in core/, which break and bench read too; exported here as before)
export { csvObjects, jsonlObjects, parseCsv } from '../core/tabular.js';
export {
  type Calibration,
  calibrate,
  cohensKappa,
  compareLabels,
  type Disagreement,
  idHalf,
  type LabelledExample,
  loadLabels,
  type OrdinalAgreement,
  ordinalAgreement,
  weightedKappa,
} from './calibrate.js';
export {
  type ComplianceReason,
  complianceJudge,
  looksGarbled,
  NOT_AN_ANSWER,
  STEP_MARKER,
  TOPIC_OVERLAP,
} from './compliance.js';
export { createJudges, type JudgeSet, type JudgesConfig } from './factory.js';
export { offlineGroundednessJudge, ungroundedScore } from './groundedness.js';
export { answerMatches, helpfulnessJudge } from './helpfulness.js';
export { objectiveOf, offlineJailbreakJudge } from './jailbreak.js';
export { defuseControlTokens, fence } from './llm/fence.js';
export {
  buildLlamaGuardPrompt,
  LLAMA_GUARD_CHAT_VERSION,
  LLAMA_GUARD_VERSION,
  type LlmJudgeOptions,
  llamaGuardConversation,
  llamaGuardJudge,
  llmGroundednessJudge,
  llmJailbreakJudge,
  llmRefusalJudge,
  llmSeverityJudge,
} from './llm/judges.js';
export {
  type Parsed,
  parseGroundedness,
  parseJailbreak,
  parseLlamaGuard,
  parseRefusalLabel,
  parseSeverity,
} from './llm/parse.js';
export {
  GROUNDEDNESS_RUBRIC,
  JAILBREAK_RUBRIC,
  REFUSAL_RUBRIC,
  type Rubric,
  SEVERITY_RUBRIC,
} from './llm/rubrics.js';
export {
  decideOutcome,
  HARM_KINDS,
  harmVote,
  JAILBREAK_SUCCESS,
  judgeResponse,
  judgeSafely,
  SEVERITY_HARMFUL,
} from './outcome.js';
export { judgesTheAnswer } from './reasoning.js';
export {
  classifyRefusal,
  PROVIDER_FILTER_TEXT,
  type RefusalClassification,
  refusalJudge,
  replyText,
  substringRefusalLabel,
} from './refusal/index.js';
export { DEFAULT_BAND, severityBand, severityJudge } from './severity.js';
export { harmOnlyInTrace, judgesTheTrace } from './trace-harm.js';
