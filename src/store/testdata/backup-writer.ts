/**
 * A writer for the backup test, run in a process of its own (vite-node): inserts batches of
 * articles into DATABASE_URL until SIGTERM and prints the number committed after each commit.
 *
 *   vite-node src/store/testdata/backup-writer.ts <database-url> <source-id>
 */
import { insertArticles } from '../articles.js';
import { openStore } from '../db.js';

const [url, sourceId] = process.argv.slice(2);
const BATCH = 20;
const store = openStore(url!);
let stopping = false;
process.on('SIGTERM', () => (stopping = true));

let n = 0;
while (!stopping) {
  const batch = Array.from({ length: BATCH }, (_, k) => writerArticle(n + k, Number(sourceId)));
  n += await insertArticles(store.db, batch, 'Europe/Istanbul');
  process.stdout.write(`${n}\n`);
  await new Promise((r) => setTimeout(r, 2));
}
await store.close();

/** The writer's article i: slug w-i, a day among the last few of the test's range. */
function writerArticle(i: number, source: number) {
  return {
    sourceId: source,
    guid: `w-${i}`,
    slug: `w-${i}`,
    title: `Writer ${i}`,
    contentHtml: `<p>Written during the backup, number ${i}.</p>`,
    publishedAt: new Date(Date.UTC(2019, 1, 10 + (i % 5), 12, i % 60)),
  };
}
