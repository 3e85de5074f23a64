// A model breakfix trained is named by its checkpoint's absolute path (`embedded:/home/…/.breakfix/
// models/run_…/round-1`). The HTML and Markdown reports are shared (a pull request's comment, a
// reviewer's inbox), where that path says whose machine and directory made them and nothing a reader
// can use; under the directory the report is written from, it is shown relative to it, as the user
// typed the store's path. The JSON report keeps what the store holds.
import { isAbsolute, relative, sep } from 'node:path';

/** `spec` as a shared report shows it: `embedded:<absolute path under cwd>` relative to cwd. */
export function shownTarget(spec: string, cwd = process.cwd()): string {
  const kind = 'embedded:';
  if (!spec.startsWith(kind)) return spec;
  const path = spec.slice(kind.length);
  if (!isAbsolute(path)) return spec;
  const rel = relative(cwd, path);
  return rel && !rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel) ? `${kind}${rel}` : spec;
}
