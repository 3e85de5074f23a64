// Reading a config: YAML text → ${ENV} interpolation → zod validation → paths resolved against the
// config file's folder. Every failure is a ConfigError that names the field, the line and what was
// expected, and never echoes a secret.
import { isUtf8 } from 'node:buffer';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { type Document, LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import {
  BAD_LINES_SHOWN,
  ConfigError,
  describeFsError,
  firstNonUtf8Line,
  MAX_YAML_DEPTH,
  pathKey,
  startsAsUtf16,
  yamlLineEnds,
  yamlTooDeep,
} from '../core/index.js';
import { findRecursiveAlias } from './aliases.js';
import { describeIssue } from './issues.js';
import { lineOf } from './locate.js';
import { type Config, configSchema } from './schema.js';
import {
  isSecretKey,
  isSecretVariable,
  redactText,
  registerSecret,
  registerSpecSecrets,
  registerURLSecrets,
} from './secrets.js';

export { isSecretVariable };

export const DEFAULT_CONFIG_FILE = 'breakfix.yaml';

/** How many nodes alias expansion may add (yaml's measure): more is refused as a resource attack. */
const MAX_ALIAS_COUNT = 100;

/** One problem in a config file. */
export interface ConfigIssue {
  field: string;
  message: string;
  file: string;
  line?: number;
  hint?: string;
}

/** A config that failed validation: `message` lists every issue, one per line. */
export class ConfigValidationError extends ConfigError {
  constructor(readonly issues: ConfigIssue[]) {
    const first = issues[0]!;
    super(first.message, first.file, first.line, first.field || undefined, first.hint);
    this.name = 'ConfigValidationError';
    // (the first BAD_LINES_SHOWN in words, as a dataset's bad lines are, then their lines: a file
    // that is no YAML at all had one line of error for each of its thousands; --json lists them all)
    const rest = issues.slice(BAD_LINES_SHOWN);
    const lines = [...new Set(rest.flatMap((i) => (i.line === undefined ? [] : [i.line])))];
    const more = `and ${rest.length} more${lines.length ? ` (lines ${lines.slice(0, 50).join(', ')}${lines.length > 50 ? ', …' : ''})` : ''}`;
    if (issues.length > 1)
      this.message = [
        ...issues.slice(0, BAD_LINES_SHOWN).map(formatIssue),
        ...(rest.length ? [more] : []),
      ].join('\n');
  }
}

export function formatIssue(issue: ConfigIssue): string {
  const where = `${issue.file}${issue.line !== undefined ? `:${issue.line}` : ''}`;
  return `${issue.field ? `${issue.field}: ` : ''}${issue.message} (${where})`;
}

/** The built-in defaults: the embedded model, offline judges and attacker. */
export function defaultConfig(): Config {
  return configSchema.parse({});
}

/** Parse and validate config text. `file` names the source in errors and anchors relative paths. */
export function parseConfig(source: string, file = DEFAULT_CONFIG_FILE): Config {
  const text = yamlLineEnds(source);
  // yaml composes a level at a time by recursion: 10,000 `[` ran out of stack, said as "Maximum call
  // stack size exceeded" at whatever line the stack ran out on; and a second such text in one process
  // aborted it (V8: "RegExpCompiler Allocation failed"). So such text is never composed.
  const deep = yamlTooDeep(text);
  if (deep) {
    // (yaml's errors on the lines before come first, where that text can be composed: a file that
    // is no YAML at all, a CSV passed as the config, nests deeper line by line as yaml reads it, and
    // its first line is what to fix)
    const before = text.slice(0, text.lastIndexOf('\n', deep.offset) + 1);
    const earlier = yamlTooDeep(before) ? [] : readYaml(before, file).issues;
    throw new ConfigValidationError([
      ...earlier.filter((i) => (i.line ?? 0) < deep.line),
      {
        field: '',
        message: `invalid YAML: nested deeper than ${MAX_YAML_DEPTH} levels (maps and lists inside each other)`,
        file,
        line: deep.line,
        hint: 'a config nests a few levels deep: look for a bracket left open or indentation that only grows',
      },
    ]);
  }
  const { doc, counter, issues } = readYaml(text, file);
  if (issues.length > 0) throw new ConfigValidationError(issues);
  // An alias inside the node it names would resolve to a circular object: refused before toJS.
  const loop = findRecursiveAlias(doc);
  if (loop) {
    throw new ConfigValidationError([
      {
        field: loop.path.join('.'),
        message: `invalid YAML: the alias *${loop.name} is recursive (it refers to the node &${loop.name} it is inside)`,
        file,
        line: counter.linePos(loop.offset).line,
        hint: `an alias can only repeat a value defined before it, not the value that contains it`,
      },
    ]);
  }
  let raw: unknown;
  try {
    // Aliases resolve here: an unknown anchor or an alias bomb ("billion laughs") throws; the cap on
    // alias expansion is stated, not left to the library's default.
    raw = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) ?? {};
  } catch (err) {
    throw new ConfigValidationError([
      { field: '', message: `invalid YAML: ${firstLine((err as Error).message)}`, file, line: 1 },
    ]);
  }
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ConfigValidationError([
      {
        field: '',
        message: `expected a mapping of sections at the top level, got ${kindOf(raw)}`,
        file,
        line: 1,
      },
    ]);
  }

  const envIssues: ConfigIssue[] = [];
  // A target's unset variable matters only to a command that uses the target: `report` needs no
  // API key, and a judge endpoint one run leaves out must not block it.
  const unsetInTargets = new Map<string, ConfigIssue[]>();
  const whole: PropertyKey[][] = [];
  const data = interpolate(raw, [], whole, (path, name) => {
    const issue = {
      field: path.join('.'),
      // (an empty value is refused as an unset one is, but "not set" sends a user who exported it
      // looking in the wrong place)
      message: `environment variable ${name} is ${process.env[name] === '' ? 'empty' : 'not set'}`,
      file,
      line: lineOf(doc, counter, path),
      // A key's default would be the key itself, written in the file: a secret only gets exported.
      hint:
        isSecretKey(String(path.at(-1) ?? '')) || isSecretVariable(name)
          ? `export ${name}=… before running (a key stays in the environment, never in the config file)`
          : `export ${name}=… before running, or write \${${name}:-default}`,
    };
    const target = path[0] === 'targets' && path.length > 2 ? String(path[1]) : undefined;
    if (target === undefined) envIssues.push(issue);
    else unsetInTargets.set(target, [...(unsetInTargets.get(target) ?? []), issue]);
  }) as Record<string, unknown>;
  if (envIssues.length > 0) throw new ConfigValidationError(envIssues);
  // (the schema's maps of names, `targets` and `headers`, drop such a key unsaid: a target written
  // under it vanished)
  const proto = protoKeyPaths(data);
  if (proto.length > 0)
    throw new ConfigValidationError(
      proto.map((path) => ({
        field: path.join('.'),
        message: '"__proto__" cannot be a key: JavaScript objects reserve the name',
        file,
        line: lineOf(doc, counter, path.slice(0, -1), '__proto__'),
      })),
    );
  const targets = data.targets as Record<string, Record<string, unknown>> | undefined;
  for (const name of unsetInTargets.keys()) {
    const t = targets?.[name];
    // Validated as the bare target its type makes (the rest waits for its variables); a bad type
    // is still reported now.
    if (t && ['openai', 'anthropic', 'embedded'].includes(t.type as string))
      targets[name] = { type: t.type, ...(t.type !== 'embedded' && { model: t.model || 'unset' }) };
  }

  let result = configSchema.safeParse(data, { reportInput: true });
  if (!result.success && typedSubstitutions(data, whole, result.error.issues))
    result = configSchema.safeParse(data, { reportInput: true });
  if (!result.success)
    throw new ConfigValidationError(toIssues(result.error.issues, data, doc, counter, file));

  const config = result.data;
  rememberSecrets(config);
  const resolved = resolvePaths(config, file, doc, counter);
  if (unsetInTargets.size) UNSET_TARGETS.set(resolved, unsetInTargets);
  return resolved;
}

