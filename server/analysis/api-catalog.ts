// What calls into libraries and built-ins cost: a small catalogue by module and member. The analyser asks
// it about every call that leaves the workspace; the answer becomes a signal in the codelet's profile.
export type Resource = 'cpu' | 'memory' | 'io' | 'gpu';

export interface ApiCost {
  resource: Resource;
  /** 0..1: how strongly one such call pulls the profile towards the resource. */
  weight: number;
  /** Short human text for reasons: "file I/O", "hashing". */
  what: string;
  /** Rough cost in ms of one call when it does not depend on input size; undefined when unknown. */
  fixedMs?: number;
}

const io = (what: string, weight = 0.6): ApiCost => ({ resource: 'io', weight, what });
const cpu = (what: string, weight = 0.5): ApiCost => ({ resource: 'cpu', weight, what });
const memory = (what: string, weight = 0.5): ApiCost => ({ resource: 'memory', weight, what });
const gpu = (what: string, weight = 0.85): ApiCost => ({ resource: 'gpu', weight, what });
const light = (what: string, fixedMs = 0.001): ApiCost => ({ resource: 'cpu', weight: 0, what, fixedMs });

/** Whole modules whose every call is I/O: network, files, processes, databases and caches. */
const IO_MODULES: Record<string, string> = {
  fs: 'file I/O', 'fs/promises': 'file I/O', net: 'network I/O', http: 'HTTP', https: 'HTTP', http2: 'HTTP/2',
  dgram: 'UDP', dns: 'DNS lookup', tls: 'TLS network I/O', child_process: 'a child process', stream: 'stream I/O',
  'stream/promises': 'stream I/O', readline: 'line-by-line input', 'readline/promises': 'line-by-line input',
  pg: 'PostgreSQL', 'pg-pool': 'PostgreSQL', postgres: 'PostgreSQL', mysql: 'MySQL', mysql2: 'MySQL',
  'mysql2/promise': 'MySQL', redis: 'Redis', ioredis: 'Redis', mongodb: 'MongoDB', mongoose: 'MongoDB',
  'better-sqlite3': 'SQLite', sqlite3: 'SQLite', sqlite: 'SQLite', knex: 'SQL', sequelize: 'SQL', typeorm: 'SQL',
  '@prisma/client': 'a database', memcached: 'Memcached', 'cassandra-driver': 'Cassandra', axios: 'HTTP',
  'node-fetch': 'HTTP', undici: 'HTTP', got: 'HTTP', superagent: 'HTTP', ws: 'WebSocket', amqplib: 'AMQP',
  kafkajs: 'Kafka', nats: 'NATS', bullmq: 'a Redis queue', '@elastic/elasticsearch': 'Elasticsearch',
  'fs-extra': 'file I/O', glob: 'file system walk', 'fast-glob': 'file system walk', execa: 'a child process',
};

/** Modules whose calls are CPU-heavy. Entries map member → cost; '*' covers the rest. */
const CPU_MODULES: Record<string, Record<string, ApiCost>> = {
  crypto: {
    createHash: cpu('hashing', 0.45), createHmac: cpu('hashing', 0.45), pbkdf2: cpu('key derivation', 0.8),
    pbkdf2Sync: cpu('key derivation', 0.85), scrypt: cpu('key derivation', 0.8), scryptSync: cpu('key derivation', 0.85),
    generateKeyPair: cpu('key generation', 0.8), generateKeyPairSync: cpu('key generation', 0.85),
    createCipheriv: cpu('encryption', 0.5), createDecipheriv: cpu('decryption', 0.5), createSign: cpu('signing', 0.5),
    createVerify: cpu('signature check', 0.5), hkdf: cpu('key derivation', 0.5), hkdfSync: cpu('key derivation', 0.5),
    randomUUID: light('a random UUID'), randomInt: light('a random number'), randomBytes: light('random bytes', 0.01),
    timingSafeEqual: light('a comparison'), '*': cpu('cryptography', 0.4),
  },
  zlib: { '*': cpu('compression', 0.6) },
  bcrypt: { '*': cpu('password hashing', 0.85) },
  bcryptjs: { '*': cpu('password hashing', 0.85) },
  argon2: { '*': cpu('password hashing', 0.85) },
  sharp: { '*': cpu('image processing', 0.7) },
  '@tensorflow/tfjs-node': { '*': cpu('tensor maths', 0.75) },
  '@tensorflow/tfjs': { '*': cpu('tensor maths', 0.7) },
  worker_threads: { '*': cpu('a worker thread', 0.3) },
};

/** GPU libraries; onnxruntime counts only when a CUDA/DirectML provider is asked for (see `gpuHint`). */
const GPU_MODULES: Record<string, string> = {
  '@tensorflow/tfjs-node-gpu': 'TensorFlow on the GPU', 'gpu.js': 'gpu.js kernels', '@webgpu/types': 'WebGPU',
  webgpu: 'WebGPU', 'node-cuda': 'CUDA', '@nvidia/cuda': 'CUDA', 'onnxruntime-node': 'ONNX Runtime',
  'onnxruntime-gpu': 'ONNX Runtime on the GPU',
};

