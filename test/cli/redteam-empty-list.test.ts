// `breakfix redteam --languages "$LANGS"` with the variable empty: exit 2 naming the option, before
// any run is made, as bench's `--suite ""` is. An empty list read as no filter, and the red team
// attacked every category, technique or language (exit 0, 1 or 3 on a run of them all).
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { runCli } from './run-cli.js';

it('--categories, --techniques or --languages naming nothing is exit 2, and no store is made', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rt-empty-'));
  for (const option of ['--categories', '--techniques', '--languages'])
    for (const value of ['', ' , ']) {
      const store = join(dir, `${option.slice(2)}-${value.length}.db`);
      const r = await runCli(['redteam', option, value, '--budget', '2', '--store', store, '--json'], {
        cwd: dir,
      });
      expect(r.code, `${option} "${value}"`).toBe(2);
      expect(r.stderr).toContain(`breakfix: ${option} names nothing`);
      expect(JSON.parse(r.stdout).error).toMatchObject({ code: 'usage', exitCode: 2 });
      expect(existsSync(store)).toBe(false);
    }
}, 120_000);
