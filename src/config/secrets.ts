// Secrets (API keys, auth headers) come from the environment and must never be echoed: not in
// errors, not in `config check`, not in the store. Fields are recognised by name; values that came
// from `${ENV}` under such a field, or that look like keys, are also remembered so that any text
// can be scrubbed before it is printed.

const SECRET_KEY =
  /(api[-_]?key|secret|password|passwd|authori[sz]ation|bearer|cookie|credential|access[-_]?token|auth[-_]?token|x-api-key)$/i;
const KEY_LIKE_VALUE = /\b(sk-[A-Za-z0-9_-]{8,}|sk-ant-[A-Za-z0-9_-]{8,}|Bearer\s+[A-Za-z0-9._~+/-]{8,}=*)/g;
export const REDACTED = '[redacted]';

const knownSecrets = new Set<string>();

/** True for a field name that holds a secret (`apiKey`, `Authorization`, `x-api-key` …), also a
 * header named by its parts as a variable would be (`Private-Token`, `Ocp-Apim-Subscription-Key`). */
export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key) || isSecretVariable(key);
}

/** Name parts that mark an environment variable as a secret: HF_TOKEN, OPENAI_API_KEY, DB_PASSWORD,
 * GITHUB_AUTH, AWS_SECRET_ACCESS_KEY, also camelCase (apiKey) and the common run-together forms
 * (APIKEY, AUTHTOKEN). Whole parts only: MONKEY, PASSPORT, AUTHOR are not secrets; nor is TOKENS,
 * since config field names are read by this too and maxTokens is a count. */
const SECRET_PARTS = new Set([
  'KEY',
  'KEYS',
  'APIKEY',
  'TOKEN',
  'AUTHTOKEN',
  'ACCESSTOKEN',
  'SECRET',
  'SECRETS',
  'PASSWORD',
  'PASSWD',
  'PASS',
  'PASSPHRASE',
  'CREDENTIAL',
  'CREDENTIALS',
  'AUTH',
  'PAT',
]);

export function isSecretVariable(name: string): boolean {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toUpperCase()
    .split(/[^A-Z0-9]+/)
    .some((part) => SECRET_PARTS.has(part));
}

/** Remember a secret value so `redactText` scrubs it wherever it appears. Short values are ignored:
 * scrubbing "ab" everywhere would mangle text and protects nothing. */
export function registerSecret(value: string): void {
  if (value.length < 6) return;
  knownSecrets.add(value);
  // A server may echo a key as its URL or JSON carries it: percent-encoded, or with '/' as '\/'.
  for (const form of [encodeURIComponent(value), value.replaceAll('/', '\\/')])
    if (form !== value) knownSecrets.add(form);
}

/** Remember the values of the environment's variables whose names say they are secrets (HF_TOKEN,
 * WANDB_API_KEY…): a trainer given this environment reads them itself, unnamed by the config, and may
 * print them (a traceback, `env`, a login message), so its output must be scrubbed of them too. */
export function registerEnvironmentSecrets(env: NodeJS.ProcessEnv): void {
  for (const [name, value] of Object.entries(env)) if (value && isSecretVariable(name)) registerSecret(value);
}

/** Scrub the known secret values (of at least `minLength` characters, when given). Without it — a
 * model's reply — only real keys are scrubbed: 16 characters or more, or 8 or more that mix letters
 * and digits (a `vllm --api-key Tok3nSecret9x`). Key-shaped text that is no key of ours (an example
 * `sk-…`) and a placeholder key that is an ordinary word (Ollama's `ollama`, `not-needed`) are the
 * model's answer, which the judges score and the fix data may hold, and stay as they are. */
export function redactKnownSecrets(text: string, minLength?: number): string {
  let out = text;
  for (const secret of knownSecrets)
    if ((minLength === undefined ? isKeyLike(secret) : secret.length >= minLength) && out.includes(secret))
      out = out.split(secret).join(REDACTED);
  return out;
}

function isKeyLike(secret: string): boolean {
  if (secret.length >= 16) return true;
  return secret.length >= 8 && /\d/.test(secret) && /\p{L}/u.test(secret) && !/\s/.test(secret);
}

/** The user info of a URL in free text (`https://carol:pw@host`): a password there is a secret
 * even where no config registered it (a spec typed on the command line, a warning quoting one). */
const URL_USER_INFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@]+@/gi;

/** Scrub known secret values, key-like strings and URL user info from free text (error messages,
 * logs). */
