// What every command shares: the common options, the context (config, store, targets, output),
// and `runAction`, which turns errors into trustworthy exit codes and one clear line on stderr.
import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { type Command, CommanderError } from 'commander';
import { distinctSeeds, loadTemplatesFile, readSeedsFile } from '../break/index.js';
import {
  type Config,
  ConfigValidationError,
  DEFAULT_CONFIG_FILE,
  loadConfig,
  REDACTED,
  redactText,
} from '../config/index.js';
import {
  BreakfixError,
  InputError,
  InputErrors,
  onStopSignals,
  type Progress,
  type Seed,
  type StopSignal,
  signalExitCode,
  type Target,
  TargetError,
  type Template,
  terminalSafeJson,
  terminalText,
} from '../core/index.js';
import { InterruptedError, trainerRunning } from '../fix/train/run-command.js';
import { ClaimLostError, openStore, type Store, storeWritable } from '../store/index.js';
import { resolveEmbeddedPath } from '../targets/embedded-path.js';
import {
  createTarget,
  createUsageMeter,
  MAX_RETRY_AFTER_MS,
  modelPathResolver,
  RunHalt,
  resolveTargetConfig,
  spendSink,
  type TargetContext,
} from '../targets/index.js';
import { createProgress } from './progress.js';

export { onStopSignals, signalExitCode, terminalSafeJson, terminalText } from '../core/index.js';
export { createProgress, silentProgress } from './progress.js';

