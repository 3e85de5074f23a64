// Which endpoint a remote target talks to, and which API key goes with it. A provider's key in the
// environment (OPENAI_API_KEY, ANTHROPIC_API_KEY) is the user's key for that provider: it is sent
// only to the provider's own host or to the base URL exported beside it, never to whatever server a
// spec or config names. A key chosen here is registered as a secret, because servers echo keys
// back in their error bodies.
import { createHash } from 'node:crypto';
import {
  type AnthropicTargetConfig,
  type OpenAITargetConfig,
  redactURL,
  registerSecret,
} from '../config/index.js';
import { ConfigError } from '../core/index.js';

export interface Provider {
  /** The environment variable holding the user's key. */
  keyVar: string;
  /** The environment variable naming the endpoint that key is for. */
  baseVar: string;
  /** The provider's own API host. */
  host: string;
  defaultBaseURL: string;
}

export const OPENAI: Provider = {
  keyVar: 'OPENAI_API_KEY',
  baseVar: 'OPENAI_BASE_URL',
  host: 'api.openai.com',
  defaultBaseURL: 'https://api.openai.com/v1',
};

export const ANTHROPIC: Provider = {
  keyVar: 'ANTHROPIC_API_KEY',
  baseVar: 'ANTHROPIC_BASE_URL',
  host: 'api.anthropic.com',
  defaultBaseURL: 'https://api.anthropic.com',
};

function hostOf(url: string): string | undefined {
  try {
    return new URL(url).hostname.toLowerCase();
  } catch {
    return undefined;
  }
}

/** The base URL a target's requests go to. An Anthropic target without one goes where the official
 * client would send it (ANTHROPIC_BASE_URL, else api.anthropic.com); an OpenAI one to api.openai.com
 * (the `openai:MODEL` spec reads OPENAI_BASE_URL itself, into its baseURL). */
export function baseURLOf(cfg: Pick<OpenAITargetConfig | AnthropicTargetConfig, 'type' | 'baseURL'>): string {
  if (cfg.baseURL) return cfg.baseURL;
  if (cfg.type === 'anthropic') return process.env.ANTHROPIC_BASE_URL || ANTHROPIC.defaultBaseURL;
  return OPENAI.defaultBaseURL;
}

const sameURL = (a: string, b: string) => a.replace(/\/+$/, '') === b.replace(/\/+$/, '');

/** True when the environment's key for `p` belongs to `baseURL`. */
function ownsEndpoint(p: Provider, baseURL: string): boolean {
  const exported = process.env[p.baseVar];
  return hostOf(baseURL) === p.host || (!!exported && sameURL(baseURL, exported));
}

/** The key to send to `baseURL`: the target's own `apiKey`, else the environment's key when the
 * endpoint is the one it belongs to, else none (a local server). The provider's own host without a
 * key is a ConfigError before any request: it would only answer 401 after the retries. */
export function apiKeyFor(p: Provider, configured: string | undefined, baseURL: string): string | undefined {
  if (configured) {
    registerSecret(configured);
    return configured;
  }
  const fromEnv = process.env[p.keyVar];
  if (fromEnv && ownsEndpoint(p, baseURL)) {
    registerSecret(fromEnv);
    return fromEnv;
  }
  if (hostOf(baseURL) === p.host)
    throw new ConfigError(
      `${p.keyVar} is not set (needed for ${p.host})`,
      undefined,
      undefined,
      undefined,
      `export ${p.keyVar}, or give the target an apiKey (apiKey: \${${p.keyVar}})`,
    );
  return undefined;
}

/** Cache-key material for the parts of an endpoint its target id hides (credentials, query values
 * redactURL replaces): two endpoints that show the same id must not share cached replies. Hashed, so
 * no credential is kept even in key material. Empty for a URL the id shows whole, which keeps the
 * cache keys of such targets as they were. */
export function endpointKey(baseURL: string): { endpoint?: string } {
  if (redactURL(baseURL) === baseURL) return {};
  return { endpoint: createHash('sha256').update(baseURL).digest('hex') };
}
