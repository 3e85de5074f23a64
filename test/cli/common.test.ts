import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  createProgress,
  decimalNumber,
  ExitCode,
  exitCodeFor,
  FindingsError,
  loadContext,
  reportError,
  runAction,
  terminalText,
  usageError,
  wholeNumber,
} from '../../src/cli/common.js';
import { redactKnownSecrets, redactText, registerSecret } from '../../src/config/index.js';
import { ConfigError, InputError, TargetError, terminalSafeJson } from '../../src/core/index.js';

afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

function captureStderr(): () => string {
  let text = '';
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    text += String(chunk);
    return true;
  });
  return () => text;
}

describe('exit codes', () => {
  it.each([
    [new FindingsError('2 criteria failed'), ExitCode.findings],
    [new InputError('bad row', 'seeds.jsonl', 3), ExitCode.input],
    [new ConfigError('bad', 'breakfix.yaml', 1, 'seed'), ExitCode.input],
    [usageError('--rounds must be positive'), ExitCode.input],
    [new TargetError('down', 'network'), ExitCode.runtime],
    [new Error('bug'), ExitCode.runtime],
  ])('%s → %i', (err, code) => {
    expect(exitCodeFor(err)).toBe(code);
  });

  it('runAction sets the returned code, or the error code with one clear line and a hint', async () => {
    const stderr = captureStderr();
    await runAction(async () => ExitCode.findings)();
    expect(process.exitCode).toBe(1);
    await runAction(async () => {})();
    expect(process.exitCode).toBe(0);
    await runAction(async () => {
      throw new ConfigError(
        'expected a string, got a number',
        'breakfix.yaml',
        14,
        'targets.judge.model',
        'fix it',
      );
    })();
    expect(process.exitCode).toBe(2);
    expect(stderr()).toBe(
      'breakfix: targets.judge.model: expected a string, got a number (breakfix.yaml:14)\nhint: fix it\n',
    );
  });

  it('a 404 says to check the model name and that baseURL ends in /v1; another 4xx, the request', () => {
    const stderr = captureStderr();
    reportError(new TargetError('openai:m@http://127.0.0.1:8000: HTTP 404 Not Found', 'client', 404));
    expect(stderr()).toContain(
      'hint: check the model name (the server lists its models at GET <baseURL>/models) and that baseURL ends in /v1',
    );
    const other = captureStderr();
    reportError(new TargetError('openai:m: HTTP 422 bad temperature', 'client', 422));
    expect(other()).toContain('hint: check the model name and request parameters for this target\n');
  });

  it('5xx through every retry says to look at the server', () => {
    const stderr = captureStderr();
    reportError(
      new TargetError(
        'openai:m@http://127.0.0.1:8000/v1: HTTP 500 internal error (after 5 attempts)',
        'server',
        500,
      ),
    );
    expect(stderr()).toContain('hint: the server kept failing through every retry: check it (its logs');
  });

  it('never prints a registered secret or a stack (unless BREAKFIX_DEBUG=1)', () => {
    const stderr = captureStderr();
    registerSecret('sk-proj-verysecretvalue42');
    reportError(new TargetError('HTTP 401 bad key sk-proj-verysecretvalue42', 'auth', 401));
    const text = stderr();
    expect(text).not.toContain('verysecretvalue42');
    expect(text).toContain('[redacted]');
    expect(text).not.toMatch(/\n\s+at /);
  });

  it("a model's reply loses real keys only: an ordinary word used as a placeholder key stays", () => {
    registerSecret('ollama');
    registerSecret('sk-proj-anotherverysecret77');
    const reply =
      'Run ollama pull llama3; your key sk-proj-anotherverysecret77 is set; try sk-example-123456789.';
    expect(redactKnownSecrets(reply)).toBe(
      'Run ollama pull llama3; your key [redacted] is set; try sk-example-123456789.',
    );
    // Error text is scrubbed of every known value and anything key-shaped.
    expect(redactText(reply)).toBe('Run [redacted] pull llama3; your key [redacted] is set; try [redacted].');
  });

  it('a short key that mixes letters and digits (vllm --api-key Tok3nSecret9x) is a real key in a reply', () => {
    registerSecret('Tok3nSecret9x');
    registerSecret('not-needed');
    expect(redactKnownSecrets('Your key is Tok3nSecret9x; the docs say not-needed.')).toBe(
      'Your key is [redacted]; the docs say not-needed.',
    );
  });
});

