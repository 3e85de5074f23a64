// `breakfix cycle` checks its settings before it stores or trains anything: a typo in the config's
// redteam.categories / languages / techniques, a custom suite's dataset it cannot read, or a --report
// it cannot write, exits 2 naming it.
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../cli/run-cli.js';

describe('breakfix cycle: settings checked before the first round', () => {
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
    [
      'bench:\n  custom:\n    - name: mine\n      file: nope.jsonl\n',
      /cannot read the dataset: no such file or folder \(.*nope\.jsonl\)/,
    ],
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

  it('a --report path that cannot be written exits 2 before any round runs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bf-cycle-report-'));
    writeFileSync(join(dir, 'file'), 'a file, not a folder');
    const r = await runCli(
      ['cycle', '--store', join(dir, 'bf.db'), '--report', join(dir, 'file', 'r.html')],
      {
        cwd: dir,
      },
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/report file \(--report\)/);
    expect(existsSync(join(dir, 'bf.db'))).toBe(false);
  });
});
