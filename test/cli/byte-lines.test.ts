// byteLines, the line splitter of `breakfix judge --in`: every line back byte for byte over any chunk
// boundaries (a CRLF split between two reads included), and a long line copied once, not once per
// chunk read (the old join made a 60 MB line take 28 s, and a large file with no newline hours).
import { createReadStream, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { byteLines } from '../../src/cli/line-files.js';

afterEach(() => vi.restoreAllMocks());

async function read(file: string, highWaterMark: number): Promise<string[]> {
  const lines: string[] = [];
  for await (const l of byteLines(createReadStream(file, { highWaterMark }))) lines.push(l.toString('utf8'));
  return lines;
}

describe('byteLines', () => {
  it('gives the lines of a file, LF or CRLF, whatever the chunk size', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'byte-lines-'));
    const file = join(dir, 'in.jsonl');
    const lines = ['{"a":1}', '', `{"b":"${'x'.repeat(50)}"}`, '{"c":"é"}', 'last'];
    writeFileSync(file, lines.join('\r\n'));
    for (const size of [1, 2, 3, 7, 64, 65536])
      expect(await read(file, size), `chunks of ${size}`).toEqual(lines);
    writeFileSync(file, `${lines.join('\n')}\n`);
    for (const size of [1, 5, 65536]) expect(await read(file, size), `chunks of ${size}`).toEqual(lines);
  });

  it('copies a line that spans many chunks about once, not once per chunk', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'byte-lines-'));
    const file = join(dir, 'long.jsonl');
    const long = `{"prompt":"p","response":"${'y'.repeat(2_000_000)}"}`;
    writeFileSync(file, `${long}\n{"prompt":"q","response":"r"}\n`);
    const concat = vi.spyOn(Buffer, 'concat');
    // 64 KiB reads, as createReadStream's default: the line spans 31 of them.
    const lines = await read(file, 64 * 1024);
    expect(lines).toEqual([long, '{"prompt":"q","response":"r"}']);
    const copied = concat.mock.results.reduce((sum, r) => sum + (r.value as Buffer).length, 0);
    expect(copied).toBeLessThanOrEqual(2 * long.length);
  });
});
