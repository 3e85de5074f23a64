// Every config error path names the field, the line and what was expected (table-driven).
import { describe, expect, it } from 'vitest';
import { ConfigValidationError, checkTargetSet, parseConfig, unsetTargets } from '../../src/config/index.js';
import { ConfigError } from '../../src/core/index.js';
import { resolveTargetConfig } from '../../src/targets/index.js';

interface Case {
  name: string;
  yaml: string;
  /** Expected full first line of the message. */
  message: string | RegExp;
  hint?: RegExp;
}

const cases: Case[] = [
  {
    name: 'wrong type',
    yaml: 'targets:\n  judge:\n    type: openai\n    model: 14\n',
    message: 'targets.judge.model: expected a string, got a number (breakfix.yaml:4)',
  },
  {
    name: 'missing required field',
    yaml: 'targets:\n  judge:\n    type: openai\n    baseURL: http://localhost:8000/v1\n',
    message: 'targets.judge.model: missing; expected a string (breakfix.yaml:3)',
  },
  {
    name: 'unknown target type',
    yaml: 'targets:\n  judge:\n    type: ollama\n    model: x\n',
    message:
      'targets.judge.type: expected type to be one of "openai", "anthropic", "embedded", got "ollama" (breakfix.yaml:3)',
    hint: /openai \(any OpenAI-compatible server\)/,
  },
  {
    name: 'missing target type',
    yaml: 'targets:\n  judge:\n    model: x\n',
    message: /^targets\.judge\.type: expected type to be one of .*got nothing \(breakfix\.yaml:3\)$/,
  },
  {
    name: 'enum value',
    yaml: 'redteam:\n  persona: expert\n',
    message: 'redteam.persona: expected one of "low_skill", "intermediate", got "expert" (breakfix.yaml:2)',
  },
  {
    name: 'unknown field with suggestion',
    yaml: 'seed: 1\nredteam:\n  concurency: 3\n',
    message: 'redteam.concurency: unknown field; did you mean "concurrency"? (breakfix.yaml:3)',
    hint: /allowed here: persona, categories/,
  },
  {
    name: 'unknown top-level section',
    yaml: 'seed: 1\nbogus: true\n',
    message: 'bogus: unknown field (breakfix.yaml:2)',
  },
  {
    // (found by the config property test: the empty key was named by nothing)
    name: 'unknown empty key, quoted',
    yaml: 'seed: 1\n"": 1\n',
    message: '"": unknown field (breakfix.yaml:2)',
  },
  {
    name: 'unknown dotted key, quoted',
    yaml: 'seed: 1\nredteam:\n  "a.b": 2\n',
    message: 'redteam."a.b": unknown field (breakfix.yaml:3)',
  },
  {
    // (the README's own `budget: { attempts: 2000 }` invites it; YAML's message names neither the
    // reference nor the fix)
    name: 'a bare ${VAR} inside a flow mapping',
    yaml: 'redteam:\n  budget: { attempts: ${BUDGET} }\n',
    message: 'invalid YAML: Unexpected flow-map-start at node end (breakfix.yaml:2)',
    hint: /flow \{ … \} and \[ … \] cannot hold a bare \$\{VAR\}: quote it \("\$\{VAR\}"/,
  },
  {
    name: 'other invalid YAML',
    yaml: 'redteam:\n  budget: { attempts: 2000\n',
    message: /^invalid YAML: .* \(breakfix\.yaml:3\)$/,
    hint: /^check indentation and quoting around this line$/,
  },
  {
    name: 'number below minimum',
    yaml: 'targets:\n  a:\n    type: embedded\n    concurrency: 0\n',
    message: 'targets.a.concurrency: expected a number ≥ 1, got 0 (breakfix.yaml:4)',
  },
  {
    name: 'number above maximum',
    yaml: 'curate:\n  validationFraction: 0.9\n',
    message: 'curate.validationFraction: expected a number ≤ 0.5, got 0.9 (breakfix.yaml:2)',
  },
  {
    name: 'integer expected',
    yaml: 'seed: 1.5\n',
    message: 'seed: expected an integer, got a decimal number (breakfix.yaml:1)',
  },
  {
    name: 'boolean expected',
    yaml: 'targets:\n  a:\n    type: embedded\n    cache: maybe\n',
    message: 'targets.a.cache: expected a boolean (true or false), got a string (breakfix.yaml:4)',
  },
  {
    name: 'list expected',
    yaml: 'bench:\n  suites: harmful\n',
    message: 'bench.suites: expected a list, got a string (breakfix.yaml:2)',
  },
  {
    name: 'enum inside a list',
    yaml: 'bench:\n  suites:\n    - harmful\n    - toxicity\n',
    message:
      'bench.suites.1: expected one of "harmful", "multiturn", "jailbreak", "overrefusal", "groundedness", "helpfulness", got "toxicity" (breakfix.yaml:4)',
  },
  {
    name: 'bad URL',
    yaml: 'targets:\n  j:\n    type: openai\n    model: m\n    baseURL: localhost-8000\n',
    message:
      'targets.j.baseURL: expected an http:// or https:// URL such as http://localhost:8000/v1 (breakfix.yaml:5)',
  },
  {
    name: 'empty string',
    yaml: 'targets:\n  j:\n    type: openai\n    model: ""\n',
    message: 'targets.j.model: expected a non-empty string (breakfix.yaml:4)',
  },
  {
    name: 'bad target name',
    yaml: 'targets:\n  "my judge":\n    type: embedded\n',
    message: /^targets\.my judge: invalid name: a name of letters, digits, _ \. - \(breakfix\.yaml:2\)$/,
  },
  {
    name: 'role naming an undefined target',
    yaml: 'roles:\n  judge: gpt\n',
    message:
      'roles.judge: unknown target "gpt"; define it under targets or use a spec like embedded:base (breakfix.yaml:2)',
  },
  {
    name: 'judge naming an undefined target',
    yaml: 'judges:\n  severity: gpt\n',
    message: 'judges.severity: unknown target "gpt"; use offline or a name under targets (breakfix.yaml:2)',
  },
  {
    name: 'role naming a target nearly',
    yaml: 'targets:\n  gpt:\n    type: openai\n    model: gpt-4o-mini\nroles:\n  target: candiate\n',
    message: 'roles.target: unknown target "candiate"; did you mean "candidate"? (breakfix.yaml:6)',
  },
  {
    name: 'judge naming a target or offline nearly',
    yaml: 'targets:\n  gpt:\n    type: openai\n    model: gpt-4o-mini\njudges:\n  severity: ofline\n  llamaguard: gtp\n',
    message: 'judges.severity: unknown target "ofline"; did you mean "offline"? (breakfix.yaml:6)',
  },
  {
    name: 'llamaguard naming a target nearly',
    yaml: 'targets:\n  guard:\n    type: openai\n    model: llama-guard-3\njudges:\n  llamaguard: gaurd\n',
    message: 'judges.llamaguard: unknown target "gaurd"; did you mean "guard"? (breakfix.yaml:6)',
  },
  {
    name: 'cross-field rule',
    yaml: 'cycle:\n  maxRounds: 1\n  minRounds: 2\n',
    message:
      'cycle.minRounds: is 2, more than cycle.maxRounds (1); set minRounds ≤ maxRounds (minRounds defaults to 2) (breakfix.yaml:3)',
  },
  {
    // The usual way into it: maxRounds lowered, minRounds never written (its default is 2).
    name: 'cross-field rule against a default',
    yaml: 'cycle:\n  maxRounds: 1\n',
    message:
      'cycle.minRounds: is 2, more than cycle.maxRounds (1); set minRounds ≤ maxRounds (minRounds defaults to 2) (breakfix.yaml:2)',
  },
  {
    name: 'a number YAML reads as not-a-number',
    yaml: 'curate:\n  benignRatio: .nan\n',
    message: 'curate.benignRatio: expected a number, got NaN (not a number) (breakfix.yaml:2)',
  },
  {
    name: 'a number too large for a double',
    yaml: 'curate:\n  helpfulRatio: 1e400\n',
    message: 'curate.helpfulRatio: expected a number, got an infinite number (breakfix.yaml:2)',
  },
  {
    // (a timer holds at most 2^31-1 ms: Node fires a longer one at once, and every request timed out)
    name: 'a request timeout past what a timer holds',
    yaml: 'targets:\n  j:\n    type: openai\n    model: m\n    timeoutMs: 3000000000\n',
    message: 'targets.j.timeoutMs: expected a number ≤ 86400000, got 3000000000 (breakfix.yaml:5)',
  },
  {
    // (the trained model is reached there as an openai target, whose requests are HTTP)
    name: 'a trained-model server URL that is not http',
    yaml: 'train:\n  trl:\n    serveBaseURL: ftp://gpu-box/v1\n',
    message:
      'train.trl.serveBaseURL: expected an http:// or https:// URL such as http://localhost:8000/v1 (breakfix.yaml:3)',
  },
  {
    name: 'section of the wrong shape',
    yaml: 'redteam: 5\n',
    message: 'redteam: expected a mapping, got a number (breakfix.yaml:1)',
  },
  {
    name: 'top level not a mapping',
    yaml: '- a\n- b\n',
    message: 'expected a mapping of sections at the top level, got a list (breakfix.yaml:1)',
  },
  {
    name: 'YAML syntax error',
    yaml: 'seed: 1\nroles: [a\n',
    message: /^invalid YAML: .* \(breakfix\.yaml:\d+\)$/,
    hint: /indentation/,
  },
  {
    name: 'duplicate key',
    yaml: 'seed: 1\nseed: 2\n',
    message: /^invalid YAML: .*[Mm]ap keys must be unique.* \(breakfix\.yaml:2\)$/,
  },
  {
    name: 'missing environment variable outside a target',
    yaml: 'store: ${BREAKFIX_TEST_UNSET_VAR}/b.db\n',
    message: 'store: environment variable BREAKFIX_TEST_UNSET_VAR is not set (breakfix.yaml:1)',
    hint: /export BREAKFIX_TEST_UNSET_VAR=/,
  },
  {
    name: "SQLite's in-memory name as the store",
    yaml: 'store: ":memory:"\n',
    message:
      'store: the store is a file: breakfix resumes, reports and compares rounds from it; give a path (breakfix.yaml:1)',
  },
  {
    name: 'dataset path leaving the project folder',
    yaml: 'seeds:\n  files:\n    - data/ok.jsonl\n    - ../../etc/passwd\n',
    message: 'seeds.files.1: path "../../etc/passwd" leaves the project folder (breakfix.yaml:4)',
    hint: /absolute path/,
  },
  {
    name: 'custom suite path leaving the project folder',
    yaml: 'bench:\n  custom:\n    - name: x\n      file: ../x.csv\n',
    message: 'bench.custom.0.file: path "../x.csv" leaves the project folder (breakfix.yaml:4)',
  },
  {
    name: 'two custom suites of one name',
    yaml: 'bench:\n  custom:\n    - name: mine\n      file: a.csv\n    - name: mine\n      file: b.csv\n',
    message: 'bench.custom.1.name: duplicate suite name "mine" (bench.custom.0 has it) (breakfix.yaml:5)',
  },
  {
    name: 'a custom suite named like a built-in',
    yaml: 'bench:\n  custom:\n    - name: overrefusal\n      file: a.csv\n',
    message: /^bench\.custom\.0\.name: "overrefusal" is a built-in suite's name/,
  },
  // (held-back results are stored as heldback:<suite>; --suite lists are split at commas and trimmed)
  ...['heldback:jailbreak', 'mine,yours', ' mine'].map((name) => ({
    name: `a custom suite named ${JSON.stringify(name)}`,
    yaml: `bench:\n  custom:\n    - name: ${JSON.stringify(name)}\n      file: a.csv\n`,
    message:
      /^bench\.custom\.0\.name: a suite name holds no ":" or "," and no spaces at either end .*\(breakfix\.yaml:3\)/,
  })),
];

describe('config errors', () => {
  it.each(cases)('$name', ({ yaml, message, hint }) => {
    let caught: unknown;
    try {
      parseConfig(yaml, 'breakfix.yaml');
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect(caught).toBeInstanceOf(ConfigValidationError);
    const first = (caught as Error).message.split('\n')[0];
    if (typeof message === 'string') expect(first).toBe(message);
    else expect(first).toMatch(message);
    if (hint) expect((caught as ConfigError).hint).toMatch(hint);
  });

  it('a variable set to nothing is said to be empty, not unset', () => {
    process.env.BREAKFIX_TEST_EMPTY_VAR = '';
    try {
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the config's ${ENV} syntax, on purpose
      const yaml = 'store: ${BREAKFIX_TEST_EMPTY_VAR}/b.db\n';
      expect(() => parseConfig(yaml, 'breakfix.yaml')).toThrow(
        'store: environment variable BREAKFIX_TEST_EMPTY_VAR is empty (breakfix.yaml:1)',
      );
    } finally {
      delete process.env.BREAKFIX_TEST_EMPTY_VAR;
    }
  });

  it("a target's unset variable is an error when the target is used, not when the config loads", () => {
    const yaml =
      'targets:\n  j:\n    type: openai\n    model: m\n    apiKey: ${BREAKFIX_TEST_UNSET_VAR}\n  k:\n    type: openai\n    model: m\n';
    const config = parseConfig(yaml, 'breakfix.yaml');
    expect([...unsetTargets(config).keys()]).toEqual(['j']);
    expect(() => checkTargetSet(config, 'k')).not.toThrow();
    let caught: unknown;
    try {
      resolveTargetConfig('j', config);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ConfigValidationError);
    expect((caught as Error).message).toBe(
      'targets.j.apiKey: environment variable BREAKFIX_TEST_UNSET_VAR is not set (breakfix.yaml:5)',
    );
    expect((caught as ConfigError).hint).toMatch(/export BREAKFIX_TEST_UNSET_VAR=/);
    // A bad type is still found at load, variable or not.
    expect(() =>
      parseConfig('targets:\n  j:\n    type: opena\n    apiKey: ${BREAKFIX_TEST_UNSET_VAR}\n', 'b.yaml'),
    ).toThrow(ConfigValidationError);
  });

  it('a target whose model is an unset variable loads too: using it names that variable, not an empty model', () => {
    // (a config whose judge endpoint reads its model from the environment is still usable by `report`)
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the config's ${ENV} syntax, on purpose
    const yaml = 'targets:\n  j:\n    type: openai\n    model: ${BREAKFIX_TEST_UNSET_VAR}\n';
    const config = parseConfig(yaml, 'breakfix.yaml');
    expect([...unsetTargets(config).keys()]).toEqual(['j']);
    expect(() => checkTargetSet(config, 'j')).toThrow(
      'targets.j.model: environment variable BREAKFIX_TEST_UNSET_VAR is not set (breakfix.yaml:4)',
    );
  });

  it('a rate written as a percentage is told the fraction, printed as written (1.1% → 0.011)', () => {
    const err = (() => {
      try {
        parseConfig('cycle:\n  criteria:\n    vprr: 1.1%\n', 'p.yaml');
      } catch (e) {
        return e as ConfigValidationError;
      }
    })();
    expect(err?.issues.map((i) => `${i.field}@${i.line}: ${i.hint}`)).toEqual([
      'cycle.criteria.vprr@3: a rate here is a fraction: write 0.011 for 1.1%',
    ]);
  });

  it('reports every independent issue, one per line', () => {
    const yaml = 'seed: x\nredteam:\n  persona: nope\n  maxTurns: 0\n';
    const err = (() => {
      try {
        parseConfig(yaml, 'c.yaml');
      } catch (e) {
        return e as ConfigValidationError;
      }
    })();
    expect(err?.issues.map((i) => `${i.field}@${i.line}`)).toEqual([
      'seed@1',
      'redteam.persona@3',
      'redteam.maxTurns@4',
    ]);
    expect(err?.message.split('\n')).toHaveLength(3);
  });
});
