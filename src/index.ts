// breakfix as a library. The foundation (vocabulary and errors, config, store, targets) is exported
// flat, by name: what a caller builds on, not the helpers the folders share among themselves. Each
// stage folder is a namespace (`import { bench, redteam } from 'breakfix'`), so two folders can never
// collide on a name. `redteam` is the break/ folder (`break` is a keyword).

export * as bench from './bench/index.js';
export * as redteam from './break/index.js';
export type * from './config/index.js';
export {
  ConfigValidationError,
  configJsonSchema,
  configSchema,
  DEFAULT_CONFIG_FILE,
  defaultConfig,
  loadConfig,
  parseConfig,
  redactConfig,
} from './config/index.js';
export type * from './core/index.js';
export {
  BreakfixError,
  ConfigError,
  createRng,
  errorMessage,
  InputError,
  newRunId,
  splitReasoning,
  stableId,
  TargetError,
  withoutTrace,
  withReasoning,
} from './core/index.js';
export * as cycle from './cycle/index.js';
export * as fix from './fix/index.js';
export * as judge from './judge/index.js';
export * as lm from './lm/index.js';
export * as report from './report/index.js';
export type * from './store/index.js';
export { ClaimLostError, DEFAULT_STORE_PATH, openStore } from './store/index.js';
export type * from './targets/index.js';
export {
  createAnthropicTarget,
  createOpenAITarget,
  createProviderTarget,
  createTarget,
  createUsageMeter,
  RunHalt,
  resolveTargetConfig,
  withCache,
  withConcurrency,
  withRateLimit,
  withRetry,
  withTimeout,
  withUsage,
} from './targets/index.js';
export * as world from './world/index.js';