/** Exit codes scripts can trust. */
export const ExitCode = {
  ok: 0,
  /** Findings: the red team broke something, or release criteria failed. */
  findings: 1,
  /** Bad input: config, dataset, arguments. */
  input: 2,
  /** Runtime or target failure. */
  runtime: 3,
  /** The run was taken over by another process (its claim lost): this one stopped, writing nothing
   * more to it. */
  claimLost: 4,
  /** Stopped by SIGHUP / SIGINT / SIGTERM once its child processes were stopped (what a shell
   * reports: 128 + the signal's number; see signalExitCode). SIGHUP is the terminal or ssh session
   * going away. */
  sighup: 129,
  sigint: 130,
  sigterm: 143,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** Throw (or return ExitCode.findings from an action) when the work succeeded but found problems. */
export class FindingsError extends BreakfixError {
  constructor(message: string, hint?: string) {
    super(message, 'findings', hint);
    this.name = 'FindingsError';
  }
}

export interface CommonOptions {
  config?: string;
  store?: string;
  json?: boolean;
  /** commander's `--no-cache` sets `cache: false`. */
  cache?: boolean;
  quiet?: boolean;
}

/** What a command does that the two options act on: `cache`, it calls a model (whose replies the
 * cache keeps); `quiet`, it prints progress or notes on stderr. A command that does neither takes
 * neither option: its --help would list options that change nothing. */
export interface CommonOptionUses {
  cache: boolean;
  quiet: boolean;
}

/** Add `--config`, `--store` and `--json` to a command, and `--no-cache` and `-q/--quiet` where
 * `uses` says it acts on them. */
export function withCommonOptions<C extends Command>(cmd: C, uses: CommonOptionUses): C {
  cmd
    .option(
      '-c, --config <file>',
      `config file (default: ./${DEFAULT_CONFIG_FILE} if present, else built-in defaults)`,
    )
    .option(
      '--store <path>',
      "SQLite store (default: the config's `store`, .breakfix/breakfix.db, beside the config file when one is used)",
    )
    .option('--json', 'print machine-readable JSON on stdout');
  if (uses.cache) cmd.option('--no-cache', 'bypass the response cache');
  if (uses.quiet) cmd.option('-q, --quiet', 'no progress output');
  return cmd;
}

export interface Context {
  config: Config;
  /** The config file used, when one was. */
  configFile?: string;
  /** The store, opened on first use (made when it does not exist yet). */
  readonly store: Store;
  /** The store for commands that only read what earlier runs stored (vulns, report, view, curate):
   * an input error naming the path when there is none, instead of making an empty one. */
  readonly existingStore: Store;
  /** The existing store for a command that only reads it (report, vulns, view, model list/info, config
   * check, curate --export-only): opened as `existingStore` when this user can write it, else
   * read-only (another user's store, a CI artifact unpacked read-only, a read-only mount), writing
   * nothing there. A command that writes to the store must not use it. */
  readonly readableStore: Store;
  /** Whether the store exists yet (a command that can do without it need not make one). */
  readonly hasStore: boolean;
  /** The store's path: --store, else the config's `store`. */
  readonly storePath: string;
  json: boolean;
  quiet: boolean;
  noCache: boolean;
  progress: Progress;
  /** Shared by every target this context made: a refused key or spent quota halts the command's run. */
  halt: RunHalt;
  /** Print `data` as JSON with --json, else `text` (or a readable rendering of data). */
  out(data: unknown, text?: string | (() => string)): void;
  /** Write a human note on stderr (silent with --quiet or --json). */
  note(line: string): void;
  /** Write `warning: line` on stderr, with --quiet too (it silences progress; a warning is a finding),
   * not with --json, and keep it in `warnings`, which a command's --json object carries instead. */
  warn(line: string): void;
  /** The warnings said so far, each once, redacted (one may quote a target spec's URL password). */
  readonly warnings: readonly string[];
  /** A config target name, or a spec (`embedded:base`, `openai:gpt-4o-mini`), wrapped per config. */
  target(nameOrSpec: string): Target;
  /** The name a run shows and stores for a target (`--target`, `roles.target`): a spec's URL with
   * its credentials redacted, as `target()` shows it in its id. */
  targetName(nameOrSpec: string): string;
  /** Closes the target `target()` made for this name and forgets it (an embedded one lets go of its
   * model); a later `target()` of the name makes it afresh. For a caller done with it, which no one
   * else was given (a cycle's earlier round model). */
  release(nameOrSpec: string): Promise<void>;
  close(): Promise<void>;
}

/** `onRetry` hears of each retry of a remote target's request (chat says them: one request, and
 * a server that does not answer is given every attempt's timeout, 5 minutes by default). */
export async function loadContext(
  opts: CommonOptions = {},
  hooks: Pick<TargetContext, 'onRetry'> = {},
): Promise<Context> {
  const configFile = opts.config ?? (existsSync(DEFAULT_CONFIG_FILE) ? DEFAULT_CONFIG_FILE : undefined);
  const config = loadConfig(configFile);
  const json = Boolean(opts.json);
  const quiet = Boolean(opts.quiet);
  const warnings: string[] = [];
  const noCache = opts.cache === false;
  // (As the config's `store:` refuses it: SQLite's in-memory name would become a file of that name in
  // the working folder, which a later command given the same flag reads as the store.)
  if (opts.store?.trim() === ':memory:')
    throw usageError(
      '--store: the store is a file: breakfix resumes, reports and compares rounds from it; give a path',
      'for example --store .breakfix/breakfix.db',
    );
  const storePath = opts.store ? resolve(opts.store) : config.store;
  let store: Store | undefined;
  const targets = new Map<string, Target>();
  const halt = new RunHalt();
  const getStore = () => {
    store ??= openStore(storePath);
    return store;
  };
  // Every request of a run is booked in its store's spend table as it ends (targets/usage.ts).
  const usage = createUsageMeter(spendSink(getStore));
  const requireStore = () => {
    if (store) return;
    if (!existsSync(storePath))
      throw new BreakfixError(
        `no store at ${storePath}: nothing has been run with it yet`,
        'input',
        'run `breakfix cycle` (or bench / redteam) first, or pass --store PATH',
      );
    // SQLite takes a file of 0 or 1 byte (an empty file, a copy cut short) as an empty database and
    // writes a schema into it: a command that only reads made a store of it. (From 2 bytes on it
    // refuses the file itself: "file is not a SQLite database", as for any other file.)
    const stat = statSync(storePath);
    if (stat.isFile() && stat.size < 2)
      throw new InputError(
        `not a breakfix store: the file is ${stat.size} byte${stat.size === 1 ? '' : 's'}, shorter than any SQLite database`,
        storePath,
        undefined,
        undefined,
        'pass --store with a breakfix store (a .db file); a copy of one that came out empty is incomplete',
      );
  };
  /** The name a run shows and stores for a target: a spec's URL with its credentials redacted. */
  const shownName = (nameOrSpec: string) => redactText(resolveTargetConfig(nameOrSpec, config).name);
  /** A stored model keeps a spec's URL with its credentials redacted (the store holds no secret):
   * the configured role it was shown for is the spec to call. One with no such role fails here,
   * before requests that would send "[redacted]" as a password. */
  const configuredSpec = (spec: string): string => {
    if (!spec.includes(REDACTED)) return spec;
    for (const role of Object.values(config.roles)) {
      if (typeof role !== 'string' || role === spec) continue;
      try {
        if (shownName(role) === spec) return role;
      } catch {
        // a role that does not resolve is reported where it is used
      }
    }
    throw new BreakfixError(
      `target ${spec}: the stored spec's credentials are redacted, and no role of the config names its URL`,
      'input',
      'set roles.target (or the role it had) to the spec with its credentials, as when the run started',
    );
  };
  const ctx: Context = {
    config,
    configFile: configFile ? resolve(configFile) : undefined,
    get store() {
      return getStore();
    },
    get existingStore() {
      requireStore();
      return getStore();
    },
    get readableStore() {
      requireStore();
      store ??= storeWritable(storePath) ? openStore(storePath) : openStore(storePath, { readOnly: true });
      return store;
    },
    storePath,
    get hasStore() {
      return Boolean(store) || existsSync(storePath);
    },
    json,
    quiet,
    noCache,
    progress: createProgress({ json, quiet }),
    halt,
    out(data, text) {
      if (json) {
        process.stdout.write(`${terminalSafeJson(JSON.stringify(data, null, 2))}\n`);
        return;
      }
      const t = typeof text === 'function' ? text() : text;
      process.stdout.write(`${t ?? (typeof data === 'string' ? data : JSON.stringify(data, null, 2))}\n`);
    },
    // A note or warning may quote a config value (a target spec's URL with its password: redacted) or
    // a dataset's text (a custom suite's category: its escapes shown, not obeyed by the terminal).
    note(line) {
      if (!quiet && !json) process.stderr.write(`${terminalText(redactText(line), true)}\n`);
    },
    warn(line) {
      const shown = redactText(line);
      if (!warnings.includes(shown)) warnings.push(shown);
      if (!json) process.stderr.write(`warning: ${terminalText(shown, true)}\n`);
    },
    warnings,
    target(asGiven) {
      const nameOrSpec = configuredSpec(asGiven);
      // One instance per name, so its concurrency and rate limits are shared by every caller.
      const existing = targets.get(nameOrSpec);
      if (existing) return existing;
      // An embedded model that names nothing is bad input now, before a run is made of its errors
      // (the model itself loads on the first request).
      const resolved = resolveTargetConfig(nameOrSpec, config).config;
      if (resolved.type === 'embedded')
        resolveEmbeddedPath(
          `embedded:${resolved.model}`,
          modelPathResolver(ctx.hasStore ? () => getStore() : undefined),
        );
      const t = createTarget(nameOrSpec, {
        config,
        store: getStore,
        noCache,
        halt,
        usage,
        baseDir: configFile ? dirname(resolve(configFile)) : process.cwd(),
        onRetry: hooks.onRetry,
      });
      targets.set(nameOrSpec, t);
      return t;
    },
    targetName: shownName,
    async release(asGiven) {
      const nameOrSpec = configuredSpec(asGiven);
      const t = targets.get(nameOrSpec);
      if (!t) return;
      targets.delete(nameOrSpec);
      await t.close?.().catch(() => undefined);
    },
    async close() {
      for (const t of targets.values()) await t.close?.().catch(() => undefined);
      store?.close();
    },
  };
  return ctx;
}

/** Wrap a command action: run it, map its outcome to an exit code, print errors as one clear line
 * (plus a hint) on stderr. The action may return an exit code (e.g. ExitCode.findings). */
export function runAction<A extends unknown[]>(
  fn: (...args: A) => Promise<number | undefined> | Promise<void> | number | undefined,
): (...args: A) => Promise<void> {
  return async (...args: A) => {
    const releaseSignals = exitOnSignal(args);
    try {
      const code = await fn(...args);
      process.exitCode = typeof code === 'number' ? code : ExitCode.ok;
    } catch (err) {
      process.exitCode = reportError(err);
      if (wantsJson(args)) {
        // Machines reading --json get the failure on stdout too, in the same shape every time.
        process.stdout.write(
          `${terminalSafeJson(JSON.stringify({ error: errorJson(err, process.exitCode) }, null, 2))}\n`,
        );
      }
    } finally {
      releaseSignals();
    }
  };
}

/** SIGINT (Ctrl-C), SIGTERM or SIGHUP while an action works exits 130 / 143 / 129 saying so, with
 * --json an error document on stdout, as a command that stores a run does (stopRunOnSignal): curate,
 * train's embedded trainer, model pretrain and the rest died by the signal, silent, with no JSON, and
 * a script spawning them saw no exit code. A command that handles the signal itself (a stored run,
 * a server, judge's staged output) has its own listener, registered after this one: this one leaves
 * the signal to it. Returns the function that removes the handlers. */
function exitOnSignal(args: unknown[]): () => void {
  return onStopSignals(
    (signal) => {
      if (process.listenerCount(signal) > 1) return;
      const command = args.find((a): a is Command => a instanceof Object && 'optsWithGlobals' in a);
      exitInterrupted(
        signal,
        `${command ? `breakfix ${commandPath(command)}` : 'the command'} stopped before it finished`,
        'run it again',
        wantsJson(args),
      );
    },
    { every: true },
  );
}

/** Says that a signal stopped the command (stderr; with --json the error document on stdout) and
 * exits 130 (SIGINT), 143 (SIGTERM) or 129 (SIGHUP). */
function exitInterrupted(signal: StopSignal, what: string, hint: string, json: boolean): never {
  const code = signalExitCode(signal);
  const err = new BreakfixError(`interrupted by ${signal}: ${what}`, 'interrupted', hint);
  // (after a SIGHUP the terminal may be gone: a write that fails must not stop the exit)
  writeQuietly(process.stderr, `breakfix: ${err.message}\nhint: ${err.hint}\n`);
  if (json)
    writeQuietly(
      process.stdout,
      `${terminalSafeJson(JSON.stringify({ error: errorJson(err, code) }, null, 2))}\n`,
    );
  process.exit(code);
}

/** Writes what it can; a stream whose terminal hung up (EIO, EPIPE) is let be. */
export function writeQuietly(stream: NodeJS.WriteStream, text: string): void {
  try {
    stream.write(text);
  } catch {
    // (the terminal is gone: nobody is there to read it)
  }
}

/** `model pretrain`, not `pretrain`: the names from the program down, the program's own left out. */
function commandPath(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c?.parent; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/** commander passes (...arguments, options, command): find `--json` among them. */
function wantsJson(args: unknown[]): boolean {
  return args.some(
    (a) =>
      a !== null &&
      typeof a === 'object' &&
      ((a as { json?: unknown }).json === true ||
        (typeof (a as { optsWithGlobals?: unknown }).optsWithGlobals === 'function' &&
          (a as Command).optsWithGlobals().json === true)),
  );
}

export function errorJson(err: unknown, exitCode: number): Record<string, unknown> {
  const out: Record<string, unknown> = {
    message: redactText(err instanceof Error ? err.message : String(err)),
    exitCode,
  };
  if (err instanceof BreakfixError) {
    out.code = err.code;
    // (A target error's own hint, what to check, comes first, as on stderr: a script reading only
    // stdout gets the fix as well as the resume command.)
    const hints = [err instanceof TargetError ? targetHint(err) : undefined, err.hint].filter(Boolean);
    if (hints.length) out.hint = redactText(hints.join('\n'));
  }
  // A command line commander refused (unknown option, missing argument) is a usage error like the
  // ones the actions find.
  if (err instanceof CommanderError && exitCode === ExitCode.input) out.code = 'usage';
  if (err instanceof TargetError) out.kind = err.kind;
  if (err instanceof InputError) {
    if (err.file) out.file = err.file;
    // (a Parquet file has rows, not lines)
    if (err.line !== undefined) out[err.at] = err.line;
    if (err.field) out.field = err.field;
  }
  // Every bad line of a file, each with its own line and field (the fields above are the first's).
  if (err instanceof InputErrors)
    out.issues = err.errors.map((e) => ({
      message: redactText(e.detail),
      ...(e.file && { file: e.file }),
      ...(e.line !== undefined && { [e.at]: e.line }),
      ...(e.field && { field: e.field }),
      ...(e.hint && { hint: redactText(e.hint) }),
    }));
  // Every issue of a config, each with its own field, line and hint (the fields above are the first's).
  if (err instanceof ConfigValidationError && err.issues.length > 1)
    out.issues = err.issues.map((i) => ({
      message: redactText(i.message),
      file: i.file,
      ...(i.line !== undefined && { line: i.line }),
      ...(i.field && { field: i.field }),
      ...(i.hint && { hint: redactText(i.hint) }),
    }));
  return out;
}

/** The `exitError` a --json result carries when its command exits 3 having printed it (bench,
 * redteam, vulns: a measurement that is not one): the shape of every --json failure document's
 * `error`, so a script reading only stdout finds why. (Not `error`: a red-team summary's `error` is
 * its count of attempts in error.) */
export function runtimeErrorJson(message: string, hint?: string): Record<string, unknown> {
  return errorJson(new BreakfixError(message, 'runtime', hint), ExitCode.runtime);
}

/** The exit code for an error. */
export function exitCodeFor(err: unknown): ExitCodeValue {
  if (err instanceof FindingsError) return ExitCode.findings;
  if (err instanceof InputError) return ExitCode.input;
  if (err instanceof CommanderError) return err.exitCode === 0 ? ExitCode.ok : ExitCode.input;
  if (err instanceof TargetError) return ExitCode.runtime;
  if (err instanceof BreakfixError && (err.code === 'input' || err.code === 'usage')) return ExitCode.input;
  if (err instanceof ClaimLostError) return ExitCode.claimLost;
  // (an external trainer stopped by a signal breakfix got, from any command that trains: train, cycle)
  if (err instanceof InterruptedError) return signalExitCode(err.signal);
  return ExitCode.runtime;
}

/** Print an error as `breakfix: message` + `hint: …` on stderr; return its exit code. */
export function reportError(err: unknown): ExitCodeValue {
  const code = exitCodeFor(err);
  if (err instanceof CommanderError) return code; // commander already printed it
  // (A message may quote a server's error body or a file's bytes: lines after its first are indented,
  // so none can pass for a line of breakfix's own.)
  const printable = (text: string) => terminalText(redactText(text), true).replace(/\n/g, '\n  ');
  const message = printable(err instanceof Error ? err.message : String(err));
  const lines = [`breakfix: ${message}`];
  const hint = err instanceof BreakfixError ? err.hint : undefined;
  // (A target error's own hint says how to go on once the target is fixed: the fix comes first.)
  if (err instanceof TargetError) lines.push(`hint: ${targetHint(err)}`);
  if (hint) lines.push(`hint: ${printable(hint)}`);
  if (process.env.BREAKFIX_DEBUG === '1' && err instanceof Error && err.stack)
    lines.push(printable(err.stack));
  else if (!(err instanceof BreakfixError))
    lines.push('hint: this looks like a bug; rerun with BREAKFIX_DEBUG=1 for details');
  process.stderr.write(`${lines.join('\n')}\n`);
  return code;
}

function targetHint(err: TargetError): string {
  if (err.retryAfterMs !== undefined && err.retryAfterMs > MAX_RETRY_AFTER_MS)
    return `the provider asks for about ${Math.ceil(err.retryAfterMs / 60_000)} min before the next request (a daily limit or an outage, not a rate limit retries ride out): wait that long`;
  switch (err.kind) {
    case 'auth':
      // (The error does not say which provider refused: the hint names both variables.)
      return 'check the apiKey of this target (e.g. apiKey: ${OPENAI_API_KEY}, or ${ANTHROPIC_API_KEY} for an anthropic target) and that the variable is exported';
    case 'quota':
      return "the provider says this account's quota or credit is used up: check its plan and billing, or use another key";
    case 'network':
      return 'check baseURL and that the server is running and reachable';
    case 'timeout':
      return 'raise timeoutMs for this target, or lower its concurrency (a server that never answers at all: check baseURL and the server)';
    case 'rate_limit':
      return 'set rpm/tpm for this target below the provider limit, or raise retries';
    case 'client':
      // (A 404 is a model the server does not serve, or a baseURL without its /v1: vLLM, Ollama and
      // llama.cpp answer a wrong path with a bare 404.)
      if (err.status === 404)
        return 'check the model name (the server lists its models at GET <baseURL>/models) and that baseURL ends in /v1, e.g. http://localhost:8000/v1';
      // A server that takes only streamed requests (or refuses them) says so in its 400; the setting
      // that fixes it is the target's, turned the other way from how the request went (a target that
      // does not say how it went gets both ways). (Read in the server's words only, not in the target
      // id before them: a model or host named stream-something says nothing; nor does a gateway's
      // "upstream".)
      if (/\bstream/i.test(serverWords(err))) {
        const toStream =
          'set `stream: true` on this target (an openai target under targets: in the config; a --target spec does not stream)';
        const toPlain = 'remove `stream: true` from this target';
        if (err.streamed === true)
          return `the server's message is about streaming and this target streams (stream: true): the server refuses streamed requests, so ${toPlain}`;
        if (err.streamed === false)
          return `the server's message is about streaming and this target does not stream: the server takes streamed requests only, so ${toStream}`;
        return `the server's message is about streaming: if it takes streamed requests only, ${toStream}; if it refuses streaming, ${toPlain}`;
      }
      return 'check the model name and request parameters for this target';
    case 'server':
      return "the server kept failing through every retry: check it (its logs, its load, that it finished loading the model), or raise this target's retries";
    case 'malformed':
      return "the server's reply was no chat completion breakfix could read: check that baseURL is the server's OpenAI-compatible endpoint (ending in /v1), not another API or a gateway's error page";
    case 'empty':
      return 'the model replied with nothing through every retry: check its max tokens and stop settings, and that the server finished loading it';
    default:
      return 'the target failed after retries; see the message above';
  }
}

/** What the server said in an HTTP error (`<target id>: HTTP 400 <its message>`): the message after
 * the status, else nothing. */
function serverWords(err: TargetError): string {
  const at = err.message.indexOf(`: HTTP ${err.status} `);
  return at < 0 ? '' : err.message.slice(at);
}

/** Last-resort handler for errors outside an action (e.g. commander usage errors). */
export function handleFatal(err: unknown): void {
  process.exitCode = reportError(err);
}

/** What to do when no harmful-request sample or attempt could be decided: with the offline harm
 * judge, which reads the embedded world's answer shapes, give the model an LLM one; with an LLM harm
 * judge already, its replies are what failed to parse. */
export function undecidedHarmHint(config: Pick<Config, 'judges'>): string {
  const severity = config.judges.severity;
  return severity === 'offline'
    ? "hint: the offline harm judges read the embedded world's answers; a real model's prose needs an LLM harm judge (judges.severity: <target> in the config)"
    : `hint: the harm judge (judges.severity: ${terminalText(severity)}) decided nothing (its replies did not parse): see the verdicts' rationale in the store (breakfix view); a reasoning judge needs a larger judges.maxTokens`;
}

/** While a stored run works, SIGINT (Ctrl-C), SIGTERM or SIGHUP marks it `interrupted`, says how to
 * go on and exits 130 / 143 / 129 as a shell expects (with --json, an error document on stdout as for any
 * failure). What the run stored stays. Returns the function that removes the handlers. */
export function stopRunOnSignal(
  ctx: Pick<Context, 'store' | 'json'>,
  runId: string,
  resume: string | undefined,
): () => void {
  return onStopSignals((signal) => {
    try {
      ctx.store.updateRun(runId, { status: 'interrupted' });
      // Its claim goes too: on another host it would hold the run until its heartbeat went stale.
      ctx.store.releaseRun(runId);
    } catch {
      // (the store is closing or was never made: there is nothing to mark)
    }
    // An outside trainer's processes (accelerate's workers, holding the GPUs) are stopped by
    // runStreaming's listener, after this one, and the run ends with its InterruptedError once they
    // are gone: exiting here left them training, with no breakfix to stop them.
    if (trainerRunning()) return;
    exitInterrupted(
      signal,
      `run ${runId} stopped; what it stored is kept`,
      resume ? `resume it: ${resume}` : 'run it again',
      ctx.json,
    );
  });
}

/** A usage error (bad arguments): exit code 2. */
export function usageError(message: string, hint?: string): BreakfixError {
  return new BreakfixError(message, 'usage', hint);
}

/** An option that must be a whole number (`--seed`, `--limit`, `--concurrency`, `--round`…): the
 * number, undefined when the option was not given, a usage error naming the option otherwise — never
 * NaN or a silent default. */
export function wholeNumber(option: string, value: unknown, min = 0): number | undefined {
  if (value === undefined) return undefined;
  // Digits only: Number() would also take "1e1", "0x1" and " 1", which nobody means as a count.
  const text = String(value);
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n) || n < min)
    throw usageError(`${option} must be a whole number ≥ ${min} (got "${terminalText(String(value))}")`);
  return n;
}

