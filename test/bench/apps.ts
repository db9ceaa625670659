/**
 * `npm run bench:apps [-- --seconds 12] [-- --json]`: the two figures of the apps issue, measured here.
 *   sizes             each app's JS + CSS + HTML, gzipped (zlib's default level), with wasm and fonts apart
 *   frame-to-verdict  the scanner in headless Chromium, fed a presentation QR through the fake camera: from the
 *                     frame handed to the barcode detector to the verdict in the page, just before it paints
 * The scanner runs in its `?measure` mode (every frame is decided, nothing is recorded) against a stand-in
 * authority on 127.0.0.1; it stops by itself after `--seconds`.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { qrPng } from '@greenlight/codec';
import { configureNodeQr } from '@greenlight/codec/node';
import { DEVICE_CREDENTIAL, fakeAuthority } from '../e2e/support/authority.ts';
import { buildApp, haveChromium, imageToY4m, launchChromium, serveApps } from '../e2e/support/browser.ts';

const { values } = parseArgs({
  options: { seconds: { type: 'string', default: '12' }, json: { type: 'boolean', default: false } },
});
const log = (line: string) => process.stderr.write(`${line}\n`);
if (!haveChromium)
  throw new Error('the scanner measure needs /usr/bin/chromium (apt-get install -y chromium)');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

function sizes(dir: string) {
  let code = 0;
  let codeGzip = 0;
  let apart = 0;
  for (const file of files(dir)) {
    const bytes = readFileSync(file);
    const ext = extname(file);
    if (['.js', '.css', '.html'].includes(ext)) {
      code += bytes.length;
      codeGzip += gzipSync(bytes).length;
    } else if (['.wasm', '.woff2', '.woff'].includes(ext)) apart += bytes.length;
  }
  return { js_css_html_bytes: code, js_css_html_gzip_bytes: codeGzip, wasm_and_fonts_bytes: apart };
}

const percentile = (sorted: number[], p: number) =>
  Number((sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0).toFixed(1));

const out = mkdtempSync(join(tmpdir(), 'greenlight-apps-'));
try {
  const apps = ['wallet', 'scanner', 'desk'] as const;
  for (const app of apps) buildApp(app, out);
  const size = Object.fromEntries(apps.map((app) => [app, sizes(join(out, app))]));

  configureNodeQr();
  const authority = await fakeAuthority();
  const camera = join(out, 'camera.y4m');
  const { server, base } = await serveApps(authority.handle, { dist: out });
  const browser = await launchChromium({ fakeCamera: camera });
  type Sample = { ms: number; verdict: string };
  let samples: Sample[] = [];
  try {
    const page = await browser.newPage({ locale: 'en-GB' });
    await page.goto(`${base}/scanner/?measure`);
    await page.getByLabel('Venue device credential').fill(DEVICE_CREDENTIAL);
    await page.getByRole('button', { name: 'Finish set-up' }).click();
    await page.waitForFunction(
      () => document.querySelector<HTMLButtonElement>('.scan button[type=button]')?.disabled === false,
    );
    // Rounds of at most 10 s, each with a QR made just before: a presentation QR is valid for its slot and the
    // next, so every frame of a round shows a live pass. Chromium reads the Y4M file when the camera starts.
    const rounds = Math.max(1, Math.ceil(Number(values.seconds) / 10));
    log(`measuring the scanner for ${values.seconds} s (${rounds} rounds)…`);
    for (let round = 0; round < rounds; round++) {
      writeFileSync(camera, await imageToY4m(browser, await qrPng(await authority.presentation())));
      await page.getByRole('button', { name: 'Scan with camera' }).click();
      await page.waitForTimeout((Number(values.seconds) * 1000) / rounds);
      await page.getByRole('button', { name: 'Stop camera' }).click();
    }
    samples = await page.evaluate(
      () => (globalThis as { greenlightFrameToVerdict?: Sample[] }).greenlightFrameToVerdict ?? [],
    );
  } finally {
    await browser.close();
    await new Promise((resolve) => server.close(resolve));
  }
  const passes = samples.filter((s) => s.verdict === 'pass');
  if (passes.length === 0) throw new Error('the scanner passed no frame: is the fake camera working?');
  // The first frames include the first use of the verifier (compilation, key import); they are reported apart.
  const warm = passes
    .slice(Math.min(5, passes.length - 1))
    .map((s) => s.ms)
    .sort((a, b) => a - b);
  const result = {
    sizes: size,
    frame_to_verdict: {
      frames: samples.length,
      pass_frames: passes.length,
      measured: warm.length,
      first_ms: Number((passes[0] as Sample).ms.toFixed(1)),
      p50_ms: percentile(warm, 50),
      p95_ms: percentile(warm, 95),
      max_ms: percentile(warm, 100),
    },
  };
  if (values.json) console.log(JSON.stringify(result));
  else {
    for (const [app, s] of Object.entries(size))
      console.log(
        `${app}: ${(s.js_css_html_gzip_bytes / 1024).toFixed(1)} KiB gzipped JS+CSS+HTML (target < 200 kB); ` +
          `wasm and fonts apart: ${(s.wasm_and_fonts_bytes / 1024).toFixed(0)} KiB`,
      );
    const f = result.frame_to_verdict;
    console.log(
      `scanner frame-to-verdict (pass verdicts): p50 ${f.p50_ms} ms, p95 ${f.p95_ms} ms (target < 100), ` +
        `max ${f.max_ms} ms over ${f.measured} frames after 5 warm-up (first ${f.first_ms} ms); ` +
        `${f.pass_frames} of ${f.frames} frames passed`,
    );
  }
} finally {
  rmSync(out, { recursive: true, force: true });
}
