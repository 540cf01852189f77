// Generates a realistic TypeScript workspace for the analyse benchmark: modules of models, repositories
// (file and network I/O), services calling across modules through barrels and typed receivers, pure
// computations with loops, hashing, module-level caches and request handlers.
import fs from 'node:fs';
import path from 'node:path';

export interface GeneratedWorkspace {
  root: string;
  files: number;
  lines: number;
}

const TSCONFIG = {
  compilerOptions: {
    target: 'ES2022', module: 'preserve', moduleResolution: 'bundler', lib: ['ES2022'], types: ['node'],
    strict: true, noEmit: true, skipLibCheck: true,
  },
  include: ['src'],
};

function types(k: number): string {
  let out = `// Data shapes of module ${k}.\n`;
  out += `export interface Item${k} {\n  id: string;\n  name: string;\n  price: number;\n  quantity: number;\n  tags: string[];\n  createdAt: string;\n}\n\n`;
  out += `export interface Order${k} {\n  id: string;\n  customer: string;\n  items: Item${k}[];\n  total: number;\n  status: 'open' | 'paid' | 'shipped';\n}\n\n`;
  out += `export interface Stats${k} {\n  count: number;\n  sum: number;\n  mean: number;\n  max: number;\n  min: number;\n}\n\n`;
  out += `export type Handler${k}<T> = (input: T) => Promise<T>;\n\n`;
  out += `export interface Page${k}<T> {\n  items: T[];\n  next?: string;\n  total: number;\n}\n`;
  return out;
}

function model(k: number): string {
  let out = `import type { Item${k}, Order${k}, Stats${k} } from './types';\n\n`;
  out += `export class Entity${k} {\n  private readonly items: Item${k}[] = [];\n\n  constructor(readonly id: string, readonly owner: string) {}\n\n`;
  out += `  add(item: Item${k}): void {\n    this.items.push(item);\n  }\n\n`;
  out += `  total(): number {\n    let sum = 0;\n    for (const item of this.items) sum += item.price * item.quantity;\n    return sum;\n  }\n\n`;
  out += `  byTag(tag: string): Item${k}[] {\n    return this.items.filter((item) => item.tags.includes(tag));\n  }\n\n`;
  for (let m = 0; m < 22; m++) {
    out += `  metric${m}(factor: number): number {\n    let acc = ${m};\n    for (let i = 0; i < this.items.length; i++) {\n      const item = this.items[i]!;\n      acc += (item.price * factor + item.quantity * ${m + 1}) % ${97 + m};\n    }\n    return acc;\n  }\n\n`;
  }
  out += `  toOrder(customer: string): Order${k} {\n    return { id: this.id, customer, items: [...this.items], total: this.total(), status: 'open' };\n  }\n}\n\n`;
  out += `export function statsOf${k}(values: number[]): Stats${k} {\n  let sum = 0;\n  let max = -Infinity;\n  let min = Infinity;\n  for (const v of values) {\n    sum += v;\n    if (v > max) max = v;\n    if (v < min) min = v;\n  }\n  return { count: values.length, sum, mean: values.length ? sum / values.length : 0, max, min };\n}\n`;
  return out;
}

