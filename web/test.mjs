// The browser test of the web build: a real Chromium (Debian's, through puppeteer-core) on
// WebGPU loads the page from web/serve, and we check what a player would see.
//
//   xvfb-run -a node web/test.mjs [--shots DIR] [--only firstFrame|creator|wallet|asks]
//   (web/test does this, after web/build)
//
// 1. First frame: the world draws, the screenshot is not blank (sky, ground, panels).
// 2. Creator: a scenario in the address generates "a huge red mushroom" on the model in the
//    tab, mints it on the tab's sandbox chain and places it; the client's own pictures show it.
// 3. A second visit finds the minted item again (IndexedDB) and starts from the page's cache.
// 4. A real network through a wallet: anvil (scripts/anvil) with a Kiln contract, and an
//    EIP-6963 wallet injected into the page that relays to anvil, signing with anvil's dev
//    account. It sits on mainnet and has never heard of the chain: Kiln must have it add and
//    switch, then mint and place through it; anvil itself must then say who owns the token, and
//    the IPFS node must hold the files the tab published. Then another player (a fresh browser
//    profile, no wallet) sees the item, its blocks fetched from a gateway and verified in the tab.
// 5. Links obey the player: a scenario or a network in the address is asked about in the page
//    first (the steps above agree), and a declined one does nothing: no scenario runs, no request
//    is sent.
// Fails with the reason, the page's error and the browser's console when a step does not.

