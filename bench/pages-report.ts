/**
 * The page benchmark's report: Markdown with the setup, a table per mode (Jarida and raw req/s and
 * latency percentiles per page × connections, and their ratio), memory, and issue 5's goals checked.
 */
import { fmt, mb } from './lib.js';
import type { Options } from './pages.js';
import type { Cell, ModeResult } from './pages-run.js';
import type { Targets } from './pages-targets.js';
import type { WrkResult } from './wrk.js';

/** Issue 5's goals. */
const GOAL = { warmRatio: 0.8, warmP99Ms: 10, atConnections: 64, coldRps: 3000, coldPages: ['home', 'day'], memoryBytes: 300 * 1048576, articles: 1_000_000 };

/** What the report shows besides the options. */
export interface ReportInput {
  machine: string;
  filled: { seconds: number | null; bytes: number };
  targets: Targets;
  results: ModeResult[];
  cacheBytes: number;
}

/** Returns the report's text and every failure (responses, socket errors, steps) it lists. */
export function report(o: Options, input: ReportInput): { text: string; failed: string[] } {
  const { targets, results } = input;
  const out: string[] = ['', `## Jarida page benchmark — ${fmt(targets.total)} articles, SQLite`, ''];
  const counts = [...new Set(results.map((r) => `${r.jaridaProcesses}/${r.rawProcesses}`))].join(', ');
  out.push(`- Machine: ${input.machine}; wrk and the servers share its cores, so cells move between runs: compare each with the raw server measured beside it.`);
  out.push(`- Load: wrk -t${o.threads} --timeout 10s, each cell a 1 s warm-up (not reported) then ${o.duration} s; Jarida first, then the raw server.`);
  out.push(`- Jarida: \`node dist/src/main.js serve${o.workers ? ` --workers ${o.workers}` : ''}\`; raw: node:http (node:cluster when Jarida runs several processes) answering the same status, headers and bytes; processes Jarida/raw: ${counts} (a cluster counts its primary).`);
  out.push(`- Store: \`${o.db}\`, ${mb(input.filled.bytes)}, ${input.filled.seconds === null ? 'reused' : `filled in ${fmt(input.filled.seconds, 1)} s (${fmt(targets.total / input.filled.seconds)} articles/s)`}.`);
  out.push(`- Pages: ${targets.pages.map((p) => `${p.name} \`${p.path.length > 48 ? `${p.path.slice(0, 45)}…` : p.path}\``).join(', ')}; ${targets.note}.`);
  for (const r of results) out.push(...modeSection(r, input.cacheBytes));
  out.push('', '### Goals (issue 5)', '', ...goals(results, targets.total));
  const failed = results.flatMap((r) => r.failures);
  out.push('', failed.length ? `**FAILED** (${failed.length}):` : 'Failures: none (every response 2xx/3xx, no socket errors).');
  for (const f of failed) out.push(`- ${f}`);
  return { text: `${out.join('\n')}\n`, failed };
}

/** Returns one mode's heading, table and memory lines. */
function modeSection(r: ModeResult, cacheBytes: number): string[] {
  const out = ['', `### ${r.mode === 'cold' ? 'Cold (page cache off)' : 'Warm (page cache on, filled)'}`, ''];
  out.push('| page | bytes | conns | Jarida req/s | p50 | p99 | p99.9 ms | raw req/s | p50 | p99 | p99.9 ms | Jarida/raw | CPU ms/req Jarida | raw |');
  out.push('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const p of r.pages) {
    if (p.skipped) {
      out.push(`| ${p.name} | | | ${p.skipped} | | | | | | | | | | |`);
      continue;
    }
    for (const c of r.cells.filter((x) => x.page === p.name)) {
      out.push(`| ${p.name} | ${fmt(p.bytes)} | ${c.connections} | ${numbers(c.jarida)} | ${numbers(c.raw)} | ${ratio(c)} | ${cpuCells(c.jarida, c.raw)} |`);
    }
  }
  out.push('');
  out.push(`Jarida ready ${fmt(r.startSeconds, 1)} s after start.${r.cacheFill ? ` Cache filled before measuring: ${fmt(r.cacheFill.pages)} distinct pages, ${mb(r.cacheFill.bytes)} uncompressed, for the site's budget of ${mb(cacheBytes)}, ${mb(r.cacheFill.perProcess)} in each serving process (${fmt(r.cacheFill.seconds, 1)} s).` : ''}`);
  const m = r.memory;
  out.push(m
    ? `Memory (Jarida, ${m.processes} process${m.processes > 1 ? 'es' : ''}, sampled every 250 ms): peak resident **${mb(r.peakPss)}** in total as Pss (a page shared by several processes, such as Node's own code, counted once across them); `
      + `peak VmRSS summed ${mb(r.peakRss)} (shared pages counted once per process); sum of each process's VmHWM ${mb(m.hwmTotal)} (${m.hwms.map(mb).join(' + ')}${m.processes > 1 ? ', the primary first' : ''}), largest process ${mb(m.hwmMax)}; ${mb(m.pssTotal)} Pss and ${mb(m.rssTotal)} VmRSS at the end. `
      + `Raw server: ${r.rawProcesses} process${r.rawProcesses > 1 ? 'es' : ''}, VmHWM ${mb(r.rawMemory?.hwmTotal ?? null)} in total, ${mb(r.rawMemory?.pssTotal ?? null)} Pss at the end.`
    : `Memory: not read (the mode failed before the end; sampled peak ${mb(r.peakRss)}).`);
  return out;
}

