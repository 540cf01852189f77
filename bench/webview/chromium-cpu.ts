// CPU time used by one Chromium instance (browser, renderer, GPU/compositor and helper processes), read
// from /proc. Unlike frame intervals it barely changes when other programs compete for the cores, so it
// tells what drawing costs even on a busy machine.
import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100; // Linux USER_HZ

function processes(): { pid: number; ppid: number; ticks: number; cmdline: string }[] {
  const out = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // Fields after the command name (which may hold spaces) start after the last ')'.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const cmdline = readFileSync(`/proc/${name}/cmdline`, 'utf8').replace(/\0/g, ' ');
      out.push({ pid: Number(name), ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]), cmdline });
    } catch {
      // The process ended while we looked.
    }
  }
  return out;
}

/** CPU milliseconds used so far by the Chromium whose profile is `userDataDir`, and all its children. */
export function chromiumCpuMs(userDataDir: string): number {
  const all = processes();
  const root = all.find((p) => p.cmdline.includes(`--user-data-dir=${userDataDir}`) && !p.cmdline.includes('--type='));
  if (!root) throw new Error(`no Chromium with profile ${userDataDir} found in /proc`);
  const family = new Set([root.pid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const p of all)
      if (!family.has(p.pid) && family.has(p.ppid)) {
        family.add(p.pid);
        grew = true;
      }
  }
  return (all.filter((p) => family.has(p.pid)).reduce((sum, p) => sum + p.ticks, 0) * 1000) / TICKS_PER_SECOND;
}
