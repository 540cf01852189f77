#!/usr/bin/env node
// The example's upstream services: a small HTTP server (node:http, no framework) standing in for the remote
// APIs a real quoting service calls: exchange rates, tax rates, a customer directory and a fraud-scoring
// service. Its answers are deterministic (derived from the request), so a request through the agent can
// be compared with a direct call.
//
// Why a separate process with a latency: a remote API's round trip is tens of milliseconds that the
// caller's CPU does not spend (the network, the other service's own work). This server models that by
// holding each response for `--latency-ms` (a timer here, in this process) before answering. Nothing in the
// example's codelets sleeps: they make real HTTP calls and really wait for the answer.
//
//   node examples/upstream/server.mjs [--port 0] [--host 127.0.0.1] [--latency-ms 40]
//
// `--port 0` (the default) takes a free port. When listening it prints one JSON line:
//   {"url":"http://127.0.0.1:PORT","latencyMs":40,"pid":123}
// Endpoints (JSON; every one but /healthz answers after the latency):
//   GET  /healthz
//   GET  /v1/rates?base=EUR                → {base, rates: {USD: 1.08, …}}
//   GET  /v1/tax-rates                     → {rates: {central: 0.2, …}} (VAT by region)
//   POST /v1/customers/lookup {ids: [...]} → {customers: {id: {id, tier, currency, creditLimit}}}
//   POST /v1/fraud/scores {orders: [{id, customer, items}]} → {scores: {orderId: score}}
// Bad input gets 400 with {error} naming the field; unknown paths 404.
import http from 'node:http';
import { parseArgs } from 'node:util';

/** Round-trip time of a remote API in the same region, as a default: tens of milliseconds. */
const DEFAULT_LATENCY_MS = 40;
const MAX_BODY_BYTES = 1 << 20;

const CURRENCIES = ['USD', 'GBP', 'CHF', 'SEK', 'NOK', 'DKK', 'PLN', 'CZK', 'JPY', 'CAD', 'AUD', 'NZD'];
const REGION_TAX = { central: 0.2, west: 0.19, north: 0.25, south: 0.22, east: 0.21 };
const TIERS = ['standard', 'silver', 'gold', 'platinum'];

/** FNV-1a: a small stable hash, so every answer follows from the request alone. */
function hash(text) {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}
const unit = (text) => hash(text) / 2 ** 32;

function rates(base) {
  const out = {};
  for (const c of CURRENCIES) if (c !== base) out[c] = Math.round((0.05 + 2 * unit(`${base}/${c}`)) * 10_000) / 10_000;
  if (base !== 'EUR') out.EUR = Math.round((0.5 + unit(`${base}/EUR`)) * 10_000) / 10_000;
  return { base, rates: out };
}

function customer(id) {
  return {
    id,
    tier: TIERS[hash(`tier:${id}`) % TIERS.length],
    currency: hash(`cur:${id}`) % 3 === 0 ? 'EUR' : CURRENCIES[hash(`ccy:${id}`) % CURRENCIES.length],
    creditLimit: 500 + (hash(`limit:${id}`) % 20) * 250,
  };
}

class BadRequest extends Error {}

function field(body, name, check, what) {
  if (!body || typeof body !== 'object' || !check(body[name])) throw new BadRequest(`body.${name} must be ${what}`);
  return body[name];
}

const routes = {
  'GET /v1/rates': (url) => {
    const base = url.searchParams.get('base') ?? 'EUR';
    if (!/^[A-Z]{3}$/.test(base)) throw new BadRequest(`query base must be a 3-letter currency code, not "${base}"`);
    return rates(base);
  },
  'GET /v1/tax-rates': () => ({ rates: REGION_TAX }),
  'POST /v1/customers/lookup': (_url, body) => {
    const ids = field(body, 'ids', (v) => Array.isArray(v) && v.every((x) => typeof x === 'string'), 'an array of strings');
    return { customers: Object.fromEntries([...new Set(ids)].sort().map((id) => [id, customer(id)])) };
  },
  'POST /v1/fraud/scores': (_url, body) => {
    const orders = field(body, 'orders', (v) => Array.isArray(v) && v.every((o) => o && typeof o.id === 'string' && typeof o.customer === 'string' && Array.isArray(o.items)), 'an array of orders {id, customer, items}');
    // Larger orders score higher; the hash of order and customer keeps each score deterministic.
    const score = (o) => {
      const amount = o.items.reduce((sum, i) => sum + Number(i.quantity) * Number(i.price), 0);
      return Math.round(Math.min(1, unit(`${o.id}|${o.customer}`) * 0.8 + Math.min(0.2, amount / 10_000)) * 1000) / 1000;
    };
    return { scores: Object.fromEntries(orders.map((o) => [o.id, score(o)])) };
  },
};

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', (c) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) reject(new BadRequest(`body larger than ${MAX_BODY_BYTES} bytes`));
      else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res, status, value) {
  const text = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function createUpstream({ latencyMs = DEFAULT_LATENCY_MS } = {}) {
  return http.createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://upstream');
    if (req.method === 'GET' && url.pathname === '/healthz') return send(res, 200, { ok: true });
    const route = routes[`${req.method} ${url.pathname}`];
    if (!route) return send(res, 404, { error: `no route ${req.method} ${url.pathname}` });
    let status = 200;
    let answer;
    try {
      const text = req.method === 'POST' ? await readBody(req) : '';
      let body;
      if (text) {
        try {
          body = JSON.parse(text);
        } catch (error) {
          throw new BadRequest(`body is not JSON: ${error.message}`);
        }
      }
      answer = route(url, body);
    } catch (error) {
      if (!(error instanceof BadRequest)) throw error;
      status = 400;
      answer = { error: error.message };
    }
    // The remote round trip: this process holds the answer; the caller's CPU is free meanwhile.
    setTimeout(() => send(res, status, answer), latencyMs);
  });
}

function main() {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      host: { type: 'string', default: '127.0.0.1' },
      'latency-ms': { type: 'string', default: String(DEFAULT_LATENCY_MS) },
    },
  });
  const port = Number(values.port);
  const latencyMs = Number(values['latency-ms']);
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port must be an integer 0–65535, not "${values.port}"`);
  if (!Number.isFinite(latencyMs) || latencyMs < 0) fail(`--latency-ms must be a number ≥ 0, not "${values['latency-ms']}"`);
  const server = createUpstream({ latencyMs });
  // Keep-alive connections from the callers' pools outlive single requests; keep them open a while.
  server.keepAliveTimeout = 30_000;
  server.listen(port, values.host, () => {
    const { port: bound } = server.address();
    process.stdout.write(JSON.stringify({ url: `http://${values.host}:${bound}`, latencyMs, pid: process.pid }) + '\n');
  });
  const stop = () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

function fail(message) {
  process.stderr.write(`upstream: ${message}\n`);
  process.exit(2);
}

main();
