/**
 * Who else has a store open, for `jarida restore` to refuse while they run: the processes holding
 * SQLite's locks on a database file (Linux's /proc/locks), and what each one is, from its command line.
 */
import { readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';

/** A process that has the store open. */
export interface Holder {
  pid: number;
  /** Where it runs, when not on this host (a PostgreSQL client's address). */
  host?: string;
}

/**
 * Returns the other processes on this host holding POSIX locks on the SQLite database at `path` or
 * its `-shm` file (every connection to a WAL database holds a shared lock on both while it is
 * open); [] where /proc/locks cannot be read (not Linux).
 */
export function sqliteLockHolders(path: string): Holder[] {
  let locks: string;
  const files = new Set<string>();
  try {
    locks = readFileSync('/proc/locks', 'utf8');
    for (const f of [path, `${path}-shm`]) {
      try {
        const st = statSync(f);
        files.add(`${st.dev}:${st.ino}`);
      } catch {
        // no -shm: no connection in WAL mode
      }
    }
  } catch {
    return [];
  }
  const pids = new Set<number>();
  // "1: POSIX  ADVISORY  READ 14598 fe:00:2147281 128 128" (device major:minor in hex, then the inode)
  for (const m of locks.matchAll(/^\d+:\s+POSIX\s+\S+\s+\S+\s+(\d+)\s+([0-9a-f]+):([0-9a-f]+):(\d+)\s/gm)) {
    const major = parseInt(m[2]!, 16);
    const minor = parseInt(m[3]!, 16);
    const dev = (minor & 0xff) | (major << 8) | ((minor & ~0xff) << 12); // the kernel's new_encode_dev, as stat reports it
    const pid = Number(m[1]);
    if (pid !== process.pid && pid > 0 && files.has(`${dev}:${m[4]}`)) pids.add(pid);
  }
  return [...pids].sort((a, b) => a - b).map((pid) => ({ pid }));
}

/**
 * Returns what a process on this host is, from its command line: `jarida serve` for Jarida's
 * commands, else the program's name; '' when it cannot be read (gone, or another user's on a
 * hardened /proc).
 */
export function describeProcess(pid: number): string {
  try {
    return describeCommandLine(readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean));
  } catch {
    return '';
  }
}

/**
 * Returns what a command line runs: `jarida <command>` (two words for `sources`, `article`,
 * `inspect`), else the program's name.
 * @example describeCommandLine(['node', '/app/dist/src/main.js', '--config', 'x.json', 'serve', '--port', '0']) === 'jarida serve'
 */
export function describeCommandLine(argv: readonly string[]): string {
  const script = argv.findIndex((a, i) => i > 0 && /(^|\/)(main\.js|jarida)$/.test(a));
  if (script < 0) return argv[0] ? basename(argv[0]) : '';
  const words: string[] = [];
  for (let i = script + 1; i < argv.length && words.length < 2; i++) {
    const a = argv[i]!;
    if (a === '-c' || a === '--config') i++; // its value
    else if (a.startsWith('-')) continue;
    else if (words.length === 0 || ['sources', 'article', 'inspect'].includes(words[0]!)) words.push(a);
    else break;
  }
  return ['jarida', ...words].join(' ');
}

/**
 * Returns the refusal of a restore into a store others have open: who they are where known, and
 * what to do.
 * @example inUseMessage('data/jarida.db', [{ pid: 1234 }]) // 'restore: data/jarida.db is in use by pid 1234 (jarida serve); stop it first'
 */
export function inUseMessage(label: string, holders: readonly Holder[]): string {
  if (holders.length === 0) return `restore: ${label} is in use by another process (jarida serve, ingest or import?); stop it first`;
  // The workers of one `serve` are named by their primary: stopping a worker only starts another.
  const named = [...new Set(holders.map((h) => {
    if (h.host) return `pid ${h.pid} on ${h.host}`;
    const pid = primaryOf(h.pid);
    const what = describeProcess(pid);
    return `pid ${pid}${what ? ` (${what})` : ''}`;
  }))];
  return `restore: ${label} is in use by ${named.join(', ')}; stop ${named.length > 1 ? 'them' : 'it'} first`;
}

/** Returns the parent of a process on this host when it runs the same Jarida command (a cluster worker's primary), else the process. */
function primaryOf(pid: number): number {
  try {
    // /proc/PID/stat: "pid (comm) state ppid …"; comm may hold spaces and brackets, so read after the last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    const what = describeProcess(pid);
    return ppid > 1 && what.startsWith('jarida ') && describeProcess(ppid) === what ? ppid : pid;
  } catch {
    return pid;
  }
}
