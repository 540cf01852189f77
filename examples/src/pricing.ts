// CPU: prices a batch of orders from the upstream answers (discounts by customer tier, VAT by region,
// conversion to the customer's currency), holds risky orders, and estimates the exchange-rate risk of the
// accepted quotes by simulating rate moves (a seeded Monte Carlo: the same inputs give the same figures).
import { createHash } from 'node:crypto';
import type { Customer, ExchangeRates, FraudScores, OrderBatch, QuoteReport, TaxRates } from './quote-types';
import type { Order } from './types';

const DISCOUNT: Record<Customer['tier'], number> = { standard: 0, silver: 0.03, gold: 0.06, platinum: 0.1 };
/** Orders scoring at least this are held for review. */
const FRAUD_THRESHOLD = 0.85;
/** Simulated exchange-rate scenarios for the value at risk: the compute-heavy part of pricing. */
const SCENARIOS = 5_000;
/** Ten-day volatility of a currency against the euro. */
const FX_VOLATILITY = 0.01 * Math.sqrt(10);

export function priceQuotes(batch: OrderBatch, rates: ExchangeRates, taxes: TaxRates, customers: Record<string, Customer>, scores: FraudScores): QuoteReport {
  const priced = batch.orders.map((order) => priceOrder(order, rates, taxes, customers, scores));
  const held = priced.filter((q) => q.held !== undefined).map((q) => ({ id: q.id, reason: q.held! }));
  const accepted = priced.filter((q) => q.held === undefined);
  const totalsByCurrency: Record<string, number> = {};
  const exposureEur: Record<string, number> = {};
  for (const q of accepted) {
    totalsByCurrency[q.currency] = Math.round(((totalsByCurrency[q.currency] ?? 0) + q.total) * 100) / 100;
    if (q.currency !== rates.base) exposureEur[q.currency] = (exposureEur[q.currency] ?? 0) + q.grossEur;
  }
  const digest = createHash('sha256');
  for (const q of accepted) digest.update(`${q.id}|${q.currency}|${q.total.toFixed(2)}\n`);
  return {
    batch: batch.batch,
    quoted: accepted.length,
    held,
    totalsByCurrency: Object.fromEntries(Object.entries(totalsByCurrency).sort(([a], [b]) => a.localeCompare(b))),
    fxValueAtRisk95: Math.round(valueAtRisk(Object.values(exposureEur), batch.batch) * 100) / 100,
    digest: digest.digest('hex'),
  };
}

interface PricedOrder {
  id: string;
  currency: string;
  grossEur: number;
  /** Tax included, in the customer's currency, rounded to cents. */
  total: number;
  held?: 'fraud' | 'credit';
}

function priceOrder(order: Order, rates: ExchangeRates, taxes: TaxRates, customers: Record<string, Customer>, scores: FraudScores): PricedOrder {
  const customer = customers[order.customer];
  if (!customer) throw new Error(`priceQuotes: no customer record for ${order.customer} (order ${order.id})`);
  const net = order.items.reduce((sum, i) => sum + i.quantity * i.price, 0) * (1 - DISCOUNT[customer.tier]);
  const grossEur = net * (1 + (taxes[order.region] ?? 0));
  const rate = customer.currency === rates.base ? 1 : rates.rates[customer.currency];
  if (rate === undefined) throw new Error(`priceQuotes: no exchange rate ${rates.base}→${customer.currency} (order ${order.id})`);
  const total = Math.round(grossEur * rate * 100) / 100;
  const held = (scores[order.id] ?? 1) >= FRAUD_THRESHOLD ? 'fraud' : total > customer.creditLimit ? 'credit' : undefined;
  return { id: order.id, currency: customer.currency, grossEur, total, ...(held ? { held } : {}) };
}

/** The loss (EUR) exceeded in only 5% of simulated rate moves, for receivables held in foreign currencies. */
function valueAtRisk(exposures: number[], seed: number): number {
  if (exposures.length === 0) return 0;
  const random = mulberry32(0x9e3779b9 ^ seed);
  // Each scenario moves every currency against the euro (Box–Muller: normally distributed moves).
  const loss = (): number =>
    exposures.reduce((sum, exposure) => sum + exposure * (1 - 1 / (1 + Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random()) * FX_VOLATILITY)), 0);
  const losses = Array.from({ length: SCENARIOS }, loss).sort((a, b) => a - b);
  return losses[Math.floor(SCENARIOS * 0.95)]!;
}

/** A small seeded generator: the same seed gives the same scenarios in every worker. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
