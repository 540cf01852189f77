// What crosses to a worker: structured-clonable values; anything else is named by its path.
import assert from 'node:assert/strict';
import net from 'node:net';
import { describe, it } from 'node:test';
import { deserialise, SerialisationError, serialise } from '../../agent/fleets/serialise';

describe('serialisation across worker boundaries', () => {
  it('round-trips structured-clonable values', () => {
    const value = [{ a: BigInt(1), d: new Date(5), m: new Map([['k', new Set([1])]]), u: undefined, t: new Uint8Array([1, 2]) }, 'x', null];
    assert.deepEqual(deserialise(serialise(value, 'v')), value);
  });

  it('names the codelet, the argument and the path of what cannot cross', () => {
    const socket = new net.Socket();
    const cases: [unknown, RegExp][] = [
      [[1, () => 2], /arguments of f at \[1\] is a function/],
      [[{ deep: { list: [0, Symbol('s')] } }], /arguments of f at \[0\]\.deep\.list\[1\] is a symbol \(s\)/],
      [[new Map([['k', { cb: function named() {} }]])], /arguments of f at \[0\]\.get\("k"\)\.cb is a function \(named\)/],
      [[{ socket }], /arguments of f at \[0\]\.socket(\.\w+)* is a /],
    ];
    for (const [value, pattern] of cases) {
      assert.throws(() => serialise(value, 'the arguments of f'), (e: Error) => e instanceof SerialisationError && pattern.test(e.message));
    }
    socket.destroy();
  });
});
