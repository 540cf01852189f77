// `codelets schedule` as a user runs it: a real child process on the real CLI entry.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { scheduleProblems, type GraphJson } from './validate';

const root = path.resolve(__dirname, '../..');
const fixtures = path.join(root, 'test/fixtures/router');
const fixture = (name: string) => path.join(fixtures, name);

function codelets(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'cli/main.ts'), ...args], { cwd: root, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('--json prints one object per file, in order, with the published makespans', () => {
  const files = [fixture('heft-paper-graph.json'), fixture('peft-paper-graph.json')];
  for (const [algorithm, expected] of [['heft', [80, 133]], ['peft', [85, 122]]] as const) {
    const r = codelets('schedule', ...files, '--algorithm', algorithm, '--json');
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.equal(lines.length, 2);
    lines.forEach((line, i) => {
      const result = JSON.parse(line);
      assert.deepEqual(Object.keys(result), ['makespan', 'assignments']);
      assert.deepEqual(Object.keys(result.assignments[0]), ['task', 'fleet', 'worker', 'start', 'finish']);
      assert.equal(result.makespan, expected[i]);
      assert.deepEqual(scheduleProblems(JSON.parse(readFileSync(files[i]!, 'utf8')) as GraphJson, result), []);
    });
  }
});

test('without --json: a readable table and a per-worker chart; best is the default and reports its bound', () => {
  const r = codelets('schedule', fixture('heft-paper-graph.json'));
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /heft-paper-graph\.json: 10 tasks on 3 workers \(3 fleets\), BEST: makespan \d+/);
  assert.match(r.stdout, /lower bound \d+ \(critical path \d+/);
  assert.match(r.stdout, /task\s+fleet\s+worker\s+start\s+finish/);
  assert.match(r.stdout, /P0#0 \|[.0-9]+\|/);
  const makespan = Number(/makespan (\d+)/.exec(r.stdout)![1]);
  assert.ok(makespan <= 80);
});

test('bad graphs are refused with exit 2 and a message naming the file and the problem; nothing is printed', () => {
  const r = codelets('schedule', fixture('heft-paper-graph.json'), fixture('cycle.json'), fixture('unknown-task.json'), fixture('unrunnable.json'), fixture('negative.json'), fixture('malformed.json'), '--json');
  assert.equal(r.code, 2);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /cycle\.json: the graph has a cycle: "(parse|index)" -> "(index|parse)" -> "\1"/);
  assert.match(r.stderr, /unknown-task\.json: edge 0 \("load" -> "render"\): unknown task "render"/);
  assert.match(r.stderr, /unrunnable\.json: task "train": no fleet can run it/);
  assert.match(r.stderr, /negative\.json: task "load": cost on fleet "cpu" must be a finite number >= 0, got -2/);
  assert.match(r.stderr, /malformed\.json: malformed JSON at line 3, column 3/);
});

test('a missing file and an unknown algorithm are usage errors (exit 2)', () => {
  const missing = codelets('schedule', fixture('no-such-graph.json'));
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /no-such-graph\.json: cannot read the file \(no such file\)/);
  const unknown = codelets('schedule', fixture('heft-paper-graph.json'), '--algorithm', 'cpop');
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /unknown algorithm "cpop" \(expected heft, peft, best\)/);
});