/** Own entries only: a member called `toString` must not find Object.prototype.toString. */
function own<T>(table: Record<string, T>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

export function normaliseModule(specifier: string): string {
  const bare = specifier.startsWith('node:') ? specifier.slice(5) : specifier;
  return bare;
}

/** Package name of a module specifier: `@scope/pkg/sub` → `@scope/pkg`, `pkg/sub` → `pkg`. */
function packageOf(module: string): string {
  const parts = module.split('/');
  return module.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

/**
 * The cost of calling `member` (a property path, possibly empty for a default/namespace call) of a module.
 * `gpuHint`: the code asks for a GPU execution provider (e.g. the string 'cuda').
 */
export function moduleCallCost(specifier: string, member: string[], gpuHint: boolean): ApiCost | undefined {
  const module = normaliseModule(specifier);
  const last = member[member.length - 1] ?? '';
  for (const key of [module, packageOf(module)]) {
    const gpuName = own(GPU_MODULES, key);
    if (gpuName) {
      if (key.startsWith('onnxruntime-node') && !gpuHint) return cpu('ONNX Runtime inference on the CPU', 0.7);
      return gpu(gpuName);
    }
    const cpuTable = own(CPU_MODULES, key);
    if (cpuTable) {
      if (key === 'crypto' && member[0] === 'subtle') return cpu('Web Crypto', 0.45);
      return own(cpuTable, last) ?? cpuTable['*'];
    }
    const ioName = own(IO_MODULES, key);
    if (ioName) {
      if (key === 'fs' || key === 'fs/promises' || key === 'fs-extra') {
        if (/^(existsSync|exists|stat|statSync|lstat|lstatSync|access|accessSync)$/.test(last)) return io(`${ioName} (metadata)`, 0.35);
      }
      return io(ioName);
    }
  }
  if (module === 'path' || module === 'url' || module === 'util' || module === 'os' || module === 'events') return light(`${module}.${last}`);
  return undefined;
}

/** Calls to globals (`fetch`, `JSON.parse`, `structuredClone`…), by their property path. */
export function globalCallCost(path: string[]): ApiCost | undefined {
  const [head, second] = path;
  switch (head) {
    case 'fetch':
      return io('HTTP (fetch)');
    case 'JSON':
      return second === 'parse' || second === 'stringify' ? cpu(`JSON.${second}`, 0.2) : undefined;
    case 'structuredClone':
      return cpu('a deep copy (structuredClone)', 0.25);
    case 'Buffer':
      if (second === 'alloc' || second === 'allocUnsafe' || second === 'allocUnsafeSlow') return memory(`Buffer.${second}`, 0.45);
      if (second === 'concat') return memory('Buffer.concat', 0.3);
      return undefined;
    case 'crypto':
      return second === 'subtle' ? cpu('Web Crypto', 0.45) : second === 'randomUUID' || second === 'getRandomValues' ? light('random values') : undefined;
    case 'WebAssembly':
      return cpu('WebAssembly', 0.4);
    case 'require':
      return light('require');
    default:
      return undefined;
  }
}

const TYPED_ARRAYS = new Set([
  'ArrayBuffer', 'SharedArrayBuffer', 'Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array',
  'Int32Array', 'Uint32Array', 'Float32Array', 'Float64Array', 'BigInt64Array', 'BigUint64Array', 'Array',
]);

/** `new X(n)` for built-in buffers and arrays: memory, more with a large literal size. */
export function allocationCost(constructorName: string, size: number | null): ApiCost | undefined {
  if (!TYPED_ARRAYS.has(constructorName)) return undefined;
  if (constructorName === 'Array' && size === null) return undefined;
  const weight = size === null ? 0.45 : size >= 1_000_000 ? 0.8 : size >= 10_000 ? 0.5 : 0.1;
  return memory(`a ${constructorName} of ${size === null ? 'data-dependent' : size.toLocaleString('en-US')} elements`, weight);
}

/** Methods that grow a collection: called in a loop they make a codelet memory-heavy. */
export const GROWING_METHODS = new Set(['push', 'unshift', 'set', 'add', 'concat', 'append', 'splice']);

/** Array methods that take a callback and run it per element: a loop in disguise. */
export const ITERATING_METHODS = new Set([
  'map', 'forEach', 'filter', 'reduce', 'reduceRight', 'flatMap', 'some', 'every', 'find', 'findIndex', 'findLast',
  'findLastIndex', 'sort', 'toSorted',
]);

/** String/RegExp methods that scan text. */
export const REGEX_METHODS = new Set(['match', 'matchAll', 'replace', 'replaceAll', 'split', 'search', 'test', 'exec']);

/** Globals whose calls need no type checker to be recognised (unless imported or declared locally). */
export const KNOWN_GLOBALS = new Set([
  'JSON', 'Math', 'Object', 'Array', 'Number', 'String', 'Boolean', 'Date', 'Promise', 'Symbol', 'Reflect',
  'console', 'process', 'Buffer', 'fetch', 'structuredClone', 'setTimeout', 'setInterval', 'setImmediate',
  'clearTimeout', 'clearInterval', 'queueMicrotask', 'parseInt', 'parseFloat', 'isNaN', 'isFinite', 'require',
  'encodeURIComponent', 'decodeURIComponent', 'crypto', 'WebAssembly', 'BigInt', 'Error', 'TypeError', 'RangeError',
  'Map', 'Set', 'WeakMap', 'WeakSet', 'RegExp', 'URL', 'URLSearchParams', 'TextEncoder', 'TextDecoder',
]);
