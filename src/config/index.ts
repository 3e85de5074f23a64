export { DOCS_END, DOCS_START, renderConfigReference } from './docs.js';
export * from './load.js';
export * from './schema.js';
export {
  isSecretKey,
  REDACTED,
  redactConfig,
  redactKnownSecrets,
  redactText,
  redactURL,
  registerEnvironmentSecrets,
  registerSecret,
  registerSpecSecrets,
  registerURLSecrets,
} from './secrets.js';
export { isSpec, meantTarget, SPEC_KINDS } from './spec.js';
