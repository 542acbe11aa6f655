// The page's side of Kiln in a browser: it checks for WebGPU, downloads the client with a
// progress bar (from the Cache API on a second visit), starts it, and keeps what the client
// tells it in `window.kilnPage.state` (the browser test reads it there).
//
// `manifest.json` (written by web/build) names every file the client downloads with its sha256
// and size: a cached copy is used while its digest still matches, so a new build replaces it.

import init from './kiln.js';

const loading = document.getElementById('loading');
const bar = document.querySelector('#bar div');
const what = document.getElementById('what');
const problem = document.getElementById('problem');

const page = {
  /** What the client last reported (see src/web/mod.rs: frames, model, preview, minted, …). */
  state: { frames: 0 },
  /** The first error the page or the client hit, in words. */
  error: null,
  fetchCached,
  clientState,
  takeStored,
  keep,
  fail: report,
  /** Whether the WebGPU adapter draws in software (the client then runs its model on the CPU). */
  softwareGpu: () => page.software,
  software: false,
  walletRequest,
  walletName,
  nodeRequest,
  /** Requests sent to wallets and nodes so far (the browser test checks a link sends none
   *  before the player agrees). */
  requestsSent: () => walletRequests + nodeRequests,
  /** Pictures the client took (a scenario's `screenshot` actions), PNG bytes by name. */
  screenshots: {},
  screenshot(name, png) {
    page.screenshots[name] = png.slice();
  },
};
window.kilnPage = page;

window.addEventListener('error', (event) => report(event.error ?? event.message));
window.addEventListener('unhandledrejection', (event) => report(event.reason));

/** Shows why Kiln cannot run here, in plain words, instead of the loading bar. */
function showProblem(html) {
  bar.parentElement.style.display = 'none';
  what.style.display = 'none';
  problem.innerHTML = html;
  problem.style.display = 'block';
  loading.style.display = 'flex';
}

function report(error) {
  const text = String(error?.message ?? error);
  // winit leaves the start function by throwing this on purpose; the app goes on running.
  if (text.includes('Using exceptions for control flow')) return;
  page.error ??= text;
  console.error('kiln:', text);
  if (page.state.frames === 0) showProblem(`<strong>Kiln stopped:</strong> ${escapeHtml(text)}`);
}

function escapeHtml(text) {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function clientState(json) {
  page.state = JSON.parse(json);
  if (page.state.frames > 0) loading.style.display = 'none';
}

// The player's wallet. Wallets announce themselves by EIP-6963 (several may); an older one only
// sets window.ethereum. The one chosen last time (its rdns in localStorage) is preferred.
const wallets = [];
window.addEventListener('eip6963:announceProvider', (event) => {
  const { info, provider } = event.detail ?? {};
  if (info && provider && !wallets.some((known) => known.info.uuid === info.uuid)) {
    wallets.push({ info, provider });
  }
});
window.dispatchEvent(new Event('eip6963:requestProvider'));

// The wallet used last time (its rdns), read once: the top bar asks for the name every frame.
let preferredWallet = localStorage.getItem('kiln.wallet');

function chosenWallet() {
  const announced = wallets.find((wallet) => wallet.info.rdns === preferredWallet) ?? wallets[0];
  if (announced) return announced;
  if (window.ethereum) return { info: { name: 'your browser wallet' }, provider: window.ethereum };
  return null;
}

/** The chosen wallet's name, `undefined` when this browser has none. */
function walletName() {
  return chosenWallet()?.info.name;
}

/**
 * One EIP-1193 request to the chosen wallet for the client: params and result as JSON text; a
 * refusal or failure rejects with `{ code, message, data }` as JSON text.
 */
let walletRequests = 0;

async function walletRequest(method, paramsJson) {
  walletRequests += 1;
  const wallet = chosenWallet();
  if (!wallet) {
    throw JSON.stringify({
      code: 4900,
      message: 'this browser has no Ethereum wallet: install one (MetaMask, Rabby, Coinbase ' +
        'Wallet…) and reload, or choose the sandbox in ⚙ Settings',
    });
  }
  try {
    const result = await wallet.provider.request({ method, params: JSON.parse(paramsJson) });
    if (wallet.info.rdns && wallet.info.rdns !== preferredWallet) {
      preferredWallet = wallet.info.rdns;
      localStorage.setItem('kiln.wallet', preferredWallet);
    }
    return JSON.stringify(result ?? null);
  } catch (error) {
    let data = error?.data ?? null;
    try {
      JSON.stringify(data);
    } catch {
      data = null; // an object that does not serialise (cycles): the message still says why
    }
    throw JSON.stringify({
      code: typeof error?.code === 'number' ? error.code : -32603,
      message: String(error?.message ?? error),
      data,
    });
  }
}

let nodeRequests = 0;

/**
 * One JSON-RPC request to the network's node at `url` (the world is read from it), answered
 * like `walletRequest`. The node must allow this page's origin (CORS).
 */
async function nodeRequest(url, method, paramsJson) {
  const failure = (message, code = -32603, data = null) => JSON.stringify({ code, message, data });
  let response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: `{"jsonrpc":"2.0","id":${++nodeRequests},"method":${JSON.stringify(method)},"params":${paramsJson}}`,
      signal: AbortSignal.timeout(20000),
    });
  } catch (error) {
    throw failure(`cannot reach the node at ${url} (${error.message}): check the URL, and that ` +
      'the node allows this page\'s origin (CORS)');
  }
  if (!response.ok) throw failure(`the node at ${url} answered HTTP ${response.status}`);
  let answer;
  try {
    answer = await response.json();
  } catch {
    throw failure(`the node at ${url} answered something that is not JSON-RPC`);
  }
  if (answer?.error) {
    throw failure(String(answer.error.message ?? 'no reason given'), answer.error.code ?? -32603,
      answer.error.data ?? null);
  }
  return JSON.stringify(answer?.result ?? null);
}