/** The YAML document of config text, with its line counter and its syntax errors as issues. */
function readYaml(
  text: string,
  file: string,
): { doc: Document.Parsed; counter: LineCounter; issues: ConfigIssue[] } {
  const counter = new LineCounter();
  // merge: YAML 1.1's `<<: *anchor` (one target built on another), which compose files made familiar.
  const doc = parseDocument(text, {
    lineCounter: counter,
    prettyErrors: false,
    uniqueKeys: true,
    merge: true,
  });
  const lines = text.split('\n');
  const issues = doc.errors.map((e) => {
    const line = counter.linePos(e.pos[0]).line;
    return {
      field: '',
      message: `invalid YAML: ${firstLine(e.message)}`,
      file,
      line,
      hint: BARE_REFERENCE_IN_FLOW.test(lines[line - 1] ?? '')
        ? 'YAML\'s flow { … } and [ … ] cannot hold a bare ${VAR}: quote it ("${VAR}", still read as the number or boolean it spells) or write that mapping in block style, one key a line'
        : 'check indentation and quoting around this line',
    };
  });
  return { doc, counter, issues };
}

/** A line with an unquoted `${` after a `{` or `[` that opens a flow collection: `budget: { attempts:
 * ${BUDGET} }`, the shape the README's own `budget: { attempts: 2000 }` invites, which YAML reads as
 * a nested flow map and refuses with a message that names neither the reference nor the fix. */
