// Provider failures → TargetError of the right kind. Both official SDKs (openai, @anthropic-ai/sdk)
// share one error family, so one mapping covers them; anything unrecognised is a network error if
// the connection failed and malformed if the body could not be read.
import { redactText } from '../config/index.js';
import { TargetError, type TargetErrorKind } from '../core/index.js';

// biome-ignore lint/suspicious/noExplicitAny: an error class of either SDK, for instanceof
type ErrorClass = abstract new (...args: any[]) => Error;

/** The error classes an SDK exports (both name them alike). */
export interface SdkErrors {
  APIUserAbortError: ErrorClass;
  APIConnectionTimeoutError: ErrorClass;
  APIConnectionError: ErrorClass;
  APIError: ErrorClass;
}

/** The SDKs loaded so far. A provider's SDK is imported when its first target sends (importing both
 * took a third of a second on every start of the CLI, offline runs included), and one that was never
 * loaded has thrown nothing. */
const sdks: SdkErrors[] = [];

export function registerSdkErrors(sdk: SdkErrors): void {
  if (!sdks.includes(sdk)) sdks.push(sdk);
}

const isSdkError = (err: unknown, kind: keyof SdkErrors): err is Error =>
  sdks.some((s) => err instanceof s[kind]);

export function retryAfterMs(headers: unknown): number | undefined {
  const get = (name: string): string | null | undefined => {
    if (!headers) return undefined;
    if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name);
    return (headers as Record<string, string | undefined>)[name];
  };
  const ms = get('retry-after-ms');
  if (ms && Number.isFinite(Number(ms))) return Math.max(0, Number(ms));
  const after = get('retry-after');
  if (!after) return undefined;
  if (Number.isFinite(Number(after))) return Math.max(0, Number(after) * 1000);
  const date = Date.parse(after);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** `code` is the provider's error code, where the body has one: a 429 `insufficient_quota` (OpenAI:
 * the account's credit is spent) is no rate limit — waiting does not end it — so it is not retried. */
export function kindForStatus(status: number, code?: string): TargetErrorKind {
  if (status === 429 && code === 'insufficient_quota') return 'quota';
  if (status === 429) return 'rate_limit';
  if (status === 401 || status === 403) return 'auth';
  if (status === 408) return 'timeout';
  if (status === 409 || status >= 500) return 'server';
  return 'client';
}

export function toTargetError(err: unknown, targetId: string): TargetError {
  if (err instanceof TargetError) return err;
  const isAbort = isSdkError(err, 'APIUserAbortError');
  if (isAbort || (err instanceof Error && err.name === 'AbortError')) {
    return new TargetError(`${targetId}: request aborted`, 'aborted');
  }
  if (isSdkError(err, 'APIConnectionTimeoutError')) {
    return new TargetError(`${targetId}: request timed out`, 'timeout');
  }
  if (isSdkError(err, 'APIConnectionError')) {
    const cause = (err as { cause?: unknown }).cause;
    // The SDK wraps whatever its fetch throws as a failed connection, cappedFetch's refusal of a reply
    // declared past the cap included: that is a reply read, and says so itself.
    if (cause instanceof TargetError) return cause;
    const why = cause instanceof Error ? `: ${connectionFailure(cause)}` : '';
    return new TargetError(`${targetId}: connection failed${why}`, 'network');
  }
  if (isSdkError(err, 'APIError')) {
    const status = (err as { status?: number }).status;
    if (status === undefined) {
      return new TargetError(`${targetId}: ${shortMessage(redactText(err.message))}`, 'network');
    }
    const code = (err as { code?: unknown }).code;
    return statusError(
      targetId,
      status,
      providerMessage(err),
      (err as { headers?: unknown }).headers,
      typeof code === 'string' ? code : undefined,
    );
  }
  if (err instanceof SyntaxError) {
    return new TargetError(
      `${targetId}: reply is not valid JSON (${shortMessage(redactText(err.message))})`,
      'malformed',
    );
  }
  const message = err instanceof Error ? err.message : String(err);
  if (/terminated|socket|ECONNRESET|ECONNREFUSED|EPIPE|fetch failed|other side closed/i.test(message)) {
    const why = err instanceof Error ? connectionFailure(err) : shortMessage(redactText(message));
    return new TargetError(`${targetId}: connection failed: ${why}`, 'network');
  }
  return new TargetError(`${targetId}: unreadable reply: ${shortMessage(redactText(message))}`, 'malformed');
}

/** Why a connection failed, said so that it can be acted on, redacted and cut to one line. fetch (the
 * SDK's streaming path) wraps the socket's error in a bare "fetch failed": the reason is its cause,
 * which the halt on an unreachable target reads too. A TLS handshake that failed is named as one,
 * with what to change: an https:// baseURL on a plain-HTTP server (vLLM, Ollama and llama.cpp serve
 * plain HTTP) fails with OpenSSL's "wrong version number", and a certificate Node does not trust
 * needs its CA named. */
export function connectionFailure(err: Error): string {
  let inner: Error = err;
  while (inner.cause instanceof Error) inner = inner.cause;
  const code = String((inner as { code?: unknown }).code ?? '');
  const message = inner.message.trim() || code || err.message;
  if (/wrong version number|packet length too long|ERR_SSL_WRONG_VERSION/i.test(`${message} ${code}`))
    return `${TLS_FAILED}: the server does not speak HTTPS at this address; a plain-HTTP server needs an http:// baseURL`;
  if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER/.test(code))
    return `${TLS_FAILED}: ${shortMessage(redactText(message))} (${code}); for a certificate of your own CA, export NODE_EXTRA_CA_CERTS=/path/to/ca.pem`;
  return shortMessage(redactText(message));
}

/** How connectionFailure begins a failed TLS handshake: no HTTP exchange took place. */
export const TLS_FAILED = 'TLS handshake failed';

/** An HTTP error status → TargetError with the provider's message (redacted: some servers echo the
 * key back) and its Retry-After. */
export function statusError(
  targetId: string,
  status: number,
  message: string,
  headers: unknown,
  code?: string,
): TargetError {
  return new TargetError(
    `${targetId}: HTTP ${status} ${shortMessage(redactText(message))}`.trimEnd(),
    kindForStatus(status, code),
    status,
    retryAfterMs(headers),
  );
}

/** The message in an error body (`{error: {message}}`, `{message}`, `{error: "..."}`), else the text. */
export function bodyMessage(text: string): string {
  try {
    const body = JSON.parse(text) as { message?: unknown; error?: { message?: unknown } | string } | null;
    const m = body?.message ?? (typeof body?.error === 'object' ? body.error?.message : body?.error);
    if (typeof m === 'string') return m;
  } catch {
    // not JSON: the text is the message
  }
  return text;
}

function providerMessage(err: Error): string {
  const body = (err as { error?: unknown }).error as
    | { message?: unknown; error?: { message?: unknown } }
    | undefined;
  const m = body?.message ?? body?.error?.message;
  return typeof m === 'string' ? m : err.message.replace(/^\d{3}\s*/, '');
}

/** A message cut to one line of 200 characters. Redact before cutting: a key cut in two is no longer
 * the key the redaction looks for. */
export function shortMessage(m: string): string {
  const one = m.replace(/\s+/g, ' ').trim();
  return one.length > 200 ? `${one.slice(0, 197)}...` : one;
}
