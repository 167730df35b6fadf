// The live page (/aircall/live) in headless Chromium against `wrangler dev`:
// it logs in through the page's form, waits for pusher-js (served by the
// worker) to subscribe to private-aircall, then adds a note over HTTP from
// here, and checks that the note appears on the page, as an update-call
// event and in its call's row, within a few seconds.
//
//   node tests/realtime/live.mjs BASE_URL [--screenshot FILE] [--chromium PATH]
//
// Exits 0 when the note shows, 1 when it does not, 2 on bad arguments.

import { existsSync } from "node:fs";
import { chromium } from "playwright-core";

const CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update"];

function usage(message) {
  console.error(`${message}\nusage: node tests/realtime/live.mjs BASE_URL [--screenshot FILE] [--chromium PATH]`);
  process.exit(2);
}

const options = { chromium: "/usr/bin/chromium", screenshot: null, base: null };
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const arg = argv[i];
  if (arg === "--screenshot" || arg === "--chromium") {
    if (argv[i + 1] === undefined) usage(`${arg} needs a value`);
    options[arg.slice(2)] = argv[++i];
  } else if (!options.base) {
    options.base = arg.replace(/\/+$/, "");
  } else {
    usage(`unexpected argument ${arg}`);
  }
}
if (!options.base) usage("BASE_URL is needed");
if (!existsSync(options.chromium)) usage(`no browser at ${options.chromium} (scripts/toolchain.sh: ensure_chromium installs it)`);

async function api(method, path, token, json) {
  const headers = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (json !== undefined) headers["content-type"] = "application/json";
  const response = await fetch(`${options.base}${path}`, {
    method, headers, body: json === undefined ? undefined : JSON.stringify(json),
  });
  return { status: response.status, body: await response.json().catch(() => null) };
}

let browser;
let code = 0;
const problems = [];
try {
  browser = await chromium.launch({ executablePath: options.chromium, headless: true, args: CHROMIUM_ARGS });
  const page = await browser.newPage();
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`console: ${message.text()}`);
  });
  const response = await page.goto(`${options.base}/aircall/live`);
  if (response.status() !== 200) throw new Error(`/aircall/live answered ${response.status()}`);

  await page.fill("#username", "live-page");
  await page.fill("#password", "live-page");
  await page.click("#login button[type=submit]");
  await page.waitForSelector("#calls tr", { timeout: 10000 });
  await page.waitForFunction(
    () => document.getElementById("subscription").textContent === "subscribed to private-aircall",
    null, { timeout: 10000 });
  console.log("ok: the page logged in, listed calls and subscribed to private-aircall");

  // A note added by someone else, over HTTP.
  const login = await api("POST", "/auth/login", null, { username: "live-check", password: "live-check" });
  if (login.status !== 201) throw new Error(`login answered ${login.status}`);
  const token = login.body.access_token;
  const callId = await page.$eval("#calls tr", (tr) => tr.dataset.id);
  const content = `seen live ${Date.now()}`;
  const started = Date.now();
  const note = await api("POST", `/calls/${callId}/note`, token, { content });
  if (note.status !== 201) throw new Error(`the note answered ${note.status}`);

  await page.waitForFunction(
    ([id, text]) => {
      const events = [...document.querySelectorAll("#events li")].some((li) => li.textContent.includes(text));
      const row = document.querySelector(`#calls tr[data-id="${id}"]`);
      return events && row && row.textContent.includes(text);
    },
    [callId, content], { timeout: 5000 });
  console.log(`ok: the note appeared on the page ${Date.now() - started} ms after it was sent`);
  if (options.screenshot) {
    await page.screenshot({ path: options.screenshot, fullPage: true });
    console.log(`screenshot: ${options.screenshot}`);
  }
  if (problems.length) throw new Error(problems.join("\n"));
} catch (error) {
  code = 1;
  console.error(`FAILED: ${error.message}`);
  for (const problem of problems) console.error(problem);
} finally {
  if (browser) await browser.close();
}
process.exit(code);
