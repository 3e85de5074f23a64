import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { targetWarnings } from '../../src/cli/config.js';
import { STARTER_CONFIG } from '../../src/cli/starter-config.js';
import {
  configJsonSchema,
  defaultConfig,
  isOpenAIReasoningModel,
  loadConfig,
  parseConfig,
  redactConfig,
  redactText,
} from '../../src/config/index.js';
import { ConfigError, type Target } from '../../src/core/index.js';
import { createJudges } from '../../src/judge/index.js';

const SECRET = 'sk-test-THISISASECRETVALUE123456';

afterEach(() => {
  delete process.env.BREAKFIX_TEST_KEY;
  delete process.env.BREAKFIX_TEST_MODEL;
});

describe('defaults', () => {
  it('an empty file is the offline embedded default', () => {
    const c = parseConfig('', 'x.yaml');
    expect(c.targets.candidate).toMatchObject({
      type: 'embedded',
      model: 'base',
      concurrency: 64,
      cache: true,
    });
    expect(c.roles).toEqual({ target: 'candidate' });
    expect(c.judges.refusal).toBe('offline');
    expect(c.seed).toBe(7);
    expect(c.cycle.criteria).toEqual({
      asr: 0.02,
      dr3: 0.01,
      vprr: 0.05,
      vprrRise: 0.03,
      helpfulnessDrop: 0.02,
      undeterminedRise: 0.05,
      undetermined: 0.25,
      errorRate: 0,
    });
    expect(c.bench.suites).toEqual([
      'harmful',
      'multiturn',
      'jailbreak',
      'overrefusal',
      'groundedness',
      'helpfulness',
    ]);
    expect(c.train.embedded.sft.steps).toBeGreaterThan(0);
  });

  it('keeps the candidate when other targets are added', () => {
    const c = parseConfig('targets:\n  judge:\n    type: openai\n    model: m\n', 'x.yaml');
    expect(Object.keys(c.targets).sort()).toEqual(['candidate', 'judge']);
    expect(c.targets.judge).toMatchObject({ type: 'openai', retries: 4, timeoutMs: 60000, stream: false });
  });

  it('a user candidate replaces the default one', () => {
    const c = parseConfig('targets:\n  candidate:\n    type: openai\n    model: m\n', 'x.yaml');
    expect(c.targets.candidate?.type).toBe('openai');
  });

  it('roles.judge is the judge of every kind the judges section leaves unset (an explicit one stays)', () => {
    const yaml =
      'targets:\n  j:\n    type: openai\n    model: m\n    baseURL: http://127.0.0.1:9/v1\nroles:\n  judge: j\n';
    const c = parseConfig(`${yaml}judges:\n  refusal: offline\n`, 'x.yaml');
    expect(c.judges).toMatchObject({ refusal: 'offline', severity: 'j', groundedness: 'j', jailbreak: 'j' });
    // What the commands build from it: LLM judges on target j, not the offline ones.
    const target = (name: string): Target => ({
      id: `fake:${name}`,
      chat: async () => ({
        text: '',
        finishReason: 'stop',
        usage: { promptTokens: 0, completionTokens: 0 },
        latencyMs: 0,
      }),
    });
    const set = createJudges(parseConfig(yaml, 'x.yaml'), { target });
    expect([set.refusal.id, set.severity.id, set.groundedness.id, set.jailbreak?.id]).toEqual([
      expect.stringMatching(/^llm-refusal@.*:fake:j$/),
      expect.stringMatching(/^llm-severity@.*:fake:j$/),
      expect.stringMatching(/^llm-groundedness@.*:fake:j$/),
      expect.stringMatching(/^llm-jailbreak@.*:fake:j$/),
    ]);
  });

  it('the starter config: uncommenting roles.judge makes it the judge of every kind', () => {
    const withJudge = STARTER_CONFIG.replace(/^ {2}# judge: judge {14}#.*$/m, '  judge: embedded:base');
    expect(withJudge).not.toBe(STARTER_CONFIG);
    const c = parseConfig(withJudge, 'breakfix.yaml');
    expect(c.roles.judge).toBe('embedded:base');
    expect(c.judges).toMatchObject({
      refusal: 'embedded:base',
      severity: 'embedded:base',
      groundedness: 'embedded:base',
      jailbreak: 'embedded:base',
    });
  });

  it('the starter config written by `init` is valid and equals the defaults where it is silent', () => {
    const c = parseConfig(STARTER_CONFIG, 'breakfix.yaml');
    expect(c.targets.candidate).toMatchObject({ type: 'embedded', model: 'base' });
    expect(c.redteam.persona).toBe('intermediate');
  });
});

describe('languages', () => {
  it("redteam.languages are read as the seeds' tags are: one spelling, or a language's English name", () => {
    const c = parseConfig('redteam:\n  languages: [English, FR, " es ", pt-br]\n', 'x.yaml');
    expect(c.redteam.languages).toEqual(['en', 'fr', 'es', 'pt-BR']);
  });
});

describe('${ENV} interpolation and secrets', () => {
  it('substitutes variables, defaults and escapes', () => {
    process.env.BREAKFIX_TEST_KEY = SECRET;
    process.env.BREAKFIX_TEST_MODEL = 'llama3';
    const c = parseConfig(
      [
        'targets:',
        '  j:',
        '    type: openai',
        '    model: ${BREAKFIX_TEST_MODEL}',
        '    apiKey: ${BREAKFIX_TEST_KEY}',
        '    baseURL: ${BREAKFIX_TEST_UNSET:-http://localhost:11434/v1}',
        '    headers:',
        '      X-Note: "$${NOT_A_VAR}"',
      ].join('\n'),
      'x.yaml',
    );
    const j = c.targets.j;
    expect(j?.type === 'openai' && [j.model, j.apiKey, j.baseURL, j.headers?.['X-Note']]).toEqual([
      'llama3',
      SECRET,
      'http://localhost:11434/v1',
      '${NOT_A_VAR}',
    ]);
  });

  it('a number or boolean field written as one whole reference takes the value as YAML would', () => {
    // (references built from DOLLAR so that no string here reads as a template mistake)
    const DOLLAR = '$';
    const v = (name: string) => `${DOLLAR}{${name}}`;
    process.env.BREAKFIX_TEST_CONC = '12';
    process.env.BREAKFIX_TEST_CACHE = 'false';
    process.env.BREAKFIX_TEST_MODEL = '123';
    try {
      const c = parseConfig(
        [
          'targets:',
          '  j:',
          '    type: openai',
          `    model: ${v('BREAKFIX_TEST_MODEL')}`,
          `    concurrency: ${v('BREAKFIX_TEST_CONC')}`,
          `    timeoutMs: ${v('BREAKFIX_TEST_UNSET:-9000')}`,
          `    cache: ${v('BREAKFIX_TEST_CACHE')}`,
          'redteam:',
          '  budget:',
          `    attempts: ${v('BREAKFIX_TEST_UNSET:-40')}`,
        ].join('\n'),
        'x.yaml',
      );
      const j = c.targets.j;
      expect(j?.type === 'openai' && [j.model, j.concurrency, j.timeoutMs, j.cache]).toEqual([
        '123',
        12,
        9000,
        false,
      ]);
      expect(c.redteam.budget.attempts).toBe(40);
      // Text that is no number stays an error naming the field; a reference inside text is text.
      const target = (concurrency: string) =>
        `targets:\n  j:\n    type: openai\n    model: m\n    concurrency: ${concurrency}\n`;
      process.env.BREAKFIX_TEST_CONC = 'lots';
      expect(() => parseConfig(target(v('BREAKFIX_TEST_CONC')), 'x.yaml')).toThrow(/targets\.j\.concurrency/);
      process.env.BREAKFIX_TEST_CONC = '12';
      expect(() => parseConfig(target(`"n${v('BREAKFIX_TEST_CONC')}"`), 'x.yaml')).toThrow(
        /targets\.j\.concurrency/,
      );
      // Nor is text that spells no boolean one: `yes` for a boolean field stays an error naming it.
      process.env.BREAKFIX_TEST_CACHE = 'yes';
      expect(() =>
        parseConfig(
          `targets:\n  j:\n    type: openai\n    model: m\n    cache: ${v('BREAKFIX_TEST_CACHE')}\n`,
          'x.yaml',
        ),
      ).toThrow('targets.j.cache: expected a boolean (true or false), got a string (x.yaml:5)');
    } finally {
      delete process.env.BREAKFIX_TEST_CONC;
      delete process.env.BREAKFIX_TEST_CACHE;
      delete process.env.BREAKFIX_TEST_MODEL;
    }
  });

  it('an empty variable counts as unset: the default applies', () => {
    // As in the shell's ${X:-default}: `export OPENAI_BASE_URL=` must not send requests to "".
    process.env.BREAKFIX_TEST_MODEL = '';
    const c = parseConfig(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the config's ${ENV} syntax, on purpose
      'targets:\n  j:\n    type: openai\n    model: ${BREAKFIX_TEST_MODEL:-llama3}\n',
      'x.yaml',
    );
    const j = c.targets.j;
    expect(j?.type === 'openai' && j.model).toBe('llama3');
  });

  it('a header value taken from the environment is a secret whatever the header is called', () => {
    // Custom auth headers have any name (X-Tenant-Session); their value from ${VAR} is a credential.
    const value = 'tenant-session-7f3a9c2e51';
    process.env.BREAKFIX_TEST_MODEL = value;
    parseConfig(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the config's ${ENV} syntax, on purpose
      'targets:\n  j:\n    type: openai\n    model: m\n    headers:\n      X-Tenant-Session: ${BREAKFIX_TEST_MODEL}\n',
      'x.yaml',
    );
    expect(redactText(`proxy said: bad session ${value}`)).toBe('proxy said: bad session [redacted]');
  });

  it('never echoes a secret in an error message', () => {
    process.env.BREAKFIX_TEST_KEY = SECRET;
    // apiKey is valid but a sibling field is wrong; then put the secret where a number belongs.
    const texts: string[] = [];
    for (const yaml of [
      'targets:\n  j:\n    type: openai\n    model: m\n    apiKey: ${BREAKFIX_TEST_KEY}\n    retries: -1\n',
      'targets:\n  j:\n    type: openai\n    model: m\n    timeoutMs: ${BREAKFIX_TEST_KEY}\n',
      'redteam:\n  persona: ${BREAKFIX_TEST_KEY}\n',
    ]) {
      try {
        parseConfig(yaml, 'x.yaml');
        texts.push('parsed');
      } catch (err) {
        texts.push(`${(err as ConfigError).message} ${(err as ConfigError).hint ?? ''}`);
      }
    }
    expect(texts).toHaveLength(3);
    for (const t of texts) {
      expect(t).not.toBe('parsed');
      expect(t).not.toContain(SECRET);
    }
  });

  it('redacts secret fields for display and storage', () => {
    process.env.BREAKFIX_TEST_KEY = SECRET;
    const c = parseConfig(
      'targets:\n  j:\n    type: openai\n    model: m\n    apiKey: ${BREAKFIX_TEST_KEY}\n    headers:\n      Authorization: Bearer abcdefghijklmnop\n      X-Team: red\n',
      'x.yaml',
    );
    const shown = JSON.stringify(redactConfig(c));
    expect(shown).not.toContain(SECRET);
    expect(shown).not.toContain('abcdefghijklmnop');
    expect(shown).toContain('"X-Team":"red"');
    expect(shown).toContain('"retries":4');
    expect(redactText(`failed with key ${SECRET}!`)).toBe('failed with key [redacted]!');
  });

  it('redacts a field by its name alone, for each kind of secret name', () => {
    // Plain values that look like no key: only the field name can mark them as secret.
    const names = [
      'apiKey',
      'api_key',
      'clientSecret',
      'password',
      'passwd',
      'Authorization',
      'authorisation',
      'bearer',
      'Cookie',
      'Set-Cookie',
      'credential',
      'access_token',
      'X-Auth-Token',
      'x-api-key',
    ];
    const headers = Object.fromEntries(names.map((n) => [n, 'session=plain-value']));
    const shown = redactConfig({ headers: { ...headers, 'X-Team': 'red' } });
    expect(shown.headers).toEqual({
      ...Object.fromEntries(names.map((n) => [n, '[redacted]'])),
      'X-Team': 'red',
    });
  });
});

describe('literal secret headers', () => {
  it('a header whose name has a key or token part is secret: redacted for display and storage, and scrubbed from text', () => {
    // GitLab's Private-Token, Azure APIM's Ocp-Apim-Subscription-Key, a gateway's X-Custom-Token:
    // written literally, their values went into `config check` and the stored config as they were.
    const names = ['X-Custom-Token', 'Private-Token', 'Ocp-Apim-Subscription-Key', 'X-Session-Secret'];
    const c = parseConfig(
      [
        'targets:',
        '  j:',
        '    type: openai',
        '    model: m',
        '    headers:',
        ...names.map((n, i) => `      ${n}: plainvalue${i}xyz`),
        '      X-Team: red',
      ].join('\n'),
      'x.yaml',
    );
    const shown = JSON.stringify(redactConfig(c));
    names.forEach((_, i) => {
      expect(shown).not.toContain(`plainvalue${i}xyz`);
      expect(redactText(`gateway said: bad token plainvalue${i}xyz`)).toBe(
        'gateway said: bad token [redacted]',
      );
    });
    expect(shown).toContain('"X-Team":"red"');
  });
});

describe('config check warnings', () => {
  it('a remote target that no role or judge names, while the model under test is the embedded default, is named', () => {
    // The first-user slip: targets.mymodel written, roles.target left out, and the cycle measures
    // the built-in embedded model instead.
    const remote =
      'targets:\n  mymodel:\n    type: openai\n    baseURL: http://localhost:8000/v1\n    model: llama\n';
    expect(targetWarnings(parseConfig(remote, 'x.yaml'))).toEqual([
      expect.stringMatching(
        /^targets\.mymodel is used by no role or judge, and roles\.target is candidate, the embedded base model: .*roles\.target: mymodel/,
      ),
    ]);
    expect(targetWarnings(parseConfig(`${remote}roles:\n  target: mymodel\n`, 'x.yaml'))).toEqual([]);
    expect(targetWarnings(parseConfig(`${remote}roles:\n  judge: mymodel\n`, 'x.yaml'))).toEqual([]);
    expect(targetWarnings(parseConfig('', 'x.yaml'))).toEqual([]);
  });
});

describe('loading files', () => {
  it('resolves dataset and store paths against the config file folder', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bf-config-'));
    const file = join(dir, 'breakfix.yaml');
    writeFileSync(file, 'store: state/db.sqlite\nseeds:\n  files: [data/seeds.jsonl, /abs/seeds.csv]\n');
    const c = loadConfig(file);
    expect(c.store).toBe(resolve(dir, 'state/db.sqlite'));
    expect(c.seeds.files).toEqual([resolve(dir, 'data/seeds.jsonl'), '/abs/seeds.csv']);
  });

  it("a TRL base model given as ./path is the config folder's; a Hugging Face id is left alone", () => {
    const dir = mkdtempSync(join(tmpdir(), 'bf-config-'));
    const file = join(dir, 'breakfix.yaml');
    writeFileSync(file, 'train:\n  trl:\n    baseModel: ./phi-mini\n');
    expect(loadConfig(file).train.trl.baseModel).toBe(resolve(dir, 'phi-mini'));
    writeFileSync(file, 'train:\n  trl:\n    baseModel: microsoft/Phi-3-mini-4k-instruct\n');
    expect(loadConfig(file).train.trl.baseModel).toBe('microsoft/Phi-3-mini-4k-instruct');
  });

  it('a config file that sets nothing decides nothing the defaults do not (a cycle started without one resumes with one)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bf-config-'));
    const file = join(dir, 'breakfix.yaml');
    writeFileSync(file, 'seed: 7\n');
    const { store, ...fromFile } = loadConfig(file);
    const { store: _, ...defaults } = defaultConfig();
    expect(fromFile).toEqual(defaults);
  });

  it('a missing file is a ConfigError with a hint to run init', () => {
    let err: ConfigError | undefined;
    try {
      loadConfig('/nonexistent/breakfix.yaml');
    } catch (e) {
      err = e as ConfigError;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect(err?.message).toBe('config file not found (/nonexistent/breakfix.yaml)');
    expect(err?.hint).toMatch(/breakfix init/);
  });
});

