import Database from 'better-sqlite3';
const S = Object.getPrototypeOf(new Database(':memory:').prepare('select 1'));
const stats = new Map();
for (const m of ['all', 'get', 'run', 'iterate']) {
  const orig = S[m];
  S[m] = function (...a) { const t0 = process.hrtime.bigint(); const r = orig.apply(this, a); const k = this.source.slice(0, 150); const s = stats.get(k) ?? { n: 0, ns: 0n }; s.n++; s.ns += process.hrtime.bigint() - t0; stats.set(k, s); return r; };
}
process.on('SIGUSR2', () => { for (const [k, s] of [...stats].sort((a, b) => Number(b[1].ns - a[1].ns))) console.error(s.n, (Number(s.ns) / s.n / 1000).toFixed(1) + 'µs', k); stats.clear(); });
