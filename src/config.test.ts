import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_SITE, loadConfig, parseConfig, parseSiteSettings, readSiteSettings, siteSettingsChanges, siteSettingsInput } from './config.js';
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
    expect(parseConfig({}).http).toEqual({ sMaxAge: 60, staleWhileRevalidate: 600, trustProxy: false, maxInFlight: 16, maxWaitMs: 1000, searchThreads: 1 });
    expect(parseConfig({}, { JARIDA_MAX_IN_FLIGHT: '0' }).http.maxInFlight).toBe(0);
    expect(() => parseConfig({ http: { maxInFlight: -1 } })).toThrow(/http\.maxInFlight/);
    expect(parseConfig({}, { JARIDA_SEARCH_THREADS: '0' }).http.searchThreads).toBe(0);
    expect(parseConfig({ http: { maxWaitMs: 250 } }).http.maxWaitMs).toBe(250);
    expect(() => parseConfig({}, { JARIDA_MAX_WAIT_MS: '-5' })).toThrow(/http\.maxWaitMs/);
    expect(() => parseConfig({ http: { searchThreads: 'two' } })).toThrow(/http\.searchThreads/);
    expect(parseConfig({ http: { trustProxy: true } }).http.trustProxy).toBe(true);
    expect(parseConfig({}, { JARIDA_TRUST_PROXY: 'true' }).http.trustProxy).toBe(true);
    expect(() => parseConfig({ http: { trustProxy: 'sometimes' } })).toThrow(/http.trustProxy/);
    expect(parseConfig({ http: { sMaxAge: 300 } }, { JARIDA_STALE_WHILE_REVALIDATE: '30' }).http).toEqual({ sMaxAge: 300, staleWhileRevalidate: 30, trustProxy: false, maxInFlight: 16, maxWaitMs: 1000, searchThreads: 1 });
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

