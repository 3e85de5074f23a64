// Turns a zod issue into the words a user needs: what was expected and what was found
// ("expected a string, got a number"), with a hint where one helps. Values are echoed only where
// they cannot be secret (enum choices, numbers).
import type { z } from 'zod';
import { closest } from '../core/closest.js';
import { configSchema } from './schema.js';

export interface IssueText {
  message: string;
  hint?: string;
}

const ARTICLE: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'a boolean (true or false)',
  object: 'a mapping',
  array: 'a list',
  record: 'a mapping',
  null: 'null',
};

export function describeIssue(issue: z.core.$ZodIssue, data: unknown, key?: string): IssueText {
  const input = valueAt(data, issue.path as PropertyKey[]);
  switch (issue.code) {
    case 'invalid_type': {
      const expected = ARTICLE[issue.expected] ?? issue.expected;
      if (input === undefined) return { message: `missing; expected ${expected}` };
      // A rate written as `--fail-on` takes it (2%): the config's rates are fractions.
      const percent = typeof input === 'string' ? /^\s*(\d+(?:\.\d+)?)\s*%\s*$/.exec(input) : null;
      if (percent && issue.expected === 'number')
        return {
          message: `expected ${expected}, got "${percent[1]}%"`,
          // (toPrecision: 1.1 / 100 prints 0.011000000000000001)
          hint: `a rate here is a fraction: write ${Number((Number(percent[1]) / 100).toPrecision(12))} for ${percent[1]}%`,
        };
      return { message: `expected ${expected}, got ${kindOf(input)}` };
    }
    case 'invalid_value': {
      const choices = issue.values.map((v) => JSON.stringify(v)).join(', ');
      return { message: `expected one of ${choices}, got ${show(input)}` };
    }
    case 'invalid_union': {
      const d = issue as z.core.$ZodIssueInvalidUnion & { discriminator?: string; options?: unknown[] };
      if (d.discriminator && d.options) {
        const choices = d.options.map((v) => JSON.stringify(v)).join(', ');
        return {
          message: `expected ${d.discriminator} to be one of ${choices}, got ${show(input)}`,
          hint: 'each target needs a type: openai (any OpenAI-compatible server), anthropic or embedded',
        };
      }
      return { message: 'does not match any allowed form' };
    }
    case 'too_small': {
      const cmp = issue.inclusive === false ? '>' : '≥';
      if (issue.origin === 'string') {
        return {
          message:
            Number(issue.minimum) <= 1
              ? 'expected a non-empty string'
              : `expected at least ${issue.minimum} characters`,
        };
      }
      if (issue.origin === 'array')
        return {
          message: `expected at least ${issue.minimum} items, got ${Array.isArray(input) ? input.length : 0}`,
        };
      return { message: `expected a number ${cmp} ${issue.minimum}, got ${show(input)}` };
    }
    case 'too_big': {
      const cmp = issue.inclusive === false ? '<' : '≤';
      if (issue.origin === 'string') return { message: `expected at most ${issue.maximum} characters` };
      if (issue.origin === 'array') return { message: `expected at most ${issue.maximum} items` };
      return { message: `expected a number ${cmp} ${issue.maximum}, got ${show(input)}` };
    }
    case 'invalid_format': {
      if (issue.format === 'url')
        return { message: 'expected an http:// or https:// URL such as http://localhost:8000/v1' };
      return { message: `expected ${issue.format} format` };
    }
    case 'not_multiple_of':
      return { message: `expected a multiple of ${issue.divisor}, got ${show(input)}` };
    case 'invalid_key':
      return { message: `invalid name: ${issue.issues[0]?.message ?? 'not allowed'}` };
    case 'invalid_element':
      return { message: 'invalid entry' };
    case 'unrecognized_keys': {
      const known = knownKeys(issue.path as PropertyKey[], data);
      const close = key ? closest(key, known) : undefined;
      return {
        message: `unknown field${close ? `; did you mean "${close}"?` : ''}`,
        hint: known.length ? `allowed here: ${known.join(', ')}` : undefined,
      };
    }
    default:
      return { message: issue.message };
  }
}

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = data;
  for (const seg of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[seg];
  }
  return v;
}

function kindOf(v: unknown): string {
  if (v === null) return 'an empty value';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'number') {
    // YAML's .nan and .inf, and a literal too large for a double (1e400), are numbers zod refuses.
    if (Number.isNaN(v)) return 'NaN (not a number)';
    if (!Number.isFinite(v)) return 'an infinite number';
    return Number.isInteger(v) ? 'a number' : 'a decimal number';
  }
  if (typeof v === 'string') return 'a string';
  if (typeof v === 'boolean') return 'a boolean';
  return typeof v;
}

/** Echo a value only when it is short and cannot be a secret (numbers, booleans, short words). */
function show(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (typeof v === 'string' && /^[\w .:-]{0,32}$/.test(v)) return JSON.stringify(v);
  return kindOf(v);
}

// ── the keys the schema allows at a path, for "did you mean" ────────────────────────────────────

type Def = { type: string; [k: string]: unknown };
const defOf = (s: unknown): Def => (s as { _zod: { def: Def } })._zod.def;

function unwrap(schema: unknown): unknown {
  let s = schema;
  for (let i = 0; i < 10; i++) {
    const def = defOf(s);
    if (['default', 'prefault', 'optional', 'nullable', 'readonly', 'catch'].includes(def.type))
      s = def.innerType;
    else if (def.type === 'pipe') s = def.in;
    else break;
  }
  return s;
}

function knownKeys(path: readonly PropertyKey[], data: unknown): string[] {
  let s: unknown = configSchema;
  let value: unknown = data;
  for (const seg of [...path, undefined]) {
    s = unwrap(s);
    let def = defOf(s);
    if (def.type === 'union') {
      // discriminated union: pick the option whose `type` literal matches the data
      const type = (value as { type?: unknown } | undefined)?.type;
      const option = (def.options as unknown[]).find((o) => {
        const shape = defOf(unwrap(o)).shape as Record<string, unknown> | undefined;
        const t = shape?.type ? defOf(shape.type) : undefined;
        return (t?.values as unknown[] | undefined)?.includes(type);
      });
      if (!option) return [];
      s = unwrap(option);
      def = defOf(s);
    }
    if (seg === undefined) return def.type === 'object' ? Object.keys(def.shape as object) : [];
    if (def.type === 'object') s = (def.shape as Record<string, unknown>)[String(seg)];
    else if (def.type === 'record') s = def.valueType;
    else if (def.type === 'array') s = def.element;
    else return [];
    if (s === undefined) return [];
    value = (value as Record<PropertyKey, unknown> | undefined)?.[seg as string];
  }
  return [];
}
