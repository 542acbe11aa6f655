// The browser test of the web build: a real Chromium (Debian's, through puppeteer-core) on
// WebGPU loads the page from web/serve, and we check what a player would see.
//
//   xvfb-run -a node web/test.mjs [--shots DIR]     (web/test does this, after web/build)
//
// 1. First frame: the world draws, the screenshot is not blank (sky, ground, panels).
// 2. Creator: a scenario in the address generates "a huge red mushroom" on the model in the
//    tab, mints it on the tab's sandbox chain and places it; the client's own pictures show it.
// 3. A second visit finds the minted item again (IndexedDB) and starts from the page's cache.
// Fails with the reason, the page's error and the browser's console when a step does not.

import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
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
  const deadline = Date.now() + seconds * 1000;
  let state = null;
  while (Date.now() < deadline) {
    const seen = await page.evaluate(() => ({
      state: window.kilnPage?.state ?? null,
      error: window.kilnPage?.error ?? null,
    }));
    state = seen.state;
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

/** Pixels that are strongly red: the test's items are red. */
function redPixels(image) {
  let red = 0;
  for (let i = 0; i < image.data.length; i += 4) {
    const [r, g, b] = [image.data[i], image.data[i + 1], image.data[i + 2]];
    if (r > 120 && r > 2 * g && r > 2 * b) red += 1;
  }
  return red;
}

async function openPage(url) {
  const page = await browser.newPage();
  await page.setViewport({ width: 1280, height: 720 });
  page.on('console', (message) => consoleLines.push(`[${message.type()}] ${message.text()}`));
  page.on('pageerror', (error) => {
    consoleLines.push(`[pageerror] ${error.message}`);
    // winit leaves the start function by throwing this on purpose.
    if (!error.message.includes('Using exceptions for control flow')) pageErrors.push(error.message);
  });
  await page.goto(url, { waitUntil: 'load' });
  return page;
}

try {
  const url = await startServer();
  const chromium = execSync('command -v chromium || command -v chromium-browser', { shell: '/bin/bash' })
    .toString().trim();
  browser = await puppeteer.launch({ executablePath: chromium, headless: true, args: chromiumFlags });
  console.log(`web/test: ${await browser.version()} on ${url}`);

  // 1. The first frame.
  let started = Date.now();
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

  // 2. The creator, through the same scenario actions as `kiln --scenario`: the model runs in
  //    the tab, the item is minted on the tab's sandbox chain and placed in the world.
  started = Date.now();
  const scenario = `
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
frames = 20
[[action]]
type = "screenshot"
path = "minted.png"
`;
  const creator = await openPage(`${url}?scenario=${encodeURIComponent(scenario)}`);
  const done = await waitForState(creator, 'the creator scenario', 900,
    (state) => state.scenario && state.scenario !== 'running');
  const pictures = await creator.evaluate(() => Object.fromEntries(
    Object.entries(window.kilnPage.screenshots).map(([name, png]) => [name, Array.from(png)])));
  for (const [name, bytes] of Object.entries(pictures)) {
    await writeFile(join(shots, name), Buffer.from(bytes));
  }
  if (done.scenario !== 'passed') fail(`the creator scenario: ${done.scenario}`);
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
  console.log(`web/test: passed; screenshots in ${shots}`);
} finally {
  await browser?.close().catch(() => {});
  server?.kill();
}
