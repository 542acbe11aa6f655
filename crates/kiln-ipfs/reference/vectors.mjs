// Reference CIDs from the JavaScript UnixFS importer (the implementation js-ipfs and Helia use),
// for Kiln's test vectors. Content is a deterministic LCG stream that the Rust test reproduces.
import { importer } from 'ipfs-unixfs-importer'
import { fixedSize } from 'ipfs-unixfs-importer/chunker'
import { balanced } from 'ipfs-unixfs-importer/layout'
import { MemoryBlockstore } from 'blockstore-core/memory'

function content(size, seed) {
  const out = new Uint8Array(size)
  let x = seed >>> 0
  for (let i = 0; i < size; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0
    out[i] = x >>> 24
  }
  return out
}

const KiB = 1024, MiB = 1024 * 1024
const profiles = {
  legacy: { chunk: 256 * KiB, links: 174 },
  'v1-2025': { chunk: MiB, links: 1024 },
}
const cases = {
  legacy: [0, 1, 1000, 256 * KiB, 256 * KiB + 1, 3 * MiB + 5, 174 * 256 * KiB, 174 * 256 * KiB + 1, 348 * 256 * KiB + 7],
  'v1-2025': [0, 1000, MiB, MiB + 1, 3 * MiB + 5],
}
const vectors = []
for (const [profile, { chunk, links }] of Object.entries(profiles)) {
  for (const size of cases[profile]) {
    const seed = size % 1000 + 7
    const blockstore = new MemoryBlockstore()
    let root
    for await (const entry of importer([{ content: content(size, seed) }], blockstore, {
      cidVersion: 1, rawLeaves: true, reduceSingleLeafToSelf: true,
      chunker: fixedSize({ chunkSize: chunk }),
      layout: balanced({ maxChildrenPerNode: links }),
    })) root = entry.cid
    vectors.push({ profile, size, seed, cid: root.toString() })
  }
}
console.log(JSON.stringify(vectors, null, 2))
