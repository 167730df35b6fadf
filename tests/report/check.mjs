// Opens an HTML report of the conformance harness (conformance/src/html.rs)
// in Debian's Chromium, headless, through playwright-core, and checks it as a
// reader sees it: the summary's counts against the expectations given and
// against the report's JSON embedded in the page, the case rows, a failure's
// difference rows, the outcome, API and search filters and the "N of M cases
// shown" line, and that the page holds no markup from the report (only its
// own two scripts, no images or frames). Every request other than file: and
// data: is refused and counted, and any counts as a failure: the check also
// proves that the page needs no network. Usage:
//
//   node tests/report/check.mjs REPORT.html [options]
//
// Options (each expectation is checked only when given):
//   --expect-total N            the page shows N cases in all
//   --expect-fail N             ... N of them failing (verdict fail)
//   --expect VERDICT=N          ... N of verdict VERDICT (pass, fail, skipped,
//                               harness_error, missing_snapshot,
//                               expected_failure, unexpected_pass); repeatable
//   --expect-api API=N          ... N cases of API; repeatable
//   --expect-failure-path PATH  a failing case's difference table has a
//                               visible row at JSON path PATH (e.g.
//                               '$.body.notes[0].content'); repeatable
//   --search TEXT               what to type in the search box (default: the
//                               name part of the first case's id)
//   --screenshot FILE           a PNG of the page in a 1280x900 window, after
//                               the checks, all filters reset
//   --full-page                 the screenshot holds the whole page, not only
//                               the first screen
//   --narrow-screenshot FILE    a PNG of the first screen in a 390x844 window
//   --chromium PATH             the browser (default /usr/bin/chromium, which
//                               scripts/toolchain.sh's ensure_chromium installs)
//
// Exits 0 when every check passes, printing one line of what it verified;
// 1 with a message on the first failed check; 2 on bad usage.
//
// The page of tests/report/sample-report.json (or, with
// CONFORMANCE_HTML_SAMPLE_JSON=FILE, of that report), then its check:
//
//   CONFORMANCE_HTML_SAMPLE=$PWD/target/report-sample.html \
//     cargo test -p conformance --lib html::tests::sample_report
//   node tests/report/check.mjs target/report-sample.html --expect-total 10 \
//     --expect-fail 1 --expect-failure-path '$.body.notes[0].content' \
//     --screenshot target/report-sample.png

import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

import { chromium } from 'playwright-core';

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

// The verdicts that are not a problem; any other one needs attention
// (the page's "Only problems" preset keeps those).
const NOT_PROBLEMS = new Set(['pass', 'expected_failure', 'skipped']);

const USAGE = `usage: node tests/report/check.mjs REPORT.html [--expect-total N] [--expect-fail N]
  [--expect VERDICT=N]... [--expect-api API=N]... [--expect-failure-path PATH]...
  [--search TEXT] [--screenshot FILE [--full-page]] [--narrow-screenshot FILE] [--chromium PATH]`;

function usage(message) {
  console.error(`check.mjs: ${message}\n${USAGE}`);
  process.exit(2);
}

function count(text, flag) {
  if (!/^\d+$/.test(text ?? '')) usage(`${flag} wants a count, not ${JSON.stringify(text)}`);
  return Number(text);
}

function pair(text, flag) {
  const at = (text ?? '').lastIndexOf('=');
  if (at <= 0) usage(`${flag} wants NAME=N, not ${JSON.stringify(text)}`);
  return [text.slice(0, at), count(text.slice(at + 1), flag)];
}