function repo(k: number): string {
  let out = `import { readFile, writeFile, mkdir } from 'node:fs/promises';\nimport path from 'node:path';\nimport type { Item${k}, Order${k}, Page${k} } from './types';\n\n`;
  out += `export class Repo${k} {\n  constructor(private readonly dir: string, private readonly endpoint: string) {}\n\n`;
  out += `  async find(id: string): Promise<Order${k} | undefined> {\n    const text = await readFile(path.join(this.dir, id + '.json'), 'utf8');\n    return JSON.parse(text) as Order${k};\n  }\n\n`;
  out += `  async save(order: Order${k}): Promise<void> {\n    await mkdir(this.dir, { recursive: true });\n    await writeFile(path.join(this.dir, order.id + '.json'), JSON.stringify(order));\n  }\n\n`;
  out += `  async fetchItems(page: number): Promise<Page${k}<Item${k}>> {\n    const response = await fetch(this.endpoint + '/items?page=' + page);\n    if (!response.ok) throw new Error('HTTP ' + response.status);\n    return (await response.json()) as Page${k}<Item${k}>;\n  }\n\n`;
  out += `  async all(ids: string[]): Promise<Order${k}[]> {\n    const out: Order${k}[] = [];\n    for (const id of ids) {\n      const order = await this.find(id);\n      if (order) out.push(order);\n    }\n    return out;\n  }\n\n`;
  for (let m = 0; m < 8; m++) {
    out += `  async query${m}(filter: string): Promise<Order${k}[]> {\n    const page = await this.fetchItems(${m});\n    const ids = page.items.filter((item) => item.name.includes(filter)).map((item) => item.id);\n    return this.all(ids);\n  }\n\n`;
  }
  out += `}\n`;
  return out;
}

function calc(k: number): string {
  let out = `import type { Item${k} } from './types';\n\n`;
  for (let f = 0; f < 14; f++) {
    out += `export function score${f}(items: Item${k}[], weight: number): number {\n  let best = 0;\n  for (let i = 0; i < items.length; i++) {\n    let local = 0;\n    for (let j = 0; j < items.length; j++) {\n      if (i === j) continue;\n      local += Math.abs(items[i]!.price - items[j]!.price) * weight;\n    }\n    if (local > best) best = local;\n  }\n  return best + ${f};\n}\n\n`;
  }
  out += `export function matrix${k}(n: number): number[][] {\n  const rows: number[][] = [];\n  for (let i = 0; i < n; i++) {\n    const row: number[] = [];\n    for (let j = 0; j < n; j++) row.push((i * j) % 7);\n    rows.push(row);\n  }\n  return rows;\n}\n\n`;
  out += `export function fib${k}(n: number): number {\n  return n < 2 ? n : fib${k}(n - 1) + fib${k}(n - 2);\n}\n\n`;
  out += `export function identity${k}<T>(value: T): T {\n  return value;\n}\n`;
  return out;
}

function hash(k: number): string {
  let out = `import { createHash } from 'node:crypto';\nimport { gzipSync } from 'node:zlib';\n\n`;
  for (let f = 0; f < 8; f++) {
    out += `export function digest${f}(parts: string[]): string {\n  const hash = createHash('sha256');\n  for (const part of parts) hash.update(part + ${f});\n  return hash.digest('hex');\n}\n\n`;
  }
  out += `export function pack${k}(text: string): Buffer {\n  return gzipSync(Buffer.from(text));\n}\n\n`;
  out += `export function buffer${k}(size: number): Buffer {\n  const buf = Buffer.alloc(size);\n  for (let i = 0; i < size; i += 4096) buf[i] = i % 251;\n  return buf;\n}\n`;
  return out;
}

function cache(k: number): string {
  let out = `const entries = new Map<string, { value: string; at: number }>();\nlet hits = 0;\nlet misses = 0;\n\n`;
  out += `export function remember${k}(key: string, value: string): void {\n  entries.set(key, { value, at: Date.now() });\n}\n\n`;
  out += `export function recall${k}(key: string): string | undefined {\n  const entry = entries.get(key);\n  if (entry) hits++;\n  else misses++;\n  return entry?.value;\n}\n\n`;
  out += `export function stats${k}(): { hits: number; misses: number; size: number } {\n  return { hits, misses, size: entries.size };\n}\n\n`;
  out += `export function evict${k}(maxAge: number): number {\n  const now = Date.now();\n  let removed = 0;\n  for (const [key, entry] of entries) {\n    if (now - entry.at > maxAge) {\n      entries.delete(key);\n      removed++;\n    }\n  }\n  return removed;\n}\n`;
  return out;
}

