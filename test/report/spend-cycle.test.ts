// What a cycle spent, per round, stage and role: the real CLI in a child process running two rounds
// against a SCRIPTED FAKE OpenAI-compatible server (the model under test and an LLM judge, told apart
// by model name) that reports token usage; the report's figures against the server's log.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type FakeServer, type RequestLog, startOpenAIServer } from '../helpers/openai-server.js';
import { complyUntilTrained, runBreakfix } from '../reliability/helpers-cycle.js';

const dir = mkdtempSync(join(tmpdir(), 'bf-spend-cycle-'));
let server: FakeServer | undefined;
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** SCRIPTED FAKE judge and model (complyUntilTrained): the model refuses once `trained` exists. */
const reply = complyUntilTrained(join(dir, 'trained'));

const words = (s: string) => (s.match(/\S+/g) ?? []).length;

describe('the spend table of a cycle', () => {
  it('books every request of the model under test and of the judge to its round, stage and role, once', async () => {
    server = await startOpenAIServer({ script: reply });
    const config = join(dir, 'breakfix.yaml');
    writeFileSync(
      config,
      `store: ${join(dir, 'b.db')}
targets:
  candidate: { type: openai, baseURL: "${server.url}", model: served }
  judge: { type: openai, baseURL: "${server.url}", model: judge }
roles: { target: candidate, judge: judge }
redteam: { persona: low_skill, budget: { attempts: 4 } }
bench: { suites: [harmful] }
curate: { overRefusalProbe: 3 }
cycle: { maxRounds: 1, minRounds: 1, benchLimit: 3, retest: 0, criteria: { vprr: null, vprrRise: null, helpfulnessDrop: null } }
train:
  backend: command
  command:
    template: "touch trained && mkdir -p {out}"
    target: candidate
`,
    );
    const r = await runBreakfix(['cycle', '-c', config, '--json']);
    expect([0, 1], r.stderr).toContain(r.code);
    const out = join(dir, 'r.json');
    const rep = await runBreakfix(['report', '-c', config, '--format', 'json', '--out', out]);
    expect([0, 1], rep.stderr).toContain(rep.code);
    const spend = JSON.parse(readFileSync(out, 'utf8')).spend;
    expect(spend.recorded).toBe('all');
    type Line = { round: number; stage: string; role: string; model: string } & Record<string, number>;
    const lines = spend.lines as Line[];
    // Both rounds' bench and red team reached the model under test and the judge.
    for (const round of [0, 1])
      for (const stage of ['bench', 'break'])
        for (const role of ['target', 'judge'])
          expect(
            lines.some((l) => l.round === round && l.stage === stage && l.role === role),
            `${round} ${stage} ${role}`,
          ).toBe(true);
    const roleOf: Record<string, string> = { served: 'target', judge: 'judge' };
    for (const l of lines)
      expect(l.model).toBe(`openai:${Object.keys(roleOf).find((m) => roleOf[m] === l.role)}@${server.url}`);
    // Sent and answered, per model: what the lines counted as fresh, with the server's token counts.
    for (const [model, role] of Object.entries(roleOf)) {
      const sent = server.log.filter((q: RequestLog) => q.body.model === model);
      const mine = lines.filter((l) => l.role === role);
      const sum = (k: string) => mine.reduce((n, l) => n + l[k]!, 0);
      expect(sum('requests') - sum('cached') + sum('retries'), model).toBe(sent.length);
      expect(sum('promptTokens'), model).toBe(
        sent.reduce((n, q) => n + q.body.messages.reduce((k, m) => k + words(String(m.content)), 0), 0),
      );
    }
    expect(spend.total.requests - spend.total.cached + spend.total.retries).toBe(server.requests);
  }, 300_000);
});
