import { createHash, randomUUID } from 'node:crypto';

/** Content-derived id: the same parts always give the same id (resume relies on it). */
export function stableId(prefix: string, ...parts: unknown[]): string {
  const h = createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 16);
  return `${prefix}_${h}`;
}

export function newRunId(): string {
  return `run_${new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14)}_${randomUUID().slice(0, 8)}`;
}