function text(k: number): string {
  let out = `const WORD = /[a-z]+/g;\n\n`;
  for (let f = 0; f < 8; f++) {
    out += `export function words${f}(input: string): Map<string, number> {\n  const counts = new Map<string, number>();\n  for (const match of input.toLowerCase().matchAll(WORD)) {\n    const word = match[0];\n    counts.set(word, (counts.get(word) ?? 0) + ${f + 1});\n  }\n  return counts;\n}\n\n`;
  }
  out += `export function slug${k}(title: string): string {\n  return title.trim().toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');\n}\n`;
  return out;
}

function service(k: number, n: number): string {
  const other = (k + 1) % n;
  const far = (k * 7 + 3) % n;
  let out = `import { Entity${k}, statsOf${k} } from './model';\nimport { Repo${k} } from './repo';\nimport { score0, score1, matrix${k} } from './calc';\nimport { digest0 } from './hash';\nimport { recall${k}, remember${k} } from './cache';\nimport { Service${other} } from '../mod${other}';\nimport { score2 as farScore } from '../mod${far}/calc';\nimport type { Order${k} } from './types';\n\n`;
  out += `export class Service${k} {\n  private readonly repo: Repo${k};\n\n  constructor(dir: string, endpoint: string, private readonly next?: Service${other}) {\n    this.repo = new Repo${k}(dir, endpoint);\n  }\n\n`;
  out += `  async load(id: string): Promise<Order${k} | undefined> {\n    const cached = recall${k}(id);\n    if (cached) return JSON.parse(cached) as Order${k};\n    const order = await this.repo.find(id);\n    if (order) remember${k}(id, JSON.stringify(order));\n    return order;\n  }\n\n`;
  out += `  async rank(ids: string[]): Promise<number> {\n    const orders = await this.repo.all(ids);\n    let total = 0;\n    for (const order of orders) total += score0(order.items, 2) + score1(order.items, 3) + farScore([], 1);\n    return total;\n  }\n\n`;
  out += `  async summary(ids: string[]): Promise<string> {\n    const [orders, more] = await Promise.all([this.repo.all(ids), this.repo.query0('x')]);\n    const entity = new Entity${k}('e' + ids.length, 'owner');\n    for (const order of [...orders, ...more]) for (const item of order.items) entity.add(item);\n    const stats = statsOf${k}(orders.map((o) => o.total));\n    return digest0([String(stats.mean), String(entity.total()), String(entity.metric3(2))]);\n  }\n\n`;
  out += `  async chain(id: string): Promise<number> {\n    const here = await this.load(id);\n    const there = this.next ? await this.next.load(id) : undefined;\n    return (here?.total ?? 0) + (there?.total ?? 0) + matrix${k}(3).length;\n  }\n\n`;
  for (let m = 0; m < 10; m++) {
    out += `  async report${m}(ids: string[]): Promise<{ count: number; value: number }> {\n    const orders = await this.repo.query${m % 8}(ids.join(','));\n    let value = 0;\n    for (const order of orders) value += order.total * ${m + 1};\n    return { count: orders.length, value };\n  }\n\n`;
  }
  out += `}\n`;
  return out;
}

