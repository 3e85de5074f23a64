export * from './errors.js';
export * from './ids.js';
export * from './language.js';
export * from './reasoning.js';
export * from './rng.js';
export * from './stats.js';
export * from './text-file.js';
export * from './types.js';