describe('untrusted text and option numbers', () => {
  it('terminalText shows control characters and bidi overrides instead of obeying them', () => {
    expect(terminalText('ok\u001b[2Jred\u0007\r\tend')).toBe('ok\\x1b[2Jred\\x07\\r\\tend');
    expect(terminalText('one\ntwo')).toBe('one\\ntwo');
    expect(terminalText('one\ntwo', true)).toBe('one\ntwo');
    // "‮txt.exe" would display reversed.
    expect(terminalText('a\u202etxt.exe\u2066')).toBe('a\\u202etxt.exe\\u2066');
    expect(terminalText('café 😀 — ok')).toBe('café 😀 — ok');
    // Characters that show as nothing: a zero-width space, a BOM, tag characters spelling a hidden
    // "IG", a line separator; an emoji's variation selector stays.
    expect(terminalText('a\u200bb\ufeffc\u{e0049}\u{e0047}d\u2028e')).toBe(
      'a\\u200bb\\ufeffc\\u{e0049}\\u{e0047}d\\u2028e',
    );
    expect(terminalText('ok \u2764\ufe0f')).toBe('ok \u2764\ufe0f');
  });

  it('terminalSafeJson escapes C1 controls and invisible characters inside strings, losing nothing', () => {
    const value = {
      reply:
        'csi \u009b2J osc \u009d8;;http://x\u009c rlo \u202e zw \u200b tag \u{e0049} del \u007f é ❤\ufe0f',
    };
    const text = terminalSafeJson(JSON.stringify(value));
    expect(text).not.toMatch(/[\u007f-\u009f\u202e\u200b\u{e0049}]/u);
    expect(text).toContain('\\u007f');
    expect(text).toContain('\\u009b2J');
    expect(text).toContain('\\udb40\\udc49');
    expect(JSON.parse(text)).toEqual(value);
  });

  it('wholeNumber: the number, undefined when absent, a usage error naming the option otherwise', () => {
    expect(wholeNumber('--limit', '12', 1)).toBe(12);
    expect(wholeNumber('--limit', undefined, 1)).toBeUndefined();
    for (const bad of [
      '',
      'abc',
      '1.5',
      '0',
      '-3',
      '1e999',
      ' ',
      'NaN',
      '1e1',
      '0x1',
      ' 1',
      '1 ',
      '+2',
      '99999999999999999',
    ])
      expect(() => wholeNumber('--limit', bad, 1), bad).toThrow(/--limit must be a whole number ≥ 1/);
    expect(exitCodeFor(captureError(() => wholeNumber('--seed', 'x')))).toBe(ExitCode.input);
  });

  it('an interrupted trainer exits as a process stopped by that signal would (130, 143)', async () => {
    const { InterruptedError } = await import('../../src/fix/train/run-command.js');
    expect(exitCodeFor(new InterruptedError('SIGINT'))).toBe(130);
    expect(exitCodeFor(new InterruptedError('SIGTERM'))).toBe(143);
  });

  it('decimalNumber: bounds on both sides, named in the error', () => {
    expect(decimalNumber('--temperature', '0.7', 0, false, 2)).toBe(0.7);
    expect(decimalNumber('--temperature', '2', 0, false, 2)).toBe(2);
    expect(decimalNumber('--temperature', undefined, 0, false, 2)).toBeUndefined();
    for (const bad of ['5', '-0.1', 'hot', '', 'Infinity'])
      expect(() => decimalNumber('--temperature', bad, 0, false, 2), bad).toThrow(
        /--temperature must be a number between 0 and 2/,
      );
    expect(() => decimalNumber('--minutes', '0', 0, true)).toThrow(/--minutes must be a number > 0/);
    expect(decimalNumber('--minutes', '0.5', 0, true)).toBe(0.5);
  });
});

function captureError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('no error thrown');
}

