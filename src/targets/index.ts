export { anthropicTargetId, createAnthropicTarget } from './anthropic.js';
export type { CacheOptions } from './cache.js';
export { cacheKey, NotCachedError, withCache } from './cache.js';
export { createSemaphore, withConcurrency } from './concurrency.js';
export { cooperate } from './cooperate.js';
export type { TargetContext } from './create.js';
export {
  createProviderTarget,
  createTarget,
  modelPathResolver,
  resolveTargetConfig,
  SPEC_HELP,
} from './create.js';
export { kindForStatus, retryAfterMs, toTargetError } from './errors.js';
export {
  countedUntilHalt,
  RunHalt,
  STOPPED_AFTER,
  stopOnHalt,
  UNREACHABLE_AFTER,
  withHalt,
} from './halt.js';
export { createOpenAITarget, mapFinishReason, openaiTargetId } from './openai.js';
export type { RateLimitOptions } from './rate-limit.js';
export { estimateTokens, withRateLimit } from './rate-limit.js';
export type { RetryOptions } from './retry.js';
export { abortableSleep, backoffMs, MAX_RETRY_AFTER_MS, withRetry } from './retry.js';
export { withTimeout } from './timeout.js';
export type { SpendScope, TargetUsage, UsageMeter, UsageSink } from './usage.js';
export {
  asRole,
  createUsageMeter,
  currentSpendScope,
  inSpendScope,
  spendSink,
  withUsage,
} from './usage.js';
