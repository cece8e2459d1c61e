import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { candidates, loadCases, runCandidate } from '../../../bench/eval-parsers.js';
import { CORPORA_URL } from '../../paths.js';

// The shared corpora sit beside the project root; bench/eval-parsers.ts holds the checks and
// prints the comparison with the npm candidates (npm run eval:parsers).
const CORPORA = CORPORA_URL;
const present = ['feedparser/', 'gofeed/', 'rss-parser/'].every((d) => existsSync(new URL(d, CORPORA)));
const required = process.env.JARIDA_REQUIRE_CORPORA === '1';

// Cases passed when measured (of 455 / 196 / 21 counted); the parser may only get better.
const MEASURED: Readonly<Record<string, number>> = { feedparser: 441, gofeed: 186, 'rss-parser': 17 };

describe('corpora (feedparser, gofeed, rss-parser)', () => {
  it.skipIf(!present && !required)('our parser passes at least the measured number of cases on each corpus', async () => {
    if (!present) throw new Error(`corpora missing at ${fileURLToPath(CORPORA)} (JARIDA_REQUIRE_CORPORA=1)`);
    const { cases } = loadCases(fileURLToPath(CORPORA));
    const ours = candidates().find((c) => c.name === 'ours')!;
    const run = await runCandidate(ours, cases);
    const passed = Object.fromEntries(Object.keys(MEASURED).map((c) => [c, run.passed.get(c) ?? 0]));
    for (const [corpus, min] of Object.entries(MEASURED)) {
      expect(passed[corpus], `${corpus}: ${run.failures.filter((f) => f.corpus === corpus).map((f) => f.id).join(', ')}`).toBeGreaterThanOrEqual(min);
    }
  });
});
