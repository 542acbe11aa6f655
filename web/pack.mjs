// The last step of web/build: writes dist/manifest.json (each file the client downloads, with
// its sha256 and size, so the page's cache knows when a copy is stale), a gzip and a brotli
// copy of every file web/serve may send compressed, and prints the download-size table.
//
//   node web/pack.mjs DIST [--no-brotli]
// (brotli at its best takes minutes for the wasm; --no-brotli is web/build --fast's choice)

import { readFile, readdir, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { brotliCompressSync, gzipSync, constants } from 'node:zlib';
import { join, relative } from 'node:path';

const dist = process.argv[2];
const withBrotli = !process.argv.includes('--no-brotli');
if (!dist) {
  console.error('usage: node web/pack.mjs DIST [--no-brotli]');
  process.exit(2);
}

async function filesUnder(dir) {
  const found = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...(await filesUnder(path)));
    else if (!/\.(br|gz)$/.test(entry.name) && entry.name !== 'manifest.json') found.push(path);
  }
  return found;
}

// What the client fetches through the page's cache (src/web: fetch_cached).
const cached = ['kiln_bg.wasm', 'models/kiln-gen.bin'];
const manifest = { files: {} };
const rows = [];
for (const path of (await filesUnder(dist)).sort()) {
  const name = relative(dist, path).split('\\').join('/');
  const bytes = await readFile(path);
  const gzip = gzipSync(bytes, { level: 9 });
  const brotli = withBrotli
    ? brotliCompressSync(bytes, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: 11,
        [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
        [constants.BROTLI_PARAM_LGWIN]: 24,
      },
    })
    : null;
  await writeFile(`${path}.gz`, gzip);
  if (brotli) await writeFile(`${path}.br`, brotli);
  if (cached.includes(name)) {
    manifest.files[name] = {
      sha256: createHash('sha256').update(bytes).digest('hex'),
      bytes: bytes.length,
    };
  }
  rows.push({ name, raw: bytes.length, gzip: gzip.length, brotli: brotli?.length ?? NaN });
}
await writeFile(join(dist, 'manifest.json'), JSON.stringify(manifest, null, 2));

const mb = (n) => (Number.isNaN(n) ? '–' : (n / 1e6).toFixed(2));
const sum = (list, key) => list.reduce((total, row) => total + row[key], 0);
// Before the first frame: everything but the model's weights (they load after it).
const first = rows.filter((row) => !row.name.startsWith('models/'));
console.log('| file | raw MB | gzip MB | brotli MB |');
console.log('| --- | --- | --- | --- |');
for (const row of rows) {
  console.log(`| ${row.name} | ${mb(row.raw)} | ${mb(row.gzip)} | ${mb(row.brotli)} |`);
}
console.log(`| **before the first frame** | ${mb(sum(first, 'raw'))} | ${mb(sum(first, 'gzip'))} | ${mb(sum(first, 'brotli'))} |`);
console.log(`| **all** | ${mb(sum(rows, 'raw'))} | ${mb(sum(rows, 'gzip'))} | ${mb(sum(rows, 'brotli'))} |`);
