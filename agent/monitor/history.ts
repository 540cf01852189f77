// The history store: every invocation's measurements in SQLite (WAL) in the state folder, written before
// a request's response leaves, so it survives restarts and crashes. Old rows go by age and count.
import path from 'node:path';
import Database from 'better-sqlite3';
import type { InvocationRecord } from '../protocol';

export interface RetentionPolicy {
  maxAgeDays: number;
  maxRows: number;
}
export const DEFAULT_RETENTION: RetentionPolicy = { maxAgeDays: 30, maxRows: 200_000 };

export interface CodeletAggregate {
  runs: number;
  errors: number;
  firstEnd: number;
  lastEnd: number;
  /** Wall times of the most recent 2000 successful runs, ascending. */
  walls: number[];
  meanCpuMs: number;
  meanIoWaitMs: number;
  meanQueueWaitMs: number;
  meanHeapGrowth: number;
  maxHeapPeak: number;
  byFleet: Record<string, number>;
}

const COLUMNS = [
  'id', 'request_id', 'step', 'codelet', 'fleet', 'worker', 'attempt', 'placement', 'ok', 'error', 'enqueued', 'start', 'end',
  'queue_wait_ms', 'wall_ms', 'cpu_ms', 'io_wait_ms', 'heap_growth', 'heap_peak', 'bytes_in', 'bytes_out',
] as const;

export class HistoryStore {
  private readonly db: Database.Database;
  private readonly insertStmt: Database.Statement;
  private inserted = 0;

  constructor(
    stateDir: string,
    private readonly retention: RetentionPolicy = DEFAULT_RETENTION,
  ) {
    this.db = new Database(path.join(stateDir, 'history.sqlite'));
    this.db.pragma('journal_mode = WAL');
    // NORMAL in WAL mode: a committed transaction survives a crash of the agent (not of the machine's power).
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(`CREATE TABLE IF NOT EXISTS invocations (
      -- rowid table: ids are unique by construction, and no extra index keeps inserts cheap.
      
      id TEXT NOT NULL, request_id TEXT NOT NULL, step TEXT NOT NULL, codelet TEXT NOT NULL, fleet TEXT NOT NULL,
      worker TEXT NOT NULL, attempt INTEGER NOT NULL, placement TEXT NOT NULL, ok INTEGER NOT NULL, error TEXT,
      enqueued REAL NOT NULL, start REAL NOT NULL, "end" REAL NOT NULL, queue_wait_ms REAL NOT NULL, wall_ms REAL NOT NULL,
      cpu_ms REAL NOT NULL, io_wait_ms REAL NOT NULL, heap_growth REAL NOT NULL, heap_peak REAL NOT NULL,
      bytes_in INTEGER NOT NULL, bytes_out INTEGER NOT NULL);
      CREATE INDEX IF NOT EXISTS invocations_codelet_end ON invocations (codelet, "end");
      CREATE INDEX IF NOT EXISTS invocations_end ON invocations ("end");`);
    this.insertStmt = this.db.prepare(
      `INSERT INTO invocations (${COLUMNS.map((c) => `"${c}"`).join(', ')}) VALUES (${COLUMNS.map(() => '?').join(', ')})`,
    );
    this.prune();
  }

  /** One transaction for a batch of invocations. */
  insert(records: readonly InvocationRecord[]): void {
    if (!records.length) return;
    this.db.transaction(() => {
      for (const r of records) this.insertStmt.run(row(r));
    })();
    this.inserted += records.length;
    if (this.inserted >= 1000) {
      this.inserted = 0;
      this.prune();
    }
  }

  count(codelet?: string): number {
    const row = codelet
      ? (this.db.prepare('SELECT COUNT(*) AS n FROM invocations WHERE codelet = ?').get(codelet) as { n: number })
      : (this.db.prepare('SELECT COUNT(*) AS n FROM invocations').get() as { n: number });
    return row.n;
  }