const BARE_REFERENCE_IN_FLOW = /^[^"'#]*(?<!\$)[{[][^"'#]*\$\{/;

const UNSET_TARGETS = new WeakMap<Config, Map<string, ConfigIssue[]>>();

/** The config's targets that name an unset environment variable, with the issues: using one is a
 * ConfigValidationError naming the field and line (see `checkTargetSet`). */
export function unsetTargets(config: Config): ReadonlyMap<string, ConfigIssue[]> {
  return UNSET_TARGETS.get(config) ?? new Map();
}

/** Throws the unset-variable issues of target `name`, if it has any. */
export function checkTargetSet(config: Config, name: string): void {
  const issues = UNSET_TARGETS.get(config)?.get(name);
  if (issues) throw new ConfigValidationError(issues);
}

/** Every model the config's roles and LLM judges name: target names and specs (embedded:base). */
export function modelRefs(config: Config): string[] {
  const judges = config.judges as Record<string, unknown>;
  const refs = [
    ...Object.values(config.roles),
    ...['refusal', 'severity', 'groundedness', 'jailbreak', 'llamaguard'].map((k) => judges[k]),
  ];
  return [...new Set(refs.filter((r): r is string => typeof r === 'string'))];
}

/** The config's targets that its roles and LLM judges name (not specs such as embedded:base). */
export function roleTargets(config: Config): string[] {
  return modelRefs(config).filter((r) => r in config.targets);
}

/** The role and judge targets must have their environment variables set before a cycle starts:
 * a role's target config is also read directly (its type decides how a round's model is trained). */
export function checkRoleTargetsSet(config: Config): void {
  for (const name of roleTargets(config)) checkTargetSet(config, name);
}

/** Load `path`; with no path, `./breakfix.yaml` when it exists, else the built-in defaults. */
export function loadConfig(path?: string): Config {
  const file = path ?? (existsSync(DEFAULT_CONFIG_FILE) ? DEFAULT_CONFIG_FILE : undefined);
  if (file === undefined) return defaultConfig();
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ConfigError(
      code === 'ENOENT' ? 'config file not found' : `cannot read the config file: ${describeFsError(err)}`,
      file,
      undefined,
      undefined,
      code === 'ENOENT'
        ? 'run `breakfix init` to write a starter breakfix.yaml, or pass --config <file>'
        : undefined,
    );
  }
  if (startsAsUtf16(bytes))
    throw new ConfigError(
      'the config file is UTF-16, not UTF-8',
      file,
      1,
      undefined,
      "save it as UTF-8 (iconv -f UTF-16 -t UTF-8, or UTF-8 in the editor's encoding menu)",
    );
  // Strict UTF-8: a lenient decode would turn bad bytes into U+FFFD inside a value (a path, a model
  // name) and carry on.
  if (!isUtf8(bytes))
    throw new ConfigError(
      'not valid UTF-8',
      file,
      firstNonUtf8Line(bytes),
      undefined,
      'save the config file as UTF-8',
    );
  return parseConfig(bytes.toString('utf8').replace(/^\uFEFF/, ''), file);
}

/** The JSON Schema of the config file (what a user writes: defaults make fields optional). */
export function configJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }) as Record<
    string,
    unknown
  >;
  return {
    ...(allowEnvRefs(schema) as Record<string, unknown>),
    $id: 'https://breakfix.dev/schema/breakfix.json',
    title: 'breakfix configuration (breakfix.yaml)',
  };
}

/** The file is checked after `${VAR}` interpolation, an editor or CI validator before it: a string
 * with a format (a URL) may also be a `${VAR}` reference, as `baseURL: ${MY_URL:-http://…}`, and a
 * number or a boolean a whole-value one, as `concurrency: ${CONC:-8}` (typedSubstitutions). */
