/** Base of every error breakfix raises on purpose. `hint` says what the user should do. */
export class BreakfixError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'BreakfixError';
  }
}

/** Bad input in a file: names the file and, where known, the line and field. */
export class InputError extends BreakfixError {
  constructor(
    message: string,
    readonly file?: string,
    readonly line?: number,
    readonly field?: string,
    hint?: string,
  ) {
    super(formatLocation(message, file, line, field), 'input', hint);
    this.name = 'InputError';
  }
}

export class ConfigError extends InputError {
  constructor(message: string, file?: string, line?: number, field?: string, hint?: string) {
    super(message, file, line, field, hint);
    this.name = 'ConfigError';
  }
}

export type TargetErrorKind =
  | 'rate_limit'
  | 'server'
  | 'client'
  | 'auth'
  | 'timeout'
  | 'network'
  | 'malformed'
  | 'empty'
  | 'aborted';

/** A target call that failed for good (after retries). Never a model refusal. */
export class TargetError extends BreakfixError {
  constructor(
    message: string,
    readonly kind: TargetErrorKind,
    readonly status?: number,
    readonly retryAfterMs?: number,
  ) {
    super(message, `target_${kind}`);
    this.name = 'TargetError';
  }

  get retryable(): boolean {
    return ['rate_limit', 'server', 'timeout', 'network', 'malformed', 'empty'].includes(this.kind);
  }
}

function formatLocation(message: string, file?: string, line?: number, field?: string): string {
  const where = file ? ` (${file}${line !== undefined ? `:${line}` : ''})` : '';
  return `${field ? `${field}: ` : ''}${message}${where}`;
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
