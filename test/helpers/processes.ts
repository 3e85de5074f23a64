// Whether a process a test started (or its trainer started) is still running.
import { readFileSync } from 'node:fs';

/** Whether a process is still running (a zombie waiting for its parent's reaper counts as gone). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}