describe('site settings from the desk (parseSiteSettings)', () => {
  const base = parseConfig({ siteName: 'File', timeZone: 'Asia/Riyadh', languages: ['en', 'tr'], strip: { days: 4 }, hijri: { monthNames: { tr: Array(12).fill('Ay') } } }).site;

  it('applies the fields given over the config file\'s and keeps the others', () => {
    const site = parseSiteSettings({ siteName: '  Desk  ', strip: { includeToday: true }, hijri: { adjustment: '1', monthNames: { en: Array(12).fill(' M ') } }, languages: ['tr', 'en', 'ar', 'ar'] }, base);
    expect(site.siteName).toBe('Desk');
    expect(site.stripDays).toBe(4);
    expect(site.stripIncludeToday).toBe(true);
    expect(site.hijriAdjustment).toBe(1);
    expect(site.hijriMonthNames.en).toEqual(Array(12).fill('M'));
    expect(site.hijriMonthNames.tr).toEqual(Array(12).fill('Ay')); // the file's, for the language not given
    expect(site.languages).toEqual(['tr', 'en', 'ar']);
    expect(site.timeZone).toBe('Asia/Riyadh');
    expect(site.defaultLanguage).toBe(base.defaultLanguage);
    expect(Object.isFrozen(site) && Object.isFrozen(site.languages)).toBe(true);
    expect(parseSiteSettings({}, base)).toEqual(base);
    expect(parseSiteSettings(siteSettingsInput(site), base)).toEqual(site); // the form's shape reads back to the same settings
  });

  it('names each bad field as the config file does, one line each, and gives the fields apart', () => {
    const bad = {
      siteName: '',
      timeZone: 'Mars/Olympus',
      languages: ['en', 'xx'],
      social: [{ name: 'Evil', url: 'javascript:alert(1)' }, { name: 'x'.repeat(101), url: 'https://x.example/' }, 'x'],
      strip: { days: 40, includeToday: 'often', colour: 'red' },
      hijri: { variant: 'lunar', adjustment: 3, monthNames: { en: ['one'], fr: [] } },
      pageSize: 0,
    };
    let err: ConfigError | undefined;
    try {
      parseSiteSettings(bad, base);
    } catch (e) {
      err = e as ConfigError;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect(err!.code).toBe('JARIDA_CONFIG_INVALID');
    expect(err!.problems.map((p) => p.field)).toEqual([
      'strip.colour', 'siteName', 'timeZone', 'languages', 'social[0].url', 'social[1].name', 'social[2]', 'strip.days', 'strip.includeToday',
      'hijri.variant', 'hijri.adjustment', 'hijri.monthNames.en', 'hijri.monthNames.fr', 'pageSize',
    ]);
    expect(err!.fields).toContain('config: hijri.adjustment: must be an integer from -2 to 2, got 3');
    expect(err!.fields).toContain('config: social[0].url: "javascript:alert(1)" is not an http(s) URL');
    expect(err!.fields).toContain('config: pageSize: must be an integer from 1 to 200, got 0');
    expect(err!.fields.every((line, i) => line === `config: ${err!.problems[i]!.field}: ${err!.problems[i]!.message}`)).toBe(true);
  });

  it('gives the same message as the config file for the same bad value', () => {
    const cases: Record<string, unknown>[] = [
      { siteName: 42 },
      { timeZone: 'Mars/Olympus' },
      { languages: [] },
      { languages: ['en', 'klingon'] },
      { social: 'facebook' },
      { social: [{ name: 'Evil', url: 'javascript:alert(1)' }] },
      { social: [{ name: 'Data', url: 'data:text/html,<script>alert(1)</script>' }] },
      { social: Array.from({ length: 21 }, (_, i) => ({ name: `n${i}`, url: 'https://x.example/' })) },
      { strip: 5 },
      { strip: { days: 32 } },
      { strip: { includeToday: 'yes' } },
      { hijri: { variant: 'lunar' } },
      { hijri: { adjustment: 3 } },
      { hijri: { adjustment: 1.5 } },
      { hijri: { monthNames: { en: Array(11).fill('m') } } },
      { hijri: { monthNames: ['x'] } },
      { pageSize: 201 },
    ];
    for (const bad of cases) {
      const fromFile = errorsOf(() => parseConfig(bad));
      expect(fromFile, JSON.stringify(bad)).toHaveLength(1);
      expect(errorsOf(() => parseSiteSettings(bad, DEFAULT_SITE)), JSON.stringify(bad)).toEqual(fromFile);
    }
  });

  it('refuses what only the config file sets, unknown keys, and a language list without the default language', () => {
    expect(errorsOf(() => parseSiteSettings({ defaultLanguage: 'tr', siteUrl: 'https://x.example', databaseUrl: 'sqlite:x', colour: 'red' }, base))).toEqual([
      'config: defaultLanguage: set in the config file only',
      'config: siteUrl: set in the config file only',
      'config: databaseUrl: set in the config file only',
      'config: colour: unknown setting',
    ]);
    expect(errorsOf(() => parseSiteSettings({ languages: ['tr', 'ar'] }, base))).toEqual([
      "config: languages: must include the default language 'en' (defaultLanguage is set in the config file)",
    ]);
    expect(errorsOf(() => parseSiteSettings('pageSize=5', base))).toEqual(['config: settings: must be an object, got "pageSize=5"']);
  });

  it('reads stored settings leniently: a bad field keeps the config file\'s value', () => {
    const { site, problems } = readSiteSettings({ siteName: 'Desk', timeZone: 'Gone/Zone', languages: ['tr'] }, base);
    expect(site.siteName).toBe('Desk');
    expect(site.timeZone).toBe('Asia/Riyadh');
    expect(site.languages).toEqual(['en', 'tr']);
    expect(problems.map((p) => p.field)).toEqual(['timeZone', 'languages']);
  });

  it('lists the fields that changed between two settings, with both values', () => {
    const after = parseSiteSettings({ hijri: { adjustment: 1, monthNames: { en: Array(12).fill('M') } }, pageSize: 30 }, base);
    expect(siteSettingsChanges(base, after)).toEqual([
      { field: 'hijri.adjustment', from: 0, to: 1 },
      { field: 'hijri.monthNames', from: { tr: Array(12).fill('Ay') }, to: { tr: Array(12).fill('Ay'), en: Array(12).fill('M') } },
      { field: 'pageSize', from: 20, to: 30 },
    ]);
    expect(siteSettingsChanges(base, base)).toEqual([]);
  });

  it('still reads the config file\'s site settings, unknown keys under strip and hijri named', () => {
    expect(errorsOf(() => parseConfig({ hijri: { adjustmnet: 1 } }))).toEqual(['config: hijri.adjustmnet: unknown setting']);
  });
});
