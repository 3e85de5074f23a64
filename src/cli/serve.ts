// `breakfix serve`: an embedded checkpoint behind an OpenAI-compatible HTTP API on 127.0.0.1, so
// breakfix's own targets, promptfoo, PyRIT or any OpenAI client can talk to it.
import type { Command } from 'commander';
import { BreakfixError, terminalText } from '../core/index.js';
import { startServer } from '../lm/index.js';
import { resolveEmbeddedPath } from '../targets/embedded-path.js';
import { type CommonOptions, listenError, onStopSignals, portNumber, runAction } from './common.js';

interface ServeCliOptions extends CommonOptions {
  model: string;
  port: string;
  host: string;
  name?: string;
  truncate?: boolean;
}

export function register(program: Command): void {
  program
    .command('serve')
    .description(
      'serve an embedded checkpoint over an OpenAI-compatible API (/v1/chat/completions, /v1/models)',
    )
    .requiredOption(
      '-m, --model <dir>',
      'required: the checkpoint folder (config.json, model.safetensors, tokenizer.json), or "base"',
    )
    .option('-p, --port <n>', 'port (0 picks a free one)', '8080')
    .option(
      '--host <addr>',
      'address to listen on (another than the loopback lets other machines use the model, with no API key)',
      '127.0.0.1',
    )
    .option(
      '--name <id>',
      'model id reported to clients, and the one requests must name (default: the folder name)',
    )
    .option(
      '--truncate',
      'answer a prompt longer than the context from its latest tokens, as the embedded target does (default: a 400 context_length_exceeded, as OpenAI and vLLM answer)',
    )
    .option('--json', 'print {url, model} as JSON once listening')
    .addHelpText(
      'after',
      `
Examples:
  $ breakfix serve --model models/breakfix-tiny-base
  $ breakfix serve --model .breakfix/models/<run>/round-2 --port 9000   a cycle's round
  $ breakfix serve --model base --truncate     to run bench, redteam or cycle against it: their
                                               multi-turn and many-shot prompts outgrow its context
  $ curl http://127.0.0.1:8080/v1/chat/completions -H 'content-type: application/json' \\
      -d '{"model":"breakfix-tiny-base","messages":[{"role":"user","content":"Hello"}]}'

Then, in breakfix.yaml, it is a target like any OpenAI-compatible server:
  targets:
    local:
      type: openai
      baseURL: http://127.0.0.1:8080/v1
      model: breakfix-tiny-base
  roles:
    target: local

Requests must name the served model ("model", see --name): another name is a 404
model_not_found, as from any OpenAI server. The tiny models' context is short (192 tokens for
the base): a longer prompt is a 400 context_length_exceeded unless --truncate, with which the
server answers from the prompt's latest tokens like the embedded target (a many-shot attack
then reaches the model cut short, as it does in the cycle), and says so in the reply:
"truncated": true, "truncated_tokens" (dropped from the start) and "n_ctx", which breakfix's
openai target counts as it counts the embedded target's. Without --truncate, \`breakfix bench\`
against the base gets that 400 for most of its multiturn conversations and its many-shot jailbreak
samples, which end in error, and exits 3 (docs/EMBEDDED.md counts the prompts the embedded target,
and so the served one with --truncate, reads cut short).
Generation runs in a worker thread, one batch at a time: concurrent requests are batched, a
client that disconnects cancels its request, and past 256 requests waiting one more is a 503
with Retry-After (OpenAI clients and breakfix's targets retry it). "stream": true is answered
in server-sent events (sent once the reply is complete). Stop with Ctrl-C. Tools, JSON output
("response_format"), log-probabilities, "logit_bias", non-zero frequency or presence penalties
and more than 4 stop strings are refused with a 400 naming the field: the server gives or
applies none of them.

Exit codes: 0 stopped with Ctrl-C, SIGTERM or SIGHUP, 2 bad input (no such model, a damaged checkpoint,
the port in use, a host it cannot bind), 3 the generation worker stopped (out of memory, a crash):
requests waiting then got a 503.`,
    )
    .action(
      runAction(async (opts: ServeCliOptions) => {
        const port = portNumber(opts.port);
        let modelDir: string;
        try {
          modelDir = resolveEmbeddedPath(opts.model);
        } catch (err) {
          // serve reads no store: a round name means nothing here, a folder does.
          if (!(err instanceof BreakfixError)) throw err;
          // (The targets' message offers a registered round, e.g. round-1, which serve cannot read.)
          throw new BreakfixError(
            `no checkpoint "${terminalText(opts.model)}": not base, nor a folder with config.json (serve reads no store, so a round name such as round-1 names nothing here)`,
            err.code,
            'pass base or a checkpoint folder: models/breakfix-tiny-base, .breakfix/models/<run>/round-N (`breakfix model list` shows them)',
          );
        }
        const server = await startServer({
          modelDir,
          port,
          host: opts.host,
          modelName: opts.name,
          truncate: opts.truncate,
        }).catch((err: NodeJS.ErrnoException) => {
          throw listenError(err, port, opts.host);
        });
        // The stop signals are taken before the server says it listens: a supervisor that stops it as
        // soon as it reads that line found no handler yet, and the signal killed it (exit by signal).
        const stopped = new Promise<Error | undefined>((done) => {
          // (SIGHUP too: a server whose terminal closed stops as on Ctrl-C, and exits 0 as then)
          onStopSignals(() => {
            void server.close().then(() => done(undefined));
          });
          // A server whose model is gone answers only 503s: it stops, for a supervisor to restart it.
          void server.workerStopped.then((err) => server.close().then(() => done(err)));
        });
        if (opts.json)
          process.stdout.write(`${JSON.stringify({ url: server.url, model: server.modelName })}\n`);
        else process.stderr.write(`serving ${server.modelName} at ${server.url} (Ctrl-C to stop)\n`);
        // As the viewer says: the server asks no key, so whoever reaches the address uses the model.
        if (!['127.0.0.1', 'localhost', '::1'].includes(opts.host))
          process.stderr.write(
            `breakfix: warning: the model is reachable from other machines on ${terminalText(opts.host)}, with no API key\n`,
          );
        const died = await stopped;
        if (died) throw new BreakfixError(died.message, 'runtime');
      }),
    );
}
