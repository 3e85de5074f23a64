export { migrations } from './migrations.js';
export { DEFAULT_STORE_PATH, openStore } from './store.js';
export type * from './types.js';
