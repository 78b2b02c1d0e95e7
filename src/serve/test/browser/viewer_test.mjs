// The viewer in a real browser: Debian's chromium, headless, driven by playwright-core.
// Starts `xnet serve MODEL --port 0`, opens the page, uploads a synthetic radiograph through the
// file input, waits for the overlay, drags the soft-tissue threshold slider and checks that the
// overlay changed (live while dragging, and again after the full-resolution answer), takes a
// screenshot, then stops the server with SIGTERM and checks it exits 0.
//   node viewer_test.mjs XNET MODEL OUT_DIR
// Exit 77 (CTest's skip) where chromium or playwright-core is absent.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync } from "node:fs";
import path from "node:path";

const [xnet, model, out] = process.argv.slice(2);
if (!xnet || !model || !out) {
  console.error("usage: node viewer_test.mjs XNET MODEL OUT_DIR");
  process.exit(2);
}
const chromiumPath = process.env.XNET_CHROMIUM || "/usr/bin/chromium";
if (!existsSync(chromiumPath)) {
  console.log(`skip: no Chromium at ${chromiumPath} (scripts/install-deps installs Debian's chromium)`);
  process.exit(77);
}
let chromium;
try {
  ({ chromium } = await import("playwright-core"));
} catch {
  console.log("skip: playwright-core is not installed (scripts/install-deps runs npm ci in this folder)");
  process.exit(77);
}

function fail(message) {
  console.error("FAIL: " + message);
  process.exitCode = 1;
}

mkdirSync(out, { recursive: true });
// A synthetic radiograph, as a user's 16-bit PNG.
const data = path.join(out, "synth");
const synth = spawnSync(xnet, ["synth", data, "--count", "1", "--seed", "5", "--size", "640"], { encoding: "utf8" });
if (synth.status !== 0) throw new Error("xnet synth failed: " + synth.stderr);
const imageDir = path.join(data, "images");
const image = path.join(imageDir, readdirSync(imageDir).find((f) => f.endsWith(".png")));

const server = spawn(xnet, ["serve", model, "--port", "0", "--threads", "2"], { stdio: ["ignore", "ignore", "pipe"] });
let log = "";
const url = await new Promise((resolve, reject) => {
  const timer = setTimeout(() => reject(new Error("xnet serve did not start:\n" + log)), 120000);
  server.stderr.on("data", (chunk) => {
    log += chunk;
    const match = log.match(/at (http:\/\/[^ ]+\/) /);
    if (match) { clearTimeout(timer); resolve(match[1]); }
  });
  server.on("exit", (code) => reject(new Error(`xnet serve exited ${code}:\n${log}`)));
});
const exited = new Promise((resolve) => server.on("exit", (code, signal) => resolve({ code, signal })));

let browser;
try {
  browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: ["--no-sandbox"] });
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(url);
  await page.waitForSelector("#toggles input");  // /healthz answered, the class toggles built

  await page.setInputFiles("#file", image);
  await page.waitForFunction(() => document.body.dataset.state === "ready", null, { timeout: 120000 });
  // A digest of the overlay canvas's pixels.
  const digest = () => page.evaluate(() => {
    const c = document.getElementById("view");
    const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
    let h = 0;
    for (let i = 0; i < d.length; i += 4) h = (Math.imul(h, 31) + d[i] + 7 * d[i + 1] + 13 * d[i + 2]) | 0;
    return h;
  });
  const softTissue = () => page.evaluate(() => document.querySelector("#fractions tr:nth-child(2) td.n").textContent);
  const before = await digest();
  const fractionBefore = await softTissue();
  const thresholdBefore = await page.inputValue("#threshold");
  console.log(`overlay drawn: threshold ${thresholdBefore}, soft tissue ${fractionBefore}`);
  await page.screenshot({ path: path.join(out, "viewer.png"), fullPage: true });

  // Drag the slider's thumb from its value to near the left end, as a user would.
  const box = await page.locator("#threshold").boundingBox();
  const y = box.y + box.height / 2;
  const from = box.x + parseFloat(thresholdBefore) * box.width;
  const drawnBefore = await page.evaluate(() => Number(document.body.dataset.drawn));
  const answersBefore = await page.evaluate(() => Number(document.body.dataset.answers));
  await page.mouse.move(from, y);
  await page.mouse.down();
  await page.mouse.move(box.x + 0.15 * box.width, y, { steps: 8 });
  const duringDrag = await digest();
  const drawnDuring = await page.evaluate(() => Number(document.body.dataset.drawn));
  await page.mouse.up();
  if (drawnDuring <= drawnBefore) fail("dragging the threshold did not redraw the overlay");
  if (duringDrag === before) fail("the live preview while dragging left the overlay as it was");

  // Letting go asks the server again at the new threshold.
  await page.waitForFunction((n) => document.body.dataset.state === "ready" &&
      Number(document.body.dataset.answers) > n, answersBefore, { timeout: 120000 });
  const after = await digest();
  const thresholdAfter = await page.inputValue("#threshold");
  const fractionAfter = await softTissue();
  console.log(`after the drag: threshold ${thresholdAfter}, soft tissue ${fractionAfter}`);
  if (!(parseFloat(thresholdAfter) < parseFloat(thresholdBefore))) fail("the threshold did not move down");
  if (after === before) fail("the overlay after the new threshold is the same as before");
  if (fractionAfter === fractionBefore) fail("the soft-tissue fraction did not change with the threshold");

  // The other controls.
  await page.fill("#opacity", "0");
  await page.dispatchEvent("#opacity", "input");
  const bare = await digest();
  await page.uncheck("#show-field");
  if (bare === after) fail("opacity 0 did not change the drawing");
  const href = await page.getAttribute("#download", "href");
  if (!href || !href.startsWith("data:image/png;base64,")) fail("no mask to download");
  await page.fill("#opacity", "0.5");
  await page.dispatchEvent("#opacity", "input");
  await page.check("#show-field");
  const screenshot = path.join(out, "viewer-after-drag.png");
  await page.screenshot({ path: screenshot, fullPage: true });
  console.log(`screenshots: ${path.join(out, "viewer.png")}, ${screenshot}`);
  if (errors.length) fail("errors on the page: " + errors.join("; "));
} finally {
  if (browser) await browser.close();
  server.kill("SIGTERM");
}
const { code, signal } = await exited;
if (code !== 0) fail(`xnet serve exited ${code} (signal ${signal}) after SIGTERM; its log:\n${log}`);
if (!/GET \/healthz 200/.test(log) || !/POST \/v1\/segment 200/.test(log)) fail("no access-log lines:\n" + log);
if (!process.exitCode) console.log("viewer test passed");
