// Where an embedded model's checkpoint lives, and what it holds, without loading the language-model
// engine: the CLI and the cycle's resume check need the folder and its fingerprint, not the model.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BreakfixError } from '../core/index.js';
import type { Store } from '../store/index.js';

/** The folder holding package.json, found by walking up from this file (works from src/ and dist/). */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && JSON.parse(readFileSync(pkg, 'utf8')).name === 'breakfix') return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find the breakfix package root');
    dir = up;
  }
}

export const BASE_MODEL_ID = 'breakfix-tiny-base';
export const BASE_MODEL_DIR = `models/${BASE_MODEL_ID}`;

/** The shipped base model's checkpoint folder. */
export function baseModelDir(): string {
  return join(packageRoot(), BASE_MODEL_DIR);
}

/** A round name (`round-2`) → the checkpoint path the model registry holds for it. A round of a
 * cycle on a served model (TRL, a command trainer with an `openai:` target) is no embedded
 * checkpoint: that is said with the spec that reaches it, not read as a folder with files missing. */
export function modelPathResolver(store?: () => Store): ModelPathResolver {
  const resolver: ModelPathResolver = (name) => {
    if (!store) return undefined;
    const s = store();
    const model = s.getModel(name) ?? s.getModel(`embedded:${name}`);
    if (model && !model.target.startsWith('embedded:'))
      throw new BreakfixError(
        `embedded:${name} is no embedded model: this store registered ${name} as ${model.target}`,
        'input',
        `use --target ${model.target}`,
      );
    return model?.path;
  };
  // `breakfix train` on a red-team or bench run registers embedded:<run>:round-N; only a cycle
  // also registers the bare round-N, so the bare name asked of such a store is most likely that.
  resolver.near = (name) =>
    store
      ? store()
          .listModels()
          .filter((m) => m.target.startsWith('embedded:') && m.id.endsWith(`:${name}`))
          .map((m) => m.id)
      : [];
  return resolver;
}

/** A model name → its registered checkpoint folder; `near` lists registered models a name may
 * have meant (for the error when it names none). */
export type ModelPathResolver = ((name: string) => string | undefined) & {
  near?: (name: string) => string[];
};

/** `embedded:base` (or a bare `embedded:`) → the shipped base model; `embedded:<name>` → the registry; else a folder. */
export function resolveEmbeddedPath(spec: string, resolveModelPath?: ModelPathResolver): string {
  const name = spec.startsWith('embedded:') ? spec.slice('embedded:'.length) : spec;
  if (name === '' || name === 'base' || name === BASE_MODEL_ID) return baseModelDir();
  const registered = resolveModelPath?.(name);
  if (registered) return registered;
  const path = isAbsolute(name) ? name : resolve(name);
  if (existsSync(join(path, 'config.json'))) return path;
  const near = resolveModelPath?.near?.(name) ?? [];
  throw new BreakfixError(
    `no embedded model "${name}": not a model registered in this store nor a checkpoint folder with config.json` +
      (near.length ? `; did you mean ${near.map((id) => `"${id}"`).join(' or ')}?` : ''),
    'input',
    near.length
      ? `a bare round-N names a cycle's round; a model \`breakfix train\` made from another run is named with its run: --target ${near[0]} (\`breakfix model list\` shows them all)`
      : 'use embedded:base, embedded:round-N from a cycle in this store, embedded:<run>:round-N from `breakfix train`, or embedded:<folder> (`breakfix model list` shows the registered models)',
  );
}

/** What loadLM reads from a checkpoint folder (training.json is a record of how it was made). */
const CHECKPOINT_FILES = ['config.json', 'tokenizer.json', 'model.safetensors'] as const;

/** sha256 over the sha256 of each file a checkpoint loads from, or null when one cannot be read
 * (loading the model then says why). */
export function checkpointFingerprint(dir: string): string | null {
  const sha = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
  try {
    return sha(CHECKPOINT_FILES.map((name) => `${name} ${sha(readFileSync(join(dir, name)))}`).join('\n'));
  } catch {
    return null;
  }
}

/** The fingerprint of the checkpoint a target reference names when it is an embedded model (a
 * config target of type embedded, or an `embedded:` spec); undefined for a remote model, which has
 * no files to fingerprint; null when the checkpoint cannot be found or read. */
export function embeddedRefFingerprint(
  ref: string,
  targets: Record<string, { type: string; model?: string }>,
  resolveModelPath?: ModelPathResolver,
): string | null | undefined {
  const named = targets[ref];
  const model = named
    ? named.type === 'embedded'
      ? named.model
      : undefined
    : ref.startsWith('embedded:')
      ? ref
      : undefined;
  if (model === undefined) return undefined;
  try {
    return checkpointFingerprint(resolveEmbeddedPath(model, resolveModelPath));
  } catch {
    return null;
  }
}
