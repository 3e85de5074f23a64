export {
  type Criteria,
  type CriteriaResult,
  type CriterionCheck,
  evaluateCriteria,
  type RoundMetrics,
} from './criteria.js';
export {
  checkCycleCriteria,
  cycleSuiteKinds,
  unmeasuredCriteria,
  unreachableCriteria,
} from './criteria-check.js';
export { roundMetrics } from './metrics.js';
export { chooseRelease, type Release } from './release.js';
export {
  type CycleContext,
  type CycleOptions,
  type CycleResult,
  type CycleRoundSummary,
  checkCycleAttacks,
  runCycle,
} from './run.js';
