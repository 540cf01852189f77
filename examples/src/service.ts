// The request handler: loads orders and events (independent I/O), then summarises orders, fingerprints and
// indexes events (three independent computations) while archiving the events durably (I/O that waits on
// the disk), and returns the report.
import { archiveEvents } from './archive';
import { fingerprintEvents } from './fingerprint';
import { loadEvents, loadOrders } from './loaders';
import { buildSearchIndex } from './search-index';
import { summariseOrders } from './aggregate';
import type { Report } from './types';
import { countOf } from './util';

export async function handleReport(dataDir: string): Promise<Report> {
  const [orders, events] = await Promise.all([loadOrders(dataDir), loadEvents(dataDir)]);
  const summary = summariseOrders(orders);
  const fingerprint = fingerprintEvents(events);
  const index = buildSearchIndex(events);
  const archive = await archiveEvents(dataDir, events);
  const orderCount = countOf(orders);
  const eventCount = countOf(events);
  return { summary, fingerprint, index, archive, generatedFrom: { orders: orderCount, events: eventCount } };
}
