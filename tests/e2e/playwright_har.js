#!/usr/bin/env node
// Loads pages in Chromium with Playwright and records them to a HAR file.
//
//   node playwright_har.js --har OUT.har [--chromium /usr/bin/chromium] [--timeout-ms 60000] URL [URL ...]
//
// Each URL is opened in its own page of one browser context created with
// `recordHar: {path: OUT.har}`. A page tells us it is done by setting `window.__e2eDone = true`
// (its fetches and images have finished); `window.__e2eResult` is collected then. Pages that do
// not set it are done at the `load` event. Closing the context writes the HAR. stdout gets one
// JSON document: [{url, status, result}], in URL order. Timeouts are hang guards only.
'use strict';

const path = require('path');

let chromium;
try {
  ({ chromium } = require('playwright-core'));
} catch (e) {
  console.error('playwright_har.js: cannot load playwright-core (' + e.message + '); run `npm ci --prefix ' +
                path.relative(process.cwd(), __dirname || '.') + '`');
  process.exit(2);
}

function parseArgs(argv) {
  const args = { har: null, chromium: '/usr/bin/chromium', timeoutMs: 60000, urls: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--har') args.har = argv[++i];
    else if (a === '--chromium') args.chromium = argv[++i];
    else if (a === '--timeout-ms') args.timeoutMs = Number(argv[++i]);
    else args.urls.push(a);
  }
  if (!args.har || args.urls.length === 0) {
    console.error('usage: node playwright_har.js --har OUT.har [--chromium PATH] [--timeout-ms N] URL [URL ...]');
    process.exit(2);
  }
  return args;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const browser = await chromium.launch({
    executablePath: args.chromium,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
           '--disable-component-update', '--disable-sync'],
    timeout: args.timeoutMs,
  });
  const results = [];
  try {
    const context = await browser.newContext({ recordHar: { path: args.har } });
    context.setDefaultTimeout(args.timeoutMs);
    try {
      for (const url of args.urls) {
        const page = await context.newPage();
        const consoleLines = [];
        page.on('console', (m) => consoleLines.push(m.type() + ': ' + m.text()));
        page.on('pageerror', (e) => consoleLines.push('pageerror: ' + e.message));
        const response = await page.goto(url, { waitUntil: 'load' });
        const waits = await page.evaluate(() => typeof window.__e2eDone !== 'undefined');
        if (waits) {
          try {
            await page.waitForFunction(() => window.__e2eDone === true, null, { timeout: args.timeoutMs });
          } catch (e) {
            throw new Error('page ' + url + ' never set window.__e2eDone (hang guard ' + args.timeoutMs +
                            ' ms); console:\n  ' + consoleLines.join('\n  '));
          }
        }
        const result = await page.evaluate(() => (typeof window.__e2eResult === 'undefined' ? null : window.__e2eResult));
        results.push({ url, status: response ? response.status() : null, result, console: consoleLines });
        await page.close();
      }
    } finally {
      await context.close(); // writes the HAR
    }
  } finally {
    await browser.close();
  }
  process.stdout.write(JSON.stringify(results) + '\n');
}

main().catch((e) => {
  console.error('playwright_har.js: ' + (e && e.stack ? e.stack : e));
  process.exit(1);
});
