// Writes the example service's data (deterministic: the same bytes on every run).
//   node examples/scripts/generate-data.mjs
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const dataDir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'data');
let seed = 20260101;
const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
const pick = (list) => list[Math.floor(random() * list.length)];

const regions = ['north', 'south', 'east', 'west', 'central'];
const customers = Array.from({ length: 120 }, (_, i) => `c${String(i).padStart(4, '0')}`);
const orders = Array.from({ length: 800 }, (_, i) => ({
  id: `o${String(i).padStart(5, '0')}`,
  customer: pick(customers),
  region: pick(regions),
  items: Array.from({ length: 1 + Math.floor(random() * 3) }, () => ({
    sku: `sku-${Math.floor(random() * 500)}`,
    quantity: 1 + Math.floor(random() * 5),
    price: Math.round(random() * 20000) / 100,
  })),
  placedAt: new Date(Date.UTC(2026, 0, 1) + i * 600_000).toISOString(),
}));

const words = ('checkout payment basket shipping invoice refund discount coupon warehouse courier delayed delivered ' +
  'customer support ticket opened closed escalated address changed login failed password reset session expired ' +
  'search results product review rating stock level restocked supplier order placed cancelled returned').split(' ');
const kinds = ['info', 'warn', 'error', 'audit'];
const events = Array.from({ length: 1600 }, (_, i) => ({
  at: new Date(Date.UTC(2026, 0, 1) + i * 250_000).toISOString(),
  kind: pick(kinds),
  user: pick(customers),
  message: Array.from({ length: 4 + Math.floor(random() * 6) }, () => pick(words)).join(' '),
}));

mkdirSync(dataDir, { recursive: true });
writeFileSync(path.join(dataDir, 'orders.json'), JSON.stringify(orders) + '\n');
const half = events.length / 2;
writeFileSync(path.join(dataDir, 'events-1.ndjson'), events.slice(0, half).map((e) => JSON.stringify(e)).join('\n') + '\n');
writeFileSync(path.join(dataDir, 'events-2.ndjson'), events.slice(half).map((e) => JSON.stringify(e)).join('\n') + '\n');
