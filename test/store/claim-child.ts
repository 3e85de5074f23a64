// Child process for the claim tests: a second breakfix process that claims a run of the store given on
// argv through the store's own code, says so, and holds it until it is killed. CLAIM_HOST makes it a
// process of another host (the host name its node:os reports, as a second machine on a shared disk
// would), CLAIM_HEARTBEAT_MS shortens its heartbeat so a test sees it beat.
import { createRequire, syncBuiltinESMExports } from 'node:module';

const host = process.env.CLAIM_HOST;
if (host) {
  createRequire(import.meta.url)('node:os').hostname = () => host;
  syncBuiltinESMExports();
}
const { openStore } = await import('../../src/store/index.js');
const [path, runId] = process.argv.slice(2) as [string, string];
const heartbeatMs = process.env.CLAIM_HEARTBEAT_MS ? Number(process.env.CLAIM_HEARTBEAT_MS) : undefined;
const store = openStore(path, { heartbeatMs });
const { heldBy } = store.claimRun(runId);
process.stdout.write(heldBy ? `held by ${heldBy.pid}\n` : 'claimed\n');
setInterval(() => {}, 60_000);
