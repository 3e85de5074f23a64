// (The schema migrations are the store's own business: their types would need better-sqlite3's.)
export { ClaimLostError, claimRunOrRefuse } from './claim.js';
export { storeWritable } from './open.js';
export { DEFAULT_STORE_PATH, openStore } from './store.js';
export type * from './types.js';
