import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DOCS_END, DOCS_START, renderConfigReference } from '../../src/config/index.js';

describe('README configuration reference', () => {
  it('is generated from the schema and current (run: npx tsx scripts/gen-config-docs.mjs)', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const start = readme.indexOf(DOCS_START);
    const end = readme.indexOf(DOCS_END);
    expect(start).toBeGreaterThan(0);
    expect(readme.slice(start, end + DOCS_END.length)).toBe(renderConfigReference());
  });

  it('documents every section and field with its default', () => {
    const ref = renderConfigReference();
    for (const key of [
      '`seed`',
      '`targets.<name>.baseURL`',
      '`redteam.search.algorithm`',
      '`cycle.criteria.asr`',
      '`train.trl.lora.r`',
    ]) {
      expect(ref).toContain(key);
    }
    // (a criterion may be null, to turn it off; errorRate may not)
    expect(ref).toMatch(/\| `cycle\.criteria\.asr` \| number \(≥ 0, ≤ 1\) or `null` \| `0\.02` \|/);
    expect(ref).toMatch(/\| `cycle\.criteria\.errorRate` \| number \(≥ 0, ≤ 1\) \| `0` \|/);
  });
});
