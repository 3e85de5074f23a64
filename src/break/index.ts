// break/: the red team. Taxonomy, built-in seeds, converters, templates (world helper), attacks,
// personas, the offline search attacker and runRedteam.

// (the taxonomy is vocabulary, in core/, which the judges read too; exported here as before)
export * from '../core/taxonomy.js';
export * from './attacks/index.js';
export * from './converters/index.js';
export * from './personas.js';
export * from './plan.js';
export * from './redteam.js';
export * from './retest.js';
export * from './search.js';
export * from './seeds/index.js';
export * from './templates/index.js';
