// CPU time of the processes that do the relay's work, for figures steadier than rates on a
// shared machine: a process of the bench's own (the relay, the floor) and PostgreSQL's.
import { readdirSync, readFileSync } from 'node:fs';

/** utime, stime, cutime, cstime (ms) and the parent pid of a process, from /proc/<pid>/stat. */
function stat(pid) {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const comm = text.slice(text.indexOf('(') + 1, text.lastIndexOf(')'));
    // Counted after the parenthesised command name: state, ppid, … utime (12th), stime, cutime,
    // cstime; in clock ticks, 100 per second on Linux (USER_HZ).
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    const ticks = (i) => Number(fields[i]) * 10;
    return { comm, ppid: Number(fields[1]), own: ticks(11) + ticks(12), reaped: ticks(13) + ticks(14) };
  } catch {
    return undefined;
  }
}

/**
 * CPU time (user + system, all threads, ms) process `pid` has used so far; undefined without
 * /proc. CPU per request is steadier than requests per second on a shared machine: it does not
 * count the time the process waited for a core.
 */
export function cpuMsOf(pid) {
  const own = stat(pid)?.own;
  return Number.isFinite(own) ? own : undefined;
}

/**
 * Milliseconds of CPU used so far by this machine's PostgreSQL: every `postgres` process's own
 * time, plus what each postmaster has collected from backends that already exited (a
 * connection's backend may end between two readings). Undefined without /proc or a local server.
 */
export function postgresCpuMs() {
  let pids;
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return undefined;
  }
  const processes = new Map();
  for (const pid of pids) {
    const s = stat(pid);
    if (s?.comm === 'postgres') processes.set(Number(pid), s);
  }
  if (processes.size === 0) return undefined;
  let total = 0;
  for (const s of processes.values()) total += s.own + (processes.has(s.ppid) ? 0 : s.reaped);
  return total;
}
