export * from './schema.js';
export * from './load.js';
export { isSecretKey, redactConfig, redactText, registerSecret, REDACTED } from './secrets.js';
