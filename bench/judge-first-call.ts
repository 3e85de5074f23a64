// One fresh process's first judged reply, for `npm run bench:judge`'s "first call" row: the judge's
// regular expressions are compiled by V8 on their first use, so a process pays for them once, on
// its first reply (every `breakfix judge refusal` run, every test file that judges, a bench's
// Ctrl-C to exit). Prints {firstMs, secondMs}: the first reply of refusal-eval.jsonl, then its second.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { classifyRefusal } from '../src/judge/refusal/index.js';

const file = fileURLToPath(new URL('../test/judge/fixtures/refusal-eval.jsonl', import.meta.url));
const [first, second] = readFileSync(file, 'utf8')
  .split('\n')
  .slice(0, 2)
  .map((l) => JSON.parse(l) as { prompt: string; response: string });
let t = performance.now();
classifyRefusal(first.prompt, first.response);
const firstMs = performance.now() - t;
t = performance.now();
classifyRefusal(second.prompt, second.response);
const secondMs = performance.now() - t;
process.stdout.write(`${JSON.stringify({ firstMs, secondMs })}\n`);
