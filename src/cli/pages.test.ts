import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../paths.js';
import { openStore } from '../store/db.js';
import { findSitePage } from '../store/site-pages.js';
import { createTestDatabase, skipStoreTests, testStoreKind, type TestDatabase } from '../store/testing.js';
import { MAIN } from './testing.js';

beforeAll(() => {
  // `npm test` builds first; a bare `vitest` run builds here.
  if (!existsSync(MAIN)) execFileSync('npx', ['tsc', '-p', 'tsconfig.json'], { cwd: PROJECT_ROOT, stdio: 'inherit' });
}, 120_000);

const dir = mkdtempSync(join(tmpdir(), 'jarida-pages-'));
const file = (name: string, content: string | Buffer) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};
const ABOUT = file('about.md', '# Who we are\n\nJarida is **independent**. [Write to us](mailto:desk@example.org) or [click](javascript:alert(1)).\n\n<script>alert(1)</script>\n');
const HAKKIMIZDA = file('hakkimizda.md', '\ufeffBiz **bağımsızız**.\n');
const IMPRINT = file('imprint.html', '<h2>Imprint</h2><p onclick="x()">Jarida Ltd</p><script>alert(1)</script><a href="javascript:alert(1)">x</a>');

function jarida(args: string[], env: Record<string, string>) {
  const r = spawnSync(process.execPath, [MAIN, ...args], {
    cwd: dir,
    env: { PATH: process.env.PATH, LOG_LEVEL: 'warn', ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const databases: TestDatabase[] = [];
async function tempDb(): Promise<string> {
  const d = await createTestDatabase();
  databases.push(d);
  return d.url;
}
afterAll(async () => {
  for (const d of databases.splice(0)) await d.drop();
});

// Bad input does not depend on the kind of store: once, in the sqlite project.
describe.skipIf(testStoreKind() === 'postgres')('jarida pages: bad input', () => {
  const add = (...more: string[]) => ['pages', 'add', '--title', 'About', '--body-file', ABOUT, ...more];
  const bad: [string, string[], RegExp][] = [
    ['a slug with capitals', add('--slug', 'About'), /^jarida: pages add: --slug "About" must be lowercase letters a-z, digits and single hyphens between them$/],
    ['a slug with a slash', add('--slug', 'a/b'), /--slug "a\/b" must be lowercase/],
    ['a slug that is a year', add('--slug', '2019'), /^jarida: pages add: --slug "2019" is digits only, the URL of a year archive$/],
    ['a reserved slug', add('--slug', 'search'), /^jarida: pages add: --slug "search" is reserved for the site's own URLs$/],
    ['a slug that is a language code', add('--slug', 'tr'), /^jarida: pages add: --slug "tr" is a language's prefix \(\/tr\/\)$/],
    ['a language the site does not have', add('--slug', 'about', '--lang', 'de'), /^jarida: pages add: --lang "de" is not one of the site's languages \(en, tr, ar\)$/],
    ['a language the site has switched off', add('--slug', 'about', '--lang', 'ar'), /--lang "ar" is not one of the site's languages \(en, tr\)$/],
    ['an unknown format', add('--slug', 'about', '--format', 'rtf'), /^jarida: pages add: --format "rtf" must be markdown or html$/],
    ['a position that is not a number', add('--slug', 'about', '--position', 'first'), /^jarida: pages add: --position "first" must be a whole number/],
    ['an empty title', ['pages', 'add', '--slug', 'about', '--title', '  ', '--body-file', ABOUT], /^jarida: pages add: --title must not be empty$/],
    ['a body file that does not exist', ['pages', 'add', '--slug', 'about', '--title', 'A', '--body-file', '/nonexistent/about.md'], /^jarida: pages add: cannot read --body-file \/nonexistent\/about\.md: ENOENT$/],
    ['a body file that is a folder', ['pages', 'add', '--slug', 'about', '--title', 'A', '--body-file', dir], /^jarida: pages add: cannot read --body-file .*: EISDIR$/],
    ['a body file in Latin-1', ['pages', 'add', '--slug', 'about', '--title', 'A', '--body-file', file('latin1.md', Buffer.from('Caf\xe9 \xfc', 'latin1'))], /^jarida: pages add: --body-file .*latin1\.md is not UTF-8 text$/],
    ['a binary body file', ['pages', 'add', '--slug', 'about', '--title', 'A', '--body-file', file('bin.md', Buffer.from([0x50, 0x4b, 0, 0, 1]))], /^jarida: pages add: --body-file .*bin\.md is not text \(it holds NUL bytes\)$/],
    ['an empty body file', ['pages', 'add', '--slug', 'about', '--title', 'A', '--body-file', file('empty.md', '\n  \n')], /^jarida: pages add: --body-file .*empty\.md is empty$/],
    ['a bad slug to remove', ['pages', 'remove', '--slug', 'Über'], /^jarida: pages remove: --slug "Über" must be lowercase/],
    ['a bad language to remove', ['pages', 'remove', '--slug', 'about', '--lang', 'xx'], /^jarida: pages remove: --lang "xx" is not one of the site's languages/],
  ];
  for (const [what, args, message] of bad) {
    it(`names ${what} in one line and exits 2`, async () => {
      const env: Record<string, string> = { DATABASE_URL: await tempDb() };
      if (what.includes('switched off')) env.JARIDA_LANGUAGES = 'en,tr';
      const r = jarida(args, env);
      expect(r.err.trim()).toMatch(message);
      expect(r.err.trim().split('\n')).toHaveLength(1);
      expect(r.code).toBe(2);
      expect(r.out).toBe('');
    });
  }

  it('lists its options in help', () => {
    const help = jarida(['pages', 'add', '--help'], {});
    expect(help.code).toBe(0);
    for (const o of ['--slug', '--title', '--body-file', '--lang', '--format', '--position']) expect(help.out).toContain(o);
  });
});

describe.skipIf(await skipStoreTests())(`jarida pages on the ${testStoreKind()} store`, () => {
  it('adds, replaces, lists and removes pages per language, storing the body as written and sanitized HTML', async () => {
    const env = { DATABASE_URL: await tempDb() };
    const en = jarida(['pages', 'add', '--slug', 'about', '--title', 'About us', '--body-file', ABOUT], env);
    expect(en.err).toBe('');
    expect(en.code).toBe(0);
    expect(en.out).toBe('added page about (en, markdown, position 1): /about/\n');
    const tr = jarida(['pages', 'add', '--slug', 'about', '--title', 'Hakkımızda', '--body-file', HAKKIMIZDA, '--lang', 'tr'], env);
    expect(tr.out).toBe('added page about (tr, markdown, position 1): /tr/about/\n');
    // A .html file is HTML unless told otherwise.
    const imprint = jarida(['pages', 'add', '--slug', 'imprint', '--title', 'Imprint', '--body-file', IMPRINT, '--position', '0'], env);
    expect(imprint.out).toBe('added page imprint (en, html, position 0): /imprint/\n');

    let store = openStore(env.DATABASE_URL);
    const about = (await findSitePage(store.db, 'about', 'en'))!;
    expect(about.body).toBe(readFileSync(ABOUT, 'utf8'));
    expect(about.format).toBe('markdown');
    expect(about.html).toContain('<h2>Who we are</h2>');
    expect(about.html).toContain('<strong>independent</strong>');
    expect(about.html).toContain('href="mailto:desk@example.org"');
    // No script, and no link to javascript: (markdown-it leaves such a link as its text).
    expect(about.html).not.toMatch(/<script|href="\s*javascript:/i);
    expect(about.html).toContain('or [click](javascript:alert(1)).');
    expect((await findSitePage(store.db, 'about', 'tr'))!.body).toBe('Biz **bağımsızız**.\n'); // the BOM goes
    const html = (await findSitePage(store.db, 'imprint', 'en'))!;
    expect(html.html).toBe('<h2>Imprint</h2><p>Jarida Ltd</p><a>x</a>');
    await store.close();

    // Markdown by request, even from a .html file: its tags are shown as text, never run.
    const asMarkdown = jarida(['pages', 'add', '--slug', 'imprint', '--title', 'Imprint', '--body-file', IMPRINT, '--format', 'markdown'], env);
    expect(asMarkdown.out).toBe('replaced page imprint (en, markdown, position 0): /imprint/\n');
    store = openStore(env.DATABASE_URL);
    expect((await findSitePage(store.db, 'imprint', 'en'))!.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    await store.close();

    const list = jarida(['pages', 'list'], env);
    expect(list.code).toBe(0);
    expect(list.out).toMatch(/^imprint\n    en · position 0 · markdown · \/imprint\/ · "Imprint" · updated \S+\n    tr, ar: shows the en version\nabout\n    en · position 1 · markdown · \/about\/ · "About us" · updated \S+\n    tr · position 1 · markdown · \/tr\/about\/ · "Hakkımızda" · updated \S+\n    ar: shows the en version\n$/);
    expect(JSON.parse(jarida(['pages', 'list', '--json'], env).out).map((p: { slug: string; lang: string }) => `${p.slug}/${p.lang}`)).toEqual(['imprint/en', 'about/en', 'about/tr']);

    expect(jarida(['pages', 'remove', '--slug', 'about', '--lang', 'tr'], env).out).toBe('removed page about (tr)\n');
    const gone = jarida(['pages', 'remove', '--slug', 'about', '--lang', 'tr'], env);
    expect(gone.code).toBe(1);
    expect(gone.err).toBe('jarida: pages remove: there is no page about in tr\n');
    expect(jarida(['pages', 'remove', '--slug', 'imprint'], env).out).toBe('removed page imprint (1 language version)\n');
    expect(jarida(['pages', 'remove', '--slug', 'about'], env).out).toBe('removed page about (1 language version)\n');
    expect(jarida(['pages', 'list'], env).out).toMatch(/^no pages yet/);
  });
});
