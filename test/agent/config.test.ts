// Fleet config: errors that name file + field, the machine-sized default, the shipped JSON Schema.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import Ajv2020 from 'ajv/dist/2020';
import { defaultFleets, fleetsJsonSchemaText, FleetsConfigError, loadFleetsFile } from '../../agent/fleets/config';
import { ROOT } from './support/spawn';

describe('fleets config', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'codelets-config-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const write = (text: string): string => {
    const file = path.join(dir, 'fleets.json');
    writeFileSync(file, text);
    return file;
  };
  const problem = (text: string): FleetsConfigError => {
    const file = write(text);
    try {
      loadFleetsFile(file);
    } catch (error) {
      assert.ok(error instanceof FleetsConfigError);
      assert.equal(error.file, file);
      assert.ok(error.message.startsWith(`${file}: `));
      return error;
    }
    assert.fail('expected a FleetsConfigError');
  };

  it('names the file, the field and the problem', () => {
    let e = problem(JSON.stringify({ fleets: [{ id: 'a', specialisation: 'cpu' }, { id: 'b', specialisation: 'quantum' }] }));
    assert.equal(e.field, 'fleets[1] (id "b").specialisation');
    assert.match(e.problem, /cpu.*memory.*gpu.*io.*general/);
    e = problem(JSON.stringify({ fleets: [{ id: 'a', specialisation: 'cpu', scaling: { minWorkers: 3, maxWorkers: 2 } }] }));
    assert.equal(e.field, 'fleets[0] (id "a").scaling.minWorkers');
    assert.match(e.problem, /must not exceed maxWorkers/);
    e = problem(JSON.stringify({ fleets: [{ id: 'a', specialisation: 'cpu', capacity: { concurrency: 4 } }] }));
    assert.equal(e.field, 'fleets[0] (id "a").capacity');
    assert.match(e.problem, /concurrency/);
    e = problem(JSON.stringify({ fleets: [{ id: 'a', specialisation: 'cpu' }, { id: 'a', specialisation: 'io' }] }));
    assert.equal(e.field, 'fleets[1] (id "a").id');
    assert.match(e.problem, /duplicate fleet id "a"/);
    e = problem('{"fleets": [');
    assert.equal(e.field, '(file)');
    assert.match(e.problem, /invalid JSON/);
    e = problem(JSON.stringify({ fleets: [] }));
    assert.equal(e.field, 'fleets');
  });

  it('fills defaults for what a fleet leaves out', () => {
    const [f] = loadFleetsFile(write(JSON.stringify({ fleets: [{ id: 'x', specialisation: 'io' }] })));
    assert.deepEqual(f, {
      id: 'x', specialisation: 'io', runtime: 'threads', costPerSecond: 0,
      capacity: { concurrencyPerWorker: 1 },
      scaling: { minWorkers: 1, maxWorkers: 1, scaleUpQueueWaitMs: 20, idleMs: 30_000 },
      retries: { attempts: 3, backoffMs: 50 },
    });
  });

  it('sizes the default to the machine: cpu to the cores, io concurrent, memory with a large heap, no gpu', () => {
    const fleets = defaultFleets(8, 32 * 1024);
    const by = Object.fromEntries(fleets.map((f) => [f.specialisation, f]));
    assert.deepEqual(Object.keys(by).sort(), ['cpu', 'general', 'io', 'memory']);
    assert.equal(by.cpu!.scaling.maxWorkers, 8);
    assert.equal(by.cpu!.capacity.concurrencyPerWorker, 1);
    assert.ok(by.io!.capacity.concurrencyPerWorker >= 16);
    assert.equal(by.memory!.capacity.memoryLimitMb, 8192);
    assert.equal(defaultFleets(2, 2048).find((f) => f.id === 'memory')!.capacity.memoryLimitMb, 512);
  });

  it('ships a JSON Schema generated from the zod schema that accepts the default and rejects mistakes', () => {
    const file = path.join(ROOT, 'schemas', 'fleets.schema.json');
    assert.equal(readFileSync(file, 'utf8'), fleetsJsonSchemaText(), 'schemas/fleets.schema.json is out of date: node --import tsx agent/fleets/gen-schema.ts');
    const validate = new Ajv2020({ strict: false }).compile(JSON.parse(readFileSync(file, 'utf8')));
    assert.equal(validate({ fleets: defaultFleets() }), true, JSON.stringify(validate.errors));
    assert.equal(validate({ fleets: [{ id: 'a', specialisation: 'quantum' }] }), false);
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    assert.deepEqual(pkg.contributes.jsonValidation.find((v: { url: string }) => v.url === './schemas/fleets.schema.json')?.fileMatch, '**/.codelets/fleets.json');
  });
});
