// Shared by the end-to-end test and the screenshot script: build the site once, serve it from
// 127.0.0.1 on a random port, and drive Debian's Chromium with playwright-core.
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize, resolve } from 'node:path';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);

const ROOT = resolve(import.meta.dirname, '../..');

export async function buildSite(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const { build } = await import('vite');
  const dir = await mkdtemp(join(tmpdir(), 'nfplay-site-'));
  // Under vitest NODE_ENV is "test", and vite would then make a development build: test what ships.
  const env = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({ root: ROOT, configFile: join(ROOT, 'vite.config.ts'), mode: 'production', logLevel: 'error', build: { outDir: dir, emptyOutDir: true, sourcemap: false } });
  } finally {
    process.env.NODE_ENV = env;
  }
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml',
  '.json': 'application/json', '.png': 'image/png', '.webmanifest': 'application/manifest+json',
};

/// Serves `dir` under a sub-path, as the site will be on GitHub Pages or behind a proxy.
export async function serve(dir: string, base = '/nfplay/'): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    if (!path.startsWith(base)) return void res.writeHead(404).end();
    const rel = normalize(path.slice(base.length) || 'index.html');
    if (rel.startsWith('..')) return void res.writeHead(403).end();
    try {
      const body = await readFile(join(dir, rel.endsWith('/') ? rel + 'index.html' : rel));
      res.writeHead(200, { 'content-type': TYPES[extname(rel)] ?? 'application/octet-stream' }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}${base}`, close: () => new Promise((ok) => server.close(() => ok())) };
}

export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
