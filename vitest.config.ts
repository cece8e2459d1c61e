import { defineConfig } from 'vitest/config';

/**
 * Test files that use a store: they run once more on PostgreSQL (src/store/testing.ts). Not the
 * browser test: it checks layout in Chromium, and app.test.ts already serves every page from PostgreSQL.
 */
const STORE_TESTS = [
  'src/store/**/*.test.ts',
  'src/ingest/refresh.test.ts',
  'src/ingest/websub/websub.test.ts',
  'src/ingest/import/import.test.ts',
  'src/ingest/opml/subscriptions.test.ts',
  'src/web/app.test.ts',
  'src/web/search.test.ts',
  'src/web/sections.test.ts',
  'src/web/images.test.ts',
  'src/web/settings.test.ts',
  'src/settings/*.test.ts',
  'src/media/pipeline.test.ts',
  'src/media/upload.test.ts',
  'src/cli/*.test.ts',
  'src/web/admin/**/*.test.ts',
  'src/metrics/*.test.ts',
  'src/web/api/*.test.ts',
  'src/web/sitemaps/sitemaps.test.ts',
  'src/web/feeds/formats.test.ts',
  'src/web/feeds/websub-publish.test.ts',
  'src/web/meta.test.ts',
  'src/web/admission.test.ts',
  'src/web/chrome-cache.test.ts',
];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    projects: [
      { extends: true, test: { name: 'sqlite', include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'bench/**/*.test.ts'] } },
      // Skipped with a notice when PostgreSQL is not reachable, unless JARIDA_REQUIRE_POSTGRES=1.
      { extends: true, test: { name: 'postgres', include: STORE_TESTS, env: { JARIDA_TEST_STORE: 'postgres' } } },
    ],
  },
});
