// Reads the Upcall API's answers, as served by a running worker, with two
// JSON:API libraries no one here wrote: jsonapi-validator (the JSON:API 1.0
// schema, checked by ajv) and jsona (a client's deserializer). Exits 1 on the
// first complaint. scripts/test runs it against `wrangler dev`:
//
//   node tests/jsonapi/check.mjs BASE_URL AUTH_TOKEN

import assert from 'node:assert/strict';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { Validator } = require('jsonapi-validator');
const { Jsona } = require('jsona');

const [base, token] = process.argv.slice(2);
if (!base || !token) {
  console.error('usage: node tests/jsonapi/check.mjs BASE_URL AUTH_TOKEN');
  process.exit(2);
}

const validator = new Validator();
const jsona = new Jsona();

function valid(name, document) {
  try {
    validator.validate(document);
  } catch (error) {
    console.error(`${name}: not valid JSON:API`, JSON.stringify(error.errors ?? error.message, null, 2));
    process.exit(1);
  }
}

async function get(path, status = 200) {
  const response = await fetch(`${base}${path}`);
  assert.equal(response.status, status, `${path}: status`);
  assert.equal(response.headers.get('content-type'), 'application/vnd.api+json', `${path}: media type`);
  return response.json();
}

// The validator is live: a resource with a numeric id is refused.
assert.equal(validator.isValid({ data: { id: 1, type: 'campaigns', attributes: {} } }), false);

const checked = [];
const list = await get(`/api/v1/campaigns?auth_token=${token}&page%5Bsize%5D=2`);
valid('a page of campaigns', list);
checked.push('a page of campaigns');
const models = jsona.deserialize(list);
assert.equal(models.length, 2);
assert.equal(typeof models[0].name, 'string');
assert.equal(models[0].type, 'campaigns');

// Follow the links, as a client does, to the last page.
const last = await get(new URL(list.links.last).pathname + new URL(list.links.last).search);
valid('the last page', last);
checked.push('the last page');
assert.equal(last.links.next, undefined);

const one = await get(`/api/v1/campaigns/${models[0].id}?auth_token=${token}`);
valid('one campaign', one);
checked.push('one campaign');
assert.equal(jsona.deserialize(one).id, models[0].id);

const filtered = await get(`/api/v1/campaigns?auth_token=${token}&status=archived`);
valid('a filtered list', filtered);
checked.push('a filtered list');

const empty = await get(`/api/v1/campaigns?auth_token=${token}&name=nobody`);
valid('an empty list', empty);
checked.push('an empty list');
assert.deepEqual(jsona.deserialize(empty), []);

// Every other resource type, listed and alone.
for (const [name, path] of [
  ['the numbers', '/api/v1/numbers'],
  ['one number', '/api/v1/numbers/301'],
  ["a campaign's numbers", '/api/v1/campaigns/101/numbers'],
  ['the calls', '/api/v1/calls'],
  ['one call', '/api/v1/calls/501'],
  ["a campaign's calls", '/api/v1/campaigns/101/numbers/calls'],
  ['the credits', '/api/v1/credits'],
]) {
  const separator = path.includes('?') ? '&' : '?';
  const document = await get(`${path}${separator}auth_token=${token}`);
  valid(name, document);
  const read = jsona.deserialize(document);
  assert.ok(Array.isArray(document.data) ? read.length > 0 : read.id, `${name}: jsona read nothing`);
  checked.push(name);
}

console.log(`jsonapi: ${checked.length} answers valid for jsonapi-validator and read by jsona (${checked.join(', ')})`);
