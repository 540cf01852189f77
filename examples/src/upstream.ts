// I/O: calls to the upstream services (exchange rates, tax rates, the customer directory, fraud scoring)
// over HTTP. Each call is one round trip; the time goes to waiting for the remote answer, not to computing.
// The upstream in this workspace is examples/upstream/server.mjs, run in its own process.
import http from 'node:http';
import https from 'node:https';
import type { Customer, ExchangeRates, FraudScores, OrderBatch, TaxRates } from './quote-types';

// node:http with a keep-alive pool rather than the global fetch: connections are reused across calls (no
// handshake per call), and a small JSON call costs ~0.13 ms of client CPU here against ~0.5 ms through
// fetch (undici's WHATWG streams) — CPU a small machine would rather spend on the work. One pool per
// module instance, i.e. per worker.
const pools = { 'http:': new http.Agent({ keepAlive: true, maxSockets: 256 }), 'https:': new https.Agent({ keepAlive: true, maxSockets: 256 }) };
/** A remote call that has not answered by then is an error, not a hang. */
const TIMEOUT_MS = 10_000;

export async function fetchExchangeRates(upstreamUrl: string): Promise<ExchangeRates> {
  return (await callUpstream('fetchExchangeRates', 'GET', upstreamUrl, '/v1/rates?base=EUR')) as ExchangeRates;
}

export async function fetchTaxRates(upstreamUrl: string): Promise<TaxRates> {
  const answer = (await callUpstream('fetchTaxRates', 'GET', upstreamUrl, '/v1/tax-rates')) as { rates: TaxRates };
  return answer.rates;
}

/** The batch's customers, by id (one lookup for all of them). */
export async function fetchCustomers(upstreamUrl: string, batch: OrderBatch): Promise<Record<string, Customer>> {
  const answer = (await callUpstream('fetchCustomers', 'POST', upstreamUrl, '/v1/customers/lookup', { ids: batch.customers })) as { customers: Record<string, Customer> };
  return answer.customers;
}

/** A fraud score for every order of the batch, by order id (one scoring call for the whole batch). */
export async function fetchFraudScores(upstreamUrl: string, batch: OrderBatch): Promise<FraudScores> {
  const answer = (await callUpstream('fetchFraudScores', 'POST', upstreamUrl, '/v1/fraud/scores', { orders: batch.orders })) as { scores: FraudScores };
  return answer.scores;
}

/** One JSON round trip; every failure names the calling codelet, the method and the URL. */
function callUpstream(codelet: string, method: 'GET' | 'POST', upstreamUrl: string, route: string, body?: unknown): Promise<unknown> {
  let url: URL;
  try {
    url = new URL(route, upstreamUrl);
  } catch {
    return Promise.reject(new TypeError(`${codelet}: upstream URL ${JSON.stringify(upstreamUrl)} is not a valid URL`));
  }
  const agent = pools[url.protocol as keyof typeof pools];
  if (!agent) return Promise.reject(new TypeError(`${codelet}: upstream URL ${url.href} must be http: or https:`));
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const what = `${codelet}: ${method} ${url.href}`;
  const options = { method, agent, timeout: TIMEOUT_MS, headers: payload === undefined ? {} : { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)) } };
  return new Promise((resolve, reject) => {
    const onAnswer = (res: http.IncomingMessage): void => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('error', (error) => reject(new Error(`${what} failed while reading the answer: ${error.message}`)));
      res.on('end', () => {
        if (res.statusCode !== 200) return reject(new Error(`${what} answered ${res.statusCode}: ${text.slice(0, 200)}`));
        try {
          resolve(JSON.parse(text));
        } catch (error) {
          reject(new Error(`${what} answered invalid JSON: ${(error as Error).message}`));
        }
      });
    };
    const send = (attempt: number): void => {
      const req = url.protocol === 'https:' ? https.request(url, options, onAnswer) : http.request(url, options, onAnswer);
      req.on('timeout', () => req.destroy(new Error(`no answer within ${TIMEOUT_MS} ms`)));
      req.on('error', (error: NodeJS.ErrnoException) => {
        // A pooled connection the server closed while it sat idle: the request never reached the server,
        // so sending it once more on a fresh connection is safe (these calls are all idempotent).
        if (req.reusedSocket && error.code === 'ECONNRESET' && attempt === 1) return send(2);
        reject(new Error(`${what} failed: ${error.code ?? error.message}${error.code ? ` (${error.message})` : ''}`));
      });
      req.end(payload);
    };
    send(1);
  });
}
