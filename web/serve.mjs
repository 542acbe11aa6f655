// Serves web/dist on localhost: the right MIME types (a .wasm must be application/wasm), the
// precompressed .br or .gz copy that web/build wrote when the browser accepts it, and
// revalidation on every load (the page's Cache API keeps the large files between visits).
//
//   node web/serve.mjs [--port N] [--dir DIR]     (port 0: any free port)
// Prints "Kiln is at http://127.0.0.1:N/" once it listens.

import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(name);
  return at >= 0 && at + 1 < args.length ? args[at + 1] : fallback;
};
const port = Number(option('--port', process.env.PORT ?? '8080'));
const here = fileURLToPath(new URL('.', import.meta.url));
const root = resolve(option('--dir', join(here, 'dist')));

const types = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.bin': 'application/octet-stream',
  '.glb': 'model/gltf-binary',
  '.css': 'text/css; charset=utf-8',
};

try {
  await stat(join(root, 'index.html'));
} catch {
  console.error(`web/serve: ${root} has no index.html: run web/build first`);
  process.exit(1);
}

const server = createServer(async (request, response) => {
  try {
    const url = new URL(request.url, 'http://localhost');
    let path = decodeURIComponent(url.pathname);
    if (path.endsWith('/')) path += 'index.html';
    const file = normalize(join(root, path));
    if (file !== root && !file.startsWith(root + sep)) {
      response.writeHead(403).end('outside the served folder');
      return;
    }
    const accepted = String(request.headers['accept-encoding'] ?? '');
    let body = null;
    let encoding = null;
    for (const [name, suffix] of [['br', '.br'], ['gzip', '.gz']]) {
      if (!accepted.includes(name)) continue;
      try {
        body = await readFile(file + suffix);
        encoding = name;
        break;
      } catch {
        // no precompressed copy: try the next, then the file itself
      }
    }
    body ??= await readFile(file);
    const etag = `"${createHash('sha256').update(body).digest('hex').slice(0, 32)}"`;
    const headers = {
      'Content-Type': types[extname(file)] ?? 'application/octet-stream',
      'Cache-Control': 'no-cache',
      ETag: etag,
      Vary: 'Accept-Encoding',
    };
    if (encoding) headers['Content-Encoding'] = encoding;
    if (request.headers['if-none-match'] === etag) {
      response.writeHead(304, headers).end();
      return;
    }
    headers['Content-Length'] = body.length;
    response.writeHead(200, headers);
    response.end(request.method === 'HEAD' ? undefined : body);
  } catch (error) {
    const missing = error?.code === 'ENOENT' || error?.code === 'EISDIR';
    response.writeHead(missing ? 404 : 500).end(missing ? 'not found' : String(error));
  }
});

server.listen(port, '127.0.0.1', () => {
  console.log(`Kiln is at http://127.0.0.1:${server.address().port}/`);
});
