/**
 * Language detection: accuracy, speed and install size of maintained detectors on English, Turkish
 * and Arabic text (and on text in other languages, which should not be labelled en, tr or ar).
 *
 *   npm run eval:lang -- [--runs N] [--list]
 *
 * Samples: demo/articles.json (title, title + summary, each paragraph, the whole body), the
 * site's interface strings in the three languages (src/web/i18n/strings.ts: short UI sentences),
 * the Reader View test pages of shared/corpora/readability with a declared language (English:
 * title + excerpt, paragraphs, body; other languages: the "should not say en/tr/ar" set), and the
 * Arabic extraction fixture. Detectors absent from node_modules are skipped (only the chosen one
 * stays a dependency; `npm install --no-save <name>` brings another back for a comparison).
 *
 * Each detector is asked two ways, as src/search/language.ts could use it: `open` (its best guess
 * over all its languages; a language outside en/tr/ar means "none of ours": null) and `subset`
 * (its best among en/tr/ar only). Accuracy = right answers / samples; for other languages, the
 * share wrongly labelled en, tr or ar. Speed: mean µs per sample, best of N runs after a warm-up.
 *
 * Then the Turkish stemmer question, on src/search/testdata/turkish-words.txt (lemmas, each with
 * suffixed forms): every form is a query (as written, and typed without Turkish letters) against
 * every form as indexed; a query matches as the store matches (same term, or a prefix of 3+
 * letters). Recall: same-lemma pairs matched; false matches: other lemmas matched per query; stop
 * collisions: forms whose term is a Turkish stop word. Compared: folding only (Jarida) and Snowball
 * Turkish (`snowball-stemmers`, the same algorithm as @nlpjs/lang-tr) before folding.
 *
 * Last, the same for Arabic on src/search/testdata/arabic-words.txt (common words, then words a light
 * stemmer is known to cut wrongly): Jarida's article rules, and a Light10-style light stemmer.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createRequire } from 'node:module';
import { htmlToText } from '../src/html/text.js';
import { readReaderCorpus } from '../src/ingest/extract/score.js';
import { foldText, searchTerms } from '../src/search/normalize.js';
import { detectLanguage } from '../src/search/language.js';
import { CORPORA_URL, PROJECT_ROOT } from '../src/paths.js';
import { STRINGS } from '../src/web/i18n/strings.js';

type Lang = 'en' | 'tr' | 'ar';
const OURS: readonly Lang[] = ['en', 'tr', 'ar'];
interface Sample { lang: Lang | 'other'; kind: string; text: string; where: string }
/** A detector's ranking over all of its languages: [ISO 639-1 code, score], best first. */
type Ranked = [string, number][];
interface Detector { name: string; pkg: string[]; rank(text: string): Ranked }

const ISO3: Readonly<Record<string, string>> = { eng: 'en', tur: 'tr', arb: 'ar', ara: 'ar' };

async function loadDetectors(): Promise<Detector[]> {
  const out: Detector[] = [];
  const tryLoad = async (name: string, pkg: string[], make: () => Promise<(t: string) => Ranked>) => {
    try {
      out.push({ name, pkg, rank: await make() });
    } catch (err) {
      process.stderr.write(`skipped ${name}: ${(err as Error).message.split('\n')[0]}\n`);
    }
  };
  const load = (m: string): Promise<any> => import(m);
  for (const size of ['large', 'medium', 'small', 'extrasmall']) {
    await tryLoad(`eld/${size}`, ['eld'], async () => {
      const { eld } = await load(`eld/${size}`);
      return (t) => Object.entries(eld.detect(t).getScores() as Record<string, number>).sort((a, b) => b[1] - a[1]);
    });
  }
  await tryLoad('tinyld', ['tinyld'], async () => {
    const { detectAll } = await load('tinyld');
    return (t) => (detectAll(t) as { lang: string; accuracy: number }[]).map((r) => [r.lang, r.accuracy]);
  });
  await tryLoad('tinyld/heavy', ['tinyld'], async () => {
    const { detectAll } = await load('tinyld/heavy');
    return (t) => (detectAll(t) as { lang: string; accuracy: number }[]).map((r) => [r.lang, r.accuracy]);
  });
  await tryLoad('franc-min', ['franc-min', 'trigram-utils', 'n-gram', 'collapse-white-space'], async () => {
    const { francAll } = await load('franc-min');
    return (t) => (francAll(t, { minLength: 3 }) as [string, number][]).filter(([l]) => l !== 'und').map(([l, s]) => [ISO3[l] ?? l, s]);
  });
  await tryLoad('lande', ['lande', 'toygrad'], async () => {
    const { default: lande } = await load('lande');
    return (t) => (lande(t) as [string, number][]).map(([l, s]) => [ISO3[l] ?? l, s]);
  });
  await tryLoad('languagedetect', ['languagedetect'], async () => {
    const { default: LanguageDetect } = await load('languagedetect');
    const ld = new LanguageDetect();
    ld.setLanguageType('iso2');
    return (t) => ld.detect(t, 8) as Ranked;
  });
  await tryLoad('cld3-asm', ['cld3-asm', 'emscripten-wasm-loader'], async () => {
    const { loadModule } = await load('cld3-asm');
    const id = (await loadModule()).create(0, 4000);
    return (t) => (id.findMostFrequentLanguages(t, 3) as { language: string; probability: number }[])
      .filter((r) => r.language !== 'und').map((r) => [r.language, r.probability]);
  });
  return out;
}

