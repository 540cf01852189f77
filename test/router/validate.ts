// An independent check of a schedule against the graph as the user wrote it (JSON input, names, not the
// scheduler's compiled form): every task placed once on a fleet that can run it, on an existing worker,
// for exactly its time there; each edge respected (transfer delay unless same worker); no two tasks
// overlapping on one worker; makespan = last finish.
export interface GraphJson {
  fleets: { id: string; workers?: number }[];
  tasks: { id: string; cost: number | Record<string, number> }[];
  edges?: { from: string; to: string; cost?: number }[];
}
export interface ResultJson {
  makespan: number;
  assignments: { task: string; fleet: string; worker: number; start: number; finish: number }[];
}

export function scheduleProblems(graph: GraphJson, result: ResultJson): string[] {
  const problems: string[] = [];
  const eps = 1e-6;
  const fleets = new Map(graph.fleets.map((f) => [f.id, f.workers ?? 1]));
  const byTask = new Map<string, ResultJson['assignments'][number]>();
  for (const a of result.assignments) {
    if (byTask.has(a.task)) problems.push(`${a.task} placed twice`);
    byTask.set(a.task, a);
  }
  for (const task of graph.tasks) {
    const a = byTask.get(task.id);
    if (!a) {
      problems.push(`${task.id} not placed`);
      continue;
    }
    const workers = fleets.get(a.fleet);
    if (workers === undefined) problems.push(`${task.id} on unknown fleet ${a.fleet}`);
    else if (!Number.isInteger(a.worker) || a.worker < 0 || a.worker >= workers) problems.push(`${task.id} on worker ${a.worker} of ${a.fleet}, which has ${workers}`);
    const time = typeof task.cost === 'number' ? task.cost : task.cost[a.fleet];
    if (time === undefined) problems.push(`${task.id} on ${a.fleet}, which cannot run it`);
    else if (Math.abs(a.finish - a.start - time) > eps) problems.push(`${task.id} runs ${a.finish - a.start}, expected ${time}`);
    if (a.start < -eps) problems.push(`${task.id} starts before 0`);
  }
  if (byTask.size !== graph.tasks.length) problems.push(`${byTask.size} tasks placed, graph has ${graph.tasks.length}`);
  for (const e of graph.edges ?? []) {
    const from = byTask.get(e.from);
    const to = byTask.get(e.to);
    if (!from || !to) continue;
    const same = from.fleet === to.fleet && from.worker === to.worker;
    const arrive = from.finish + (same ? 0 : (e.cost ?? 0));
    if (to.start < arrive - eps) problems.push(`${e.to} starts at ${to.start} before its input from ${e.from} arrives at ${arrive}`);
  }
  const perWorker = new Map<string, ResultJson['assignments']>();
  for (const a of result.assignments) {
    const key = `${a.fleet}#${a.worker}`;
    perWorker.set(key, [...(perWorker.get(key) ?? []), a]);
  }
  for (const [key, list] of perWorker) {
    list.sort((x, y) => x.start - y.start || x.finish - y.finish);
    for (let i = 1; i < list.length; i++) {
      if (list[i]!.start < list[i - 1]!.finish - eps) problems.push(`${list[i - 1]!.task} and ${list[i]!.task} overlap on ${key}`);
    }
  }
  const last = Math.max(0, ...result.assignments.map((a) => a.finish));
  if (Math.abs(last - result.makespan) > eps) problems.push(`makespan ${result.makespan} but last task finishes at ${last}`);
  return problems;
}
