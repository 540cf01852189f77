// CPU: order statistics, including a sliding-window peak that is quadratic in the window size.
import type { Order, OrderSummary } from './types';

const WINDOW = 400;

export function orderValue(order: Order): number {
  let total = 0;
  for (const item of order.items) total += item.quantity * item.price;
  return total;
}

export function summariseOrders(orders: Order[]): OrderSummary {
  const values = orders.map((o) => orderValue(o));
  let revenue = 0;
  for (let i = 0; i < values.length; i++) revenue += values[i]!;
  const sorted = [...values].sort((a, b) => a - b);
  const revenueByRegion: Record<string, number> = {};
  for (let i = 0; i < orders.length; i++) {
    const region = orders[i]!.region;
    revenueByRegion[region] = (revenueByRegion[region] ?? 0) + values[i]!;
  }
  // Recomputing each window from scratch is deliberate: it is the compute-heavy part of the report.
  let peakWindowRevenue = 0;
  for (let start = 0; start < values.length; start++) {
    let windowRevenue = 0;
    for (let k = start; k < Math.min(values.length, start + WINDOW); k++) {
      windowRevenue += Math.sqrt(values[k]! * values[k]!);
    }
    if (windowRevenue > peakWindowRevenue) peakWindowRevenue = windowRevenue;
  }
  return {
    orders: orders.length,
    revenue: Math.round(revenue * 100) / 100,
    meanOrderValue: orders.length ? Math.round((revenue / orders.length) * 100) / 100 : 0,
    p95OrderValue: sorted.length ? sorted[Math.floor(sorted.length * 0.95)]! : 0,
    revenueByRegion: Object.fromEntries(Object.entries(revenueByRegion).map(([region, value]) => [region, Math.round(value * 100) / 100])),
    peakWindowRevenue: Math.round(peakWindowRevenue * 100) / 100,
  };
}
