// The synthetic world and the unaligned base model `breakfix-tiny-base` (docs/WORLD.md,
// docs/EMBEDDED.md).
export { benignAnswer, COMPLIANCE_STEPS, complianceAnswer, helpfulAnswer, refusalAnswer } from './answers.js';
export {
  generateWorld,
  WORLD_CONVERTERS,
  type World,
  type WorldOptions,
  type WorldStats,
} from './generator.js';
export { checkAnswer, type MeasureResult, measureModel, type ShapeLabel } from './measure.js';
export { measureDir, measureLM } from './measure-model.js';
export {
  BASE_MODEL_CONFIG,
  BASE_MODEL_ID,
  BASE_TRAINING,
  defaultBaseModelDir,
  modelsDir,
  type PretrainOptions,
  type PretrainStats,
  pretrainBase,
} from './pretrain.js';
