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

/** A base URL's user and password (`https://user:pass@host/v1`), taken out: fetch refuses a URL that
 * holds credentials, and a client given one whole sends its own Authorization header instead. They
 * go as HTTP Basic auth, which is what a server behind such a URL (a proxy with basic auth) asks
 * for; the header and its token are registered as secrets, like the URL itself. */
function splitURLCredentials(baseURL: string): { url: string; basicAuth?: string } {
  const u = new URL(baseURL);
  if (!u.username && !u.password) return { url: baseURL };
  // (a stray % that encodes nothing is sent as written)
  const decode = (part: string) => {
    try {
      return decodeURIComponent(part);
    } catch {
      return part;
    }
  };
  const token = Buffer.from(`${decode(u.username)}:${decode(u.password)}`).toString('base64');
  const basicAuth = `Basic ${token}`;
  registerSecret(basicAuth);
  // (a server's 401 may quote the token alone, which decodes to the password)
  registerSecret(token);
  u.username = '';
  u.password = '';
  return { url: u.toString(), basicAuth };
}

/** Where a target's requests go and what authenticates them: the base URL without its credentials,
 * the API key due there (apiKeyFor), and the URL's credentials as Basic auth. A key and URL
 * credentials together would both be the Authorization header (the Anthropic client, given one,
 * drops its x-api-key), so that is a ConfigError before any request, unless the target sets its
 * own Authorization header. */
export function endpointAuth(
  p: Provider,
  configuredKey: string | undefined,
  configuredURL: string,
  ownAuthorization = false,
): { url: string; apiKey?: string; basicAuth?: string } {
  const { url, basicAuth } = splitURLCredentials(configuredURL);
  const apiKey = apiKeyFor(p, configuredKey, configuredURL);
  if (basicAuth && apiKey && !ownAuthorization)
    throw new ConfigError(
      `the base URL ${redactURL(configuredURL)} holds a user and password and an API key is set too: both would be the Authorization header`,
      undefined,
      undefined,
      undefined,
      'keep one: the user and password in the URL (sent as HTTP Basic auth) or the apiKey',
    );
  return { url, ...(apiKey && { apiKey }), ...(basicAuth && { basicAuth }) };
}

/** Cache-key material for the parts of an endpoint its target id hides (credentials, query values
 * redactURL replaces): two endpoints that show the same id must not share cached replies. Hashed, so
 * no credential is kept even in key material. Empty for a URL the id shows whole, which keeps the
 * cache keys of such targets as they were. */
export function endpointKey(baseURL: string): { endpoint?: string } {
  if (redactURL(baseURL) === baseURL) return {};
  return { endpoint: createHash('sha256').update(baseURL).digest('hex') };
}

/** Cache-key material for a target's extra HTTP headers, which its id does not show: a header may
 * pick what answers behind one URL (a gateway's provider or model-version header), so two header
 * sets must not share cached replies. Hashed, as a header may carry a credential; names compared
 * without case, as HTTP does. Empty without headers, which keeps the keys of such targets. */
export function headersKey(headers: Record<string, string> | undefined): { headers?: string } {
  const entries = Object.entries(headers ?? {})
    .map(([name, value]) => [name.toLowerCase(), value])
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (entries.length === 0) return {};
  return { headers: createHash('sha256').update(JSON.stringify(entries)).digest('hex') };
}
