import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseConfig } from './config.js';
import { PROJECT_ROOT } from './paths.js';

function errorsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err.fields;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('config', () => {
  it('has the documented defaults', () => {
    const c = parseConfig({});
    expect(c.databaseUrl).toBe('sqlite:./data/jarida.db');
    expect(c.port).toBe(3000);
    expect(c.host).toBe('127.0.0.1');
    expect(c.site.timeZone).toBe('Europe/Istanbul');
    expect(c.site.stripDays).toBe(5);
    expect(c.site.stripIncludeToday).toBe(false);
    expect(c.site.hijriVariant).toBe('umalqura');
    expect(c.site.languages).toEqual(['en', 'tr', 'ar']);
    expect(c.fixedNow).toBeNull();
    expect(Object.isFrozen(c.site)).toBe(true);
  });

  it('reads the file and lets the environment override it', () => {
    const c = parseConfig(
      { siteName: 'File', timeZone: 'Asia/Riyadh', port: 8080, strip: { days: 7, includeToday: true }, hijri: { variant: 'civil', adjustment: -1 } },
      { JARIDA_SITE_NAME: 'Env', PORT: '9090', JARIDA_NOW: '2019-02-15T12:00:00+03:00', DATABASE_URL: 'sqlite:/tmp/x.db' },
    );
    expect(c.site.siteName).toBe('Env');
    expect(c.site.timeZone).toBe('Asia/Riyadh');
    expect(c.port).toBe(9090);
    expect(c.site.stripDays).toBe(7);
    expect(c.site.stripIncludeToday).toBe(true);
    expect(c.site.hijriVariant).toBe('civil');
    expect(c.site.hijriAdjustment).toBe(-1);
    expect(c.fixedNow?.toISOString()).toBe('2019-02-15T09:00:00.000Z');
    expect(c.databaseUrl).toBe('sqlite:/tmp/x.db');
  });

  it('keeps rendered pages in 32 MB per worker unless told otherwise', () => {
    expect(parseConfig({}).pageCache).toEqual({ enabled: true, maxBytes: 32 * 1024 * 1024 });
    expect(parseConfig({ pageCache: { enabled: true, megabytes: 8 } }, { JARIDA_PAGE_CACHE: '0' }).pageCache).toEqual({ enabled: false, maxBytes: 8 * 1024 * 1024 });
    expect(parseConfig({}, { JARIDA_PAGE_CACHE_MB: '16' }).pageCache.maxBytes).toBe(16 * 1024 * 1024);
    expect(parseConfig({}).http).toEqual({ sMaxAge: 60, staleWhileRevalidate: 600 });
    expect(parseConfig({ http: { sMaxAge: 300 } }, { JARIDA_STALE_WHILE_REVALIDATE: '30' }).http).toEqual({ sMaxAge: 300, staleWhileRevalidate: 30 });
    expect(parseConfig({ workers: 3 }).workers).toBe(3);
    expect(parseConfig({}, { JARIDA_WORKERS: '1' }).workers).toBe(1);
    expect(errorsOf(() => parseConfig({ workers: 0, http: { sMaxAge: -1 } }))).toEqual([
      'config: http.sMaxAge: must be an integer from 0 to 31536000, got -1',
      'config: workers: must be an integer from 1 to 64, got 0',
    ]);
    expect(errorsOf(() => parseConfig({ pageCache: { enabled: 'yes', megabytes: 0 } }))).toEqual([
      'config: pageCache.enabled: must be true or false, got "yes"',
      'config: pageCache.megabytes: must be an integer from 1 to 65536, got 0',
    ]);
  });

  it('names every bad field, one line each', () => {
    const errors = errorsOf(() =>
      parseConfig(
        {
          timeZone: 'Mars/Olympus',
          defaultLanguage: 'fr',
          languages: ['en', 'xx'],
          social: [{ name: 'Facebook', url: 'javascript:alert(1)' }, 'x'],
          strip: { days: -1 },
          hijri: { variant: 'lunar', adjustment: 3, monthNames: { en: ['one'] } },
          arabicDigits: 'maybe',
          colour: 'red',
        },
        { PORT: 'eighty', JARIDA_NOW: 'yesterday', DATABASE_URL: 'mysql://x' },
      ),
    );
    const expected = [
      'config: colour: unknown setting',
      'config: timeZone: "Mars/Olympus" is not an IANA time zone',
      'config: defaultLanguage: must be one of en, tr, ar, got "fr"',
      'config: languages: "xx" is not a supported language',
      'config: social[0].url: "javascript:alert(1)" is not an http(s) URL',
      'config: social[1]: must be {"name": "…", "url": "https://…"}',
      'config: strip.days: must be an integer from 0 to 31, got -1',
      'config: hijri.variant: must be one of umalqura, civil, tabular, got "lunar"',
      'config: hijri.adjustment: must be an integer from -2 to 2, got 3',
      'config: hijri.monthNames.en: must be a list of 12 non-empty names',
      'config: arabicDigits: must be true or false, got "maybe"',
      'config: databaseUrl: "mysql://x" must be sqlite:PATH or postgres://',
      'config: port: must be an integer from 0 to 65535, got "eighty"',
      'config: JARIDA_NOW: "yesterday" is not an ISO-8601 instant',
    ];
    expect(errors).toHaveLength(expected.length);
    for (const e of expected) expect(errors.some((line) => line.startsWith(e)), e).toBe(true);
    for (const line of errors) expect(line).not.toContain('\n');
  });

  it('rejects a default language that is not enabled', () => {
    expect(errorsOf(() => parseConfig({ defaultLanguage: 'ar', languages: ['en', 'tr'] }))).toEqual([
      "config: defaultLanguage: 'ar' is not among languages [en, tr]",
    ]);
  });

  it('loads jarida.config.json from the working directory and resolves the theme beside it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'jarida-config-'));
    writeFileSync(join(dir, 'jarida.config.json'), JSON.stringify({ siteName: 'Here', theme: 'mytheme' }));
    const c = loadConfig({ cwd: dir, env: {} });
    expect(c.site.siteName).toBe('Here');
    expect(c.themeDir).toBe(join(dir, 'mytheme'));
    expect(c.configPath).toBe(join(dir, 'jarida.config.json'));
  });

  it('names a missing or broken config file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'jarida-config-'));
    expect(errorsOf(() => loadConfig({ configPath: 'nope.json', cwd: dir, env: {} }))[0]).toMatch(/^config: file not found: .*nope\.json$/);
    writeFileSync(join(dir, 'bad.json'), '{ "siteName": ');
    expect(errorsOf(() => loadConfig({ configPath: 'bad.json', cwd: dir, env: {} }))[0]).toMatch(/^config: .*bad\.json: not valid JSON/);
    writeFileSync(join(dir, 'list.json'), '[1]');
    expect(errorsOf(() => loadConfig({ configPath: 'list.json', cwd: dir, env: {} }))[0]).toMatch(/must be a JSON object$/);
  });
});

describe('the shipped example config', () => {
  it('is valid', () => {
    const c = loadConfig({ configPath: 'jarida.config.example.json', cwd: PROJECT_ROOT, env: {} });
    expect(c.site.siteName).toBe('Islamic Invitation Turkey');
    expect(c.site.social.map((s) => s.name)).toEqual(['Facebook', 'Twitter', 'Youtube']);
  });
});