/** Returns "req/s | p50 | p99 | p99.9" cells. */
function numbers(m: WrkResult | null): string {
  if (!m) return 'failed | | |';
  if (!m.requests) return '0 (none done) | | |';
  return `${fmt(m.rps)} | ${fmt(m.p50, 2)} | ${fmt(m.p99, 2)} | ${fmt(m.p999, 2)}`;
}

/** Returns "Jarida CPU ms/req | raw CPU ms/req" cells (every thread of each server's processes). */
function cpuCells(jarida: WrkResult | null, raw: WrkResult | null): string {
  const ms = (m: WrkResult | null) => (m?.cpuMsPerRequest == null ? '–' : fmt(m.cpuMsPerRequest, 3));
  return `${ms(jarida)} | ${ms(raw)}`;
}

function ratio(c: Cell): string {
  return c.jarida && c.raw ? fmt(c.jarida.rps / c.raw.rps, 2) : '–';
}

/** Returns a line per goal: warm ratio and p99 at 64 connections, cold home and day req/s, memory. */
function goals(results: ModeResult[], total: number): string[] {
  const out: string[] = [];
  const mark = (ok: boolean) => (ok ? '✓' : '✗');
  const warm = results.find((r) => r.mode === 'warm');
  const cold = results.find((r) => r.mode === 'cold');
  const at = (r: ModeResult | undefined, c: number) => r?.cells.filter((x) => x.connections === c && x.jarida && x.raw) ?? [];
  const warmCells = at(warm, GOAL.atConnections);
  if (warmCells.length) {
    out.push(`- Warm, ${GOAL.atConnections} connections: ≥ ${GOAL.warmRatio} × raw req/s and p99 < ${GOAL.warmP99Ms} ms — `
      + warmCells.map((c) => `${c.page} ${fmt(c.jarida!.rps / c.raw!.rps, 2)} ${mark(c.jarida!.rps / c.raw!.rps >= GOAL.warmRatio)}, p99 ${fmt(c.jarida!.p99, 2)} ms ${mark(c.jarida!.p99 < GOAL.warmP99Ms)}`).join('; '));
  } else out.push(`- Warm, ${GOAL.atConnections} connections: not measured.`);
  const coldCells = cold?.cells.filter((c) => GOAL.coldPages.includes(c.page) && c.jarida) ?? [];
  const scale = total === GOAL.articles ? '' : ` (this store has ${fmt(total)} articles; the goal is at ${fmt(GOAL.articles)})`;
  out.push(coldCells.length
    ? `- Cold home and day archive ≥ ${fmt(GOAL.coldRps)} req/s${scale} — ${coldCells.map((c) => `${c.page} ${c.connections}c ${fmt(c.jarida!.rps)} ${mark(c.jarida!.rps >= GOAL.coldRps)}`).join('; ')}`
    : '- Cold home and day archive: not measured.');
  out.push(warm?.memory
    ? `- Memory < ${mb(GOAL.memoryBytes)} resident with the cache full${scale}: peak ${mb(warm.peakPss)} in total (Pss) ${mark(warm.peakPss > 0 && warm.peakPss < GOAL.memoryBytes)}; `
      + `VmRSS summed ${mb(warm.peakRss)} ${mark(warm.peakRss < GOAL.memoryBytes)}; largest process ${mb(warm.memory.hwmMax)} ${mark(warm.memory.hwmMax < GOAL.memoryBytes)}`
    : '- Memory with the cache full: not measured.');
  return out;
}
