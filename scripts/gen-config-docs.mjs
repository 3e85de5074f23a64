#!/usr/bin/env node
// Writes the configuration reference (rendered from the zod schema) into README.md between the
// config-reference markers. `--check` exits 1 when README.md is out of date instead of writing.
// Run with tsx so the TypeScript sources load: `npx tsx scripts/gen-config-docs.mjs [--check]`.
import { readFileSync, writeFileSync } from 'node:fs';

const { renderConfigReference, DOCS_START, DOCS_END } = await import('../src/config/docs.ts');
const readmePath = new URL('../README.md', import.meta.url);
const readme = readFileSync(readmePath, 'utf8');
const start = readme.indexOf(DOCS_START.slice(0, 35));
const end = readme.indexOf(DOCS_END);
if (start < 0 || end < 0) {
  console.error(`README.md has no config-reference markers (${DOCS_START} … ${DOCS_END})`);
  process.exit(2);
}
const next = readme.slice(0, start) + renderConfigReference() + readme.slice(end + DOCS_END.length);
if (process.argv.includes('--check')) {
  if (next !== readme) {
    console.error(
      'README.md configuration reference is out of date: run npx tsx scripts/gen-config-docs.mjs',
    );
    process.exit(1);
  }
  console.log('README.md configuration reference is current');
} else if (next !== readme) {
  writeFileSync(readmePath, next);
  console.log('README.md configuration reference updated');
} else console.log('README.md configuration reference already current');
