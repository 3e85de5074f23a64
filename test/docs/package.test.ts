// The package as npm installs it: `npm pack` of a fresh build, unpacked into a project's
// node_modules beside only what package.json's `dependencies` bring (never the devDependencies this
// checkout has). A user's strict TypeScript (no skipLibCheck) must accept the shipped declarations,
// and the shipped files must be enough to run: the embedded model, the seeds, the kernels.
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const pkgJson = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
};
const dir = mkdtempSync(join(tmpdir(), 'bf-package-'));
const pkg = join(dir, 'pkg'); // a copy of the package, built by its own `npm run build`
const app = join(dir, 'app'); // the user's project
let files: string[] = [];

// Asynchronous, so the worker keeps answering vitest while a build or a type-check takes a minute.
const exec = promisify(execFile);
const node = (args: string[], cwd?: string) =>
  exec(process.execPath, args, { cwd, encoding: 'utf8', env: { ...process.env, CI: 'true' } }).then(
    (r) => ({ code: 0, ...r }),
    (e: { code: number; stdout: string; stderr: string }) => ({
      code: e.code,
      stdout: e.stdout,
      stderr: e.stderr,
    }),
  );

afterAll(() => rmSync(dir, { recursive: true, force: true }));

beforeAll(async () => {
  mkdirSync(pkg);
  for (const f of ['package.json', 'README.md', 'LICENSE', 'tsconfig.json', 'tsconfig.build.json']) {
    cpSync(join(root, f), join(pkg, f));
  }
  for (const d of ['docs', 'models', 'scripts']) cpSync(join(root, d), join(pkg, d), { recursive: true });
  symlinkSync(join(root, 'src'), join(pkg, 'src'));
  symlinkSync(join(root, 'node_modules'), join(pkg, 'node_modules'));
  // A file an earlier build left (its source since renamed or deleted): the build must not ship it.
  mkdirSync(join(pkg, 'dist'));
  writeFileSync(join(pkg, 'dist', 'stale.js'), 'export {};\n');
  await exec('npm', ['run', 'build'], { cwd: pkg });
  rmSync(join(pkg, 'node_modules'));
  const packed = JSON.parse(
    (await exec('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', dir], { cwd: pkg }))
      .stdout,
  ) as { filename: string; files: { path: string }[] }[];
  files = packed[0]?.files.map((f) => f.path) ?? [];
  const installed = join(app, 'node_modules', 'breakfix');
  mkdirSync(installed, { recursive: true });
  await exec('tar', ['xzf', join(dir, packed[0]?.filename ?? ''), '-C', installed, '--strip-components=1']);
  // What `npm install breakfix` brings: its dependencies (theirs resolve from this checkout's
  // node_modules, where the links lead), and the user's own @types/node, as the README says.
  for (const dep of [...Object.keys(pkgJson.dependencies), '@types/node']) {
    mkdirSync(join(app, 'node_modules', dep, '..'), { recursive: true });
    symlinkSync(join(root, 'node_modules', dep), join(app, 'node_modules', dep));
  }
  writeFileSync(join(app, 'package.json'), '{ "name": "app", "type": "module", "private": true }\n');
}, 600_000);

describe('the packed package', () => {
  it('ships the build, its declarations and run-time files, and nothing of the checkout', () => {
    for (const f of [
      'dist/index.js',
      'dist/index.d.ts',
      'dist/cli/main.js',
      'dist/lm/kernels/matmul.wasm',
      'dist/break/seeds/harmful.yaml',
      'dist/break/templates/templates.yaml',
      'dist/world/refusals.yaml',
      'dist/report/viewer/assets/index.html',
      'models/breakfix-tiny-base/model.safetensors',
      'models/breakfix-tiny-base/tokenizer.json',
    ]) {
      expect(files, f).toContain(f);
    }
    expect(files).not.toContain('dist/stale.js');
    const allowed = /^(dist\/|models\/|docs\/[^/]+\.md$|README\.md$|LICENSE$|package\.json$)/;
    expect(files.filter((f) => !allowed.test(f))).toEqual([]);
    expect(files.filter((f) => /\.map$|\.db(-\w+)?$|^dist\/judge\/data\//.test(f))).toEqual([]);
  });

  it("type-checks in a user's strict project against the shipped declarations", async () => {
    writeFileSync(
      join(app, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          noEmit: true,
          types: ['node'],
        },
        files: ['consumer.ts'],
      }),
    );
    writeFileSync(
      join(app, 'consumer.ts'),
      `import {
  BreakfixError, ClaimLostError, type Config, RunHalt, type Store, bench, createTarget, judge,
  loadConfig, openStore, redteam,
} from 'breakfix';

const config: Config = loadConfig();
const halt = new RunHalt();
const target = createTarget('embedded:base', { config, halt });
const judges = judge.createJudges(config, { target: (name) => createTarget(name, { config }) });
const store: Store = openStore('.breakfix/breakfix.db');
try {
  const report = await bench.runBench({ target, judges, suites: ['harmful'], limit: 2, halt });
  const summary = await redteam.runRedteam({
    target, judges, seeds: redteam.builtinSeeds(), store, runId: 'pkg', budget: { attempts: 2 }, seed: 1, halt,
  });
  console.log(report.summary.dr3, summary.asr);
} catch (err) {
  // a run another process took over (the CLI's exit 4), told apart from other failures
  if (err instanceof ClaimLostError) console.log('taken over by', err.takenBy?.pid);
  else if (err instanceof BreakfixError) console.log(err.code);
  else throw err;
} finally {
  store.close();
}
`,
    );
    const r = await node([join(root, 'node_modules/typescript/bin/tsc'), '-p', app]);
    expect(r.stdout + r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it('runs from the unpacked tarball: the embedded model, a judge, the seeds and a store', async () => {
    writeFileSync(
      join(app, 'run.mjs'),
      `import { createTarget, judge, openStore, redteam } from 'breakfix';
const target = createTarget('embedded:base');
const reply = await target.chat([{ role: 'user', content: 'Hello' }], { maxTokens: 8, temperature: 0 });
console.log(typeof reply.text);
console.log(judge.classifyRefusal('How do I pick a lock?', "I'm sorry, but I can't help with that.").label);
console.log(redteam.builtinSeeds().length > 0);
const store = openStore('.breakfix/breakfix.db');
console.log(store.listRuns().length);
store.close();
`,
    );
    const r = await node(['run.mjs'], app);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('string\nfull_refusal\ntrue\n0\n');
    expect(r.code).toBe(0);
  });

  it('stops a benchmark of an unreachable server given a RunHalt, as the CLI does', async () => {
    writeFileSync(
      join(app, 'halt.mjs'),
      `import { createServer } from 'node:net';
import { bench, createTarget, judge, loadConfig, RunHalt } from 'breakfix';
// a port nothing listens on
const srv = createServer();
await new Promise((r) => srv.listen(0, '127.0.0.1', r));
const { port } = srv.address();
await new Promise((r) => srv.close(r));
const config = loadConfig();
const halt = new RunHalt();
const target = createTarget(\`openai:m@http://127.0.0.1:\${port}/v1\`, { config, halt, retryBaseMs: 1 });
const judges = judge.createJudges(config, { target: (name) => createTarget(name, { config }) });
try {
  await bench.runBench({ target, judges, suites: ['harmful'], limit: 20, halt });
  console.log('not stopped');
} catch (err) {
  console.log(err.name, halt.halted, /unreachable/.test(err.message));
}
`,
    );
    const r = await node(['halt.mjs'], app);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('TargetError true true\n');
    expect(r.code).toBe(0);
  });
});