function samples(): Sample[] {
  const out: Sample[] = [];
  const add = (lang: Sample['lang'], kind: string, text: string, where: string) => {
    const t = text.replace(/\s+/g, ' ').trim();
    if (t.length >= 3) out.push({ lang, kind, text: t, where });
  };
  const demo = JSON.parse(readFileSync(join(PROJECT_ROOT, 'demo/articles.json'), 'utf8')) as { articles: { language: Lang; title: string; summary?: string; body: string }[] };
  for (const [i, a] of demo.articles.entries()) {
    add(a.language, 'title', a.title, `demo ${i}`);
    add(a.language, 'title+summary', `${a.title}. ${a.summary ?? ''}`, `demo ${i}`);
    for (const p of a.body.split(/<\/p>/)) add(a.language, 'paragraph', htmlToText(p), `demo ${i}`);
    add(a.language, 'body', htmlToText(a.body), `demo ${i}`);
  }
  for (const lang of OURS) {
    for (const [key, s] of Object.entries(STRINGS[lang])) {
      const t = String(s).replace(/\{[^}]*\}/g, ' ');
      if (t.replace(/[^\p{L}]/gu, '').length >= 15) add(lang, 'ui string', t, `strings ${key}`);
    }
  }
  const corpus = fileURLToPath(new URL('readability/', CORPORA_URL));
  for (const { name: page, expected: meta, expectedHtml } of readReaderCorpus(corpus)) {
    if (!meta.lang) continue;
    const primary = meta.lang.toLowerCase().split('-')[0]!;
    const lang: Sample['lang'] = (OURS as readonly string[]).includes(primary) ? (primary as Lang) : 'other';
    add(lang, 'title+summary', `${meta.title ?? ''}. ${meta.excerpt ?? ''}`, `readability ${page}`);
    const paras = expectedHtml.split(/<\/p>/).map(htmlToText).filter((p) => p.length >= 80);
    for (const p of paras.slice(0, 5)) add(lang, 'paragraph', p, `readability ${page}`);
    add(lang, 'body', htmlToText(expectedHtml).slice(0, 3000), `readability ${page}`);
  }
  const arabic = readFileSync(join(PROJECT_ROOT, 'src/ingest/extract/testdata/arabic-rtl.html'), 'utf8');
  for (const p of arabic.split(/<\/p>/).map(htmlToText).filter((p) => /[\u0600-\u06ff]{3}/.test(p))) add('ar', 'paragraph', p.replace(/^[^]*?<p[^>]*>/, ''), 'arabic-rtl.html');
  return out;
}

/** The answer of a ranking for the two uses: open (null when its best is not ours) and subset. */
function answer(r: Ranked, mode: 'open' | 'subset'): Lang | null {
  if (mode === 'subset') return (r.find(([l]) => (OURS as readonly string[]).includes(l))?.[0] as Lang | undefined) ?? null;
  const top = r[0]?.[0];
  return top && (OURS as readonly string[]).includes(top) ? (top as Lang) : null;
}

function sizeOf(pkgs: string[]): number {
  let total = 0;
  const walk = (p: string) => {
    for (const e of readdirSync(p, { withFileTypes: true })) {
      const f = join(p, e.name);
      if (e.isDirectory()) walk(f);
      else total += statSync(f).size;
    }
  };
  for (const p of pkgs) {
    const dir = join(PROJECT_ROOT, 'node_modules', p);
    if (existsSync(dir)) walk(dir);
  }
  return total;
}

