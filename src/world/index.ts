// The synthetic world and the unaligned base model `breakfix-tiny-base` (docs/WORLD.md,
// docs/EMBEDDED.md).
export {
  benignAnswer,
  COMPLIANCE_STEPS,
  complianceAnswer,
  helpfulAnswer,
  refusalAnswer,
  secondPerson,
} from './answers.js';
export {
  generateWorld,
  WORLD_CONVERTERS,
  WORLD_FORM_WEIGHTS,
  WORLD_LANGUAGE_WEIGHTS,
  type World,
  type WorldForm,
  type WorldOptions,
  type WorldStats,
} from './generator.js';
export {
  checkAnswer,
  type HarmfulCounts,
  helpfulTaskType,
  type MeasureResult,
  measureModel,
  type RateCell,
  type ShapeLabel,
} from './measure.js';
export { measureDir, measureLM } from './measure-model.js';
export {
  BASE_MODEL_CONFIG,
  BASE_MODEL_ID,
  BASE_TRAINING,
  defaultBaseModelDir,
  type LaterStage,
  modelsDir,
  type PretrainOptions,
  type PretrainStats,
  pretrainBase,
  type StageRecord,
} from './pretrain.js';
