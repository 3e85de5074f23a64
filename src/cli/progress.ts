// Progress on stderr: a cli-progress bar on a TTY, plain periodic lines otherwise (CI logs, pipes),
// nothing with --quiet. With --json the data goes to stdout, so progress stays on stderr untouched.
import cliProgress from 'cli-progress';
import type { Progress } from '../core/index.js';

export interface ProgressOptions {
  json?: boolean;
  quiet?: boolean;
  /** Defaults to process.stderr. */
  stream?: NodeJS.WriteStream;
  /** Minimum seconds between plain lines (non-TTY). */
  intervalS?: number;
}

export function createProgress(opts: ProgressOptions = {}): Progress {
  if (opts.quiet) return silentProgress();
  const stream = opts.stream ?? process.stderr;
  return stream.isTTY && !process.env.CI ? barProgress(stream) : lineProgress(stream, opts.intervalS ?? 5);
}

export function silentProgress(): Progress {
  return { start() {}, tick() {}, done() {}, stop() {}, log() {} };
}

function barProgress(stream: NodeJS.WriteStream): Progress {
  let bar: cliProgress.SingleBar | undefined;
  let label = '';
  let total = 0;
  let value = 0;
  const stop = () => {
    bar?.stop();
    bar = undefined;
  };
  return {
    start(l, t) {
      stop();
      label = l;
      total = t;
      value = 0;
      bar = new cliProgress.SingleBar(
        {
          stream,
          format:
            t > 0
              ? `${l} [{bar}] {percentage}% {value}/{total} · eta {eta_formatted} {note}`
              : `${l} {value} {note}`,
          hideCursor: true,
          clearOnComplete: false,
          etaBuffer: 50,
        },
        cliProgress.Presets.shades_classic,
      );
      bar.start(Math.max(t, 0), 0, { note: '' });
    },
    tick(n = 1, note) {
      value += n;
      if (!bar) return;
      if (total === 0) bar.setTotal(value);
      bar.update(value, { note: note ?? '' });
    },
    done(note) {
      if (bar) {
        bar.update(total > 0 ? Math.max(value, total) : value, { note: note ?? 'done' });
        stop();
      } else if (note) stream.write(`${label} ${note}\n`);
    },
    stop(note) {
      // (the bar as far as it got: what was not answered is not filled in)
      if (bar) {
        bar.update(value, { note: note ? `stopped · ${note}` : 'stopped' });
        stop();
      } else stream.write(`${label} stopped${note ? ` · ${note}` : ''}\n`);
    },
    log(line) {
      if (bar) {
        // Print above the bar without tearing it.
        stream.write('\r\x1b[K');
        stream.write(`${line}\n`);
        bar.render();
      } else stream.write(`${line}\n`);
    },
  };
}

function lineProgress(stream: NodeJS.WriteStream, intervalS: number): Progress {
  let label = '';
  let total = 0;
  let value = 0;
  let startedAt = 0;
  let lastAt = 0;
  const end = (how: 'done' | 'stopped', note?: string) => {
    const secs = ((Date.now() - startedAt) / 1000).toFixed(1);
    // (a step with no count, a trainer's command, says no "done 0")
    const count = total > 0 || value > 0 ? ` ${value}${total > 0 ? `/${total}` : ''}` : '';
    stream.write(`${label}: ${how}${count} in ${secs}s${note ? ` · ${note}` : ''}\n`);
  };
  const line = (note?: string) => {
    const pct = total > 0 ? ` (${Math.floor((100 * value) / total)}%)` : '';
    const of = total > 0 ? `/${total}` : '';
    stream.write(`${label}: ${value}${of}${pct}${note ? ` ${note}` : ''}\n`);
  };
  return {
    start(l, t) {
      label = l;
      total = t;
      value = 0;
      startedAt = Date.now();
      lastAt = startedAt;
      stream.write(`${l}: started${t > 0 ? ` (${t})` : ''}\n`);
    },
    tick(n = 1, note) {
      value += n;
      const t = Date.now();
      if (t - lastAt >= intervalS * 1000) {
        lastAt = t;
        line(note);
      }
    },
    done(note) {
      end('done', note);
    },
    stop(note) {
      end('stopped', note);
    },
    log(l) {
      stream.write(`${l}\n`);
    },
  };
}
