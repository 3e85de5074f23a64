// `breakfix cycle` checks what its config asks the red team to attack before it stores or trains
// anything: a typo in redteam.categories / languages / techniques exits 2 naming the field.
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../cli/run-cli.js';

describe('breakfix cycle: the red-team settings of its config', () => {
  it.each([
    [
      'redteam:\n  categories: [hate, nosuch]\n',
      /unknown category "nosuch" in the config's redteam\.categories; the seeds in use have: .*violent_crimes/,
    ],
    [
      'redteam:\n  languages: [xx]\n',
      /unknown language "xx" in the config's redteam\.languages; the seeds in use have: .*en/,
    ],
    ['redteam:\n  techniques: [base64, nosuch]\n', /techniques: unknown technique "nosuch"/],
  ])(
    '%s exits 2 before a store is made',
    async (yaml, message) => {
      const dir = mkdtempSync(join(tmpdir(), 'bf-cycle-cfg-'));
      writeFileSync(join(dir, 'breakfix.yaml'), yaml);
      const r = await runCli(['cycle', '--store', join(dir, 'bf.db')], { cwd: dir });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(existsSync(join(dir, 'bf.db'))).toBe(false);
    },
    60_000,
  );
});
