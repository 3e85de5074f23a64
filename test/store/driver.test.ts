// An install that skipped better-sqlite3's build script (npm --ignore-scripts, a package manager
// that runs only approved scripts) leaves the driver without its native binary. The driver itself
// cannot be broken here, so its constructor is replaced with one that fails as the real one does.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { BreakfixError } from '../../src/core/index.js';
import { openStore } from '../../src/store/index.js';

vi.mock('better-sqlite3', () => ({
  default: class {
    static SqliteError = class extends Error {};
    constructor() {
      throw new Error(
        'Could not locate the bindings file. Tried:\n → /app/node_modules/better-sqlite3/build/better_sqlite3.node',
      );
    }
  },
}));

describe('openStore without the SQLite driver binary', () => {
  it('says what is missing and how to build it, not only the driver own message', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'bf-driver-')), 'b.db');
    let err: unknown;
    try {
      openStore(file);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(BreakfixError);
    expect((err as BreakfixError).message).toBe(
      'the SQLite driver (better-sqlite3) has no working native build: Could not locate the bindings file. Tried:',
    );
    expect((err as BreakfixError).hint).toMatch(/npm rebuild better-sqlite3/);
  });
});