export function redactText(text: string): string {
  return redactKnownSecrets(text, 0)
    .replace(KEY_LIKE_VALUE, REDACTED)
    .replace(URL_USER_INFO, (all, scheme: string) =>
      all.slice(scheme.length, -1).includes(':')
        ? `${scheme}${REDACTED}:${REDACTED}@`
        : `${scheme}${REDACTED}@`,
    );
}

/** Query parameters that are no credential: Azure's `api-version=2024-02-01` is shown in target
 * ids (two versions are two endpoints), and its date is not scrubbed from every text. */
const PUBLIC_PARAMS = new Set(['api-version']);

/** A URL as it may be shown (target ids, errors): the credentials some servers take in the URL —
 * `user:password@`, a `?key=…` or `?token=…` query — replaced. Text that is not a URL comes back as
 * it is. */
export function redactURL(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return url;
  }
  const secretParams = [...u.searchParams.keys()].filter((k) => !PUBLIC_PARAMS.has(k.toLowerCase()));
  if (!u.username && !u.password && secretParams.length === 0) return url;
  if (u.username) u.username = REDACTED;
  if (u.password) u.password = REDACTED;
  for (const k of secretParams) u.searchParams.set(k, REDACTED);
  // (URL percent-encodes the brackets; shown as written.)
  return u.toString().replaceAll(encodeURIComponent(REDACTED), REDACTED);
}

/** A URL, or a target spec naming one (`openai:MODEL@URL`, as roles, judges and
 * train.command.target take), with the URL's credentials replaced (redactURL): a spec is no target
 * config, so its URL's credentials were registered only once a target was made from it. */
function redactSpecURL(value: string): string {
  const spec = specURL(value);
  if (!spec) return value;
  const redacted = redactURL(spec.url);
  if (!spec.bare) return `${spec.prefix}${redacted}`;
  return redacted.startsWith('http://') ? `${spec.prefix}${redacted.slice('http://'.length)}` : value;
}

/** The URL of a value that is one, or a spec naming one. A spec whose URL lacks its scheme
 * (`openai:m@user:pw@host/v1`, `…@host/v1?key=K`) is refused when a target is made from it, but
 * config check and warnings quote it before that: its URL is read as the http:// one it was meant to
 * be (`bare`), so its credentials are redacted the same way. */
function specURL(value: string): { prefix: string; url: string; bare: boolean } | undefined {
  const m = /^([a-z][\w-]*:[^@\s]*@)?([a-z][\w+.-]*:\/\/\S+)$/i.exec(value);
  if (m) return { prefix: m[1] ?? '', url: m[2], bare: false };
  const bare = /^([a-z][\w-]*:[^@\s]*@)(\S+)$/i.exec(value);
  if (!bare || !/[@?]/.test(bare[2])) return undefined;
  return { prefix: bare[1], url: `http://${bare[2]}`, bare: true };
}

/** Remember the credentials in the URL of every target spec a config holds (roles, judges,
 * train.command.target…), so that a warning or error quoting the spec shows them redacted. */
export function registerSpecSecrets(value: unknown): void {
  if (typeof value === 'string') {
    // (a spec's alone: a plain URL elsewhere — a dataset's `?format=parquet` — holds no credential)
    const spec = specURL(value);
    if (spec?.prefix) registerURLSecrets(spec.url);
  } else if (Array.isArray(value)) for (const v of value) registerSpecSecrets(v);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) registerSpecSecrets(v);
}

/** Remember the credentials a URL carries (see redactURL) so that redactText scrubs them from any
 * text: a server's error may quote the URL it was called with. */
export function registerURLSecrets(url: string): void {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return;
  }
  const params = [...u.searchParams].filter(([k]) => !PUBLIC_PARAMS.has(k.toLowerCase())).map(([, v]) => v);
  for (const v of [u.username, u.password, ...params]) {
    registerSecret(v);
    registerSecret(decodeURIComponent(v));
  }
}

/** A deep copy with every secret field's value replaced (headers are treated as secret wholesale
 * when their name looks secret). Used for the store and for `config check` output. */
export function redactConfig<T>(value: T): T {
  return redactValue(value, undefined) as T;
}

function redactValue(value: unknown, key: string | undefined): unknown {
  if (typeof value === 'string') {
    if (key !== undefined && isSecretKey(key)) return REDACTED;
    return redactText(redactSpecURL(value));
  }
  if (Array.isArray(value)) return value.map((v) => redactValue(v, undefined));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = redactValue(v, k);
    return out;
  }
  return value;
}
