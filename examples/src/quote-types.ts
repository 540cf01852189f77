// The shapes of the quoting service's data: what the upstream services answer and what a quote run returns.
import type { Order } from './types';

/** One batch of orders to quote (a slice of data/orders.json). */
export interface OrderBatch {
  batch: number;
  orders: Order[];
  /** The ids of the batch's customers, each once, sorted. */
  customers: string[];
}

/** Units of each currency per one unit of `base`. */
export interface ExchangeRates {
  base: string;
  rates: Record<string, number>;
}

/** VAT by region. */
export type TaxRates = Record<string, number>;

export interface Customer {
  id: string;
  tier: 'standard' | 'silver' | 'gold' | 'platinum';
  currency: string;
  creditLimit: number;
}

/** Fraud score per order id, 0 (fine) to 1 (certain fraud). */
export type FraudScores = Record<string, number>;

export interface QuoteReport {
  batch: number;
  quoted: number;
  /** Orders held back: fraud score too high or over the customer's credit limit. */
  held: { id: string; reason: 'fraud' | 'credit' }[];
  /** Sum of accepted quotes (tax included) per customer currency, rounded to cents. */
  totalsByCurrency: Record<string, number>;
  /** 95% value at risk of the accepted quotes over simulated exchange-rate moves, in EUR. */
  fxValueAtRisk95: number;
  /** SHA-256 over every accepted quote: a receipt that changes if any figure does. */
  digest: string;
}