function parse(argv) {
  const options = {
    file: null,
    verdicts: new Map(),
    apis: new Map(),
    total: null,
    paths: [],
    search: null,
    screenshot: null,
    fullPage: false,
    narrow: null,
    chromium: '/usr/bin/chromium',
  };
  for (let i = 0; i < argv.length; i += 1) {
    const flag = argv[i];
    const value = () => {
      i += 1;
      if (i >= argv.length) usage(`${flag} wants a value`);
      return argv[i];
    };
    switch (flag) {
      case '--expect-total': options.total = count(value(), flag); break;
      case '--expect-fail': options.verdicts.set('fail', count(value(), flag)); break;
      case '--expect': options.verdicts.set(...pair(value(), flag)); break;
      case '--expect-api': options.apis.set(...pair(value(), flag)); break;
      case '--expect-failure-path': options.paths.push(value()); break;
      case '--search': options.search = value(); break;
      case '--screenshot': options.screenshot = value(); break;
      case '--full-page': options.fullPage = true; break;
      case '--narrow-screenshot': options.narrow = value(); break;
      case '--chromium': options.chromium = value(); break;
      case '-h':
      case '--help': console.log(USAGE); process.exit(0); break;
      default:
        if (flag.startsWith('-') || options.file) usage(`unknown argument ${flag}`);
        options.file = flag;
    }
  }
  if (!options.file) usage('no report given');
  if (!existsSync(options.file)) usage(`no such file: ${options.file}`);
  if (!existsSync(options.chromium)) {
    usage(`no browser at ${options.chromium} (scripts/toolchain.sh: ensure_chromium installs it)`);
  }
  return options;
}

class CheckFailed extends Error {}

function check(condition, message) {
  if (!condition) throw new CheckFailed(message);
}

function same(actual, expected, what) {
  check(actual === expected, `${what}: expected ${expected}, the page has ${actual}`);
}

// The report's cases as the page reads them (html.rs, CaseView::read):
// objects only; the API from "api" or the id's first segment; the verdict
// "unknown" when absent.
function readCases(report) {
  const text = (value) => {
    if (value === undefined || value === null) return null;
    const s = typeof value === 'string' ? value : JSON.stringify(value);
    return s.trim() === '' ? null : s;
  };
  const list = Array.isArray(report?.cases) ? report.cases : [];
  return list
    .filter((c) => c !== null && typeof c === 'object' && !Array.isArray(c))
    .map((c, i) => {
      const id = text(c.id) ?? `case ${i + 1}`;
      const slash = id.indexOf('/');
      const api = text(c.api) ?? (slash > 0 ? id.slice(0, slash) : 'unknown');
      const title = text(c.title) ?? '';
      const from = text(c.from);
      return {
        id,
        api,
        verdict: text(c.verdict) ?? 'unknown',
        haystack: [id, title, from].filter((s) => s).join(' ').toLowerCase(),
        differences: (Array.isArray(c.problems) ? c.problems : []).filter(
          (p) => p && typeof p === 'object' && !Array.isArray(p)
            && (p.problem !== undefined ? p.problem === 'differs' : p.path !== undefined && p.against !== undefined),
        ).length,
      };
    });
}

function tally(cases, key) {
  const counts = new Map();
  for (const c of cases) counts.set(c[key], (counts.get(c[key]) ?? 0) + 1);
  return counts;
}

function matches(c, search) {
  return search.toLowerCase().split(/\s+/).filter(Boolean).every((t) => c.haystack.includes(t));
}

// What the page shows now: the visible case rows and the count line.
async function shown(page) {
  return page.evaluate(() => {
    const rows = [...document.querySelectorAll('#case-list > li.case')];
    const visible = rows.filter((el) => !el.hidden && el.getClientRects().length > 0);
    return {
      ids: visible.map((el) => el.getAttribute('data-id')),
      verdicts: visible.map((el) => el.getAttribute('data-verdict')),
      apis: visible.map((el) => el.getAttribute('data-api')),
      line: document.getElementById('case-count').textContent.replace(/\s+/g, ' ').trim(),
      empty: !document.getElementById('no-cases').hidden,
    };
  });
}

