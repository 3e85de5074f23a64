// Every breakfix config a user is shown (a ```yaml block of the README or docs/*.md whose top-level
// keys are the config's, and the snippet on `breakfix serve --help`) passes `breakfix config check`
// as written: a renamed or removed field in a snippet is a config the reader copies and cannot run.
// Other YAML (axolotl's dataset block) has none of the config's keys and is left alone.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { defaultConfig } from '../../src/config/index.js';
import { runCli } from '../cli/run-cli.js';

const root = resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'bf-config-snippets-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const CONFIG_KEYS = new Set(Object.keys(defaultConfig()));

function yamlBlocks(): { where: string; text: string }[] {
  const files = ['README.md', ...readdirSync(join(root, 'docs')).map((f) => `docs/${f}`)];
  const blocks: { where: string; text: string }[] = [];
  for (const file of files.filter((f) => f.endsWith('.md'))) {
    const text = readFileSync(join(root, file), 'utf8');
    for (const m of text.matchAll(/^```ya?ml\n([\s\S]*?)^```/gm)) {
      const line = text.slice(0, m.index).split('\n').length + 1;
      blocks.push({ where: `${file}:${line}`, text: m[1] });
    }
  }
  return blocks;
}

/** The config snippet of `breakfix serve --help`: its lines from `targets:` to the blank line. */
async function serveHelpSnippet(): Promise<string> {
  const { stdout } = await runCli(['serve', '--help']);
  const block = /^ {2}targets:\n[\s\S]*?(?=\n\n)/m.exec(stdout)?.[0];
  if (!block) throw new Error('breakfix serve --help shows no config snippet');
  return `${block.replace(/^ {2}/gm, '')}\n`;
}

const topKeys = (yaml: string) => [...yaml.matchAll(/^([A-Za-z_]\w*):/gm)].map((m) => m[1]);

it('every breakfix config snippet in the README, the docs and serve --help passes config check', async () => {
  const snippets = [
    ...yamlBlocks().filter((b) => topKeys(b.text).some((k) => CONFIG_KEYS.has(k))),
    { where: 'breakfix serve --help', text: await serveHelpSnippet() },
  ];
  expect(snippets.length).toBeGreaterThan(3);
  const failed: string[] = [];
  for (const [i, { where, text }] of snippets.entries()) {
    const file = join(dir, `snippet-${i}.yaml`);
    writeFileSync(file, text);
    // The snippets read their keys from the environment, as the README tells the reader to.
    const r = await runCli(['config', 'check', '--config', file, '--json'], {
      cwd: dir,
      env: { OPENAI_API_KEY: 'sk-snippet', ANTHROPIC_API_KEY: 'sk-snippet' },
    });
    if (r.code !== 0) failed.push(`${where}: exit ${r.code}: ${r.stderr.trim()}`);
  }
  expect(failed).toEqual([]);
});