let manifest = { files: {} };

// What the client keeps between visits (its databases, the sandbox chain): IndexedDB "kiln",
// object store "files", keyed by the file's path in the client's data directory.
let stored = new Map();

function openStorage() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open('kiln', 1);
    request.onupgradeneeded = () => request.result.createObjectStore('files');
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

let storage = null;

/** Everything kept on earlier visits, read before the client starts. */
async function readStored() {
  try {
    storage = await openStorage();
  } catch (error) {
    console.warn(`kiln: no IndexedDB (${error}); nothing is kept between visits`);
    return;
  }
  const transaction = storage.transaction('files', 'readonly');
  const files = transaction.objectStore('files');
  const [keys, values] = await Promise.all([
    new Promise((resolve, reject) => {
      const request = files.getAllKeys();
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    }),
    new Promise((resolve, reject) => {
      const request = files.getAll();
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    }),
  ]);
  stored = new Map(keys.map((key, i) => [key, values[i]]));
}

/** The bytes kept under `key`, handed to the client once. */
function takeStored(key) {
  const bytes = stored.get(key);
  stored.delete(key);
  return bytes;
}

/** Keeps a copy of `bytes` (a view into the client's memory) under `key`. */
function keep(key, bytes) {
  const copy = bytes.slice();
  if (!storage) return Promise.reject(new Error('this browser gives the page no IndexedDB'));
  return new Promise((resolve, reject) => {
    const transaction = storage.transaction('files', 'readwrite');
    transaction.objectStore('files').put(copy, key);
    transaction.oncomplete = () => resolve();
    transaction.onerror = () => reject(transaction.error);
    transaction.onabort = () => reject(transaction.error ?? new Error('the write was aborted'));
  });
}

/** The bytes at `path`, from the page's cache when the cached copy is this build's. */
async function fetchCached(path) {
  const entry = manifest.files[path];
  const key = new URL(`${path}?sha256=${entry?.sha256 ?? 'unknown'}`, location.href).href;
  let cache = null;
  try {
    cache = await caches.open('kiln');
  } catch {
    // No Cache API (a page served over plain http from another host): download every time.
  }
  const hit = cache && entry && (await cache.match(key));
  if (hit) {
    progress(path, 1, 1);
    return new Uint8Array(await hit.arrayBuffer());
  }
  const response = await fetch(path);
  if (!response.ok) throw new Error(`cannot download ${path}: HTTP ${response.status}`);
  // The manifest's size is the file's own; Content-Length would be the compressed one.
  const total = entry?.bytes ?? 0;
  const reader = response.body.getReader();
  const chunks = [];
  let received = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    received += value.length;
    progress(path, received, total);
  }
  const bytes = new Uint8Array(received);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.length;
  }
  if (cache && entry) {
    // Older builds' copies of this file go; this one stays for the next visit.
    for (const request of await cache.keys()) {
      if (new URL(request.url).pathname === new URL(key).pathname && request.url !== key) {
        await cache.delete(request);
      }
    }
    await cache.put(key, new Response(bytes));
  }
  return bytes;
}

const later = document.getElementById('later');

