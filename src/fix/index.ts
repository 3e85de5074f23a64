// fix/: identify (vulnerabilities), curate (SFT / preference data), exports, trainer backends.

export { curate, curateSettings, curateStats, shortfallLines, splitOf } from './curate/curate.js';
export { buildContaminationIndex, type ContaminationIndex, decontamTokens } from './curate/decontam.js';
export {
  CATEGORY_GUIDE,
  helpfulReply,
  STYLE_RULES,
  safeAnswer,
  TEACHER_HELPFUL_PROMPT,
  teacherSafetyPrompt,
} from './curate/style-guide.js';
export type {
  Candidate,
  CurateConfig,
  CurateInput,
  CurateResult,
  CurateStats,
  Dropped,
  DropReason,
} from './curate/types.js';
export { type WrapResult, wrapRequest } from './curate/wrap.js';
export {
  EXPORT_FORMATS,
  type ExportFormat,
  exportRecords,
  roundExportDir,
  type StagedExport,
  stageExport,
  toAxolotl,
  toOpenAI,
  toTrl,
} from './export/formats.js';
export {
  clusterNearDuplicates,
  createMinHasher,
  estimateJaccard,
  jaccard,
  type MinHasher,
  shingles,
  tokens,
} from './identify/minhash.js';
export {
  type IdentifyInput,
  type IdentifyTally,
  identifyVulnerabilities,
  openVulnerabilities,
  rankVulnerabilities,
  tallyByVulnerability,
  tallyOutcomes,
  userText,
  vulnerabilityKey,
} from './identify/vulnerabilities.js';
export {
  curatedBefore,
  fixDataThrough,
  heldOutTexts,
  requireAttacked,
  resolveRound,
  resolveRun,
  roundAttempts,
  vulnerabilitiesOf,
} from './select.js';
export { createCommandTrainer } from './train/command.js';
export { createTrainer, TRAINER_BACKENDS } from './train/create.js';
export { createEmbeddedTrainer, embeddedPath, embeddedSftExamples } from './train/embedded.js';
export { trainParams, trainSeed } from './train/params.js';
export { accelerateConfig, createTrlTrainer, parseTrainerLine, planTrl } from './train/trl.js';
export type {
  TrainConfig,
  Trainer,
  TrainerContext,
  TrainInput,
  TrainOutput,
  TrainParamsInput,
  TrainPlan,
} from './train/types.js';