/** Why a server (`view`, `serve`) could not listen on `--host` / `--port`, as a usage error (exit 2):
 * the port in use, an address that is not this machine's, a port below 1024 without the right to
 * it. Any other error is returned as it is. */
export function listenError(err: NodeJS.ErrnoException, port: number, host: string): Error {
  if (err.code === 'EADDRINUSE')
    return usageError(`port ${port} is in use`, 'pass --port 0 for any free port');
  if (err.code === 'EADDRNOTAVAIL' || err.code === 'ENOTFOUND')
    return usageError(`cannot bind to ${terminalText(host)}`, 'use --host 127.0.0.1');
  if (err.code === 'EACCES')
    return usageError(`no permission to listen on port ${port}`, 'use a port above 1023, or --port 0');
  return err;
}

/** A `--port`: a whole number 0–65535 (0 = any free port). */
export function portNumber(value: unknown): number {
  const port = wholeNumber('--port', value) ?? 0;
  if (port > 65535) throw usageError(`--port must be 0–65535 (got ${port})`);
  return port;
}

/** An option that is a number, not necessarily whole (`--temperature`, `--minutes`): at least `min`
 * (above it when `above` is set) and at most `max` (the config schema's own bounds, so an option cannot
 * ask for what a config file may not). */
export function decimalNumber(
  option: string,
  value: unknown,
  min = 0,
  above = false,
  max = Number.POSITIVE_INFINITY,
): number | undefined {
  if (value === undefined) return undefined;
  const text = String(value).trim();
  const n = Number(text);
  if (text === '' || !Number.isFinite(n) || n < min || (above && n === min) || n > max) {
    const range = Number.isFinite(max) ? `between ${min} and ${max}` : `${above ? '>' : '≥'} ${min}`;
    throw usageError(`${option} must be a number ${range} (got "${terminalText(String(value))}")`);
  }
  return n;
}

