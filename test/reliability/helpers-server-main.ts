// The SCRIPTED FAKE model behind the fault server, as a process of its own (started with
// `child_process.fork` and `--import tsx`), so that a load test measures breakfix's process alone:
// its memory, its event loop. Options come as JSON in argv[2]; it sends {url} when listening and
// answers {stats} to a 'stats' message.
import { type FakeServerOptions, startOpenAIServer } from '../helpers/openai-server.js';
import { scriptedFakeModel } from './helpers.js';

const opts = JSON.parse(process.argv[2] ?? '{}') as Omit<FakeServerOptions, 'script'>;
const server = await startOpenAIServer({ ...opts, script: scriptedFakeModel, log: false });
process.send?.({ url: server.url });
process.on('message', async (m) => {
  if (m === 'stats') process.send?.({ stats: server.stats() });
  if (m === 'close') {
    await server.close();
    process.exit(0);
  }
});
// Dies with its parent.
process.on('disconnect', () => process.exit(0));
