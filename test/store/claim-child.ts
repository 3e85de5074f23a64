// Child process for the claim test: a second breakfix process that claims a run of the store given on
// argv through the store's own code, says so, and holds it until it is killed.
import { openStore } from '../../src/store/index.js';

const [path, runId] = process.argv.slice(2) as [string, string];
const store = openStore(path);
const { heldBy } = store.claimRun(runId);
process.stdout.write(heldBy ? `held by ${heldBy.pid}\n` : 'claimed\n');
setInterval(() => {}, 60_000);
