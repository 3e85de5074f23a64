// A run's data by content, not by path: seeds and templates are fingerprinted as loaded (a file
// reformatted to load the same is the same data), so a resume can tell when what it would attack
// with is not what the run started on.
import { createHash } from 'node:crypto';
import type { Seed, Template } from '../core/index.js';

export function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** sha256 of the seeds and of the templates, each as loaded. */
export function dataFingerprint(
  seeds: readonly Seed[] = [],
  templates: readonly Template[] = [],
): {
  seeds: string;
  templates: string;
} {
  return { seeds: sha256(JSON.stringify(seeds)), templates: sha256(JSON.stringify(templates)) };
}
