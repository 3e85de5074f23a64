// `breakfix cycle` prints and returns what each rate is over, with what ended in error or undetermined
// beside it, as the report does: a rate over 19 decided attempts with 5 undetermined read as the
// same 100% as one over 24. Real CLI runs of the miniature cycle (round 0 and one fix round, so the
// retest has counts too), checked against the report of the same run and the stored red-team counts.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.js';
import { runCli } from '../cli/run-cli.js';
import { miniCycleConfig, runBreakfix } from '../reliability/helpers-cycle.js';

const dir = mkdtempSync(join(tmpdir(), 'bf-cycle-counts-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The table's rates, by their label in the text and in the Markdown report's rounds table. */
const LABELS = [
  ['ASR', 'ASR'],
  ['DR-1', 'DR-1'],
  ['DR-3', 'DR-3'],
  ['IPRR', 'IPRR'],
  ['VPRR', 'VPRR'],
  ['helpful', 'Helpfulness'],
  ['held-back ASR', 'Held-back ASR'],
  ['retest ASR', 'Retest ASR'],
] as const;

let text: { code: number | null; stdout: string; stderr: string; store: string };
let json: { code: number | null; stdout: string; stderr: string; store: string };

// (two whole cycles at once: 98 s alone, past the default 120 s with a loaded machine's other files)
beforeAll(async () => {
  const config = (name: string) => {
    mkdirSync(join(dir, name));
    return miniCycleConfig(join(dir, name));
  };
  const [t, j] = await Promise.all([
    runBreakfix(['cycle', '-c', config('text')]),
    runBreakfix(['cycle', '-c', config('json'), '--json', '-q']),
  ]);
  text = { ...t, store: join(dir, 'text', 'b.db') };
  json = { ...j, store: join(dir, 'json', 'b.db') };
}, 400_000);

/** The run's figure → its counts per round, from the Markdown report's rounds table ("100.0% (n=19
 * und 5)", or "—"): the report reads them its own way (cardCounts), from the stored figures. */
async function reportCells(store: string, run: string): Promise<Map<string, string[]>> {
  const out = join(dir, `${run}.md`);
  const r = await runCli(['report', '--store', store, '--run', run, '--format', 'md', '--out', out]);
  // (exit 1: the run's criteria fail, as the cycle's did; the report is written all the same)
  expect(r.code, r.stderr).toBe(1);
  const cells = new Map<string, string[]>();
  for (const line of readFileSync(out, 'utf8').split('\n')) {
    const parts = line.split(' | ').map((c) => c.replace(/^\| /, '').replace(/ \|$/, ''));
    const label = parts[0].replaceAll('\\', '');
    const md = LABELS.find(([, m]) => label === m || label.startsWith(`${m} (`));
    if (md && !cells.has(md[0]))
      cells.set(
        md[0],
        parts.slice(1).map((c) => /\\\((n=[^\\]*)\\\)/.exec(c)?.[1] ?? '—'),
      );
  }
  return cells;
}

describe('breakfix cycle: the counts beside each rate', () => {
  it('prints what each rate of each round is over, as the report has it', async () => {
    expect(text.code, text.stderr).toBe(1);
    const lines = text.stdout.split('\n');
    const at = lines.findIndex((l) => l.startsWith('each rate is over n decided'));
    expect(at, text.stdout).toBeGreaterThan(0);
    expect(lines[at + 1]).toMatch(/^rate\s+round 0\s+round 1\s*$/);
    const run = /run (run_\S+) in/.exec(text.stdout)?.[1] ?? '';
    const report = await reportCells(text.store, run);
    const printed = new Map<string, string[]>();
    for (const line of lines.slice(at + 3, at + 3 + LABELS.length)) {
      const [label, ...cells] = line.trimEnd().split(/ {2,}/);
      printed.set(label, cells);
    }
    expect([...printed.keys()]).toEqual(LABELS.map(([t]) => t));
    for (const [label] of LABELS) expect(printed.get(label), label).toEqual(report.get(label));
    // The red team's counts, read here from the store: decided = attempts less errors and undetermined.
    const store = openStore(text.store);
    try {
      const asr = store.getRounds(run).map((r) => {
        const m = r.metrics as { attempts: number; errors: number; undetermined: number };
        const decided = m.attempts - m.errors - m.undetermined;
        return `n=${decided}${m.errors ? ` err ${m.errors}` : ''}${m.undetermined ? ` und ${m.undetermined}` : ''}`;
      });
      expect(printed.get('ASR')).toEqual(asr);
      // (the miniature cycle's tiny model answers some attacks in a way no judge can decide)
      expect(asr.some((c) => c.includes(' und '))).toBe(true);
      // Round 1 retested round 0's findings; round 0 had nothing to retest.
      expect(printed.get('retest ASR')?.[0]).toBe('—');
      expect(printed.get('retest ASR')?.[1]).toMatch(/^n=\d+/);
      // Read each time from the store, never stored in the run's summary.
      expect(JSON.stringify(store.getRun(run)?.summary)).not.toContain('"counts"');
    } finally {
      store.close();
    }
  });

  it('returns them in --json beside the rates, as report --format json has them', async () => {
    expect(json.code, json.stderr).toBe(1);
    const out = JSON.parse(json.stdout);
    const r = await runCli(['report', '--store', json.store, '--run', out.run, '--format', 'json']);
    expect(r.code, r.stderr).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(out.rounds).toHaveLength(2);
    for (const [i, round] of out.rounds.entries()) {
      // (every key the rounds had before, still there)
      expect(Object.keys(round)).toEqual(expect.arrayContaining(['asr', 'dr3', 'retest_asr', 'errors']));
      expect(round.counts, `round ${i}`).toEqual(report.rounds[i].counts);
      expect(
        round.counts.rates.asr.n + round.counts.rates.asr.errors + round.counts.rates.asr.undetermined,
      ).toBe(report.rounds[i].rawMetrics.attempts);
    }
    expect(out.rounds[1].counts.rates.retest_asr).toMatchObject({ n: expect.any(Number) });
    expect(out.rounds[1].counts.paired.vprr_rise).toBeDefined();
  });
});
