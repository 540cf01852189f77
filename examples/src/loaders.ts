// I/O: reading the service's data files. The folder may be relative to the current directory.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Event, Order } from './types';

export async function loadOrders(dataDir: string): Promise<Order[]> {
  const text = await readFile(path.resolve(dataDir, 'orders.json'), 'utf8');
  return JSON.parse(text) as Order[];
}

export async function loadEvents(dataDir: string): Promise<Event[]> {
  const events: Event[] = [];
  for (const name of ['events-1.ndjson', 'events-2.ndjson']) {
    const text = await readFile(path.resolve(dataDir, name), 'utf8');
    for (const line of text.split('\n')) {
      if (line.trim() !== '') events.push(JSON.parse(line) as Event);
    }
  }
  return events;
}
