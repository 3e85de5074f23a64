// Every test and hook runs under the suite's one time limit (vitest.config.ts, 120 s). A shorter
// limit of its own was meant as a hang guard, but on a loaded two-core machine (CI beside other
// work, or several test files at once) a test that spawns the CLI or trains took 13–60 s and
// failed "Test timed out" though nothing hung. 120 s still ends a real hang; a test that needs
// longer says so with a larger limit.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import config from '../../vitest.config.js';

const root = resolve(__dirname, '..');
const SUITE_LIMIT = config.test?.testTimeout as number;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return files(p);
    return p.endsWith('.ts') ? [p] : [];
  });
}

const OPENER = /^\s*(it|test|beforeAll|beforeEach|afterAll|afterEach|describe)\b/;
const CLOSER = /^(\s*)\}, (\d[\d_]*)\);?$/;

/** `file:line limit` of each test or hook whose own time limit is under the suite's. */
function shortLimits(): string[] {
  const out: string[] = [];
  for (const file of files(root)) {
    const lines = readFileSync(file, 'utf8').split('\n');
    lines.forEach((line, i) => {
      const m = CLOSER.exec(line);
      if (!m) return;
      const limit = Number((m[2] as string).replaceAll('_', ''));
      const indent = m[1] as string;
      // The call this argument closes: the nearest line above at the same indentation.
      let j = i - 1;
      while (j >= 0 && !(lines[j]?.startsWith(indent) && /\S/.test(lines[j]?.[indent.length] ?? ''))) j--;
      if (limit < SUITE_LIMIT && OPENER.test(lines[j] ?? ''))
        out.push(`${relative(root, file)}:${i + 1} ${limit}`);
    });
  }
  return out;
}

describe('time limits of tests', () => {
  it('the suite has one limit, and no test or hook sets a shorter one', () => {
    expect(SUITE_LIMIT).toBeGreaterThanOrEqual(120_000);
    expect(shortLimits()).toEqual([]);
  });
});