function allowEnvRefs(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(allowEnvRefs);
  if (!node || typeof node !== 'object') return node;
  const out = Object.fromEntries(Object.entries(node).map(([k, v]) => [k, allowEnvRefs(v)]));
  const typed = out.type === 'number' || out.type === 'integer' || out.type === 'boolean';
  if (!typed && (out.type !== 'string' || out.format === undefined)) return out;
  const { description, default: def, ...rest } = out;
  return {
    ...(description !== undefined && { description }),
    ...(def !== undefined && { default: def }),
    anyOf: [
      rest,
      typed
        ? { type: 'string', pattern: '^\\$\\{[A-Za-z_][A-Za-z0-9_]*(:-[^}]*)?\\}$' }
        : { type: 'string', pattern: '\\$\\{[A-Za-z_][A-Za-z0-9_]*' },
    ],
  };
}

// ── ${ENV} interpolation ────────────────────────────────────────────────────────────────────────

const ENV_REF = /\$(\$?)\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;
/** A value that is one reference and nothing else. */
const WHOLE_REF = new RegExp(`^${ENV_REF.source}$`);
const NUMBER = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;

/** A field whose whole value is one `${VAR}` (`concurrency: ${CONC:-8}`) and that the schema wants as
 * a number or a boolean takes the variable's text as one, as YAML would have read it written there.
 * True when any value changed (the config is then parsed again). */
function typedSubstitutions(
  data: Record<string, unknown>,
  whole: readonly PropertyKey[][],
  issues: readonly z.core.$ZodIssue[],
): boolean {
  const substituted = new Set(whole.map((p) => p.join('\u0000')));
  let changed = false;
  for (const issue of issues) {
    if (issue.code !== 'invalid_type' || !substituted.has(issue.path.join('\u0000'))) continue;
    const parent = issue.path
      .slice(0, -1)
      .reduce<unknown>((o, k) => (o as Record<PropertyKey, unknown>)?.[k], data);
    const key = issue.path[issue.path.length - 1];
    if (!parent || typeof parent !== 'object' || key === undefined) continue;
    const text = String((parent as Record<PropertyKey, unknown>)[key]).trim();
    const typed =
      issue.expected === 'number' && NUMBER.test(text)
        ? Number(text)
        : issue.expected === 'boolean' && (text === 'true' || text === 'false')
          ? text === 'true'
          : undefined;
    if (typed === undefined) continue;
    (parent as Record<PropertyKey, unknown>)[key] = typed;
    changed = true;
  }
  return changed;
}

/** Where the data holds a "__proto__" key (kept as a key by interpolate). */
function protoKeyPaths(value: unknown, path: PropertyKey[] = []): PropertyKey[][] {
  if (!value || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([k, v]) => {
    const at = [...path, Array.isArray(value) ? Number(k) : k];
    return k === '__proto__' ? [at] : protoKeyPaths(v, at);
  });
}

function interpolate(
  value: unknown,
  path: PropertyKey[],
  whole: PropertyKey[][],
  missing: (path: PropertyKey[], name: string) => void,
): unknown {
  if (typeof value === 'string') {
    if (WHOLE_REF.test(value)) whole.push(path);
    let fromEnv = false;
    const out = value.replace(ENV_REF, (whole, escaped: string, name: string, fallback?: string) => {
      if (escaped) return whole.slice(1); // `$${X}` is a literal `${X}`
      const env = process.env[name];
      if (env !== undefined && env !== '') {
        fromEnv = true;
        // A key can sit in any field (a trainer's command line, a URL): its variable's name says
        // what it is, so redaction scrubs it from every output, whatever the field.
        if (isSecretVariable(name)) registerSecret(env);
        return env;
      }
      if (fallback !== undefined) return fallback;
      missing(path, name);
      return '';
    });
    const key = String(path[path.length - 1] ?? '');
    if (fromEnv && (isSecretKey(key) || path.includes('headers'))) registerSecret(out);
    return out;
  }
  if (Array.isArray(value)) return value.map((v, i) => interpolate(v, [...path, i], whole, missing));
  // (fromEntries keeps a "__proto__" key a key: assigned to a plain object it set the object's
  // prototype, and `__proto__: {seed: 5}` was read as seed 5, no field named unknown)
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, interpolate(v, [...path, k], whole, missing)]),
    );
  return value;
}