function sameIds(actual, expected, what) {
  const a = [...actual].sort();
  const e = [...expected].sort();
  check(
    a.length === e.length && a.every((id, i) => id === e[i]),
    `${what}: expected ${e.length} cases (${e.slice(0, 5).join(', ')}${e.length > 5 ? ', ...' : ''}), `
      + `the page shows ${a.length} (${a.slice(0, 5).join(', ')}${a.length > 5 ? ', ...' : ''})`,
  );
}

async function setVerdicts(page, keep) {
  for (const box of await page.locator('#filters input[data-filter="verdict"]').all()) {
    const value = await box.getAttribute('value');
    await box.setChecked(keep(value));
  }
}

async function run(options, browser, blocked, errors) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, serviceWorkers: 'block' });
  const allowed = (url) => url.startsWith('file:') || url.startsWith('data:');
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (allowed(url)) return route.continue();
    blocked.add(url);
    return route.abort('blockedbyclient');
  });
  context.on('request', (request) => {
    if (!allowed(request.url())) blocked.add(request.url());
  });
  const page = await context.newPage();
  page.on('pageerror', (error) => errors.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console error: ${message.text()}`);
  });

  const url = pathToFileURL(resolve(options.file)).href;
  await page.goto(url, { waitUntil: 'load' });
  const offline = () => check(
    blocked.size === 0,
    `the page asked for ${blocked.size} non-file URL(s), refused: ${[...blocked].join(', ')}`,
  );
  offline();
  check(errors.length === 0, errors.join('; '));

  // The report embedded in the page, read as the page reads it.
  const embedded = await page.locator('script#report-data[type="application/json"]').textContent();
  check(embedded !== null, 'no embedded report (script#report-data)');
  let report;
  try {
    report = JSON.parse(embedded);
  } catch (error) {
    throw new CheckFailed(`the embedded report is not JSON: ${error.message}`);
  }
  const cases = readCases(report);
  const byVerdict = tally(cases, 'verdict');
  const byApi = tally(cases, 'api');

  // Only the page's own markup: two inline scripts, inline style, nothing loaded.
  const markup = await page.evaluate(() => ({
    scripts: document.scripts.length,
    external: [...document.querySelectorAll('script[src], link, img, iframe, frame, object, embed, video, audio, source, image, base')]
      .map((el) => el.outerHTML.slice(0, 80)),
    sheets: [...document.styleSheets].filter((s) => s.href !== null).length,
    handlers: [...document.querySelectorAll('*')].filter((el) => [...el.attributes].some(
      (a) => a.name.startsWith('on'),
    )).length,
  }));
  same(markup.scripts, 2, 'script elements (the embedded report and the page\'s own)');
  check(markup.external.length === 0, `elements that load or embed something: ${markup.external.join(' ')}`);
  same(markup.sheets, 0, 'external style sheets');
  same(markup.handlers, 0, 'elements with an inline event handler');

  // The summary table: every cell against the embedded report.
  const cells = await page.evaluate(() => [...document.querySelectorAll('#summary-table tr[data-api]')].map((tr) => ({
    api: tr.getAttribute('data-api'),
    counts: Object.fromEntries([...tr.querySelectorAll('td[data-verdict]')].map(
      (td) => [td.getAttribute('data-verdict'), td.textContent.trim()],
    )),
  })));
  const rows = new Map(cells.map((row) => [row.api, row.counts]));
  check(rows.has('all'), 'the summary has no total row (tr[data-api="all"])');
  const all = rows.get('all');
  for (const [verdict, n] of Object.entries(all)) {
    check(/^\d+$/.test(n), `summary all/${verdict}: not a count: ${JSON.stringify(n)}`);
  }
  const cell = (api, verdict) => Number(rows.get(api)?.[verdict] ?? 0);
  sameIds([...rows.keys()].filter((a) => a !== 'all'), [...byApi.keys()], 'the summary\'s API rows');
  for (const api of [...byApi.keys(), 'all']) {
    const mine = api === 'all' ? cases : cases.filter((c) => c.api === api);
    const verdicts = tally(mine, 'verdict');
    let sum = 0;
    for (const verdict of Object.keys(rows.get(api))) {
      if (verdict === 'total') continue;
      same(cell(api, verdict), verdicts.get(verdict) ?? 0, `summary ${api}/${verdict} against the embedded report`);
      sum += cell(api, verdict);
    }
    for (const verdict of verdicts.keys()) {
      check(verdict in rows.get(api), `the summary has no ${verdict} column`);
    }
    same(cell(api, 'total'), mine.length, `summary ${api}/total`);
    same(sum, mine.length, `the sum of summary ${api}'s counts`);
  }
  const totals = report?.totals && typeof report.totals === 'object' ? report.totals : {};
  for (const [verdict, n] of Object.entries(totals)) {
    if (typeof n === 'number') same(cell('all', verdict), n, `summary all/${verdict} against the report's totals`);
  }

  // The expectations given.
  const total = cell('all', 'total');
  if (options.total !== null) same(total, options.total, 'cases in all');
  for (const [verdict, n] of options.verdicts) same(cell('all', verdict), n, `${verdict} cases`);
  for (const [api, n] of options.apis) same(cell(api, 'total'), n, `${api} cases`);

  // The case rows, all shown at first.
  const start = await shown(page);
  same(start.ids.length, total, 'case rows shown at first');
  same(start.line, `${total} of ${total} cases shown`, 'the count line');
  for (const [verdict, n] of byVerdict) {
    same(start.verdicts.filter((v) => v === verdict).length, n, `${verdict} case rows`);
  }

  // The differences: as many rows as the report has, and the paths asked for.
  const differenceRows = await page.locator('#case-list table.diff tbody tr').count();
  same(differenceRows, cases.reduce((n, c) => n + c.differences, 0), 'difference rows');
  for (const path of options.paths) {
    const cellsAt = page.locator('#case-list > li.case[data-verdict="fail"] table.diff td.path code')
      .filter({ hasText: new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) });
    const n = await cellsAt.count();
    check(n > 0, `no failing case has a difference row at ${path}`);
    check(await cellsAt.first().isVisible(), `the difference row at ${path} is not visible (its case is not open)`);
  }

  // The outcome filter: only one outcome (fail if there is one).
  const target = (byVerdict.get('fail') ?? 0) > 0
    ? 'fail'
    : [...byVerdict.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
  const verified = [];
  if (target !== undefined) {
    await setVerdicts(page, (v) => v === target);
    const only = await shown(page);
    check(only.verdicts.every((v) => v === target), `outcome filter ${target}: rows of other outcomes remain visible`);
    same(only.ids.length, byVerdict.get(target), `rows shown with only ${target} checked`);
    same(only.line, `${byVerdict.get(target)} of ${total} cases shown`, `the count line with only ${target} checked`);

    await page.click('#only-problems');
    const problems = cases.filter((c) => !NOT_PROBLEMS.has(c.verdict));
    const after = await shown(page);
    sameIds(after.ids, problems.map((c) => c.id), '"Only problems"');
    same(after.line, `${problems.length} of ${total} cases shown`, 'the count line with only problems');
    check(after.empty === (problems.length === 0), 'the "no case matches" line with only problems');

    await page.click('#all-verdicts');
    same((await shown(page)).line, `${total} of ${total} cases shown`, 'the count line after "All outcomes"');
    verified.push(`outcome filter (${target}, problems)`);
  }

  // The API filter: only the first API.
  const firstApi = [...byApi.keys()][0];
  if (firstApi !== undefined) {
    for (const box of await page.locator('#filters input[data-filter="api"]').all()) {
      await box.setChecked((await box.getAttribute('value')) === firstApi);
    }
    const only = await shown(page);
    check(only.apis.every((a) => a === firstApi), `API filter ${firstApi}: rows of other APIs remain visible`);
    same(only.line, `${byApi.get(firstApi)} of ${total} cases shown`, `the count line with only ${firstApi}`);
    await page.click('#all-apis');
    verified.push('API filter');
  }

  // A count of the summary, clicked: that API's cases of that outcome.
  const link = page.locator('#summary-table tbody td[data-verdict]:not([data-verdict="total"]) a').first();
  if ((await link.count()) > 0) {
    const api = await link.getAttribute('data-show-api');
    const verdict = await link.getAttribute('data-show-verdict');
    await link.click();
    const only = await shown(page);
    const want = cases.filter((c) => c.api === api && c.verdict === verdict);
    sameIds(only.ids, want.map((c) => c.id), `the summary's ${api}/${verdict} link`);
    await page.click('#reset-filters');
    verified.push('summary links');
  }

  // The search box, typed into.
  const search = options.search ?? (cases[0] ? cases[0].id.split('/').pop() : null);
  if (search) {
    await page.keyboard.press('Escape');
    await page.locator('body').press('/');
    same(await page.evaluate(() => document.activeElement?.id), 'search', 'the element "/" focuses');
    await page.locator('#search').pressSequentially(search);
    const found = await shown(page);
    const want = cases.filter((c) => matches(c, search));
    sameIds(found.ids, want.map((c) => c.id), `search ${JSON.stringify(search)}`);
    same(found.line, `${want.length} of ${total} cases shown`, `the count line after searching ${JSON.stringify(search)}`);
    check(want.length > 0 || options.search !== null, `search ${JSON.stringify(search)} found nothing`);

    await page.locator('#search').fill('zz-no-such-case-zz');
    const none = await shown(page);
    same(none.ids.length, 0, 'rows shown for a search that matches nothing');
    check(none.empty, 'no "no case matches" line for a search that matches nothing');
    await page.click('#reset-filters');
    same((await shown(page)).line, `${total} of ${total} cases shown`, 'the count line after "Reset"');
    verified.push(`search ${JSON.stringify(search)} (${want.length} found)`);
  }

  // Narrow window: nothing wider than the screen.
  await page.setViewportSize({ width: 390, height: 844 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  check(overflow <= 0, `at 390 px wide, the page is ${overflow} px wider than the window`);
  if (options.narrow) {
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: options.narrow });
  }
  await page.setViewportSize({ width: 1280, height: 900 });
  if (options.screenshot) {
    // With failures, the picture shows them: only the problems, opened,
    // in a window tall enough for a failure's differences and its lines.
    if (cell('all', 'fail') > 0) {
      await page.click('#only-problems');
      await page.setViewportSize({ width: 1280, height: 1500 });
    }
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: options.screenshot, fullPage: options.fullPage });
    await page.click('#reset-filters');
  }

  offline();
  check(errors.length === 0, errors.join('; '));
  await context.close();

  const fails = cell('all', 'fail');
  const shots = [options.screenshot, options.narrow].filter(Boolean);
  return `report check OK: ${options.file}: ${total} cases over ${byApi.size} APIs (${fails} failing); `
    + `summary = case rows = embedded JSON${Object.keys(totals).length ? ' = totals' : ''}; `
    + `${differenceRows} difference rows${options.paths.length ? ` incl. ${options.paths.join(', ')}` : ''}; `
    + `${verified.join(', ')}; fits 390 px; no markup from the report; 0 requests beyond file:`
    + `${shots.length ? `; screenshot ${shots.join(', ')}` : ''}`;
}

const options = parse(process.argv.slice(2));
const blocked = new Set();
const errors = [];
let browser;
let code = 0;
try {
  browser = await chromium.launch({ executablePath: options.chromium, headless: true, args: CHROMIUM_ARGS });
  console.log(await run(options, browser, blocked, errors));
} catch (error) {
  code = 1;
  if (error instanceof CheckFailed) {
    console.error(`check.mjs: ${options.file}: ${error.message}`);
  } else {
    console.error(`check.mjs: ${options.file}: the check could not run: ${error.stack ?? error}`);
  }
} finally {
  await browser?.close();
}
process.exit(code);
