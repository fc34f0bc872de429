// Browser test of the built-in dashboard: starts `sluice demo` (ClickHouse, the development Kafka
// broker, the orders producer and the orders-cdc pipeline), opens the dashboard in headless
// chromium, waits until every panel shows data, fails on any console error or failed request,
// looks at the pipeline page, saves screenshots, and stops the demo with SIGINT.
//
// Usage: node dashboard_test.mjs SLUICE_BINARY OUTPUT_DIR
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';

const [sluice, outArg] = process.argv.slice(2);
if (!sluice || !outArg) {
  console.error('usage: node dashboard_test.mjs SLUICE_BINARY OUTPUT_DIR');
  process.exit(2);
}
const out = resolve(outArg);
const demoDir = join(out, 'demo');
rmSync(demoDir, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const repo = resolve(new URL('../..', import.meta.url).pathname);
const DEADLINE_MS = 240_000;
const started = Date.now();

function fail(message) {
  console.error('FAIL: ' + message);
  process.exitCode = 1;
}

// Starts the demo and resolves with the dashboard URL once it prints it.
function startDemo() {
  const demo = spawn(sluice, ['demo', '--port', '0', '--dir', demoDir, '--rate', '50',
                              '--history', '15', '--examples', join(repo, 'examples')],
                     { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const url = new Promise((resolveUrl, reject) => {
    const onData = chunk => {
      output += chunk;
      process.stdout.write(chunk);
      const m = output.match(/dashboard at (http:\/\/\S+)/);
      if (m) resolveUrl(m[1].replace(/\/?$/, '/'));
    };
    demo.stdout.on('data', onData);
    demo.stderr.on('data', onData);
    demo.on('exit', code => reject(new Error(`sluice demo exited with ${code}:\n${output}`)));
    setTimeout(() => reject(new Error('no "dashboard at" within the deadline:\n' + output)),
               DEADLINE_MS).unref();
  });
  return { demo, url };
}

async function stopDemo(demo) {
  if (demo.exitCode !== null) return;
  const exited = new Promise(r => demo.once('exit', r));
  demo.kill('SIGINT');
  const timer = setTimeout(() => demo.kill('SIGKILL'), 60_000);
  const code = await exited;
  clearTimeout(timer);
  if (code !== 0) fail(`sluice demo exited with ${code} after SIGINT`);
}

async function main() {
  const { demo, url: urlPromise } = startDemo();
  let browser;
  try {
    const url = await urlPromise;
    console.log(`dashboard up after ${((Date.now() - started) / 1000).toFixed(1)} s: ${url}`);
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
             '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    const page = await browser.newPage({ viewport: { width: 1600, height: 1400 } });
    const errors = [];
    page.on('console', msg => { if (msg.type() === 'error') errors.push(msg.text()); });
    page.on('pageerror', e => errors.push(String(e)));
    page.on('requestfailed', r => errors.push(`request failed: ${r.url()}`));
    page.on('response', r => { if (r.status() >= 400) errors.push(`HTTP ${r.status()} ${r.url()}`); });
    await page.goto(url);
    await page.waitForSelector('.panel', { timeout: 30_000 });
    const panels = await page.$$eval('.panel', ps => ps.length);
    // Every panel must reach data; "empty" (no rows yet) is retried by the page's refresh.
    await page.waitForFunction(
      () => [...document.querySelectorAll('.panel')].every(p => p.dataset.state === 'data'),
      null, { timeout: DEADLINE_MS - (Date.now() - started), polling: 500 });
    console.log(`all ${panels} panels show data after ${((Date.now() - started) / 1000).toFixed(1)} s`);
    if (panels !== 11) fail(`expected the 11 panels of orders-cdc, found ${panels}`);
    const svgCharts = await page.$$eval('.panel svg', s => s.length);
    if (svgCharts < 3) fail(`expected 3 charts (2 time series, 1 bar), found ${svgCharts}`);
    await page.screenshot({ path: join(out, 'dashboard.png'), fullPage: true });
    await page.click('#tab-pipeline');
    await page.waitForFunction(() => document.querySelectorAll('#pipeline table tr').length > 2,
                               null, { timeout: 30_000 });
    await page.screenshot({ path: join(out, 'pipeline.png'), fullPage: true });
    if (errors.length) fail('console or network errors:\n  ' + errors.join('\n  '));
    console.log(`screenshots in ${out}`);
  } catch (e) {
    fail(e.stack || String(e));
  } finally {
    if (browser) await browser.close();
    await stopDemo(demo);
  }
}

await main();
