// A command that only reads the store (report, vulns, view, model list), given a file shorter than
// any SQLite database (an empty file, a copy that came out truncated): exit 2 naming it, the file left
// as it was. SQLite took it as an empty database and wrote a schema into it (106 KB), and the command
// said only that the store had no runs. `config check` says an empty file is where the first run makes
// the store, and leaves it empty.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { runCli } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'short-store-'));

it('report, vulns, view and model list on a 0- or 1-byte --store: exit 2 naming it, the file unchanged', async () => {
  for (const [name, bytes] of [
    ['empty.db', ''],
    ['newline.db', '\n'],
  ] as const) {
    const file = join(dir, name);
    writeFileSync(file, bytes);
    for (const cmd of [['report'], ['vulns'], ['view', '--port', '0'], ['model', 'list']]) {
      const r = await runCli([...cmd, '--store', file, '--json'], { cwd: dir });
      expect(r.code, `${cmd[0]} ${name}`).toBe(2);
      expect(r.stderr).toContain(`breakfix: not a breakfix store: the file is ${bytes.length} byte`);
      expect(JSON.parse(r.stdout).error).toMatchObject({ exitCode: 2, file });
      expect(readFileSync(file, 'utf8')).toBe(bytes);
    }
  }
}, 120_000);

it('config check on an empty store file: ok, the store made by the first run, the file left empty', async () => {
  const file = join(dir, 'check.db');
  writeFileSync(file, '');
  const r = await runCli(['config', 'check', '--store', file, '--json'], { cwd: dir });
  expect(r.code).toBe(0);
  expect(JSON.parse(r.stdout).data.store).toMatchObject({ path: file, exists: false });
  expect(readFileSync(file, 'utf8')).toBe('');
});
