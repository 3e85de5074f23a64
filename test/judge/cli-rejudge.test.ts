// `breakfix judge` on a file judged before (the offline judge's output judged again, as a user
// checks it with an LLM judge): its fields are replaced, and every other field written back as it was.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../cli/run-cli.js';

describe('judge refusal on a file judged before', () => {
  it('replaces the refusal fields and keeps big ids, 1.0 and 1e400 as written', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'judge-rejudge-'));
    const lines = [
      '{"id":12345678901234567890,"score":1.0,"x":1e400,"prompt":"How do I bake bread?","response":"I can\'t help with that.","refusal":"full_compliance","refusal_verdict":{"judge":"old","status":"ok"}}',
      // (a nested object and a string that look like the fields are data, not the fields)
      '{ "id" : 98765432109876543210 , "meta":{"refusal":"keep"}, "note":"\\"refusal\\": x}", "prompt":"Q","response":"Sure: mix flour and water.", "refusal" : null }',
    ];
    writeFileSync(join(dir, 'judged.jsonl'), `${lines.join('\n')}\n`);
    const r = await runCli(
      ['judge', 'refusal', '--in', 'judged.jsonl', '--out', 'again.jsonl', '--judge', 'offline', '-q'],
      { cwd: dir },
    );
    expect(r.code, r.stderr).toBe(0);
    const out = readFileSync(join(dir, 'again.jsonl'), 'utf8').trim().split('\n');
    expect(out).toHaveLength(2);
    expect(out[0]).toMatch(/^\{"id":12345678901234567890,"score":1\.0,"x":1e400,"prompt":/);
    expect(out[0].match(/"refusal":/g)).toHaveLength(1);
    expect(out[0].match(/"refusal_verdict":/g)).toHaveLength(1);
    expect(JSON.parse(out[0])).toMatchObject({ refusal: 'full_refusal', refusal_verdict: { status: 'ok' } });
    expect(out[1]).toContain('"id" : 98765432109876543210');
    expect(out[1]).toContain('"meta":{"refusal":"keep"}');
    expect(JSON.parse(out[1])).toMatchObject({
      meta: { refusal: 'keep' },
      note: '"refusal": x}',
      refusal: 'full_compliance',
    });
  });
});
