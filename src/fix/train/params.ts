// The train section with every default applied (a partial section from a caller is filled in).
import { defaultConfig } from '../../config/index.js';
import type { TrainConfig } from './types.js';

export function trainParams(given?: Partial<TrainConfig>): TrainConfig {
  const d = defaultConfig().train;
  return {
    ...d,
    ...given,
    embedded: { ...d.embedded, ...given?.embedded },
    trl: { ...d.trl, ...given?.trl },
    command: { ...d.command, ...given?.command },
  } as TrainConfig;
}

/** The produced model's id: `<runId>:round-<n>` inside a run, else the output folder's name. */
export function producedId(prefix: string, outDir: string, runId?: string, round?: number): string {
  const tail =
    round !== undefined ? `round-${round}` : (outDir.split(/[\\/]/).filter(Boolean).pop() ?? 'model');
  return runId ? `${prefix}:${runId}:${tail}` : `${prefix}:${tail}`;
}
