/**
 * A static host for a production build under a sub-path, as https://example.com/parley/ would
 * serve it: files as they are, index.html for anything else. serve-dist.ts runs one for the whole
 * suite; a test that must change files while a page runs (a new deploy) starts its own.
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.map': 'application/json',
  '.woff2': 'font/woff2',
};

export interface StaticHostOptions {
  /** The build folder. */
  dir: string;
  /** The sub-path, e.g. /parley/. */
  base: string;
  /** Default 0: a random free port. */
  port?: number;
}

export interface StaticHost {
  /** e.g. http://127.0.0.1:4183/parley/ */
  readonly url: string;
  close(): Promise<void>;
}

export function startStaticHost(options: StaticHostOptions): Promise<StaticHost> {
  const root = resolve(options.dir);
  const base = options.base.endsWith('/') ? options.base : `${options.base}/`;
  if (!existsSync(join(root, 'index.html'))) {
    return Promise.reject(new Error(`${root}/index.html is missing: run \`npm run build\` first.`));
  }
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (!url.pathname.startsWith(base)) {
      response.writeHead(302, { location: base }).end();
      return;
    }
    const relative = normalize(decodeURIComponent(url.pathname.slice(base.length))).replace(
      /^(\.\.[/\\])+/,
      '',
    );
    let file = join(root, relative);
    if (!file.startsWith(root) || !existsSync(file) || statSync(file).isDirectory()) {
      file = join(root, 'index.html');
    }
    response.writeHead(200, {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'cache-control': 'no-cache',
    });
    createReadStream(file).pipe(response);
  });
  return new Promise((resolveHost, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolveHost({
        url: `http://127.0.0.1:${port}${base}`,
        close: () =>
          new Promise((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}
