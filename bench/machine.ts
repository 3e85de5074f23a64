// The machine a benchmark ran on, as every benchmark's table and --json describe it.
import { cpus } from 'node:os';

export function describeMachine(): { cpu: string; cores: number; node: string; platform: string } {
  return {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
  };
}