function rememberSecrets(config: Config): void {
  registerSpecSecrets(config);
  for (const target of Object.values(config.targets)) {
    if ('apiKey' in target && target.apiKey) registerSecret(target.apiKey);
    if ('baseURL' in target && target.baseURL) registerURLSecrets(target.baseURL);
    if ('headers' in target && target.headers) {
      for (const [name, v] of Object.entries(target.headers)) if (isSecretKey(name)) registerSecret(v);
    }
  }
}

// ── zod issues → ConfigIssues ───────────────────────────────────────────────────────────────────

function toIssues(
  issues: readonly z.core.$ZodIssue[],
  data: unknown,
  doc: Document,
  counter: LineCounter,
  file: string,
): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  // Cross-field checks (roles → targets …) ran on partly invalid data; report them only once the
  // fields themselves are valid, so one typo does not cascade into several messages.
  const structural = issues.filter((i) => i.code !== 'custom');
  for (const issue of structural.length > 0 ? structural : issues) {
    const path = issue.path as PropertyKey[];
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const d = describeIssue(issue, data, key);
        out.push({
          field: clip([...path, pathKey(key)].join('.')),
          message: clip(d.message),
          hint: d.hint,
          file,
          line: lineOf(doc, counter, path, key),
        });
      }
      continue;
    }
    const d = describeIssue(issue, data);
    // A bad map key is reported on the key's own line.
    const line =
      issue.code === 'invalid_key' && path.length > 0
        ? lineOf(doc, counter, path.slice(0, -1), String(path[path.length - 1]))
        : lineOf(doc, counter, path);
    out.push({ field: clip(path.join('.')), message: clip(redactText(d.message)), hint: d.hint, file, line });
  }
  return out;
}

// ── paths ───────────────────────────────────────────────────────────────────────────────────────

/** Resolve relative paths against the config file's folder. Dataset paths (seeds, templates, custom
 * suites) may not leave that folder unless written as absolute paths. */
function resolvePaths(config: Config, file: string, doc: Document, counter: LineCounter): Config {
  const dir = dirname(resolve(file));
  const issues: ConfigIssue[] = [];
  const dataset = (p: string, path: PropertyKey[]): string => {
    if (isAbsolute(p)) return p;
    const abs = resolve(dir, p);
    const rel = relative(dir, abs);
    // `..` or `../…` climbs out; a name that merely starts with dots (`..data.jsonl`) does not.
    if (rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
      issues.push({
        field: path.join('.'),
        message: `path "${p}" leaves the project folder`,
        hint: 'write an absolute path to use a file outside the folder of the config file',
        file,
        line: lineOf(doc, counter, path),
      });
    }
    return abs;
  };
  const anywhere = (p: string | undefined) => (p === undefined || isAbsolute(p) ? p : resolve(dir, p));

  const out: Config = structuredClone(config);
  out.seeds.files = config.seeds.files.map((p, i) => dataset(p, ['seeds', 'files', i]));
  out.templates.files = config.templates.files.map((p, i) => dataset(p, ['templates', 'files', i]));
  out.bench.custom = config.bench.custom.map((c, i) => ({
    ...c,
    file: dataset(c.file, ['bench', 'custom', i, 'file']),
  }));
  out.store = anywhere(config.store)!;
  out.train.trl.accelerateConfig = anywhere(config.train.trl.accelerateConfig);
  // A local base model given relative to the config (`./phi-mini`); a Hugging Face id (`org/name`) is
  // no path. (TRL runs in its output folder: a relative path would be read from there.)
  const base = config.train.trl.baseModel;
  if (base && /^\.\.?[\\/]/.test(base)) out.train.trl.baseModel = resolve(dir, base);
  for (const target of Object.values(out.targets)) {
    // An embedded model given as a path (not `base` or `round-N`) is relative to the config file too.
    if (target.type === 'embedded' && /[\\/]/.test(target.model) && !isAbsolute(target.model)) {
      target.model = resolve(dir, target.model);
    }
  }
  if (issues.length > 0) throw new ConfigValidationError(issues);
  return out;
}

/** Keys and values from the file are quoted in messages; a multi-megabyte one is cut short. */
function clip(s: string, max = 160): string {
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

function firstLine(s: string): string {
  return s.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}

export function kindOf(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null (empty value)';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'number') return Number.isInteger(v) ? 'a number' : 'a decimal number';
  if (typeof v === 'string') return 'a string';
  if (typeof v === 'boolean') return 'a boolean';
  return typeof v;
}