import { spawn } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer as createHttpServer } from 'node:http';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { execSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer from 'puppeteer-core';
import { PNG } from 'pngjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const args = process.argv.slice(2);
const shotsAt = args.indexOf('--shots');
const shots = shotsAt >= 0 ? args[shotsAt + 1] : join(here, 'dist', 'test-shots');
await mkdir(shots, { recursive: true });

// The flags under which headless Chromium renders WebGPU into its canvas on a machine without
// a GPU (SwiftShader's Vulkan); see ../shared/FACTS.md.
const chromiumFlags = [
  '--headless=new', '--no-sandbox', '--enable-unsafe-webgpu', '--enable-unsafe-swiftshader',
  '--use-angle=swiftshader', '--ignore-gpu-blocklist', '--enable-gpu',
  '--enable-features=Vulkan', '--use-vulkan=swiftshader', '--window-size=1280,720',
];

const consoleLines = [];
const pageErrors = [];
let server;
let browser;
let anvil;
let ipfs;

function fail(message) {
  console.error(`web/test: FAILED: ${message}`);
  console.error('--- the browser console, last 40 lines ---');
  for (const line of consoleLines.slice(-40)) console.error(line);
  throw new Error(message);
}

async function startServer() {
  server = spawn('node', [join(here, 'serve.mjs'), '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  return await new Promise((resolve, reject) => {
    let text = '';
    server.stdout.on('data', (chunk) => {
      text += chunk;
      const found = text.match(/http:\/\/127\.0\.0\.1:\d+\//);
      if (found) resolve(found[0]);
    });
    server.on('exit', (code) => reject(new Error(`web/serve exited with ${code}`)));
  });
}

/** Waits until `check(state)` holds for the page's `kilnPage.state`, or fails after `seconds`. */
async function waitForState(page, what, seconds, check) {
  const start = Date.now();
  const deadline = start + seconds * 1000;
  let state = null;
  const said = {};
  while (Date.now() < deadline) {
    const seen = await page.evaluate(() => ({
      state: window.kilnPage?.state ?? null,
      error: window.kilnPage?.error ?? null,
    }));
    state = seen.state;
    // Each milestone once, with when it came: where the time goes, in the CI log.
    for (const key of ['model', 'preview', 'minted', 'placed', 'account']) {
      if (state?.[key] && state[key] !== said[key] && !['loading', 'none', 'generating'].includes(state[key])) {
        said[key] = state[key];
        console.log(`web/test:   ${((Date.now() - start) / 1000).toFixed(1)} s: ${key} ${String(state[key]).slice(0, 80)}`);
      }
    }
    if (seen.error) fail(`${what}: the page hit an error: ${seen.error}`);
    if (pageErrors.length) fail(`${what}: the page hit an error: ${pageErrors[0]}`);
    if (state && check(state)) return state;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  fail(`${what}: not after ${seconds} s; the client's last state: ${JSON.stringify(state)}`);
}

/** Takes a screenshot, saves it as `name`, and returns how varied its pixels are. */
async function screenshot(page, name) {
  const png = await page.screenshot({ type: 'png' });
  await writeFile(join(shots, name), png);
  const image = PNG.sync.read(png);
  const colours = new Set();
  let lit = 0;
  for (let i = 0; i < image.data.length; i += 4 * 7) {
    const [r, g, b] = [image.data[i], image.data[i + 1], image.data[i + 2]];
    colours.add((r >> 3) << 10 | (g >> 3) << 5 | (b >> 3));
    if (r + g + b > 60) lit += 1;
  }
  return { colours: colours.size, litShare: lit / (image.data.length / (4 * 7)), image };
}

/** A TCP port nobody listens on. */
async function freePort() {
  const probe = createServer();
  await new Promise((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** Waits until `daemon` listens on `port`; fails with `what` if it exits or takes too long. */
async function listening(daemon, port, what, seconds) {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const up = await new Promise((resolve) => {
      const socket = connect(port, '127.0.0.1', () => { socket.end(); resolve(true); });
      socket.on('error', () => resolve(false));
    });
    if (up) return;
    if (Date.now() > deadline || daemon.exitCode !== null) fail(`${what} did not start`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A real Ethereum node for the wallet: anvil from scripts/anvil, on its own port. */
async function startAnvil() {
  const port = await freePort();
  anvil = spawn('bash', [join(here, '..', 'scripts', 'anvil'), 'daemon', String(port), String(process.pid)],
    { stdio: ['ignore', 'ignore', 'inherit'] });
  await listening(anvil, port, 'anvil (scripts/anvil install; scripts/test does it)', 30);
  return `http://127.0.0.1:${port}`;
}

/**
 * A real IPFS node (scripts/ipfs-node) whose RPC API lets pages of `origin` in (CORS): where
 * the creator publishes from the tab.
 */
async function startIpfsNode(origin) {
  const [api, gateway] = [await freePort(), await freePort()];
  const repo = join(tmpdir(), `kiln-web-test-ipfs-${process.pid}`);
  ipfs = spawn('bash', [join(here, '..', 'scripts', 'ipfs-node'), 'daemon', repo, String(api), String(gateway),
    String(process.pid)], { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, IPFS_ALLOW_ORIGIN: origin } });
  await listening(ipfs, api, 'the IPFS node (scripts/ipfs-node install; scripts/test does it)', 120);
  return `http://127.0.0.1:${api}`;
}

/**
 * A trustless gateway (`GET /ipfs/<cid>?format=raw`, one block) in front of the IPFS node's API,
 * open to any page (CORS): where a player who has none of an item's blocks reads them from.
 * No CAR answers (404): the client falls back to block by block. Counts the blocks it served.
 */
async function startGateway(ipfsApi) {
  const served = { blocks: 0 };
  const gateway = createHttpServer(async (request, response) => {
    const url = new URL(request.url, 'http://gateway');
    const cid = url.pathname.match(/^\/ipfs\/([a-z0-9]+)$/)?.[1];
    response.setHeader('Access-Control-Allow-Origin', '*');
    if (!cid || url.searchParams.get('format') !== 'raw') {
      response.writeHead(404).end();
      return;
    }
    const block = await fetch(`${ipfsApi}/api/v0/block/get?arg=${cid}`, { method: 'POST' });
    if (!block.ok) {
      response.writeHead(404).end();
      return;
    }
    served.blocks += 1;
    response.writeHead(200, { 'content-type': 'application/vnd.ipld.raw' });
    response.end(Buffer.from(await block.arrayBuffer()));
  });
  await new Promise((resolve) => gateway.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${gateway.address().port}/ipfs/`, served, gateway };
}

/** The string an ABI-encoded `string` return holds. */
function abiString(hex) {
  const bytes = Buffer.from(hex.slice(2), 'hex');
  const length = Number(bytes.readBigUInt64BE(32 + 24));
  return bytes.subarray(64, 64 + length).toString('utf8');
}

async function rpc(url, method, params = []) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  });
  const answer = await response.json();
  if (answer.error) fail(`anvil: ${method}: ${JSON.stringify(answer.error)}`);
  return answer.result;
}

// The selectors (first 4 bytes of the keccak256 of the signature) of ownerOf(uint256) and
// itemAt(int32,int32).
const OWNER_OF = '6352211e';
const TOKEN_URI = 'c87b56dd';
const ITEM_AT = '635e7e58';

// anvil's first dev account (public test key material; anvil signs for it).
const DEV_ACCOUNT = '0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266';

/**
 * The wallet injected into the page before it loads: announced by EIP-6963 like a real one,
 * answering accounts and chain switching itself and relaying the rest to anvil (through a
 * function the test exposes, as a wallet extension talks to its node). It records what it was
 * asked in `window.kilnTestWallet.asked`.
 */
function injectedWallet(account) {
  const asked = [];
  window.kilnTestWallet = { asked };
  let connected = false;
  let chainId = '0x1';
  const known = new Set(['0x1']);
  const provider = {
    async request({ method, params = [] }) {
      asked.push(method);
      switch (method) {
        case 'eth_requestAccounts':
          connected = true;
          return [account];
        case 'eth_accounts':
          return connected ? [account] : [];
        case 'eth_chainId':
          return chainId;
        case 'wallet_addEthereumChain':
          known.add(params[0].chainId);
          chainId = params[0].chainId;
          return null;
        case 'wallet_switchEthereumChain':
          if (!known.has(params[0].chainId)) {
            throw Object.assign(new Error('Unrecognized chain ID'), { code: 4902 });
          }
          chainId = params[0].chainId;
          return null;
        case 'eth_sendTransaction':
          if (!connected) throw Object.assign(new Error('not connected'), { code: 4100 });
          if (chainId !== '0x7a69') throw new Error(`the wallet is on chain ${chainId}`);
          break;
        default:
          break;
      }
      const answer = JSON.parse(await window.kilnTestAnvil(JSON.stringify(
        { jsonrpc: '2.0', id: 1, method, params })));
      if (answer.error) throw Object.assign(new Error(answer.error.message), answer.error);
      return answer.result;
    },
    on() {},
    removeListener() {},
  };
  const info = {
    uuid: '6f1d4c9e-3a57-4b8e-9d51-0c2b7e4a9f10',
    name: 'Kiln test wallet',
    icon: 'data:image/svg+xml,<svg xmlns="http://www.w3.org/2000/svg"/>',
    rdns: 'dev.kiln.test-wallet',
  };
  const announce = () => window.dispatchEvent(new CustomEvent('eip6963:announceProvider',
    { detail: Object.freeze({ info, provider }) }));
  window.addEventListener('eip6963:requestProvider', announce);
  announce();
}

/** Waits until the world shows the placed item (its files read from the tab's blockstore). */
async function placedItemShown(page) {
  const state = await waitForState(page, 'the placed item in the world', 120,
    (seen) => seen.items_shown >= 1 || seen.items_failed?.length > 0);
  if (state.items_failed.length) fail(`the placed item cannot be shown: ${state.items_failed[0]}`);
}

/** Pixels that are strongly red, left of column `width`: the test's items are red. */
function redPixels(image, width = image.width) {
  let red = 0;
  for (let y = 0; y < image.height; y += 1) {
    for (let x = 0; x < Math.min(width, image.width); x += 1) {
      const i = 4 * (y * image.width + x);
      const [r, g, b] = [image.data[i], image.data[i + 1], image.data[i + 2]];
      if (r > 120 && r > 2 * g && r > 2 * b) red += 1;
    }
  }
  return red;
}

async function openPage(url, prepare = async () => {}, context = browser) {
  const page = await context.newPage();
  await prepare(page);
  await page.setViewport({ width: 1280, height: 720 });
  page.on('console', (message) => consoleLines.push(`[${message.type()}] ${message.text()}`));
  page.on('pageerror', (error) => {
    consoleLines.push(`[pageerror] ${error.message}`);
    // winit leaves the start function by throwing this on purpose.
    if (!error.message.includes('Using exceptions for control flow')) pageErrors.push(error.message);
  });
  await page.goto(url, { waitUntil: 'load' });
  // A link with a scenario or a network is asked about first; the tests' links are agreed to.
  const query = new URL(url).searchParams;
  if (query.has('scenario') || query.has('network')) await answerTheLink(page, true);
  return page;
}

/** Waits for the page's question about what its link asks, and answers it. */
async function answerTheLink(page, agree) {
  await page.waitForSelector('#confirm', { visible: true, timeout: 30000 })
    .catch(() => fail(`${page.url()}: the page did not ask before acting on its link`));
  const asked = await page.$eval('#confirm', (box) => box.innerText);
  await page.click(agree ? '#confirm-yes' : '#confirm-no');
  return asked;
}


// The creator's scenario: the same actions as `kiln --scenario FILE` takes.
const CREATOR_SCENARIO = `
[[action]]
type = "prompt"
text = "a huge red mushroom"
seed = 7
[[action]]
type = "generate"
[[action]]
type = "screenshot"
path = "creator-preview.png"
[[action]]
type = "mint"
[[action]]
type = "place"
x = 0
z = 2
[[action]]
type = "aim"
x = 0
z = 2
[[action]]
type = "wait"
frames = 3
[[action]]
type = "screenshot"
path = "minted.png"
`;

/** 1. The first frame: the world draws. */
async function firstFrame(url) {
  const started = Date.now();
  const page = await openPage(url);
  const gpu = await page.evaluate(async () => Boolean(await navigator.gpu?.requestAdapter()));
  if (!gpu) fail('this Chromium gives the page no WebGPU adapter');
  await waitForState(page, 'the first frame', 240, (state) => state.frames >= 5);
  console.log(`web/test: first frame after ${((Date.now() - started) / 1000).toFixed(1)} s`);
  // A moment for the chain's first sync and the panels (the client reports changes, not frames).
  await new Promise((resolve) => setTimeout(resolve, 3000));
  const world = await screenshot(page, 'first-frame.png');
  console.log(`web/test: first frame: ${world.colours} colours, ${(world.litShare * 100).toFixed(0)}% lit`);
  if (world.colours < 50 || world.litShare < 0.5) {
    fail(`the world's screenshot is blank or nearly (${world.colours} colours, ${(world.litShare * 100).toFixed(0)}% lit); see ${shots}/first-frame.png`);
  }
  await page.close();
}

/** 2. The creator on the sandbox chain, and 3. a second visit that finds its item. */
async function creator(url) {
  // 2. The creator, through the same scenario actions as `kiln --scenario`: the model runs in
  //    the tab, the item is minted on the tab's sandbox chain and placed in the world.
  let started = Date.now();
  // `model=gpu`: burn on the tab's WebGPU device, though this browser's adapter is a software
  // one (where the page would choose the CPU).
  const creator = await openPage(`${url}?model=gpu&scenario=${encodeURIComponent(CREATOR_SCENARIO)}`);
  const done = await waitForState(creator, 'the creator scenario', 900,
    (state) => state.scenario && state.scenario !== 'running');
  const pictures = await creator.evaluate(() => Object.fromEntries(
    Object.entries(window.kilnPage.screenshots).map(([name, png]) => [name, Array.from(png)])));
  for (const [name, bytes] of Object.entries(pictures)) {
    await writeFile(join(shots, name), Buffer.from(bytes));
  }
  if (done.scenario !== 'passed') fail(`the creator scenario: ${done.scenario}`);
  if (!done.model.includes('GPU')) fail(`?model=gpu, but the model runs on ${done.model}`);
  if (!done.minted) fail(`the scenario passed but the page saw no token: ${JSON.stringify(done)}`);
  console.log(`web/test: generated, minted token ${done.minted} and placed it in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  // The creator's preview (its panel, in the client's own picture) shows the red mushroom.
  for (const name of ['creator-preview.png', 'minted.png']) {
    if (!pictures[name]) fail(`the client took no picture ${name}`);
  }
  const red = redPixels(PNG.sync.read(Buffer.from(pictures['creator-preview.png'])));
  console.log(`web/test: creator-preview.png: ${red} red pixels`);
  if (red < 300) fail(`the preview shows no red mushroom (${red} red pixels); see ${shots}/creator-preview.png`);
  const page2 = await screenshot(creator, 'minted-page.png');
  console.log(`web/test: the page with the minted item: ${page2.colours} colours`);
  await creator.close();

  // 3. A second visit: the files come from the page's cache and the world from IndexedDB.
  started = Date.now();
  const again = await openPage(url);
  const back = await waitForState(again, 'the world of the first visit', 300,
    (state) => state.frames >= 5 && state.tokens >= 1);
  console.log(`web/test: second visit: the world with ${back.tokens} token(s) after ${((Date.now() - started) / 1000).toFixed(1)} s`);
  await again.close();
}

/** 4. A real network through the player's wallet. */
async function wallet(url) {
  const started = Date.now();
  const node = await startAnvil();
  await rpc(node, 'anvil_mine', ['0x3']);
  const artifact = JSON.parse(await readFile(join(here, '..', 'contracts', 'out', 'KilnItems.json'), 'utf8'));
  const royaltyBps = (500).toString(16).padStart(64, '0');
  const deploy = await rpc(node, 'eth_sendTransaction',
    [{ from: DEV_ACCOUNT, data: artifact.bytecode + royaltyBps, gas: '0x1000000' }]);
  let deployed = null;
  for (let tries = 0; !deployed && tries < 100; tries += 1) {
    deployed = await rpc(node, 'eth_getTransactionReceipt', [deploy]);
    if (!deployed) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  if (deployed?.status !== '0x1') fail(`the Kiln contract did not deploy on anvil: ${JSON.stringify(deployed)}`);
  const contract = deployed.contractAddress;
  console.log(`web/test: ${((Date.now() - started) / 1000).toFixed(1)} s: anvil at ${node}, Kiln contract ${contract} in block ${Number(deployed.blockNumber)}`);
  // A tower: tall enough to see on its plot from where the scenario aims (a mushroom is 0.6 m).
  // Then the inspector verifies it as anyone could (record, files by CID, the model run again),
  // and the gallery finds it by a word of its prompt.
  const onChain = `${CREATOR_SCENARIO.replace('seed = 7', 'seed = 8').replace('mushroom', 'tower')}
[[action]]
type = "select"
x = 0
z = 2
[[action]]
type = "verify"
[[action]]
type = "screenshot"
path = "verified.png"
[[action]]
type = "gallery"
search = "tower"
[[action]]
type = "screenshot"
path = "gallery.png"
`;
  const walletUrl = `${url}?network=${encodeURIComponent(node)}&chain=31337&contract=${contract}` +
    `&scenario=${encodeURIComponent(onChain)}`;
  // The creator publishes to an IPFS node from the tab: its Kubo RPC URL in the settings.
  const ipfsApi = await startIpfsNode(new URL(url).origin);
  const settings = `[ipfs]\nnode = "${ipfsApi}"\n`;
  const walletPage = await openPage(walletUrl, async (page) => {
    await page.evaluateOnNewDocument((text) => localStorage.setItem('/kiln/settings.toml', text), settings);
    await page.exposeFunction('kilnTestAnvil', async (body) => {
      const response = await fetch(node, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      return await response.text();
    });
    await page.evaluateOnNewDocument(injectedWallet, DEV_ACCOUNT);
  });
  console.log(`web/test:   the page loaded after ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const walletDone = await waitForState(walletPage, 'the creator scenario through the wallet', 900,
    (state) => state.scenario && state.scenario !== 'running');
  await screenshot(walletPage, 'wallet-page.png');
  const walletPictures = await walletPage.evaluate(() => Object.fromEntries(
    Object.entries(window.kilnPage.screenshots).map(([name, png]) => [`wallet-${name}`, Array.from(png)])));
  for (const [name, bytes] of Object.entries(walletPictures)) {
    await writeFile(join(shots, name), Buffer.from(bytes));
  }
  if (walletDone.scenario !== 'passed') fail(`the scenario through the wallet: ${walletDone.scenario}`);
  // On SwiftShader the page tells the client its adapter is a software one: the model on the CPU.
  if (!walletDone.model.includes('CPU')) fail(`on a software adapter the model runs on ${walletDone.model}, not the CPU`);
  await placedItemShown(walletPage);
  // The client's picture after placing: the red tower stands in the world, left of the panel.
  const inWorld = redPixels(PNG.sync.read(Buffer.from(walletPictures['wallet-minted.png'])), 900);
  console.log(`web/test: wallet-minted.png: ${inWorld} red pixels in the world`);
  if (inWorld < 300) fail(`the placed tower is not in the world (${inWorld} red pixels); see ${shots}/wallet-minted.png`);
  const asked = await walletPage.evaluate(() => window.kilnTestWallet.asked);
  const count = (method) => asked.filter((name) => name === method).length;
  for (const method of ['eth_requestAccounts', 'wallet_addEthereumChain']) {
    if (count(method) < 1) fail(`Kiln never asked the wallet for ${method}: ${asked.join(', ')}`);
  }
  if (count('eth_sendTransaction') !== 2) {
    fail(`the wallet was asked to send ${count('eth_sendTransaction')} transactions, not 2 (mint, place)`);
  }
  await waitForState(walletPage, "the wallet's account in the client", 30,
    (state) => state.account?.toLowerCase() === DEV_ACCOUNT);
  // anvil, not the client, says what happened: the wallet's account owns the token, on (0, 2).
  const token = walletDone.minted;
  const owner = await rpc(node, 'eth_call', [{ to: contract, data: `0x${OWNER_OF}${token.slice(2)}` }, 'latest']);
  if (`0x${owner.slice(-40)}` !== DEV_ACCOUNT) fail(`anvil says token ${token} is owned by ${owner}`);
  const word = (n) => (BigInt.asUintN(256, BigInt(n))).toString(16).padStart(64, '0');
  const itemAt = await rpc(node, 'eth_call',
    [{ to: contract, data: `0x${ITEM_AT}${word(0)}${word(2)}` }, 'latest']);
  if (itemAt !== token) fail(`anvil says plot (0, 2) holds ${itemAt}, not the minted ${token}`);
  // The item's metadata (the token URI's CID) is pinned on the node the tab published to.
  const uri = abiString(await rpc(node, 'eth_call', [{ to: contract, data: `0x${TOKEN_URI}${token.slice(2)}` }, 'latest']));
  const cid = uri.replace('ipfs://', '');
  const pins = await (await fetch(`${ipfsApi}/api/v0/pin/ls?arg=${cid}&cid-base=base32`, { method: 'POST' })).json();
  if (!pins.Keys?.[cid]) fail(`the tab did not publish ${uri} to the IPFS node: pin/ls says ${JSON.stringify(pins)}`);
  console.log(`web/test: the tab published ${uri} to the IPFS node (pinned ${pins.Keys[cid].Type})`);
  console.log(`web/test: through the wallet (${asked.length} requests): minted ${token} and placed it on (0, 2) ` +
    `in ${((Date.now() - started) / 1000).toFixed(1)} s; anvil agrees`);
  await walletPage.close();

  // Another player, in a browser that has none of the item's blocks and no wallet: the world
  // read from the node, the tower's files from an IPFS gateway, each block checked in the tab.
  const { url: gatewayUrl, served, gateway } = await startGateway(ipfsApi);
  const visitor = await browser.createBrowserContext();
  const visitorSettings = `[ipfs]\ngateways = ["${gatewayUrl}"]\n`;
  const visit = await openPage(`${url}?network=${encodeURIComponent(node)}&chain=31337&contract=${contract}`,
    (page) => page.evaluateOnNewDocument((text) => localStorage.setItem('/kiln/settings.toml', text), visitorSettings),
    visitor);
  const seen = await waitForState(visit, "the tower in another player's world, from the gateway", 300,
    (state) => state.items_shown >= 1 || state.items_failed?.length > 0);
  if (seen.items_failed.length) fail(`the other player cannot see the tower: ${seen.items_failed[0]}`);
  if (served.blocks < 2) fail(`the gateway served ${served.blocks} blocks; the tower did not come from it`);
  console.log(`web/test: another player sees the tower, its ${served.blocks} blocks fetched from a gateway and verified in the tab`);
  await visit.close();
  await visitor.close();
  gateway.close();
}

/**
 * 5. A link obeys only its player: a scenario or a network in the address is shown in the page
 *    before the client reads it or anything is sent; declined, the client starts without it.
 */
async function asks(url) {
  // Opened by hand: openPage agrees to what a link asks.
  const page = await browser.newPage();
  page.on('console', (message) => consoleLines.push(`[${message.type()}] ${message.text()}`));
  await page.goto(`${url}?scenario=${encodeURIComponent(CREATOR_SCENARIO)}`, { waitUntil: 'load' });
  await page.waitForSelector('#confirm', { visible: true, timeout: 30000 })
    .catch(() => fail('the page did not ask before running the scenario in its link'));
  const said = await page.$eval('#confirm', (box) => box.innerText);
  for (const words of ['scenario', 'mint', 'place', 'a huge red mushroom']) {
    if (!said.includes(words)) fail(`the question about a scenario link does not say "${words}": ${said}`);
  }
  await answerTheLink(page, false);
  const started = await waitForState(page, 'the world without the declined scenario', 300,
    (state) => state.frames >= 5);
  if (started.scenario) fail(`a declined scenario ran: ${started.scenario}`);
  const address = await page.evaluate(() => location.search);
  if (address.includes('scenario')) fail(`the declined scenario stayed in the address: ${address}`);
  await page.close();

  // A network: nothing is sent to it, or to a wallet, before the player answers; declined, the
  // world is the tab's own.
  const nobody = `http://127.0.0.1:${await freePort()}`;
  const visit = await browser.newPage();
  visit.on('console', (message) => consoleLines.push(`[${message.type()}] ${message.text()}`));
  await visit.goto(`${url}?network=${encodeURIComponent(nobody)}&chain=31337`, { waitUntil: 'load' });
  await visit.waitForSelector('#confirm', { visible: true, timeout: 30000 })
    .catch(() => fail('the page did not ask before using the network in its link'));
  const question = await visit.$eval('#confirm', (box) => box.innerText);
  if (!question.includes(nobody)) fail(`the question about a network link does not name it: ${question}`);
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const sentBefore = await visit.evaluate(() => window.kilnPage.requestsSent());
  if (sentBefore !== 0) fail(`${sentBefore} request(s) went out before the player answered`);
  await answerTheLink(visit, false);
  const own = await waitForState(visit, 'the world without the declined network', 300,
    (state) => state.frames >= 5);
  const sent = await visit.evaluate(() => window.kilnPage.requestsSent());
  if (sent !== 0) fail(`the declined network was sent ${sent} request(s)`);
  if (own.chain_error) fail(`the declined network still drives the world: ${own.chain_error}`);
  console.log('web/test: links with a scenario and a network asked first, and were declined');
  await visit.close();
}

// `--only wallet` (or firstFrame, creator, asks) runs one step: for working on it.
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : null;
const steps = [firstFrame, creator, wallet, asks];
const chosen = steps.filter((step) => only === null || only === step.name);
if (chosen.length === 0) {
  console.error(`web/test: --only ${only}: no such step; the steps are ${steps.map((step) => step.name).join(', ')}`);
  process.exit(2);
}

try {
  const url = await startServer();
  const chromium = execSync('command -v chromium || command -v chromium-browser', { shell: '/bin/bash' })
    .toString().trim();
  browser = await puppeteer.launch({ executablePath: chromium, headless: true, args: chromiumFlags });
  console.log(`web/test: ${await browser.version()} on ${url}`);
  for (const step of chosen) await step(url);
  console.log(`web/test: passed ${chosen.map((step) => step.name).join(', ')}; screenshots in ${shots}`);
} finally {
  await browser?.close().catch(() => {});
  server?.kill();
  anvil?.kill();
  ipfs?.kill();
}
