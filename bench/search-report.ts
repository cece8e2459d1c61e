/**
 * The search benchmark's report: Markdown with the setup, the query mix, the cold cells beside the
 * raw server, each query kind alone, the overload with admission on and off, and issue 16's goal.
 */
import { fmt } from './lib.js';
import type { MixQuery, QueryMix } from './search-mix.js';
import type { ColdResult, OverloadResult, OverloadSide } from './search-run.js';
import type { WrkResult } from './wrk.js';

/** Issue 16: under overload, cached pages keep their p99 under this with admission on. */
const GOAL_CACHED_P99_MS = 20;

/** What the report shows. */
export interface SearchReportInput {
  machine: string;
  store: string;
  total: number;
  sample: { size: number; drawn: number; seed: number };
  mix: QueryMix;
  duration: number;
  threads: number;
  workers: number | null;
  cachedPaths: readonly string[];
  cold: ColdResult | null;
  overload: OverloadResult[];
}

/** Returns the report's text and the failures that make the run exit 1 (those of the plain cells and failed steps). */
export function searchReport(i: SearchReportInput): { text: string; failed: string[] } {
  const out: string[] = ['', `## Jarida search benchmark — ${fmt(i.total)} articles`, ''];
  out.push(`- Machine: ${i.machine}; wrk and the servers share its cores: compare each cell with the raw server measured beside it.`);
  out.push(`- Store: \`${i.store}\`. Jarida: \`node dist/src/main.js serve${i.workers ? ` --workers ${i.workers}` : ''}\`; processes Jarida/raw: ${i.cold ? `${i.cold.jaridaProcesses}/${i.cold.rawProcesses}` : 'n/a'} (a cluster counts its primary).`);
  out.push(`- Load: wrk -t${i.threads} --timeout 10s walking the query list (each thread from its own offset), each cell a 1 s warm-up then ${i.duration} s; Jarida first, then the raw node:http server answering the same bytes for the same paths.`);
  out.push(`- Query mix: ${i.mix.queries.length} queries drawn from ${fmt(i.sample.size)} published articles (${fmt(i.sample.drawn)} random ids drawn), seed ${i.sample.seed}; "df" is how many sampled articles hold the word.`);
  for (const n of i.mix.notes) out.push(`  - ${n}`);
  out.push('', '### Query mix', '', '| # | kind | lang | query | df | status | bytes |', '|---:|---|---|---|---:|---:|---:|');
  i.mix.queries.forEach((q, k) => {
    const a = i.cold?.answers.find((x) => x.path === q.path);
    out.push(`| ${k + 1} | ${q.kind} | ${q.lang} | ${queryCell(q)} | ${q.df === null ? '' : fmt(q.df)} | ${a?.status ?? ''} | ${a ? fmt(a.bytes) : ''} |`);
  });
  if (i.cold) out.push(...coldSection(i.cold));
  if (i.overload.length) out.push(...overloadSection(i.overload, i.cachedPaths, i.duration));
  const failed = [...(i.cold?.failures ?? []), ...i.overload.flatMap((r) => r.failures)];
  out.push('', failed.length ? `**FAILED** (${failed.length}):` : 'Failures: none (plain cells: every response 2xx, no socket errors).');
  for (const f of failed) out.push(`- ${f}`);
  return { text: `${out.join('\n')}\n`, failed };
}

function queryCell(q: MixQuery): string {
  const filters = q.path.includes('&') ? ` ${q.path.slice(q.path.indexOf('&') + 1).replaceAll('&', ' ')}` : '';
  return `\`${q.q.replaceAll('|', '\\|')}\`${filters}`;
}

function coldSection(r: ColdResult): string[] {
  const out = ['', '### Cold searches (page cache off), the mix in turn', ''];
  out.push('| conns | Jarida req/s | p50 | p99 | p99.9 ms | non-2xx | raw req/s | p50 | p99 | p99.9 ms | Jarida/raw | CPU ms/req Jarida | raw |');
  out.push('|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const c of r.cells) {
    out.push(`| ${c.connections} | ${numbers(c.jarida)} | ${c.jarida ? fmt(c.jarida.badStatus) : ''} | ${numbers(c.raw)} | ${c.jarida && c.raw ? fmt(c.jarida.rps / c.raw.rps, 3) : '–'} | ${cpuCells(c.jarida, c.raw)} |`);
  }
  if (r.kinds.length) {
    out.push('', `Each kind alone, 1 connection, ${r.kinds[0]!.seconds} s each (no warm-up):`, '');
    out.push('| kind | queries | req/s | p50 ms | p99 ms | max ms |', '|---|---:|---:|---:|---:|---:|');
    for (const k of r.kinds) {
      const m = k.result;
      out.push(`| ${k.kind} | ${k.queries} | ${m ? `${fmt(m.rps)} | ${fmt(m.p50, 2)} | ${fmt(m.p99, 2)} | ${fmt(m.max, 2)}` : 'failed | | |'} |`);
    }
  }
  return out;
}

function overloadSection(runs: OverloadResult[], cachedPaths: readonly string[], duration: number): string[] {
  const out = ['', '### Overload: cold searches and cached pages at the same time', ''];
  out.push(`Page cache on; the cached pages (${cachedPaths.map((p) => `\`${p.length > 40 ? `${p.slice(0, 37)}…` : p}\``).join(', ')}) in every process's cache first; `
    + 'the cached pages are measured alone first; then every search request carries a new `n=` parameter (ignored by the search, a new page cache key), so each one renders. A 1 s warm-up of both, then the measured seconds. '
    + 'Non-2xx under overload are the 503s of admission control (expected); "refused" and "stale" are the server\'s own counts from /metrics over the measured seconds.', '');
  out.push('| admission | load | conns | req/s | p50 | p99 | p99.9 ms | non-2xx (503) | socket errors | refused / stale |');
  out.push('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of runs) {
    const adm = r.maxInFlight === 0 ? 'off' : `on (${r.maxInFlight} per process)`;
    const counts = r.refused === null ? 'n/a' : `${fmt(r.refused)} / ${fmt(r.staleServed ?? 0)}`;
    out.push(`| ${adm} | cached pages alone, before | ${side({ connections: r.cached.connections, paths: r.cached.paths, result: r.cachedAlone }, duration)} | |`);
    out.push(`| ${adm} | searches, cold | ${side(r.search, duration)} | ${counts} |`);
    out.push(`| ${adm} | cached pages, during | ${side(r.cached, duration)} | |`);
  }
  const on = runs.find((r) => r.maxInFlight !== 0)?.cached.result;
  const goal = `Goal (issue 16): cached pages keep p99 < ${GOAL_CACHED_P99_MS} ms under the overload with admission on —`;
  out.push('', !on ? `${goal} not measured.`
    : on.requests === 0 ? `${goal} ✗: no cached page answered in the ${duration} s (wrk counts only answered requests: their latency is over ${duration} s).`
      : `${goal} p99 ${fmt(on.p99, 2)} ms ${on.p99 < GOAL_CACHED_P99_MS ? '✓' : '✗'}.`);
  return out;
}

function side(s: OverloadSide, duration: number): string {
  const m = s.result;
  if (!m) return `${s.connections} | failed | | | | | `;
  if (!m.requests) return `${s.connections} | **0** (none answered in ${duration} s) | | | | ${fmt(m.badStatus)} | ${fmt(m.socketErrors)}`;
  return `${s.connections} | ${fmt(m.rps)} | ${fmt(m.p50, 2)} | ${fmt(m.p99, 2)} | ${fmt(m.p999, 2)} | ${fmt(m.badStatus)} | ${fmt(m.socketErrors)}`;
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