/** The folder a config's relative paths (seed, template and custom-suite files) are resolved
 * against: the config file's, else the working directory. */
export function configBaseDir(ctx: Pick<Context, 'configFile'>): string {
  return ctx.configFile ? dirname(ctx.configFile) : process.cwd();
}

/** The config's own seed and template files (`seeds.files`, `templates.files`; relative paths are
 * resolved against the config file's folder). Every command that attacks or curates uses them
 * beside the built-ins; the benchmark suites measure the built-in seeds and bench.custom. */
export function userData(ctx: Pick<Context, 'config' | 'configFile'>): {
  seeds: Seed[];
  templates: Template[];
} {
  const base = configBaseDir(ctx);
  // A file's own error names the file (and line); the hint names the config entry that named it (a
  // relative path there is the config folder's, not the working directory's).
  const each = <T>(field: string, files: readonly string[], read: (path: string) => T[]): T[] =>
    files.flatMap((f, i) => {
      try {
        return read(resolve(base, f));
      } catch (err) {
        if (!(err instanceof InputError) || err.hint) throw err;
        throw err.withHint(`named by ${field}.${i}${ctx.configFile ? ` in ${ctx.configFile}` : ''}`);
      }
    });
  return {
    // (checked as one: an id or a text in two of the files is one seed twice, as in one file)
    seeds: distinctSeeds(each('seeds.files', ctx.config.seeds.files, readSeedsFile)),
    templates: each('templates.files', ctx.config.templates.files, loadTemplatesFile),
  };
}
