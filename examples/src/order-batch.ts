// I/O: reads one batch of orders to quote from data/orders.json. The folder may be relative to the
// current directory.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Order } from './types';
import type { OrderBatch } from './quote-types';

/** Orders per quote batch. */
const BATCH_SIZE = 40;

export async function loadOrderBatch(dataDir: string, batch: number): Promise<OrderBatch> {
  if (!Number.isInteger(batch) || batch < 0) throw new RangeError(`loadOrderBatch: batch must be an integer ≥ 0, not ${batch}`);
  const orders = JSON.parse(await readFile(path.resolve(dataDir, 'orders.json'), 'utf8')) as Order[];
  const batches = Math.ceil(orders.length / BATCH_SIZE);
  const first = (batch % batches) * BATCH_SIZE;
  const slice = orders.slice(first, first + BATCH_SIZE);
  return { batch, orders: slice, customers: [...new Set(slice.map((o) => o.customer))].sort() };
}
