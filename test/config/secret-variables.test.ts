// A key from the environment is a secret by its variable's name, whatever field it lands in: a
// trainer's command line carries `--token ${HF_TOKEN}` as plainly as an apiKey field does.
import { afterEach, describe, expect, it } from 'vitest';
import {
  isSecretVariable,
  parseConfig,
  redactConfig,
  redactText,
  registerSecret,
} from '../../src/config/index.js';

const FAKE = 'hf_FAKEvalue0987654321zyx';

afterEach(() => {
  delete process.env.HF_TOKEN;
  delete process.env.TRAIN_OUT_DIR;
});

describe('secrets from the environment, by the variable name', () => {
  it('names with a secret word part are secrets; names merely containing one are not', () => {
    for (const name of [
      'HF_TOKEN',
      'OPENAI_API_KEY',
      'AWS_SECRET_ACCESS_KEY',
      'DB_PASSWORD',
      'SMTP_PASS',
      'GCP_CREDENTIALS',
      'GITHUB_AUTH',
      'apiKey',
      'MY_APIKEY',
    ])
      expect(isSecretVariable(name), name).toBe(true);
    for (const name of [
      'MONKEY',
      'PASSPORT_NO',
      'AUTHOR',
      'HOME',
      'TOKENIZER_PATH',
      'OUT_DIR',
      'maxTokens',
      'thinkingTokens',
    ])
      expect(isSecretVariable(name), name).toBe(false);
  });

  it('a token expanded into the train command template is redacted everywhere', () => {
    process.env.HF_TOKEN = FAKE;
    process.env.TRAIN_OUT_DIR = '/data/plain-folder';
    const config = parseConfig(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the config's ${ENV} syntax, on purpose
      'train:\n  command:\n    template: "mytrainer --token ${HF_TOKEN} --dir ${TRAIN_OUT_DIR} --out {out}"\n',
      'test.yaml',
    );
    // The trainer still gets the real value; what is shown does not.
    expect(config.train.command.template).toContain(FAKE);
    expect(JSON.stringify(redactConfig(config))).not.toContain(FAKE);
    expect(redactText(`$ ${config.train.command.template}`)).toBe(
      '$ mytrainer --token [redacted] --dir /data/plain-folder --out {out}',
    );
  });
});

describe('credentials in a URL of free text', () => {
  it('the user info of any URL is scrubbed, registered or not; an address that is no URL stays', () => {
    // A spec typed on the command line or quoted in a warning was never registered as a secret.
    expect(redactText('invalid target spec "openai:m@http://dave:NeverSeenPw@exa mple/v1"')).toBe(
      'invalid target spec "openai:m@http://[redacted]:[redacted]@exa mple/v1"',
    );
    expect(redactText('postgres://app:NeverSeen2@db:5432/x and http://tok3nOnly@h/')).toBe(
      'postgres://[redacted]:[redacted]@db:5432/x and http://[redacted]@h/',
    );
    for (const text of ['see https://example.com/a@b', 'mailto:x@y.z', 'git@github.com:org/repo', 'a@b.c'])
      expect(redactText(text)).toBe(text);
  });
});

describe('a key echoed back in another encoding', () => {
  it('percent-encoded or with its slashes JSON-escaped, it is scrubbed as written plainly', () => {
    registerSecret('AbC/12+xyz=QRS/789');
    expect(redactText('key=AbC%2F12%2Bxyz%3DQRS%2F789 rejected')).toBe('key=[redacted] rejected');
    expect(redactText('{"key":"AbC\\/12+xyz=QRS\\/789"}')).toBe('{"key":"[redacted]"}');
    expect(redactText('AbC/12+xyz=QRS/789')).toBe('[redacted]');
  });

  it("a target URL's percent-encoded password is scrubbed decoded too, as a server's error may quote it", () => {
    parseConfig(
      'targets:\n  j:\n    type: openai\n    model: m\n    baseURL: http://bob:pa%40ss%2Fw0rd@127.0.0.1:9/v1\n',
      'test.yaml',
    );
    expect(redactText('login failed: password pa@ss/w0rd refused')).toBe(
      'login failed: password [redacted] refused',
    );
  });
});

describe('a short key', () => {
  it('from 6 characters on, an apiKey from the environment is scrubbed from any text', () => {
    // (a local server's own key, `vllm --api-key Pw4vllm9`, is as short as its user made it)
    process.env.BREAKFIX_TEST_SHORT_KEY = 'Pw4vllm9';
    try {
      parseConfig(
        // biome-ignore lint/suspicious/noTemplateCurlyInString: the config's ${ENV} syntax, on purpose
        'targets:\n  j:\n    type: openai\n    model: m\n    apiKey: ${BREAKFIX_TEST_SHORT_KEY}\n',
        'test.yaml',
      );
      expect(redactText('HTTP 401: invalid key Pw4vllm9')).toBe('HTTP 401: invalid key [redacted]');
    } finally {
      delete process.env.BREAKFIX_TEST_SHORT_KEY;
    }
  });
});
