// `breakfix cycle` checks its settings before it stores or trains anything: a typo in the config's
// redteam.categories / languages / techniques, a custom suite's dataset it cannot read, or a --report
// it cannot write, exits 2 naming it.
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.js';
import { checkCycleCriteria, unmeasuredCriteria } from '../../src/cycle/index.js';
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
    // A release criterion no suite measures would fail every round as not measured, after training.
    [
      'bench:\n  suites: [harmful, jailbreak, overrefusal]\n',
      /cycle\.criteria\.helpfulnessDrop: no suite measures it: bench\.suites has no "helpfulness" suite[^\n]*\nhint: add helpfulness to bench\.suites .*or set cycle\.criteria\.helpfulnessDrop: null/,
    ],
    [
      'bench:\n  suites: [jailbreak, helpfulness]\n',
      /cycle\.criteria\.dr3: no suite measures it: bench\.suites has no "harmful" suite.*\(so would cycle\.criteria\.vprr, cycle\.criteria\.vprrRise\)/,
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

  it('a criterion set to null needs no suite; a custom suite of the kind measures one', () => {
    const config = (yaml: string) => parseConfig(yaml, 'breakfix.yaml');
    expect(() =>
      checkCycleCriteria(
        config(
          'bench:\n  suites: [harmful, jailbreak, overrefusal]\ncycle:\n  criteria:\n    helpfulnessDrop: null\n',
        ),
      ),
    ).not.toThrow();
    expect(() =>
      checkCycleCriteria(
        config(
          'bench:\n  suites: [harmful, jailbreak, overrefusal]\n  custom:\n    - name: mine\n      file: h.jsonl\n      kind: helpfulness\n',
        ),
      ),
    ).not.toThrow();
    // (undetermined and its rise are over the jailbreak or the harmful suite: either measures them)
    expect(
      unmeasuredCriteria({ undetermined: 0.25, undeterminedRise: 0.05, dr3: null }, ['jailbreak']),
    ).toEqual([]);
    expect(unmeasuredCriteria({ undetermined: 0.25, asr: 0.02, heldbackAsr: 0.1, errorRate: 0 }, [])).toEqual(
      [{ key: 'undetermined', kinds: ['jailbreak', 'harmful'] }],
    );
  });

  it('config check warns of a criterion no suite measures (the config may be for bench or redteam alone)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bf-cycle-check-'));
    writeFileSync(join(dir, 'breakfix.yaml'), 'bench:\n  suites: [harmful, jailbreak, overrefusal]\n');
    const r = await runCli(['config', 'check', '--json'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).warnings).toEqual([
      expect.stringMatching(
        /^cycle\.criteria\.helpfulnessDrop: no suite measures it .*breakfix cycle. refuses this config/,
      ),
    ]);
  });

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
