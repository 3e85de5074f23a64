// Child process for the concurrent-open test: opens the store given on argv when told to on stdin.
import { openStore } from '../../src/store/index.js';

const path = process.argv[2] as string;
process.stdout.write('ready\n');
process.stdin.once('data', () => {
  try {
    const store = openStore(path);
    store.createRun({ kind: 'bench', config: {}, seed: 1 });
    store.close();
    process.stdout.write('opened\n');
  } catch (err) {
    process.stdout.write(`error: ${(err as Error).message}\n`);
    if (process.env.BF_STACK) process.stderr.write(`${(err as Error).stack}\n`);
  }
  process.exit(0);
});