describe('JSON Schema', () => {
  it('is generated from the zod schema, with defaults and descriptions', () => {
    const s = configJsonSchema() as {
      properties: Record<
        string,
        { default?: unknown; description?: string; properties?: Record<string, unknown> }
      >;
      additionalProperties?: boolean;
    };
    // (a number may be written as a whole ${VAR} reference: the other branch)
    expect(s.properties.seed).toMatchObject({
      default: 7,
      anyOf: [{ type: 'integer' }, { type: 'string' }],
    });
    const ref = new RegExp(
      (s.properties.seed as { anyOf: { pattern?: string }[] }).anyOf[1].pattern as string,
    );
    const seed = ['$', '{SEED}'].join('');
    const withDefault = ['$', '{SEED:-7}'].join('');
    expect([seed, withDefault].map((x) => ref.test(x))).toEqual([true, true]);
    expect(['7', `x${seed}`, `${seed}x`].map((x) => ref.test(x))).toEqual([false, false, false]);
    expect(s.properties.targets?.description).toMatch(/candidate/);
    expect(s.properties.redteam?.properties).toHaveProperty('persona');
    expect(s.additionalProperties).toBe(false);
    // It round-trips as JSON.
    expect(JSON.parse(JSON.stringify(s))).toEqual(s);
  });

  it('a URL field also takes an environment reference, as the file may hold before interpolation', () => {
    // (the references are built from DOLLAR so that no string here reads as a template mistake)
    const DOLLAR = '$';
    const ref = `${DOLLAR}{MY_URL:-http://localhost:8000/v1}`;
    const uriFields: { anyOf: { format?: string; pattern?: string }[] }[] = [];
    const bare: unknown[] = [];
    const walk = (n: unknown): void => {
      if (Array.isArray(n)) {
        n.forEach(walk);
        return;
      }
      if (!n || typeof n !== 'object') return;
      const o = n as Record<string, unknown>;
      const anyOf = o.anyOf as { format?: string; pattern?: string }[] | undefined;
      if (anyOf?.some((a) => a.format === 'uri')) {
        uriFields.push(o as (typeof uriFields)[number]);
        return;
      }
      if (o.type === 'string' && o.format !== undefined) bare.push(o);
      Object.values(o).forEach(walk);
    };
    walk(configJsonSchema());
    // Every string with a format (the URLs) is an anyOf of itself and a reference.
    expect(bare).toEqual([]);
    expect(uriFields.length).toBeGreaterThanOrEqual(2);
    for (const f of uriFields) {
      const pattern = new RegExp(f.anyOf.find((a) => a.pattern)?.pattern as string);
      expect(pattern.test(ref)).toBe(true);
      expect(pattern.test('http://localhost:8000/v1')).toBe(false);
    }
    // And such a file is valid once interpolated.
    process.env.BREAKFIX_TEST_MODEL = 'x';
    const c = parseConfig(
      `targets:\n  candidate:\n    type: openai\n    baseURL: ${ref}\n    model: ${DOLLAR}{BREAKFIX_TEST_MODEL}\n`,
      'x.yaml',
    );
    expect(c.targets.candidate).toMatchObject({ baseURL: 'http://localhost:8000/v1', model: 'x' });
  });
});

