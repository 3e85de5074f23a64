// Child process for the crash test: writes attempts in a loop until killed.
import { openStore } from '../../src/store/index.js';
import { makeAttempt } from './fixtures.js';

const [path, runId] = process.argv.slice(2) as [string, string];
const store = openStore(path);
store.createRun({ id: runId, kind: 'redteam', config: {}, seed: 1 });
let i = 0;
for (;;) {
  store.saveAttempt(makeAttempt(i, runId));
  i++;
  if (i === 50) process.stdout.write('ready\n');
  if (i % 200 === 0) await new Promise((r) => setImmediate(r));
}