  /** The invocations of one request, in start order. */
  request(requestId: string): InvocationRecord[] {
    const rows = this.db.prepare('SELECT * FROM invocations WHERE request_id = ? ORDER BY start').all(requestId) as Record<string, unknown>[];
    return rows.map(toRecord);
  }

  codelets(): string[] {
    return (this.db.prepare('SELECT DISTINCT codelet FROM invocations').all() as { codelet: string }[]).map((r) => r.codelet);
  }

  aggregate(codelet: string): CodeletAggregate {
    const totals = this.db
      .prepare(
        `SELECT COUNT(*) AS runs, SUM(1 - ok) AS errors, MIN("end") AS firstEnd, MAX("end") AS lastEnd,
           AVG(cpu_ms) AS cpu, AVG(io_wait_ms) AS io, AVG(queue_wait_ms) AS qw, AVG(heap_growth) AS hg, MAX(heap_peak) AS hp
         FROM invocations WHERE codelet = ?`,
      )
      .get(codelet) as Record<string, number | null>;
    const walls = (
      this.db.prepare('SELECT wall_ms FROM (SELECT wall_ms, "end" FROM invocations WHERE codelet = ? AND ok = 1 ORDER BY "end" DESC LIMIT 2000) ORDER BY wall_ms').all(codelet) as {
        wall_ms: number;
      }[]
    ).map((r) => r.wall_ms);
    const byFleet: Record<string, number> = {};
    for (const r of this.db.prepare('SELECT fleet, COUNT(*) AS n FROM invocations WHERE codelet = ? GROUP BY fleet').all(codelet) as { fleet: string; n: number }[]) {
      byFleet[r.fleet] = r.n;
    }
    return {
      runs: totals.runs ?? 0,
      errors: totals.errors ?? 0,
      firstEnd: totals.firstEnd ?? 0,
      lastEnd: totals.lastEnd ?? 0,
      walls,
      meanCpuMs: totals.cpu ?? 0,
      meanIoWaitMs: totals.io ?? 0,
      meanQueueWaitMs: totals.qw ?? 0,
      meanHeapGrowth: totals.hg ?? 0,
      maxHeapPeak: totals.hp ?? 0,
      byFleet,
    };
  }

  prune(): void {
    const cutoff = Date.now() - this.retention.maxAgeDays * 86_400_000;
    this.db.prepare('DELETE FROM invocations WHERE "end" < ?').run(cutoff);
    const n = this.count();
    if (n > this.retention.maxRows) {
      this.db.prepare('DELETE FROM invocations WHERE rowid IN (SELECT rowid FROM invocations ORDER BY "end" ASC LIMIT ?)').run(n - this.retention.maxRows);
    }
  }

  close(): void {
    this.db.close();
  }
}

function row(r: InvocationRecord): unknown[] {
  return [
    r.id, r.requestId, r.step, r.codelet, r.fleet, r.worker, r.attempt, r.placement, r.ok ? 1 : 0, r.error ?? null, r.enqueued,
    r.start, r.end, r.queueWaitMs, r.wallMs, r.cpuMs, r.ioWaitMs, r.heapGrowthBytes, r.heapPeakBytes, r.bytesIn, r.bytesOut,
  ];
}

function toRecord(r: Record<string, unknown>): InvocationRecord {
  return {
    id: r.id as string,
    requestId: r.request_id as string,
    step: r.step as string,
    codelet: r.codelet as string,
    fleet: r.fleet as string,
    worker: r.worker as string,
    attempt: r.attempt as number,
    placement: r.placement as string,
    ok: r.ok === 1,
    ...(r.error != null ? { error: r.error as string } : {}),
    enqueued: r.enqueued as number,
    start: r.start as number,
    end: r.end as number,
    queueWaitMs: r.queue_wait_ms as number,
    wallMs: r.wall_ms as number,
    cpuMs: r.cpu_ms as number,
    ioWaitMs: r.io_wait_ms as number,
    heapGrowthBytes: r.heap_growth as number,
    heapPeakBytes: r.heap_peak as number,
    bytesIn: r.bytes_in as number,
    bytesOut: r.bytes_out as number,
  };
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: readonly number[], p: number): number {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
