// What a cycle run reads besides its config: the user's seeds and templates, the custom suites'
// dataset files and the embedded models' checkpoints. The config names them by path or name only, so
// a file edited (or a checkpoint replaced) between a crash and its resume would leave the config
// unchanged and mix two datasets or two models in one run; their contents are fingerprinted when a
// run starts and compared when it resumes.
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { dataFingerprint, sha256 } from '../break/fingerprint.js';
import { type Config, modelRefs } from '../config/index.js';
import { InputError, type Seed, type Template } from '../core/index.js';
import type { Store } from '../store/index.js';
import { embeddedRefFingerprint, modelPathResolver } from '../targets/embedded-path.js';

/** sha256 of each input; a suite file or checkpoint that cannot be read is null (the step that
 * reads it reports why). */
export interface CycleInputs {
  seeds: string;
  templates: string;
  suites: Record<string, string | null>;
  /** Per role or judge reference to an embedded model (`candidate`, `embedded:base`), its
   * checkpoint's fingerprint. Absent in runs stored before breakfix recorded it. */
  models?: Record<string, string | null>;
}

/** The step marker that holds a run's inputs (round 0, beside the round's own step markers). */
const MARKER = 'inputs';

/** Seeds and templates are fingerprinted as loaded (a reformatted file that loads the same is the
 * same input); a custom suite's file byte for byte, since its rows are loaded by the bench step. */
export function cycleInputs(
  config: Config,
  data: { seeds?: Seed[]; templates?: Template[]; baseDir?: string; store?: Store },
): CycleInputs {
  const suites: Record<string, string | null> = {};
  for (const c of config.bench.custom ?? []) {
    const file = isAbsolute(c.file) ? c.file : resolve(data.baseDir ?? process.cwd(), c.file);
    try {
      suites[c.name] = sha256(readFileSync(file));
    } catch {
      suites[c.name] = null;
    }
  }
  return {
    ...dataFingerprint(data.seeds, data.templates),
    suites,
    models: embeddedModels(config, data.store),
  };
}

/** The embedded checkpoints the config's roles and judges name, by reference. A remote model cannot
 * be fingerprinted; a round's own candidates are the run's output, not its input. */
function embeddedModels(config: Config, store?: Store): Record<string, string | null> {
  const resolveModelPath = modelPathResolver(store ? () => store : undefined);
  const models: Record<string, string | null> = {};
  for (const ref of modelRefs(config)) {
    const fingerprint = embeddedRefFingerprint(ref, config.targets, resolveModelPath);
    if (fingerprint !== undefined) models[ref] = fingerprint;
  }
  return models;
}

export function recordInputs(store: Store, runId: string, inputs: CycleInputs): void {
  store.markStep(runId, 0, MARKER, inputs);
}

/** An InputError (exit 2) when a resumed run's inputs differ from those it started with. A run that
 * holds no record (stored by an older breakfix, or killed between its start and the record) is
 * given the current one. */
export function checkResumedInputs(store: Store, runId: string, current: CycleInputs, flag: string): void {
  const stored = store.getStep(runId, 0, MARKER)?.data as CycleInputs | undefined;
  if (!stored) {
    recordInputs(store, runId, current);
    return;
  }
  const changed: string[] = [];
  if (stored.seeds !== current.seeds) changed.push('seeds.files (the seeds they load)');
  if (stored.templates !== current.templates) changed.push('templates.files (the templates they load)');
  const names = [...new Set([...Object.keys(stored.suites ?? {}), ...Object.keys(current.suites)])].sort();
  for (const name of names)
    if (stored.suites?.[name] !== current.suites[name])
      changed.push(`bench.custom suite "${name}" (its dataset file)`);
  // (A run stored before models were recorded has nothing to compare them with.)
  if (stored.models)
    for (const ref of [
      ...new Set([...Object.keys(stored.models), ...Object.keys(current.models ?? {})]),
    ].sort())
      if (stored.models[ref] !== current.models?.[ref])
        changed.push(`the embedded model "${ref}" (its checkpoint files)`);
  if (changed.length === 0) return;
  throw new InputError(
    `cycle run ${runId} started on other data; resuming it would mix two datasets or two models in one run. Changed since it started: ${changed.join('; ')}`,
    undefined,
    undefined,
    undefined,
    `restore the files as they were when the run started, or start a new cycle without ${flag}`,
  );
}