/** How a download goes: on the loading screen before the first frame, over the world after. */
function progress(path, received, total) {
  const megabytes = (n) => (n / 1e6).toFixed(1);
  const share = total > 0 ? `${Math.min(100, (100 * received) / total)}%` : null;
  const label = path.endsWith('.wasm') ? 'Kiln' : path.endsWith('.bin') ? 'the model' : path.split('/').pop();
  const text = total > 0
    ? `${label}: ${megabytes(received)} of ${megabytes(total)} MB`
    : `${label}: ${megabytes(received)} MB`;
  if (page.state.frames === 0) {
    if (share) bar.style.width = share;
    what.textContent = text;
    return;
  }
  later.querySelector('span').textContent = `downloading ${text}`;
  if (share) later.querySelector('.bar div').style.width = share;
  later.style.display = total > 0 && received >= total ? 'none' : 'block';
}

/**
 * A link can carry work for the client: `?scenario=` generates, mints and places as the player,
 * and `?network=&chain=&contract=` points the world and every transaction at another node and
 * contract. Anyone can send such a link, so before the client reads either, the page says what
 * it would do and the player chooses. Declined, the parameters leave the address and the client
 * starts as if they had never been in it.
 */
async function confirmAddress() {
  const params = new URLSearchParams(location.search);
  const asks = [];
  const scenario = params.get('scenario');
  if (scenario !== null) {
    const actions = [...scenario.matchAll(/type\s*=\s*"([a-z]+)"/g)].map((found) => found[1]);
    const sends = actions.filter((action) => action === 'mint' || action === 'place');
    asks.push(
      '<p>Run the <strong>scenario</strong> in this link, as you: ' +
      `${actions.length} action(s) (${escapeHtml([...new Set(actions)].join(', ') || 'none')})` +
      (sends.length ? ', which <strong>mint and place items from your account</strong>' : '') +
      '.</p>' +
      `<pre>${escapeHtml(scenario.length > 2000 ? `${scenario.slice(0, 2000)}…` : scenario)}</pre>`);
  }
  const network = params.get('network');
  if (network !== null) {
    const contract = params.get('contract');
    asks.push(
      `<p>Use the network <strong>${escapeHtml(network)}</strong> (chain ` +
      `${escapeHtml(params.get('chain') ?? 'not given')}` +
      `${contract ? `, Kiln contract ${escapeHtml(contract)}` : ''}) for this visit: the world is ` +
      'read from that node, and your wallet is asked to send your transactions there.</p>');
  }
  if (asks.length === 0) return;
  bar.parentElement.style.display = 'none';
  what.style.display = 'none';
  confirmBox.querySelector('.asks').innerHTML = asks.join('');
  confirmBox.style.display = 'block';
  const agreed = await new Promise((resolve) => {
    document.getElementById('confirm-yes').onclick = () => resolve(true);
    document.getElementById('confirm-no').onclick = () => resolve(false);
  });
  confirmBox.style.display = 'none';
  bar.parentElement.style.display = '';
  what.style.display = '';
  if (!agreed) {
    for (const name of ['scenario', 'network', 'chain', 'contract']) params.delete(name);
    const query = params.toString();
    history.replaceState(null, '', `${location.pathname}${query ? `?${query}` : ''}${location.hash}`);
  }
}

const confirmBox = document.getElementById('confirm');

async function start() {
  if (!('gpu' in navigator)) {
    showProblem(
      '<strong>This browser has no WebGPU</strong>, which Kiln draws its world with. ' +
      'Open Kiln in a current Chrome, Edge or Opera (version 113 or later), or in Firefox ' +
      'or Safari with WebGPU turned on.');
    return;
  }
  const adapter = await navigator.gpu.requestAdapter().catch(() => null);
  if (!adapter) {
    showProblem(
      '<strong>WebGPU is here but found no graphics adapter.</strong> It may be turned off ' +
      'for this computer\'s graphics card: check chrome://gpu, update the graphics driver, ' +
      'or try another browser.');
    return;
  }
  // SwiftShader (Chrome's software WebGPU) and other fallback adapters: the model's kernels
  // would run on the CPU anyway, much slower than its CPU backend.
  const info = adapter.info ?? {};
  page.software = Boolean(info.isFallbackAdapter ?? adapter.isFallbackAdapter) ||
    /swiftshader|llvmpipe|lavapipe|software/i.test(
      [info.vendor, info.architecture, info.device, info.description].join(' '));
  // Asked before anything is downloaded or sent, and before the client reads the address.
  await confirmAddress();
  try {
    manifest = await (await fetch('manifest.json', { cache: 'no-cache' })).json();
  } catch (error) {
    report(`manifest.json: ${error}`);
    return;
  }
  const [wasm] = await Promise.all([fetchCached('kiln_bg.wasm'), readStored()]);
  what.textContent = 'starting the world…';
  try {
    await init({ module_or_path: wasm });
  } catch (error) {
    report(error);
  }
}

start().catch(report);