function handlers(k: number, n: number): string {
  const other = (k + 2) % n;
  let out = `import { Service${k} } from './service';\nimport { digest1, pack${k} } from './hash';\nimport { words0, slug${k} } from './text';\nimport { stats${k}, evict${k} } from './cache';\nimport { Service${other}, fib${other} } from '../mod${other}';\n\n`;
  out += `const service = new Service${k}('/tmp/data${k}', 'http://127.0.0.1:8080');\nconst neighbour = new Service${other}('/tmp/n${other}', 'http://127.0.0.1:8082');\n\n`;
  out += `export async function handleLoad${k}(id: string): Promise<string> {\n  const order = await service.load(id);\n  return order ? slug${k}(order.customer) : 'missing';\n}\n\n`;
  out += `export async function handleSummary${k}(ids: string[]): Promise<{ summary: string; neighbour: number }> {\n  const [summary, rank] = await Promise.all([service.summary(ids), neighbour.rank(ids)]);\n  return { summary, neighbour: rank };\n}\n\n`;
  out += `export function handleText${k}(body: string): { words: number; packed: number; digest: string } {\n  const words = words0(body);\n  const packed = pack${k}(body);\n  return { words: words.size, packed: packed.length, digest: digest1([body]) };\n}\n\n`;
  out += `export function handleStats${k}(): { hits: number; misses: number; size: number; evicted: number; fib: number } {\n  const evicted = evict${k}(60_000);\n  return { ...stats${k}(), evicted, fib: fib${other}(10) };\n}\n\n`;
  for (let m = 0; m < 8; m++) {
    out += `export async function handleReport${k}_${m}(ids: string[]): Promise<number> {\n  const report = await service.report${m}(ids);\n  return report.value / Math.max(1, report.count);\n}\n\n`;
  }
  return out;
}

function index(): string {
  return `export * from './types';\nexport * from './model';\nexport * from './repo';\nexport * from './calc';\nexport * from './hash';\nexport * from './cache';\nexport * from './text';\nexport * from './service';\nexport * from './handlers';\n`;
}

function jobs(k: number, n: number): string {
  const a = (k + 5) % n;
  let out = `import { Service${a}, handleText${a} } from '../mod${a}';\nimport { words1 } from './text';\n\n`;
  out += `export class Job${k} {\n  private runs = 0;\n\n  constructor(private readonly service: Service${a}) {}\n\n`;
  out += `  async run(ids: string[]): Promise<number> {\n    this.runs++;\n    const ranked = await this.service.rank(ids);\n    const text = handleText${a}(ids.join(' '));\n    return ranked + text.words + words1(ids.join(' ')).size + this.runs;\n  }\n\n`;
  for (let m = 0; m < 10; m++) {
    out += `  async batch${m}(groups: string[][]): Promise<number[]> {\n    const results: number[] = [];\n    for (const group of groups) {\n      results.push(await this.run(group));\n    }\n    return results.map((r) => r * ${m + 1});\n  }\n\n`;
  }
  out += `}\n`;
  return out;
}

/** Writes the workspace unless an identical one is already there. */
export function generateWorkspace(root: string, modules: number): GeneratedWorkspace {
  const marker = path.join(root, '.generated');
  const stamp = `modules=${modules} v=5`;
  if (fs.existsSync(marker) && fs.readFileSync(marker, 'utf8') === stamp) return count(root);
  fs.rmSync(root, { recursive: true, force: true });
  for (let k = 0; k < modules; k++) {
    const dir = path.join(root, 'src', `mod${k}`);
    fs.mkdirSync(dir, { recursive: true });
    const files: Record<string, string> = {
      'types.ts': types(k), 'model.ts': model(k), 'repo.ts': repo(k), 'calc.ts': calc(k), 'hash.ts': hash(k),
      'cache.ts': cache(k), 'text.ts': text(k), 'service.ts': service(k, modules), 'handlers.ts': handlers(k, modules),
      'jobs.ts': jobs(k, modules), 'index.ts': index(),
    };
    for (const [name, body] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), body);
  }
  fs.writeFileSync(path.join(root, 'tsconfig.json'), JSON.stringify(TSCONFIG, null, 2) + '\n');
  fs.writeFileSync(marker, stamp);
  return count(root);
}

function count(root: string): GeneratedWorkspace {
  let files = 0;
  let lines = 0;
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.ts')) {
        files++;
        lines += fs.readFileSync(full, 'utf8').split('\n').length - 1;
      }
    }
  };
  walk(path.join(root, 'src'));
  return { root, files, lines };
}
