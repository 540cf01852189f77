// The quoting handler: loads a batch of orders while fetching exchange and tax rates from the upstream
// services (three independent waits), then looks up the batch's customers and scores it for fraud (two
// more independent upstream calls), and prices the quotes (CPU) from all of it.
import { loadOrderBatch } from './order-batch';
import { priceQuotes } from './pricing';
import type { QuoteReport } from './quote-types';
import { fetchCustomers, fetchExchangeRates, fetchFraudScores, fetchTaxRates } from './upstream';

export async function handleQuotes(dataDir: string, upstreamUrl: string, batch: number): Promise<QuoteReport> {
  const [orders, rates, taxes] = await Promise.all([loadOrderBatch(dataDir, batch), fetchExchangeRates(upstreamUrl), fetchTaxRates(upstreamUrl)]);
  const [customers, scores] = await Promise.all([fetchCustomers(upstreamUrl, orders), fetchFraudScores(upstreamUrl, orders)]);
  const report = priceQuotes(orders, rates, taxes, customers, scores);
  return report;
}
