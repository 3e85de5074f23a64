// breakfix as a library. The foundation (vocabulary, config, store, targets) is exported flat; each
// stage folder is exported as a namespace (`import { bench, redteam } from 'breakfix'`), so two
// folders can never collide on a name. `redteam` is the break/ folder (`break` is a keyword).

export * as bench from './bench/index.js';
export * as redteam from './break/index.js';
export * from './config/index.js';
export * from './core/index.js';
export * as cycle from './cycle/index.js';
export * as fix from './fix/index.js';
export * as judge from './judge/index.js';
export * as lm from './lm/index.js';
export * as report from './report/index.js';
export * from './store/index.js';
export * from './targets/index.js';
export * as world from './world/index.js';
