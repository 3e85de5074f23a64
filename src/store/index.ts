export { DEFAULT_STORE_PATH, openStore } from './store.js';
export { migrations } from './migrations.js';
export type * from './types.js';
