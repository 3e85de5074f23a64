// Runs a child process, streaming its output lines to a callback; rejects on a non-zero exit.
import { spawn } from 'node:child_process';
import { BreakfixError } from '../../core/index.js';

export function runStreaming(
  argv: string[],
  opts: {
    cwd?: string;
    env?: Record<string, string>;
    shell?: boolean;
    onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
  },
): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const [cmd, ...args] = argv;
    const child = opts.shell
      ? spawn('/bin/sh', ['-c', cmd], {
          cwd: opts.cwd,
          env: { ...process.env, ...opts.env },
          stdio: ['ignore', 'pipe', 'pipe'],
        })
      : spawn(cmd, args, {
          cwd: opts.cwd,
          env: { ...process.env, ...opts.env },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
    const tail: string[] = [];
    const pipe = (stream: NodeJS.ReadableStream, name: 'stdout' | 'stderr') => {
      let buf = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => {
        buf += chunk;
        const lines = buf.split(/\r?\n|\r/);
        buf = lines.pop() ?? '';
        for (const l of lines) emit(l, name);
      });
      stream.on('end', () => {
        if (buf) emit(buf, name);
      });
    };
    const emit = (line: string, name: 'stdout' | 'stderr') => {
      tail.push(line);
      if (tail.length > 20) tail.shift();
      opts.onLine?.(line, name);
    };
    pipe(child.stdout, 'stdout');
    pipe(child.stderr, 'stderr');
    child.on('error', (err) =>
      reject(
        new BreakfixError(
          `cannot start ${cmd}: ${err.message}`,
          'train_command',
          'check that it is installed and on PATH',
        ),
      ),
    );
    child.on('close', (code, signal) => {
      if (code === 0) resolvePromise();
      else
        reject(
          new BreakfixError(
            `${opts.shell ? 'training command' : cmd} exited with ${signal ?? code}${tail.length ? `; last output:\n${tail.slice(-5).join('\n')}` : ''}`,
            'train_command',
          ),
        );
    });
  });
}
