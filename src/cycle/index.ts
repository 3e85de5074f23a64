export { runCycle, type CycleContext, type CycleOptions, type CycleResult, type CycleRoundSummary } from './run.js';
export { evaluateCriteria, type Criteria, type CriteriaResult, type CriterionCheck, type RoundMetrics } from './criteria.js';
export { chooseRelease, type Release } from './release.js';
export { roundMetrics } from './metrics.js';
