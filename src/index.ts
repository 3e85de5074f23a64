// breakfix as a library. The foundation (vocabulary, config, store, targets) is exported flat; each
// stage folder is exported as a namespace (`import { bench } from 'breakfix'`), so two folders can
// never collide on a name. Add a line here when a folder gains an index.ts (break, fix, report, lm).

export * as bench from './bench/index.js';
export * from './config/index.js';
export * from './core/index.js';
export * as cycle from './cycle/index.js';
export * as judge from './judge/index.js';
export * from './store/index.js';
export * from './targets/index.js';
export * as world from './world/index.js';
