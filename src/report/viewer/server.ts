// `breakfix view`: a local, read-only web app over the store (node:http, no framework).
// Security: bound to 127.0.0.1 by default; GET/HEAD only; static files only from ./assets by plain
// name (any `..`, slash or odd character → 400/404); a strict CSP whose only script is the page's own
// inline script, allowed by hash; the page renders model text with textContent only.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { errorMessage, terminalText } from '../../core/index.js';
import type { Store } from '../../store/index.js';
import { buildCharts, type Chart } from '../charts.js';
import type { ReportData } from '../data.js';
import { HttpError, handleApi, reportDataOf } from './api.js';

export interface ViewerOptions {
  store: Store;
  /** 0 = any free port. Default 0. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
}

export interface Viewer {
  url: string;
  host: string;
  port: number;
  server: Server;
  close(): Promise<void>;
}

export const ASSET_DIR = fileURLToPath(new URL('./assets/', import.meta.url));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/** The page, and a CSP that allows exactly its inline script(s) by hash. */
function loadPage(): { html: string; csp: string } {
  const html = readFileSync(join(ASSET_DIR, 'index.html'), 'utf8');
  const hashes = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map(
    (m) => `'sha256-${createHash('sha256').update(m[1]).digest('base64')}'`,
  );
  const csp = [
    "default-src 'none'",
    `script-src ${hashes.join(' ') || "'none'"}`,
    "style-src 'self'",
    "connect-src 'self'",
    "img-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
  return { html, csp };
}

function send(
  res: ServerResponse,
  status: number,
  type: string,
  body: string | Buffer,
  extra: Record<string, string> = {},
) {
  res.writeHead(status, {
    'Content-Type': type,
    'Content-Length': Buffer.byteLength(body),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-store',
    ...extra,
  });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

function sendJson(res: ServerResponse, status: number, value: unknown) {
  send(res, status, 'application/json; charset=utf-8', JSON.stringify(value), {
    'Content-Security-Policy': "default-src 'none'",
  });
}

/** A static asset by plain file name, or undefined. Never leaves ASSET_DIR. */
export function resolveAsset(name: string): string | undefined {
  if (!/^[A-Za-z0-9_-][A-Za-z0-9._-]*$/.test(name) || name.includes('..')) return undefined;
  const p = join(ASSET_DIR, name);
  if (!existsSync(p)) return undefined;
  const real = realpathSync(p);
  const root = realpathSync(ASSET_DIR);
  return real.startsWith(root.endsWith(sep) ? root : root + sep) ? real : undefined;
}

/** The report's charts for a run, rendered once per state of the store (as its data is: reportDataOf). */
function chartCache(store: Store) {
  const cache = new Map<string, { data: ReportData; charts: Promise<Chart[]> }>();
  return (runId: string): Promise<Chart[]> => {
    const run = store.getRun(runId);
    if (!run) throw new HttpError(404, `no run ${runId}`);
    const data = reportDataOf(store, runId);
    const hit = cache.get(runId);
    if (hit && hit.data === data) return hit.charts;
    const charts = buildCharts(data);
    cache.set(runId, { data, charts });
    charts.catch(() => cache.delete(runId)); // a failed render is retried on the next request
    return charts;
  };
}

export function createViewerHandler(store: Store, allowedHosts: () => Set<string> | null) {
  const page = loadPage();
  const charts = chartCache(store);
  return async (req: IncomingMessage, res: ServerResponse) => {
    try {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        send(res, 405, 'text/plain; charset=utf-8', 'method not allowed\n', { Allow: 'GET, HEAD' });
        return;
      }
      // DNS rebinding: a page on another origin must not read the store through a rebound name.
      const host = (req.headers.host ?? '').toLowerCase();
      const allowed = allowedHosts();
      if (allowed && !allowed.has(host)) {
        send(res, 403, 'text/plain; charset=utf-8', 'forbidden host\n');
        return;
      }
      const raw = req.url ?? '/';
      // Refuse traversal before any normalisation: raw or percent-encoded dots, backslashes, NULs.
      if (/\.\.|%2e%2e|%2f|%5c|\\|%00/i.test(raw.split('?')[0])) {
        send(res, 400, 'text/plain; charset=utf-8', 'bad path\n');
        return;
      }
      const url = new URL(raw, 'http://viewer.invalid');
      const path = url.pathname;
      // (browsers ask for it on every page: no icon, and no 404 in the console)
      if (path === '/favicon.ico') {
        res.writeHead(204).end();
        return;
      }
      if (path === '/' || path === '/index.html') {
        send(res, 200, TYPES['.html'], page.html, { 'Content-Security-Policy': page.csp });
        return;
      }
      const chartList = /^\/api\/runs\/([^/]+)\/charts$/.exec(path);
      if (chartList) {
        const runId = decodeURIComponent(chartList[1]);
        const list = (await charts(runId)).map((c) => ({
          id: c.id,
          title: c.title,
          caption: c.caption,
          // (the image's marks are out of a screen reader's reach: the page writes these as text)
          table: c.table,
          url: `/charts/${encodeURIComponent(runId)}/${encodeURIComponent(c.id)}.svg`,
        }));
        sendJson(res, 200, list);
        return;
      }
      const chartSvg = /^\/charts\/([^/]+)\/([a-z0-9-]+)\.svg$/.exec(path);
      if (chartSvg) {
        const chart = (await charts(decodeURIComponent(chartSvg[1]))).find((c) => c.id === chartSvg[2]);
        if (!chart) throw new HttpError(404, 'no such chart');
        // Served as an image: an SVG in <img> runs no script, and the CSP forbids it anyway.
        send(res, 200, TYPES['.svg'], chart.svg, {
          'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'",
        });
        return;
      }
      if (path.startsWith('/api/')) {
        sendJson(res, 200, handleApi(store, path, url.searchParams));
        return;
      }
      if (path.startsWith('/assets/')) {
        const file = resolveAsset(path.slice('/assets/'.length));
        const type = file ? TYPES[extname(file)] : undefined;
        if (file && type) {
          send(res, 200, type, readFileSync(file), { 'Content-Security-Policy': "default-src 'none'" });
          return;
        }
      }
      send(res, 404, 'text/plain; charset=utf-8', 'not found\n');
    } catch (err) {
      if (res.headersSent) res.destroy();
      else if (err instanceof HttpError) sendJson(res, err.status, { error: err.message });
      else if (err instanceof URIError) sendJson(res, 400, { error: 'malformed percent-encoding' });
      else {
        // (the page only says "internal error": whoever started the viewer is told what failed, a
        // damaged row of the store for one)
        process.stderr.write(
          `breakfix view: ${terminalText(req.url ?? '/')}: ${terminalText(errorMessage(err))}\n`,
        );
        sendJson(res, 500, { error: 'internal error' });
      }
    }
  };
}

export async function startViewer(opts: ViewerOptions): Promise<Viewer> {
  const host = opts.host ?? '127.0.0.1';
  let hosts: Set<string> | null = new Set<string>();
  const handler = createViewerHandler(opts.store, () => hosts);
  const server = createServer((req, res) => void handler(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  // Bound to every interface on purpose: any Host may reach it, so no rebinding check.
  const wildcard = host === '0.0.0.0' || host === '::';
  hosts = wildcard
    ? null
    : new Set(
        [`${urlHost}:${port}`, `localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`].map((h) =>
          h.toLowerCase(),
        ),
      );
  return {
    url: `http://${urlHost}:${port}/`,
    host,
    port,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // After close(), so no connection can slip in between: an open page's keep-alive socket, or a
        // client halfway through a request, would otherwise hold the process after Ctrl-C.
        server.closeAllConnections();
      }),
  };
}
