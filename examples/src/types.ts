// The shapes of the example service's data.
export interface Order {
  id: string;
  customer: string;
  region: string;
  items: { sku: string; quantity: number; price: number }[];
  placedAt: string;
}

export interface Event {
  at: string;
  kind: string;
  user: string;
  message: string;
}

export interface OrderSummary {
  orders: number;
  revenue: number;
  meanOrderValue: number;
  p95OrderValue: number;
  revenueByRegion: Record<string, number>;
  /** Largest revenue over any window of consecutive orders. */
  peakWindowRevenue: number;
}

export interface IndexSummary {
  terms: number;
  postings: number;
  topTerms: { term: string; count: number }[];
}

/** What archiveEvents wrote: segment files, their total size, and the folder (relative to the data's parent). */
export interface ArchiveManifest {
  segments: number;
  bytes: number;
  path: string;
}

export interface Report {
  summary: OrderSummary;
  fingerprint: string;
  index: IndexSummary;
  archive: ArchiveManifest;
  generatedFrom: { orders: number; events: number };
}
