// Copies non-TypeScript assets that live beside the sources (data files, compiled kernels) into dist/.
import { cpSync, existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const exts = new Set(['.json', '.yaml', '.yml', '.wasm', '.csv', '.jsonl', '.txt', '.html', '.css']);
function walk(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) {
      if (name === 'assembly') continue;
      walk(p);
    } else if (exts.has(name.slice(name.lastIndexOf('.')))) {
      const out = join('dist', relative('src', p));
      cpSync(p, out);
    }
  }
}
if (existsSync('src')) walk('src');
