/**
 * `jarida sections …` and `jarida sources map` as an operator runs them: the menu made and ordered,
 * an OPML folder as a source's default section (and back out in the export), a mapping that files
 * the stored articles again, and one-line errors for bad input.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, skipStoreTests, testStoreKind, type TestDatabase } from '../store/testing.js';
import { runJarida } from './testing.js';

const skip = await skipStoreTests();
let database: TestDatabase;

beforeAll(async () => {
  if (!skip) database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

const jarida = (args: string[]) => runJarida(args, { DATABASE_URL: database.url, LOG_LEVEL: 'warn', JARIDA_NOW: '2019-02-15T12:00:00+03:00' });

describe.skipIf(skip)(`jarida sections and sources map, on the ${testStoreKind()} store`, () => {
  it('makes, orders, renames and removes sections; maps a source\'s words and files its articles again', async () => {
    expect((await jarida(['sections', 'list'])).out).toBe('no sections yet: jarida sections add <slug> --name <name>\n');
    expect((await jarida(['sections', 'add', 'world', '--name', 'World', '--name-tr', 'Dünya', '--name-ar', 'العالم'])).out).toBe('added section:\n  1  world  World / tr Dünya / ar العالم  (0 articles)\n');
    await jarida(['sections', 'add', 'economy', '--name', 'Economy']);
    expect((await jarida(['sections', 'move', 'economy', '1'])).out).toBe('  1  economy  Economy  (0 articles)\n  2  world  World / tr Dünya / ar العالم  (0 articles)\n');

    // Articles by hand, filed by their words: a section's name in any language, else a tag.
    const add = (title: string, ...words: string[]) => jarida(['article', 'add', '--title', title, '--published', '2019-02-14T10:00:00+03:00', '--source', 'Haber', ...words.flatMap((w) => ['--category', w])]);
    expect((await add('One', 'Dünya')).code).toBe(0);
    expect((await add('Two', 'Küresel')).code).toBe(0);
    expect((await add('Three', 'küresel', 'Borsa')).code).toBe(0);
    const list = await jarida(['sections', 'list', '--tags']);
    expect(list.out).toContain('  2  world  World / tr Dünya / ar العالم  (1 article)\n');
    expect(list.out).toContain('  -  kuresel  Küresel  (2 articles)\n');

    // The source's own word for the section: its stored articles move there.
    const map = await jarida(['sources', 'map', '1', '--category', 'Küresel', '--section', 'world']);
    expect(map.err).toBe('');
    expect(map.out).toBe('source 1 (Haber)\n  default section: none (articles whose words map to no section are in no section)\n  kuresel → world\n2 stored articles filed again\n');
    expect((await jarida(['sections', 'list'])).out).toContain('world  World / tr Dünya / ar العالم  (3 articles)');
    const def = await jarida(['sources', 'map', '1', '--default-section', 'economy']);
    expect(def.out).toContain('  default section: economy (Economy)\n');
    expect((await jarida(['sections', 'list'])).out).toContain('  1  economy  Economy  (0 articles)'); // every article is in world already

    expect((await jarida(['sections', 'rename', 'world', '--name-tr', 'Dünya Haberleri'])).out).toBe('  2  world  World / tr Dünya Haberleri / ar العالم  (3 articles)\n');
    expect((await jarida(['sections', 'remove', 'world'])).out).toBe('removed section world; its 3 articles stay\n');
    // The articles stay, under their tags.
    expect((await jarida(['sections', 'list', '--tags'])).out).toContain('borsa  Borsa  (1 article)');
  }, 90_000); // some 20 `jarida` processes, each opening the store: ~16 s alone, past 30 s on a busy 2-core machine

  it('an OPML folder becomes the default section of its feeds, and the export writes it back', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jarida-opml-'));
    const file = join(dir, 'feeds.opml');
    writeFileSync(file, `<?xml version="1.0"?><opml version="2.0"><body>
      <outline text="Sport"><outline type="rss" text="Goals" xmlUrl="https://goals.example/feed"/></outline>
      <outline text="Economy"><outline type="rss" text="Markets" xmlUrl="https://markets.example/rss"/></outline>
      <outline type="rss" text="Loose" xmlUrl="https://loose.example/rss"/></body></opml>`);
    expect((await jarida(['sources', 'import', file])).out).toBe('imported 3 of 3 feeds\nfolders → default sections: Sport → sport (1) · Economy → economy (1)\n');
    const sections = (await jarida(['sections', 'list'])).out;
    expect(sections).toContain('economy  Economy'); // the existing section, by its name
    expect(sections).toMatch(/\d+ {2}sport {2}Sport {2}\(0 articles\)/); // made for the folder
    const exported = (await jarida(['sources', 'export'])).out;
    expect(exported).toContain('<outline text="Sport" title="Sport">\n      <outline type="rss" text="Goals" title="Goals" xmlUrl="https://goals.example/feed"/>\n    </outline>');
    expect(exported).toMatch(/ {4}<outline type="rss" text="Loose"/);
  });

  it('bad input is one line naming the problem', async () => {
    const bad = async (args: string[], message: RegExp) => {
      const r = await jarida(args);
      expect(r.code, args.join(' ')).not.toBe(0);
      expect(r.err, args.join(' ')).toMatch(message);
      expect(r.err.trim().split('\n'), args.join(' ')).toHaveLength(1);
    };
    await bad(['sections', 'add', 'Bad Slug', '--name', 'x'], /^jarida: sections: "Bad Slug" is not a slug/);
    await bad(['sections', 'add', 'nameless'], /^jarida: sections: a new section needs a name/);
    await bad(['sections', 'add', 'economy', '--name', 'Again'], /^jarida: sections: economy exists already/);
    await bad(['sections', 'move', 'economy', '0'], /must be a place in the menu/);
    await bad(['sections', 'move', 'nowhere', '1'], /^jarida: sections move: no section nowhere/);
    await bad(['sections', 'rename', 'economy'], /^jarida: sections rename: nothing to change/);
    await bad(['sections', 'remove', 'nowhere'], /^jarida: sections remove: no section or tag nowhere/);
    await bad(['sources', 'map', '1', '--category', 'x'], /^jarida: sources map: --category needs --section/);
    await bad(['sources', 'map', '1', '--category', 'x', '--section', 'nowhere'], /^jarida: sources: no section nowhere/);
    await bad(['sources', 'map', '99', '--default-section', 'economy'], /^jarida: sources map: no source 99/);
  });
});
