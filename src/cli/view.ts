// `breakfix view`: a local, read-only web app over the store (runs, rounds side by side,
// vulnerabilities with their transcripts, curated records with provenance, filters).
import type { Command } from 'commander';
import { startViewer } from '../report/index.js';
import {
  type CommonOptions,
  listenError,
  loadContext,
  onStopSignals,
  portNumber,
  runAction,
  withCommonOptions,
} from './common.js';

interface ViewOptions extends CommonOptions {
  port?: string;
  host?: string;
}

export function register(program: Command): void {
  withCommonOptions(
    program
      .command('view')
      .description('browse the store in a local web app (bound to 127.0.0.1 by default)')
      .option('-p, --port <n>', 'port (0 = any free port)', '4173')
      .option(
        '--host <addr>',
        'address to bind; keep 127.0.0.1 unless you mean to share the store',
        '127.0.0.1',
      ),
    { cache: false, quiet: false },
  )
    .addHelpText(
      'after',
      `
Examples:
  $ breakfix view                         http://127.0.0.1:4173/
  $ breakfix view --port 0 --json         any free port; prints {"url": …} for scripts
  $ breakfix view --store other/breakfix.db

The viewer is read-only and serves only its own page and the store's data. Stop it with Ctrl-C.

Exit codes: 0 stopped with Ctrl-C, SIGTERM or SIGHUP, 2 bad input (no store there, the port in use
or one below 1024 without the right to it, a host it cannot bind).`,
    )
    .action(
      runAction(async (opts: ViewOptions) => {
        const port = portNumber(opts.port);
        const ctx = await loadContext(opts);
        const viewer = await startViewer({ store: ctx.readableStore, port, host: opts.host }).catch(
          (err: NodeJS.ErrnoException) => {
            throw listenError(err, port, opts.host ?? '127.0.0.1');
          },
        );
        ctx.out(
          { url: viewer.url, host: viewer.host, port: viewer.port, store: ctx.store.path },
          `breakfix viewer on ${viewer.url}  (store ${ctx.store.path}; Ctrl-C to stop)`,
        );
        if (viewer.host !== '127.0.0.1' && viewer.host !== 'localhost' && viewer.host !== '::1')
          process.stderr.write(
            `breakfix: warning: the viewer is reachable from other machines on ${viewer.host}\n`,
          );
        await new Promise<void>((resolve) => {
          // (SIGHUP too: a viewer whose terminal closed stops as on Ctrl-C)
          onStopSignals(() => resolve());
        });
        await viewer.close();
        await ctx.close();
      }),
    );
}
