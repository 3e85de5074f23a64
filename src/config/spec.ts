// How a model is named wherever the config or the command line names one (roles, judges,
// train.command.target, --target): a name under `targets`, or a spec `kind:…` of a kind breakfix
// makes. One reading for config check (the schema) and for making the target (targets/create.ts):
// a misspelt kind (`roles.target: embeded:base`) passed config check, as any text with a colon did,
// and failed only when the target was made.
import { closest } from '../core/closest.js';

export const SPEC_KINDS: readonly string[] = ['embedded', 'openai', 'anthropic'];

/** Whether `ref` is written as a spec: a kind breakfix makes, and for a remote one a model after
 * the colon (`embedded:` alone is the base model). What follows is checked when the target is made. */
export function isSpec(ref: string): boolean {
  const colon = ref.indexOf(':');
  if (colon <= 0) return false;
  const kind = ref.slice(0, colon);
  return kind === 'embedded' || (SPEC_KINDS.includes(kind) && ref.length > colon + 1);
}

/** What `ref`, which names no target, likely meant: the spec with its kind's typo mended
 * (`embeded:base` → `embedded:base`), else the closest of `names` (core/closest.ts). */
export function meantTarget(ref: string, names: readonly string[]): string | undefined {
  const colon = ref.indexOf(':');
  const kind = ref.slice(0, Math.max(colon, 0));
  if (colon > 0 && !SPEC_KINDS.includes(kind)) {
    const meant = closest(kind, [...SPEC_KINDS]);
    if (meant) return `${meant}:${ref.slice(colon + 1)}`;
  }
  return closest(ref, [...names]);
}
