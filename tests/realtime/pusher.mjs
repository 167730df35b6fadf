// The built-in realtime server under `wrangler dev`, driven by the real
// pusher-js (npm) in Node, as the Aircall document tells clients to listen:
//
//   node tests/realtime/pusher.mjs BASE_URL --key APP_KEY [--subscribers 200] [--rounds 5]
//
// 1. logs in (POST /auth/login), subscribes to private-aircall through
//    /pusher/auth, adds a note over HTTP and receives update-call with that
//    note within one second of the answer;
// 2. a forged authorization (a made-up signature, and one signed for another
//    socket) gets pusher:subscription_error, never a subscription, and no
//    event;
// 3. SUBSCRIBERS pusher-js clients subscribed at once each receive exactly one
//    event per note; for each of ROUNDS notes it prints when the first and
//    the last of them had it, counted from when the note was sent (and how
//    long its HTTP answer took), then the medians.
//
// Exits 0 when all holds, 1 when something does not, 2 on bad arguments.

import { createRequire } from "node:module";
import { performance } from "node:perf_hooks";

// pusher-js from the project's node_modules (or NODE_PATH when tried apart).
const require = createRequire(import.meta.url);
const Pusher = require("pusher-js");
const PUSHER_JS_VERSION = require("pusher-js/package.json").version;

const CHANNEL = "private-aircall";
const EVENT = "update-call";
const DELIVERY_LIMIT_MS = 1000;

function usage(message) {
  console.error(`${message}\nusage: node tests/realtime/pusher.mjs BASE_URL --key APP_KEY [--subscribers N] [--rounds N]`);
  process.exit(2);
}

function parseArgs(argv) {
  const options = { subscribers: 200, rounds: 5 };
  const rest = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--key" || arg === "--subscribers" || arg === "--rounds") {
      const value = argv[++i];
      if (value === undefined) usage(`${arg} needs a value`);
      options[arg.slice(2)] = arg === "--key" ? value : Number(value);
    } else {
      rest.push(arg);
    }
  }
  if (rest.length !== 1) usage("one BASE_URL is needed");
  if (!options.key) usage("--key APP_KEY is needed (the worker's PUSHER_KEY)");
  for (const name of ["subscribers", "rounds"]) {
    if (!Number.isInteger(options[name]) || options[name] < 1) usage(`--${name} must be a positive integer`);
  }
  options.base = rest[0].replace(/\/+$/, "");
  return options;
}

const options = parseArgs(process.argv.slice(2));
const base = new URL(options.base);
let failures = 0;

function check(ok, message) {
  if (ok) {
    console.log(`ok: ${message}`);
  } else {
    failures++;
    console.error(`FAILED: ${message}`);
  }
  return ok;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves with `value()` once it is truthy, or with null after `ms`. */
async function until(value, ms) {
  const deadline = performance.now() + ms;
  for (;;) {
    const got = value();
    if (got) return got;
    if (performance.now() > deadline) return null;
    await sleep(5);
  }
}

async function api(method, path, { token, json } = {}) {
  const headers = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (json !== undefined) headers["content-type"] = "application/json";
  const response = await fetch(`${options.base}${path}`, {
    method,
    headers,
    body: json === undefined ? undefined : JSON.stringify(json),
  });
  const text = await response.text();
  let body = null;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: response.status, body };
}

/** A pusher-js client of the worker, authorizing through /pusher/auth with
 * the bearer token, or through `customHandler` when given. */
function client(token, customHandler) {
  const channelAuthorization = customHandler
    ? { customHandler }
    : {
        endpoint: `${options.base}/pusher/auth`,
        transport: "ajax",
        headers: { Authorization: `Bearer ${token}` },
      };
  return new Pusher(options.key, {
    cluster: "switchboard", // required by pusher-js, unused with wsHost
    wsHost: base.hostname,
    wsPort: Number(base.port || 80),
    forceTLS: false,
    enabledTransports: ["ws"],
    disableStats: true,
    channelAuthorization,
  });
}

/** Subscribes `pusher` to the channel: "succeeded" or the error's data. */
function subscribe(pusher, events) {
  const channel = pusher.subscribe(CHANNEL);
  channel.bind(EVENT, (data) => events.push({ at: performance.now(), data }));
  return new Promise((resolve) => {
    channel.bind("pusher:subscription_succeeded", () => resolve("succeeded"));
    channel.bind("pusher:subscription_error", (error) => resolve({ error }));
  });
}

async function addNote(token, callId, content) {
  const started = performance.now();
  const answer = await api("POST", `/calls/${callId}/note`, { token, json: { content } });
  return { ...answer, started, answered: performance.now() };
}

const noteOf = (event) => event.data && Array.isArray(event.data.notes) && event.data.notes[0] && event.data.notes[0].content;