describe('progress', () => {
  const sink = () => {
    let text = '';
    const stream = new Writable({
      write(chunk, _enc, cb) {
        text += String(chunk);
        cb();
      },
    }) as unknown as NodeJS.WriteStream;
    return { stream, text: () => text };
  };

  it('prints plain lines when not on a TTY', () => {
    const s = sink();
    const p = createProgress({ stream: s.stream, intervalS: 0 });
    p.start('redteam', 3);
    p.tick();
    p.tick(2, 'asr 0.5');
    p.log('note');
    p.done('ok');
    expect(s.text()).toMatch(
      /^redteam: started \(3\)\nredteam: 1\/3 \(33%\)\nredteam: 3\/3 \(100%\) asr 0\.5\nnote\nredteam: done 3\/3 in [\d.]+s · ok\n$/,
    );
  });

  it('a step without a count (a training command) is done without "done 0"', () => {
    const s = sink();
    const p = createProgress({ stream: s.stream, intervalS: 0 });
    p.start('train (command)', 0);
    p.log('epoch 1');
    p.done();
    expect(s.text()).toMatch(/^train \(command\): started\nepoch 1\ntrain \(command\): done in [\d.]+s\n$/);
  });

  it('on a TTY, a phase stopped short shows what was counted, not the bar filled to its total', () => {
    const s = sink();
    Object.assign(s.stream, { isTTY: true, columns: 120 });
    const ci = process.env.CI;
    delete process.env.CI;
    try {
      const p = createProgress({ stream: s.stream });
      p.start('bench harmful', 216);
      p.tick(40);
      p.stop?.('the run halted');
    } finally {
      if (ci !== undefined) process.env.CI = ci;
    }
    const last = s.text().split(/\r|\n/).filter(Boolean).at(-1) ?? '';
    expect(last).toContain('40/216');
    expect(last).toContain('stopped · the run halted');
    expect(s.text()).not.toContain('216/216');
  });

  it('is silent with --quiet', () => {
    const s = sink();
    const p = createProgress({ quiet: true, stream: s.stream });
    p.start('x', 1);
    p.tick();
    p.done();
    expect(s.text()).toBe('');
  });
});

describe('loadContext', () => {
  it('opens the store lazily and resolves targets from the config', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bf-ctx-'));
    const file = join(dir, 'breakfix.yaml');
    writeFileSync(
      file,
      'store: state.db\ntargets:\n  j:\n    type: openai\n    model: m\n    baseURL: http://127.0.0.1:9/v1\n',
    );
    const ctx = await loadContext({ config: file, quiet: true });
    expect(ctx.configFile).toBe(file);
    expect(ctx.target('j').id).toBe('openai:m@http://127.0.0.1:9/v1');
    expect(ctx.target('embedded:base').id).toBe('embedded:base');
    expect(ctx.store.path).toBe(join(dir, 'state.db'));
    expect(ctx.store.integrityCheck()).toBe('ok');
    await ctx.close();
  });

  it('--store :memory: is refused as the config\'s store: ":memory:" is, and no file of that name is made', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bf-ctx-'));
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      const err = await loadContext({ store: ':memory:', quiet: true }).then(
        async (ctx) => {
          ctx.store.integrityCheck();
          await ctx.close();
          return undefined;
        },
        (e: unknown) => e,
      );
      expect(exitCodeFor(err)).toBe(ExitCode.input);
      expect((err as Error).message).toMatch(/^--store: the store is a file/);
      expect(existsSync(join(dir, ':memory:'))).toBe(false);
    } finally {
      process.chdir(cwd);
    }
  });
});

describe('--json errors', () => {
  it('a failing action with --json also prints the error as JSON on stdout', async () => {
    captureStderr();
    let stdout = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stdout += String(chunk);
      return true;
    });
    await runAction(async (_opts: { json: boolean }) => {
      throw new ConfigError('expected a string, got a number', 'breakfix.yaml', 14, 'targets.judge.model');
    })({ json: true });
    expect(process.exitCode).toBe(2);
    expect(JSON.parse(stdout)).toEqual({
      error: {
        message: 'targets.judge.model: expected a string, got a number (breakfix.yaml:14)',
        exitCode: 2,
        code: 'input',
        file: 'breakfix.yaml',
        line: 14,
        field: 'targets.judge.model',
      },
    });
  });
});