const { values: args } = parseArgs({ options: { runs: { type: 'string', default: '3' }, list: { type: 'boolean', default: false } } });
const all = samples();
const detectors = await loadDetectors();
const groups = [...new Set(all.map((s) => `${s.lang} ${s.kind}`))].sort();
process.stdout.write(`${all.length} samples: ${OURS.map((l) => `${l} ${all.filter((s) => s.lang === l).length}`).join(', ')}, other languages ${all.filter((s) => s.lang === 'other').length}\n\n`);

const rows: string[][] = [];
const pct = (a: number, b: number) => (b ? `${((100 * a) / b).toFixed(1)}%` : '-');
/** The detector of src/search/language.ts as Jarida calls it (null when unsure), for comparison. */
const jarida: Detector = { name: 'jarida detectLanguage', pkg: [], rank: (t) => { const l = detectLanguage(t, OURS); return l ? [[l, 1]] : []; } };
for (const d of [...detectors, jarida]) {
  for (const s of all.slice(0, 50)) d.rank(s.text); // warm-up
  let best = Infinity;
  let ranked: Ranked[] = [];
  for (let run = 0; run < Number(args.runs); run++) {
    const t0 = performance.now();
    ranked = all.map((s) => d.rank(s.text));
    best = Math.min(best, performance.now() - t0);
  }
  for (const mode of d === jarida ? (['open'] as const) : (['open', 'subset'] as const)) {
    const answers = ranked.map((r) => answer(r, mode));
    const right = (pred: (s: Sample) => boolean) => {
      const idx = all.map((s, i) => [s, i] as const).filter(([s]) => pred(s));
      const ok = idx.filter(([s, i]) => (s.lang === 'other' ? answers[i] === null : answers[i] === s.lang)).length;
      return pct(ok, idx.length);
    };
    const ourIdx = all.map((s, i) => [s, i] as const).filter(([s]) => s.lang !== 'other');
    const wrong = ourIdx.filter(([s, i]) => answers[i] !== null && answers[i] !== s.lang).length;
    rows.push([
      `${d.name} (${mode})`,
      ...OURS.map((l) => right((s) => s.lang === l)),
      right((s) => s.lang !== 'other'),
      pct(wrong, ourIdx.length),
      right((s) => s.lang === 'tr' && (s.kind === 'title' || s.kind === 'ui string')),
      right((s) => s.lang === 'other'),
      ((best * 1000) / all.length).toFixed(0),
      d.pkg.length ? `${(sizeOf(d.pkg) / 1e6).toFixed(1)} MB` : '(eld)',
    ]);
    if (args.list) {
      for (const [i, s] of all.entries()) {
        if ((s.lang === 'other' ? answers[i] !== null : answers[i] !== s.lang)) process.stdout.write(`  ${d.name} ${mode}: ${s.lang} ${s.kind} → ${answers[i]} (${s.where}): ${s.text.slice(0, 70)}\n`);
      }
    }
  }
}
const header = ['detector (use)', 'en', 'tr', 'ar', 'en+tr+ar', 'wrong language', 'tr short', 'other → none', 'µs/sample', 'install'];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |\n`;
process.stdout.write(line(header) + line(widths.map((w) => '-'.repeat(w))) + rows.map(line).join(''));
process.stdout.write(`\ngroups: ${groups.map((g) => `${g} ${all.filter((s) => `${s.lang} ${s.kind}` === g).length}`).join(', ')}\n`);

// ---- Turkish stemming ----
const lemmas = readFileSync(join(PROJECT_ROOT, 'src/search/testdata/turkish-words.txt'), 'utf8').split('\n')
  .filter((l) => l.trim() && !l.startsWith('#')).map((l) => l.split(':')[1]!.trim().split(/\s+/));
const TR_STOP = new Set('ve veya ile bir bu o da de mi mı için gibi ama ki ne çok daha en olan olarak sonra kadar her ise hem ya göre diye ancak bile ayrıca'.split(' ').map((w) => foldText(w)));
const stemmers: { name: string; term(word: string): string }[] = [{ name: 'folding only (Jarida)', term: (w) => searchTerms(w, 'tr').join(' ') }];
try {
  const sb = createRequire(import.meta.url)('snowball-stemmers') as { newStemmer(l: string): { stem(w: string): string } };
  const tr = sb.newStemmer('turkish');
  stemmers.push({ name: 'Snowball Turkish, then folding', term: (w) => foldText(tr.stem(w.toLocaleLowerCase('tr'))) });
} catch {
  process.stderr.write('skipped Snowball: snowball-stemmers is not installed\n');
}
const trRows: string[][] = [];
for (const st of stemmers) {
  const indexed = lemmas.map((forms) => forms.map((f) => st.term(f)));
  let same = 0, sameHit = 0, queries = 0, falseHits = 0, queriesWithFalse = 0, stops = 0;
  const matches = (q: string, d: string) => q === d || (q.length >= 3 && d.startsWith(q));
  for (const [li, forms] of lemmas.entries()) {
    for (const form of forms) {
      if (TR_STOP.has(st.term(form))) stops++;
      for (const typed of [form, foldText(form)]) {
        const q = st.term(typed);
        queries++;
        for (const d of indexed[li]!) { same++; if (matches(q, d)) sameHit++; }
        const others = indexed.filter((terms, k) => k !== li && terms.some((d) => matches(q, d))).length;
        falseHits += others;
        if (others) queriesWithFalse++;
      }
    }
  }
  trRows.push([st.name, pct(sameHit, same), (falseHits / queries).toFixed(3), pct(queriesWithFalse, queries), String(stops)]);
}
const trHeader = ['Turkish analysis', 'recall (same lemma)', 'other lemmas matched / query', 'queries with a false match', 'stop collisions'];
const trWidths = trHeader.map((h, i) => Math.max(h.length, ...trRows.map((r) => r[i]!.length)));
const trLine = (r: string[]) => `| ${r.map((c, i) => c.padEnd(trWidths[i]!)).join(' | ')} |\n`;
process.stdout.write(`\n${lemmas.length} Turkish lemmas, ${lemmas.flat().length} forms, each queried as written and without Turkish letters\n`);
process.stdout.write(trLine(trHeader) + trLine(trWidths.map((w) => '-'.repeat(w))) + trRows.map(trLine).join(''));

// ---- Arabic light stemming ----
// A Light10-style stemmer (Larkey et al.) after Jarida's folding and article rules: و dropped before
// 3+ letters, then the suffixes ها ان ات ون ين يه ه ي each once while 2+ letters stay.
const arLemmas = readFileSync(join(PROJECT_ROOT, 'src/search/testdata/arabic-words.txt'), 'utf8').split('\n')
  .filter((l) => l.trim() && !l.startsWith('#')).map((l) => l.split(':')[1]!.trim().split(/\s+/));
const light = (w: string) => {
  let t = searchTerms(w, 'ar').join(' ');
  if (t.startsWith('و') && t.length >= 4) t = t.slice(1);
  for (const suffix of ['ها', 'ان', 'ات', 'ون', 'ين', 'يه', 'ه', 'ي']) if (t.endsWith(suffix) && t.length - suffix.length >= 2) t = t.slice(0, -suffix.length);
  return t;
};
const arRows: string[][] = [];
for (const st of [{ name: 'Jarida (article rules only)', term: (w: string) => searchTerms(w, 'ar').join(' ') }, { name: 'plus light stemming (Light10-style)', term: light }]) {
  const indexed = arLemmas.map((forms) => forms.map((f) => st.term(f)));
  let same = 0, sameHit = 0, queries = 0, falseHits = 0, queriesWithFalse = 0;
  const matches = (q: string, d: string) => q === d || (q.length >= 3 && d.startsWith(q));
  for (const [li, forms] of arLemmas.entries()) {
    for (const form of forms) {
      const q = st.term(form);
      queries++;
      for (const d of indexed[li]!) { same++; if (matches(q, d)) sameHit++; }
      const others = indexed.filter((terms, k) => k !== li && terms.some((d) => matches(q, d))).length;
      falseHits += others;
      if (others) queriesWithFalse++;
    }
  }
  arRows.push([st.name, pct(sameHit, same), (falseHits / queries).toFixed(3), pct(queriesWithFalse, queries)]);
}
const arHeader = ['Arabic analysis', 'recall (same lemma)', 'other lemmas matched / query', 'queries with a false match'];
const arWidths = arHeader.map((h, i) => Math.max(h.length, ...arRows.map((r) => r[i]!.length)));
const arLine = (r: string[]) => `| ${r.map((c, i) => c.padEnd(arWidths[i]!)).join(' | ')} |\n`;
process.stdout.write(`\n${arLemmas.length} Arabic lemmas, ${arLemmas.flat().length} forms\n`);
process.stdout.write(arLine(arHeader) + arLine(arWidths.map((w) => '-'.repeat(w))) + arRows.map(arLine).join(''));