async function main() {
  console.log(`pusher-js ${PUSHER_JS_VERSION} against ${options.base} (app key ${options.key})`);

  // 1. One client, as the Aircall document's reader would write it.
  const login = await api("POST", "/auth/login", { json: { username: "pusher-js", password: "pusher-js" } });
  if (!check(login.status === 201 && login.body.access_token, `login answered ${login.status}`)) return;
  const token = login.body.access_token;
  const page = await api("GET", "/calls?offset=0&limit=1", { token });
  if (!check(page.status === 200 && page.body.nodes.length === 1, "a demo call to write notes on")) return;
  const callId = page.body.nodes[0].id;

  const events = [];
  const reader = client(token);
  const subscribed = await Promise.race([subscribe(reader, events), sleep(5000).then(() => "timed out")]);
  if (!check(subscribed === "succeeded", `subscribed to ${CHANNEL} through /pusher/auth (${JSON.stringify(subscribed)})`)) return;
  const readerSocket = reader.connection.socket_id;

  // 2. Forged authorizations, while the reader listens: refused, and deaf.
  const forgedEvents = [[], []];
  const madeUp = client(token, (params, callback) =>
    callback(null, { auth: `${options.key}:${"0".repeat(64)}` }));
  const signedForOther = await api("POST", "/pusher/auth", { token, json: { socket_id: readerSocket, channel_name: CHANNEL } });
  check(signedForOther.status === 200, "/pusher/auth signed the reader's socket");
  const replayed = client(token, (params, callback) => callback(null, { auth: signedForOther.body.auth }));
  const refusals = await Promise.all([
    Promise.race([subscribe(madeUp, forgedEvents[0]), sleep(5000).then(() => "timed out")]),
    Promise.race([subscribe(replayed, forgedEvents[1]), sleep(5000).then(() => "timed out")]),
  ]);
  for (const [name, refusal] of [["a made-up signature", refusals[0]], ["another socket's signature", refusals[1]]]) {
    check(
      refusal && refusal.error && refusal.error.status === 401 && refusal.error.type === "AuthError",
      `${name} is refused with pusher:subscription_error (${JSON.stringify(refusal)})`,
    );
  }

  const content = `pusher-js ${Date.now()}`;
  const note = await addNote(token, callId, content);
  check(note.status === 201, `the note is added (${note.status})`);
  const got = await until(() => events.find((e) => noteOf(e) === content), 5000);
  if (check(got, `update-call with the note reached the reader`)) {
    // The event may arrive before Node has read the answer: both are said.
    const after = got.at - note.answered;
    check(after <= DELIVERY_LIMIT_MS, `within ${DELIVERY_LIMIT_MS} ms of the answer: ${(got.at - note.started).toFixed(1)} ms after the request was sent, whose answer took ${(note.answered - note.started).toFixed(1)} ms`);
    check(got.data.id === callId, "the event is the call");
  }
  await sleep(300);
  check(forgedEvents.every((list) => list.length === 0), "the refused clients received no event");
  for (const pusher of [reader, madeUp, replayed]) pusher.disconnect();

  // 3. Fan-out to many subscribers at once.
  const count = options.subscribers;
  const clients = [];
  const received = [];
  const joining = [];
  for (let i = 0; i < count; i++) {
    const list = [];
    received.push(list);
    const pusher = client(token);
    clients.push(pusher);
    joining.push(Promise.race([subscribe(pusher, list), sleep(20000).then(() => "timed out")]));
  }
  const joined = await Promise.all(joining);
  const succeeded = joined.filter((j) => j === "succeeded").length;
  if (!check(succeeded === count, `${succeeded} of ${count} pusher-js clients subscribed`)) {
    clients.forEach((c) => c.disconnect());
    return;
  }

  // Times from the moment the note's request is sent: the event is
  // published after the answer, yet often reaches Node before the answer
  // has been read.
  const firsts = [];
  const lasts = [];
  const answers = [];
  for (let round = 1; round <= options.rounds; round++) {
    const text = `fan-out ${round} ${Date.now()}`;
    const answer = await addNote(token, callId, text);
    if (!check(answer.status === 201, `round ${round}: the note is added`)) break;
    const all = await until(() => received.every((list) => list.some((e) => noteOf(e) === text)), 10000);
    await sleep(200); // time for a duplicate to show
    const times = received.map((list) => list.filter((e) => noteOf(e) === text).map((e) => e.at - answer.started));
    const once = times.filter((t) => t.length === 1).length;
    if (!check(all && once === count, `round ${round}: each of ${count} clients received the event exactly once (${once} did)`)) break;
    const flat = times.map((t) => t[0]);
    const first = Math.min(...flat);
    const last = Math.max(...flat);
    const took = answer.answered - answer.started;
    firsts.push(first);
    lasts.push(last);
    answers.push(took);
    console.log(`   round ${round}: first ${first.toFixed(1)} ms, last ${last.toFixed(1)} ms after the note was sent; its answer took ${took.toFixed(1)} ms`);
  }
  clients.forEach((c) => c.disconnect());
  if (firsts.length === options.rounds) {
    console.log(`fan-out to ${count} subscribers, median of ${options.rounds} rounds: first ${median(firsts).toFixed(1)} ms, last ${median(lasts).toFixed(1)} ms after the note was sent (its answer: ${median(answers).toFixed(1)} ms)`);
    check(median(lasts) - median(answers) <= DELIVERY_LIMIT_MS, `the last of ${count} subscribers has it within ${DELIVERY_LIMIT_MS} ms of the answer (median)`);
  }
}

try {
  await main();
} catch (error) {
  failures++;
  console.error("FAILED:", error);
}
if (failures > 0) {
  console.error(`${failures} check(s) failed`);
  process.exit(1);
}
console.log("all realtime checks passed");
process.exit(0);