describe('OpenAI reasoning models', () => {
  it('are read from the model name unless `reasoning` says', () => {
    const reasoning = [
      'o1',
      'o1-mini',
      'o3',
      'o3-pro',
      'o4-mini',
      'gpt-5',
      'gpt-5.1',
      'gpt-5-mini',
      'openai/gpt-5-nano',
      'O3-Mini',
    ];
    const not = [
      'gpt-4o',
      'gpt-4.1-mini',
      'gpt-5-chat-latest',
      'gpt-5.1-chat-latest',
      'gpt-oss-120b',
      'o10',
      'ollama3',
      'llama-3-o1',
      'gpt-50',
    ];
    for (const model of reasoning) expect(isOpenAIReasoningModel({ model }), model).toBe(true);
    for (const model of not) expect(isOpenAIReasoningModel({ model }), model).toBe(false);
    expect(isOpenAIReasoningModel({ model: 'my-deployment', reasoning: true })).toBe(true);
    expect(isOpenAIReasoningModel({ model: 'o3', reasoning: false })).toBe(false);
  });

  it('reasoningEffort on a model that is not a reasoning one is an error naming the field and line', () => {
    const yaml = 'targets:\n  judge:\n    type: openai\n    model: gpt-4o\n    reasoningEffort: low\n';
    expect(() => parseConfig(yaml, 'x.yaml')).toThrow(
      /targets\.judge\.reasoningEffort.*not a reasoning model.*x\.yaml:5/s,
    );
    const ok = parseConfig(yaml.replace('gpt-4o', 'o4-mini'), 'x.yaml');
    expect(ok.targets.judge).toMatchObject({ model: 'o4-mini', reasoningEffort: 'low' });
  });
});
