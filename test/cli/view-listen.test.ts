// `breakfix view` on a port it has no right to (below 1024, as a user other than root): a usage error
// naming the port, exit 2, as `serve` says it; it was exit 3 with "this looks like a bug".
import { chmodSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { expect, it } from 'vitest';
import { openStore } from '../../src/store/index.js';
import { runCli } from './run-cli.js';

const asRoot = process.getuid?.() === 0;
/** Who runs the CLI: this user, or nobody when this user is root (root may listen on port 80). */
const user = asRoot ? { uid: 65534, gid: 65534 } : {};

it('view --port 80 without the right to it is exit 2 naming the port, with --json too', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'view-listen-'));
  // The folders above it that nobody could pass through (the test run's own is 0700), opened for
  // the test and closed after.
  const opened: [string, number][] = [];
  if (asRoot)
    for (let d = dirname(dir); dirname(d) !== d; d = dirname(d)) {
      const mode = statSync(d).mode & 0o7777;
      if (!(mode & 0o001)) {
        opened.push([d, mode]);
        chmodSync(d, mode | 0o011);
      }
    }
  try {
    chmodSync(dir, 0o777);
    const store = join(dir, 's.db');
    openStore(store).close();
    chmodSync(store, 0o666);
    const r = await runCli(['view', '--port', '80', '--store', store, '--json'], {
      cwd: dir,
      env: { TMPDIR: dir, HOME: dir },
      ...user,
    });
    expect(r.stderr).toContain('breakfix: no permission to listen on port 80');
    expect(r.stderr).not.toContain('looks like a bug');
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout).error).toMatchObject({ code: 'usage', exitCode: 2 });
  } finally {
    for (const [d, mode] of opened.reverse()) chmodSync(d, mode);
  }
});
