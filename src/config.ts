/**
 * Configuration: a JSON config file plus environment overrides, validated once at start
 * into a frozen, typed Config that is passed down (never imported as a global).
 */
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, resolve } from 'node:path';
import type { HijriVariant } from './calendar/hijri.js';
import { isValidTimeZone } from './calendar/zone.js';
import { parseAllowList } from './ingest/fetch/guard.js';
import { LANGS, type Lang } from './model/types.js';
import { httpUrl } from './model/url.js';

/** The User-Agent Jarida sends unless the operator configures another. */
export const DEFAULT_USER_AGENT = 'Jarida/0.1 (+https://github.com/jarida/jarida)';

export interface SocialLink {
  name: string;
  url: string;
}

/** What the reader-facing site shows and how it counts days. */
export interface SiteSettings {
  siteName: string;
  /** The public address of the site (https://news.example), for canonical links; null when unknown. */
  siteUrl: string | null;
  timeZone: string;
  defaultLanguage: Lang;
  languages: readonly Lang[];
  social: readonly SocialLink[];
  stripDays: number;
  stripIncludeToday: boolean;
  hijriVariant: HijriVariant;
  hijriAdjustment: number;
  hijriMonthNames: Partial<Record<Lang, readonly string[]>>;
  arabicDigits: boolean;
  pageSize: number;
  /** The front page's block per section: its newest this many (0: no blocks). */
  frontSectionArticles: number;
  /** What the site's feeds carry of each article: its whole (sanitized) body, or its summary alone. */
  feedContent: 'full' | 'summary';
  /** What the site is, in a sentence: the home page's meta description ('' : a line naming the site). */
  description: string;
  /** The networks an article page has share links to (web/meta.ts SHARE_NETWORKS). */
  share: readonly ShareNetwork[];
  /** The logo file (PNG or SVG) the favicon, app icons and publisher logo are made from; null: the theme's. */
  logo: string | null;
}

/** A network an article can be shared to. */
export type ShareNetwork = 'x' | 'facebook' | 'whatsapp' | 'telegram' | 'linkedin' | 'email';
/** Every network share links can go to, in their default order. */
export const SHARE_NETWORKS: readonly ShareNetwork[] = ['x', 'facebook', 'whatsapp', 'telegram', 'linkedin', 'email'];

/** How ingestion fetches and schedules sources. */
export interface IngestSettings {
  /** `jarida serve` also runs the ingestion loop. */
  inServe: boolean;
  /** Sources fetched at the same time. */
  concurrency: number;
  /** Worker threads that parse and sanitize (0: in the main thread). */
  workers: number;
  minIntervalS: number;
  maxIntervalS: number;
  /** Interval of a new source, before its posting frequency is known. */
  defaultIntervalS: number;
  /** Article pages fetched for full text in one refresh of one source, at most. */
  fullTextPerRefresh: number;
  /** How long a process's claim on a source it fetches lasts; renewed every third of it while the fetch runs. */
  leaseMs: number;
  /** Private addresses the fetcher may reach anyway: addresses or CIDR ranges. */
  allowPrivateAddresses: readonly string[];
  userAgent: string;
  connectTimeoutMs: number;
  totalTimeoutMs: number;
  maxBytes: number;
  /** Subscribe to the WebSub hubs feeds advertise (needs `siteUrl`: the hub calls back there). */
  websub: boolean;
}

/** Rendered pages kept in memory by `jarida serve` (web/cache.ts). */
export interface PageCacheSettings {
  enabled: boolean;
  /** The budget: least recently used pages go first when over it. */
  maxBytes: number;
}

/** Cache-Control for CDNs and other shared caches (seconds). */
export interface HttpCacheSettings {
  /** How long a page stays fresh in a shared cache (s-maxage). */
  sMaxAge: number;
  /** How long past that a shared cache may serve it while it fetches it again. */
  staleWhileRevalidate: number;
  /**
   * The site runs behind a reverse proxy: the client's address (audit log, login limit) and scheme
   * come from X-Forwarded-For/-Proto, and the desk's cookies are Secure when the proxy says https.
   */
  trustProxy: boolean;
  /**
   * Requests rendering at once in a process (pages not in the cache, searches, the content API); the
   * next are answered 503 with Retry-After, or with a stale cached copy (web/admission.ts). 0: no limit.
   */
  maxInFlight: number;
  /**
   * Milliseconds a request past `maxInFlight` waits for a place before it is answered 503 (at most
   * 1,024 wait per process; web/admission.ts). 0: refused at once.
   */
  maxWaitMs: number;
  /**
   * Worker threads per process that run searches on a SQLite file store, so a search never holds the
   * process's other requests (web/search-runner.ts). 0: searches run on the main thread.
   */
  searchThreads: number;
}

/** The public content API at /api/v1 (web/api/). */
export interface ApiSettings {
  /** Requests a minute one client address may make to it; 0: no limit. */
  rateLimit: number;
}

/** An S3-compatible bucket holding the images, for several instances (media/s3.ts). */
export interface S3Settings {
  /** `https://s3.eu-central-1.amazonaws.com`, `http://127.0.0.1:9000` (MinIO): path-style requests. */
  endpoint: string;
  bucket: string;
  region: string;
  /** Put before every key: `media/`. */
  prefix: string;
  accessKeyId: string;
  secretAccessKey: string;
}

/** Images of articles: fetched once, checked, resized and served from the site (src/media/). */
export interface MediaSettings {
  /** Fetch and store the images of new articles (ingest, import); off: pages link the originals. */
  enabled: boolean;
  /** The folder store (absolute); default `media/` beside the SQLite file. */
  dir: string;
  /** Instead of the folder: a bucket. */
  s3: S3Settings | null;
  /** Largest image file fetched. */
  maxBytes: number;
  /** Largest width × height decoded; more is refused before decoding (a decompression bomb). */
  maxPixels: number;
  /** Widths of the stored variants, ascending; never wider than the original. */
  widths: readonly number[];
  /** One image's whole fetch. */
  timeoutMs: number;
  /** Images fetched and resized at the same time. */
  concurrency: number;
  /** Variants kept in memory by each serving process. */
  memoryCacheBytes: number;
}

/** Process config `metrics`: `/metrics` is served only with a token, or only on its own address; neither: not at all. */
export interface MetricsSettings {
  /** `/metrics` on the site requires `Authorization: Bearer <token>` (env JARIDA_METRICS_TOKEN). */
  token: string | null;
  /** `host:port` of a separate listener serving only `/metrics`; the site's `/metrics` is then 404 (env JARIDA_METRICS_LISTEN). */
  listen: { host: string; port: number } | null;
  /** `/readyz` fails when the newest fetch is older than this (seconds; default twice ingest.maxIntervalMinutes). */
  maxIngestAgeS: number;
}

/** `/robots.txt` (web/sitemaps/robots.ts): paths crawlers are asked to leave, beside the desk and search. */
export interface RobotsSettings {
  /** Each a path starting with `/` (robots.txt `Disallow:` lines). */
  disallow: readonly string[];
}

export interface Config {
  databaseUrl: string;
  media: MediaSettings;
  ingest: IngestSettings;
  pageCache: PageCacheSettings;
  http: HttpCacheSettings;
  api: ApiSettings;
  robots: RobotsSettings;
  /** Processes `serve` runs on one port (node:cluster); 1: no cluster. */
  workers: number;
  host: string;
  port: number;
  /** Fixed "now" (JARIDA_NOW) or null for the real clock. */
  fixedNow: Date | null;
  /** An own theme folder that overrides single templates of the default theme. */
  themeDir: string | null;
  /** Fill an empty database with the shipped demo content at `serve`. */
  demoOnEmpty: boolean;
  /** `/metrics` and `/readyz` (metrics/): who may read the metrics, and when ingestion counts as stale. */
  metrics: MetricsSettings;
  configPath: string | null;
  site: SiteSettings;
  /** The WebSub hub the site's feeds name and ping on publish (null: none). */
  websub: WebSubSettings;
}

/** WebSub publishing (web/feeds/websub-publish.ts): the hub's URL, the operator's own choice (not held to the fetcher's private-address rule). */
export interface WebSubSettings {
  hub: string | null;
}

/** One bad field: its name as the config file spells it (`hijri.adjustment`) and what is wrong with it. */
export interface ConfigProblem {
  field: string;
  message: string;
}

/**
 * A config file, environment or desk value that is not valid; `fields` holds one line per bad field
 * (`config: hijri.adjustment: must be …`), `problems` the same by field, for a form to show beside each input.
 */
export class ConfigError extends Error {
  readonly code = 'JARIDA_CONFIG_INVALID';
  constructor(
    readonly fields: string[],
    readonly problems: readonly ConfigProblem[] = [],
  ) {
    super(fields.join('\n'));
    this.name = 'ConfigError';
  }
}

export const DEFAULT_SITE: SiteSettings = Object.freeze({
  siteName: 'Jarida',
  siteUrl: null,
  timeZone: 'Europe/Istanbul',
  defaultLanguage: 'en',
  languages: Object.freeze(['en', 'tr', 'ar'] as Lang[]),
  social: Object.freeze([]),
  stripDays: 5,
  stripIncludeToday: false,
  hijriVariant: 'umalqura',
  hijriAdjustment: 0,
  hijriMonthNames: Object.freeze({}),
  arabicDigits: true,
  pageSize: 20,
  frontSectionArticles: 4,
  feedContent: 'full',
  description: '',
  share: Object.freeze(['x', 'facebook', 'whatsapp', 'telegram', 'email'] as ShareNetwork[]),
  logo: null,
});

const DEFAULT_CONFIG_FILE = 'jarida.config.json';

/**
 * Returns the validated Config from the config file (`--config`, `JARIDA_CONFIG`, or
 * `./jarida.config.json` when present) and the environment; throws ConfigError naming every bad field.
 */
export function loadConfig(opts: { configPath?: string; env?: NodeJS.ProcessEnv; cwd?: string } = {}): Config {
  const env = opts.env ?? process.env;
  const cwd = opts.cwd ?? process.cwd();
  const explicit = opts.configPath ?? env.JARIDA_CONFIG;
  let configPath: string | null = null;
  let file: Record<string, unknown> = {};
  if (explicit) {
    configPath = resolve(cwd, explicit);
    if (!existsSync(configPath)) throw new ConfigError([`config: file not found: ${configPath}`]);
  } else if (existsSync(resolve(cwd, DEFAULT_CONFIG_FILE))) {
    configPath = resolve(cwd, DEFAULT_CONFIG_FILE);
  }
  if (configPath) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(configPath, 'utf8'));
    } catch (err) {
      throw new ConfigError([`config: ${configPath}: not valid JSON (${(err as Error).message})`]);
    }
    if (!isObject(parsed)) throw new ConfigError([`config: ${configPath}: must be a JSON object`]);
    file = parsed;
  }
  return parseConfig(file, env, configPath, cwd);
}

/** Returns the Config for an already parsed config object and environment (no file access). */
export function parseConfig(
  file: Record<string, unknown>,
  env: NodeJS.ProcessEnv = {},
  configPath: string | null = null,
  cwd = process.cwd(),
): Config {
  const v = new Validator();
  for (const key of Object.keys(file)) if (!FILE_KEYS.has(key)) v.bad(key, 'unknown setting');

  const fetchCfg = v.object('fetch', file.fetch);
  const ingestCfg = v.object('ingest', file.ingest);
  const pageCacheCfg = v.object('pageCache', file.pageCache);
  const httpCfg = v.object('http', file.http);
  const mediaCfg = v.object('media', file.media);
  const websubCfg = v.object('websub', file.websub);
  const front = v.object('frontPage', file.frontPage);

  const siteUrlRaw = env.JARIDA_SITE_URL ?? file.siteUrl;
  const site: SiteSettings = {
    ...readSite(v, file, DEFAULT_SITE, env),
    siteUrl: siteUrlRaw === undefined || siteUrlRaw === '' ? null : v.httpUrl('siteUrl', siteUrlRaw)?.replace(/\/+$/, '') ?? null,
    defaultLanguage: v.lang('defaultLanguage', env.JARIDA_DEFAULT_LANGUAGE ?? file.defaultLanguage, DEFAULT_SITE.defaultLanguage),
    arabicDigits: v.bool('arabicDigits', env.JARIDA_ARABIC_DIGITS ?? file.arabicDigits, DEFAULT_SITE.arabicDigits),
    frontSectionArticles: v.int('frontPage.sectionArticles', front.sectionArticles, DEFAULT_SITE.frontSectionArticles, 0, 20),
    logo: logoPath(v, env.JARIDA_LOGO ?? file.logo, configPath, cwd),
  };
  if (!site.languages.includes(site.defaultLanguage)) {
    v.bad('defaultLanguage', `'${site.defaultLanguage}' is not among languages [${site.languages.join(', ')}]`);
  }

  const databaseUrl = v.databaseUrl('databaseUrl', env.DATABASE_URL ?? file.databaseUrl, 'sqlite:./data/jarida.db');
  const host = v.text('host', env.HOST ?? file.host, '127.0.0.1', 255);
  const port = v.int('port', env.PORT ?? file.port, 3000, 0, 65535);
  const fixedNow = v.instant('JARIDA_NOW', env.JARIDA_NOW);
  const themeRaw = env.JARIDA_THEME ?? file.theme;
  const theme = themeRaw === undefined || themeRaw === '' ? null : v.text('theme', themeRaw, '', 4096);
  const demoOnEmpty = v.bool('demo', env.JARIDA_DEMO ?? file.demo, true);
  const minIntervalS = v.int('ingest.minIntervalMinutes', ingestCfg.minIntervalMinutes, 5, 1, 1440) * 60;
  const maxIntervalS = v.int('ingest.maxIntervalMinutes', ingestCfg.maxIntervalMinutes, 1440, 1, 10080) * 60;
  if (maxIntervalS < minIntervalS) v.bad('ingest.maxIntervalMinutes', 'must not be below ingest.minIntervalMinutes');
  const ingest: IngestSettings = {
    inServe: v.bool('ingest.inServe', env.JARIDA_INGEST ?? ingestCfg.inServe, false),
    concurrency: v.int('ingest.concurrency', env.JARIDA_INGEST_CONCURRENCY ?? ingestCfg.concurrency, 4, 1, 64),
    workers: v.int('ingest.workers', env.JARIDA_INGEST_WORKERS ?? ingestCfg.workers, Math.max(1, Math.min(4, availableParallelism() - 1)), 0, 32),
    minIntervalS,
    maxIntervalS,
    defaultIntervalS: v.int('ingest.defaultIntervalMinutes', ingestCfg.defaultIntervalMinutes, 30, 1, 10080) * 60,
    fullTextPerRefresh: v.int('ingest.fullTextPerRefresh', ingestCfg.fullTextPerRefresh, 20, 0, 1000),
    leaseMs: v.int('ingest.leaseSeconds', env.JARIDA_INGEST_LEASE_SECONDS ?? ingestCfg.leaseSeconds, 60, 3, 3600) * 1000,
    allowPrivateAddresses: v.addressList('fetch.allowPrivateAddresses', env.JARIDA_ALLOW_PRIVATE ?? fetchCfg.allowPrivateAddresses),
    userAgent: v.text('fetch.userAgent', fetchCfg.userAgent, DEFAULT_USER_AGENT, 500),
    connectTimeoutMs: v.int('fetch.connectTimeoutSeconds', fetchCfg.connectTimeoutSeconds, 10, 1, 300) * 1000,
    totalTimeoutMs: v.int('fetch.timeoutSeconds', fetchCfg.timeoutSeconds, 30, 1, 600) * 1000,
    maxBytes: v.int('fetch.maxMegabytes', fetchCfg.maxMegabytes, 10, 1, 1024) * 1024 * 1024,
    websub: v.bool('ingest.websub', env.JARIDA_WEBSUB ?? ingestCfg.websub, true),
  };
  const pageCache: PageCacheSettings = {
    enabled: v.bool('pageCache.enabled', env.JARIDA_PAGE_CACHE ?? pageCacheCfg.enabled, true),
    maxBytes: v.int('pageCache.megabytes', env.JARIDA_PAGE_CACHE_MB ?? pageCacheCfg.megabytes, 32, 1, 65536) * 1024 * 1024,
  };
  const http: HttpCacheSettings = {
    sMaxAge: v.int('http.sMaxAge', env.JARIDA_S_MAXAGE ?? httpCfg.sMaxAge, 60, 0, 31_536_000),
    staleWhileRevalidate: v.int('http.staleWhileRevalidate', env.JARIDA_STALE_WHILE_REVALIDATE ?? httpCfg.staleWhileRevalidate, 600, 0, 31_536_000),
    trustProxy: v.bool('http.trustProxy', env.JARIDA_TRUST_PROXY ?? httpCfg.trustProxy, false),
    maxInFlight: v.int('http.maxInFlight', env.JARIDA_MAX_IN_FLIGHT ?? httpCfg.maxInFlight, 16, 0, 100_000),
    maxWaitMs: v.int('http.maxWaitMs', env.JARIDA_MAX_WAIT_MS ?? httpCfg.maxWaitMs, 1000, 0, 60_000),
    searchThreads: v.int('http.searchThreads', env.JARIDA_SEARCH_THREADS ?? httpCfg.searchThreads, 1, 0, 64),
  };
  const metrics = metricsSettings(v, v.object('metrics', file.metrics), env, ingest.maxIntervalS);
  const apiCfg = v.object('api', file.api);
  const api: ApiSettings = { rateLimit: v.int('api.rateLimit', env.JARIDA_API_RATE_LIMIT ?? apiCfg.rateLimit, 600, 0, 1_000_000) };
  const robotsCfg = v.object('robots', file.robots);
  v.onlyKeys('robots', robotsCfg, ['disallow']);
  const robots: RobotsSettings = { disallow: robotsDisallow(v, env.JARIDA_ROBOTS_DISALLOW ?? robotsCfg.disallow) };
  const workers = v.int('workers', env.JARIDA_WORKERS ?? file.workers, availableParallelism(), 1, 64);
  const base = configPath ? resolve(configPath, '..') : cwd;
  const media = mediaSettings(v, mediaCfg, env, databaseUrl, base, cwd);
  v.onlyKeys('websub', websubCfg, ['hub']);
  const hubRaw = env.JARIDA_WEBSUB_HUB ?? websubCfg.hub;
  const websub: WebSubSettings = { hub: hubRaw === undefined || hubRaw === null || hubRaw === '' ? null : v.httpUrl('websub.hub', hubRaw) ?? null };
  v.throwIfBad();

  return deepFreeze({
    databaseUrl,
    media,
    ingest,
    pageCache,
    http,
    api,
    robots,
    workers,
    host,
    port,
    fixedNow,
    themeDir: theme ? resolve(base, theme) : null,
    demoOnEmpty,
    metrics,
    configPath,
    site,
    websub,
  });
}

/** Every key the config file may hold. */
const FILE_KEYS: ReadonlySet<string> = new Set([
  'siteName', 'timeZone', 'defaultLanguage', 'languages', 'social', 'strip', 'hijri',
  'arabicDigits', 'pageSize', 'frontPage', 'databaseUrl', 'host', 'port', 'theme', 'demo', '$schema', 'siteUrl', 'fetch', 'ingest', 'pageCache', 'http', 'workers', 'media',
  'metrics',
  'api',
  'robots',
  'feedContent', 'websub',
  'description', 'share', 'logo',
]);

const HIJRI_VARIANTS: readonly HijriVariant[] = ['umalqura', 'civil', 'tabular'];
const FEED_CONTENTS: readonly SiteSettings['feedContent'][] = ['full', 'summary'];

/**
 * Reads the site fields the desk may edit from a value in the config file's shape, over `base`
 * (a field absent keeps base's value); the environment overrides the file (the file's reading only).
 * The one set of rules for the file and the desk: the same field names, the same messages.
 */
function readSite(v: Validator, raw: Record<string, unknown>, base: SiteSettings, env: NodeJS.ProcessEnv): SiteSettings {
  const strip = v.object('strip', raw.strip);
  const hijri = v.object('hijri', raw.hijri);
  v.onlyKeys('strip', strip, ['days', 'includeToday']);
  v.onlyKeys('hijri', hijri, ['variant', 'adjustment', 'monthNames']);
  return {
    ...base,
    siteName: v.text('siteName', env.JARIDA_SITE_NAME ?? raw.siteName, base.siteName, 200),
    timeZone: v.timeZone('timeZone', env.JARIDA_TIME_ZONE ?? raw.timeZone, base.timeZone),
    languages: v.langs('languages', env.JARIDA_LANGUAGES?.split(',').map((s) => s.trim()) ?? raw.languages, base.languages),
    social: v.social('social', raw.social, base.social),
    stripDays: v.int('strip.days', env.JARIDA_STRIP_DAYS ?? strip.days, base.stripDays, 0, 31),
    stripIncludeToday: v.bool('strip.includeToday', strip.includeToday, base.stripIncludeToday),
    hijriVariant: v.oneOf('hijri.variant', env.JARIDA_HIJRI_VARIANT ?? hijri.variant, HIJRI_VARIANTS, base.hijriVariant),
    hijriAdjustment: v.int('hijri.adjustment', env.JARIDA_HIJRI_ADJUSTMENT ?? hijri.adjustment, base.hijriAdjustment, -2, 2),
    hijriMonthNames: { ...base.hijriMonthNames, ...v.monthNames('hijri.monthNames', hijri.monthNames) },
    pageSize: v.int('pageSize', raw.pageSize, base.pageSize, 1, 200),
    feedContent: v.oneOf('feedContent', env.JARIDA_FEED_CONTENT ?? raw.feedContent, FEED_CONTENTS, base.feedContent),
    // '' is a value here (the form's empty field, the default): no description of the site's own.
    description: typeof raw.description === 'string' && raw.description.trim() === '' ? '' : v.text('description', raw.description, base.description, 300),
    share: v.share('share', raw.share, base.share),
  };
}

/** Returns the logo's absolute path (relative to the config file's folder), or null; names a file that is not a .png or .svg. */
function logoPath(v: Validator, raw: unknown, configPath: string | null, cwd: string): string | null {
  if (raw === undefined || raw === '' || raw === null) return null;
  if (typeof raw !== 'string' || !/\.(png|svg)$/i.test(raw)) {
    v.bad('logo', `must be the path of a .png or .svg file, got ${show(raw)}`);
    return null;
  }
  const path = resolve(configPath ? dirname(configPath) : cwd, raw);
  if (existsSync(path)) return path;
  v.bad('logo', `file not found: ${path}`);
  return null;
}

/**
 * The site settings the desk may change at runtime, in the config file's shape (every field
 * optional); what the store keeps as overrides of the file. `hijri.monthNames` is per language.
 */
export interface SiteSettingsInput {
  siteName?: string;
  timeZone?: string;
  languages?: Lang[];
  social?: SocialLink[];
  strip?: { days?: number; includeToday?: boolean };
  hijri?: { variant?: HijriVariant; adjustment?: number; monthNames?: Partial<Record<Lang, string[]>> };
  pageSize?: number;
  feedContent?: 'full' | 'summary';
  description?: string;
  share?: ShareNetwork[];
}

/**
 * A change to the stored overrides, in the same shape: a value overrides the config file's, null (or
 * '') removes the override so the file's value applies again; a field absent stays as it is.
 */
export interface SitePatch {
  siteName?: string | null;
  timeZone?: string | null;
  languages?: Lang[] | null;
  social?: SocialLink[] | null;
  strip?: { days?: number | null; includeToday?: boolean | null } | null;
  hijri?: { variant?: HijriVariant | null; adjustment?: number | null; monthNames?: Partial<Record<Lang, string[] | null>> | null } | null;
  pageSize?: number | null;
  feedContent?: 'full' | 'summary' | null;
  description?: string | null;
  share?: ShareNetwork[] | null;
}

/** The fields the desk may edit, as the config file names them (the form's inputs, the audit log's words). */
export const EDITABLE_SITE_FIELDS = [
  'siteName', 'timeZone', 'languages', 'social', 'strip.days', 'strip.includeToday', 'hijri.variant', 'hijri.adjustment', 'hijri.monthNames', 'pageSize',
  'feedContent',
  'description', 'share',
] as const;

/** One of the fields the desk may edit. */
export type EditableSiteField = (typeof EDITABLE_SITE_FIELDS)[number];

const EDITABLE_KEYS: ReadonlySet<string> = new Set(EDITABLE_SITE_FIELDS.map((f) => f.split('.')[0]!));

/**
 * Returns `base` with the settings of `input` (the config file's shape: SiteSettingsInput) applied,
 * validated by the config file's rules, frozen; throws ConfigError with one line per bad field, named
 * as in the file. Fields the desk may not change (defaultLanguage, siteUrl …) are refused, and so is
 * a `languages` list without the default language.
 * @example parseSiteSettings({ hijri: { adjustment: 1 } }, config.site).hijriAdjustment === 1
 */
export function parseSiteSettings(input: unknown, base: SiteSettings): SiteSettings {
  const { site, problems } = readSiteSettings(input, base);
  if (problems.length) throw new ConfigError(problems.map((p) => `config: ${p.field}: ${p.message}`), problems);
  return site;
}

/**
 * Returns `base` with the valid settings of `input` applied (each bad field keeps base's value) and
 * the problems found: parseSiteSettings without throwing, for overrides stored earlier that a new
 * config file or time zone database no longer accepts.
 */
export function readSiteSettings(input: unknown, base: SiteSettings): { site: SiteSettings; problems: ConfigProblem[] } {
  const v = new Validator();
  const raw = v.object('settings', input);
  for (const key of Object.keys(raw)) {
    if (!EDITABLE_KEYS.has(key)) v.bad(key, FILE_KEYS.has(key) ? 'set in the config file only' : 'unknown setting');
  }
  const site = readSite(v, raw, base, {});
  if (!site.languages.includes(base.defaultLanguage)) {
    v.bad('languages', `must include the default language '${base.defaultLanguage}' (defaultLanguage is set in the config file)`);
    site.languages = base.languages;
  }
  return { site: deepFreeze(site), problems: v.problems };
}

/** Returns the config with other site settings (a new frozen object; the rest shared). */
export function configWithSite(config: Config, site: SiteSettings): Config {
  return Object.freeze({ ...config, site: deepFreeze(site) });
}

/**
 * Returns the editable settings of a site in the config file's shape (every field set): what a
 * settings form shows, and what siteSettingsChanges compares.
 */
export function siteSettingsInput(site: SiteSettings): Required<SiteSettingsInput> {
  return {
    siteName: site.siteName,
    timeZone: site.timeZone,
    languages: [...site.languages],
    social: site.social.map((s) => ({ ...s })),
    strip: { days: site.stripDays, includeToday: site.stripIncludeToday },
    hijri: {
      variant: site.hijriVariant,
      adjustment: site.hijriAdjustment,
      monthNames: Object.fromEntries(Object.entries(site.hijriMonthNames).map(([l, names]) => [l, [...names!]])),
    },
    pageSize: site.pageSize,
    feedContent: site.feedContent,
    description: site.description,
    share: [...site.share],
  };
}

/**
 * Returns the editable fields whose value differs between two settings, with both values (for an
 * audit log line: `hijri.adjustment: 0 → 1`), in EDITABLE_SITE_FIELDS order.
 */
export function siteSettingsChanges(before: SiteSettings, after: SiteSettings): { field: EditableSiteField; from: unknown; to: unknown }[] {
  const a = siteSettingsInput(before) as Record<string, unknown>;
  const b = siteSettingsInput(after) as Record<string, unknown>;
  const at = (o: Record<string, unknown>, field: string) => field.split('.').reduce<unknown>((x, k) => (x as Record<string, unknown>)[k], o);
  return EDITABLE_SITE_FIELDS.flatMap((field) => {
    const from = at(a, field);
    const to = at(b, field);
    return JSON.stringify(from) === JSON.stringify(to) ? [] : [{ field, from, to }];
  });
}

/**
 * Returns the robots.txt disallow paths: a list, or (JARIDA_ROBOTS_DISALLOW) comma-separated; each
 * must start with `/` and hold no whitespace or control character (one robots.txt line each).
 */
function robotsDisallow(v: Validator, x: unknown): string[] {
  if (x === undefined || x === '') return [];
  const list = typeof x === 'string' ? x.split(',').map((p) => p.trim()).filter(Boolean) : x;
  if (!Array.isArray(list)) {
    v.bad('robots.disallow', 'must be a list of paths starting with / (JARIDA_ROBOTS_DISALLOW: comma-separated)');
    return [];
  }
  const out: string[] = [];
  list.forEach((p, i) => {
    if (typeof p !== 'string' || !p.startsWith('/') || p.length > 512 || /[\s\u0000-\u001f\u007f]/.test(p)) v.bad(`robots.disallow[${i}]`, `${JSON.stringify(p)} is not a path starting with / (no spaces, at most 512 characters)`);
    else out.push(p);
  });
  return out;
}

/** Returns the media settings; the folder defaults to `media/` beside the SQLite file (else `data/media`). */
function mediaSettings(v: Validator, m: Record<string, unknown>, env: NodeJS.ProcessEnv, databaseUrl: string, base: string, cwd: string): MediaSettings {
  const known = new Set(['enabled', 'dir', 's3', 'maxMegabytes', 'maxPixels', 'widths', 'timeoutSeconds', 'concurrency', 'memoryCacheMegabytes']);
  for (const key of Object.keys(m)) if (!known.has(key)) v.bad(`media.${key}`, 'unknown setting');
  const sqlitePath = /^sqlite:(?!:memory:$)(.+)$/.exec(databaseUrl)?.[1];
  const defaultDir = sqlitePath ? resolve(cwd, sqlitePath, '..', 'media') : resolve(base, 'data', 'media');
  const dirRaw = env.JARIDA_MEDIA_DIR ?? m.dir;
  const dir = dirRaw === undefined || dirRaw === '' ? defaultDir : resolve(env.JARIDA_MEDIA_DIR ? cwd : base, v.text('media.dir', dirRaw, defaultDir, 4096));
  const widths = v.widths('media.widths', m.widths);
  const s3Cfg = m.s3 === undefined || m.s3 === null ? null : v.object('media.s3', m.s3);
  let s3: S3Settings | null = null;
  if (s3Cfg) {
    for (const key of Object.keys(s3Cfg)) if (!['endpoint', 'bucket', 'region', 'prefix', 'accessKeyId', 'secretAccessKey'].includes(key)) v.bad(`media.s3.${key}`, 'unknown setting');
    const endpoint = v.httpUrl('media.s3.endpoint', s3Cfg.endpoint);
    const bucket = v.text('media.s3.bucket', s3Cfg.bucket, '', 63);
    if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) v.bad('media.s3.bucket', `${show(s3Cfg.bucket)} is not an S3 bucket name`);
    const prefix = s3Cfg.prefix === undefined ? '' : v.text('media.s3.prefix', s3Cfg.prefix, '', 200);
    const accessKeyId = v.text('media.s3.accessKeyId', env.JARIDA_MEDIA_S3_ACCESS_KEY_ID ?? s3Cfg.accessKeyId, '', 200);
    const secretAccessKey = v.text('media.s3.secretAccessKey', env.JARIDA_MEDIA_S3_SECRET_ACCESS_KEY ?? s3Cfg.secretAccessKey, '', 200);
    if (!accessKeyId) v.bad('media.s3.accessKeyId', 'missing (or JARIDA_MEDIA_S3_ACCESS_KEY_ID)');
    if (!secretAccessKey) v.bad('media.s3.secretAccessKey', 'missing (or JARIDA_MEDIA_S3_SECRET_ACCESS_KEY)');
    s3 = { endpoint: endpoint?.replace(/\/+$/, '') ?? '', bucket, region: v.text('media.s3.region', s3Cfg.region, 'us-east-1', 50), prefix, accessKeyId, secretAccessKey };
  }
  return {
    enabled: v.bool('media.enabled', env.JARIDA_MEDIA ?? m.enabled, true),
    dir,
    s3,
    maxBytes: v.int('media.maxMegabytes', m.maxMegabytes, 10, 1, 200) * 1024 * 1024,
    maxPixels: v.int('media.maxPixels', m.maxPixels, 50_000_000, 1_000_000, 1_000_000_000),
    widths,
    timeoutMs: v.int('media.timeoutSeconds', m.timeoutSeconds, 20, 1, 300) * 1000,
    concurrency: v.int('media.concurrency', env.JARIDA_MEDIA_CONCURRENCY ?? m.concurrency, 4, 1, 64),
    memoryCacheBytes: v.int('media.memoryCacheMegabytes', env.JARIDA_MEDIA_CACHE_MB ?? m.memoryCacheMegabytes, 64, 0, 65536) * 1024 * 1024,
  };
}

/** Reads the `metrics` section: a token of 16+ characters, a `host:port` to listen on, the ingest age limit. */
function metricsSettings(v: Validator, m: Record<string, unknown>, env: NodeJS.ProcessEnv, maxIntervalS: number): MetricsSettings {
  v.onlyKeys('metrics', m, ['token', 'listen', 'maxIngestAgeSeconds']);
  const rawToken = env.JARIDA_METRICS_TOKEN ?? m.token ?? null;
  let token: string | null = null;
  if (rawToken !== null && rawToken !== '') {
    if (typeof rawToken !== 'string' || rawToken.trim().length < 16 || rawToken.length > 500) v.bad('metrics.token', 'must be a string of 16 to 500 characters');
    else token = rawToken.trim();
  }
  const rawListen = env.JARIDA_METRICS_LISTEN ?? m.listen ?? null;
  let listen: MetricsSettings['listen'] = null;
  if (rawListen !== null && rawListen !== '') {
    const match = typeof rawListen === 'string' ? /^(\[[0-9a-fA-F:.]+\]|[^:\s]+):(\d{1,5})$/.exec(rawListen.trim()) : null;
    const port = match ? Number(match[2]) : NaN;
    if (!match || port > 65535) v.bad('metrics.listen', `must be host:port (e.g. 127.0.0.1:9464), got ${show(rawListen)}`);
    else listen = { host: match[1]!.replace(/^\[|\]$/g, ''), port };
  }
  const maxIngestAgeS = v.int('metrics.maxIngestAgeSeconds', env.JARIDA_METRICS_MAX_INGEST_AGE_SECONDS ?? m.maxIngestAgeSeconds, 2 * maxIntervalS, 60, 31_536_000);
  return { token, listen, maxIngestAgeS };
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object' && !(o instanceof Date)) {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}

/** Links in the header, at most; a social link's and a month's name, at most this long. */
const MAX_SOCIAL_LINKS = 20;
const MAX_NAME_LENGTH = 100;

const show = (x: unknown) => JSON.stringify(x)?.slice(0, 80) ?? String(x);

/** Collects one message per bad field, then throws them together. */
class Validator {
  readonly problems: ConfigProblem[] = [];

  bad(field: string, why: string): void {
    this.problems.push({ field, message: why });
  }

  throwIfBad(): void {
    if (this.problems.length) throw new ConfigError(this.problems.map((p) => `config: ${p.field}: ${p.message}`), this.problems);
  }

  /** Names each key of an object that is not among `keys`. */
  onlyKeys(field: string, o: Record<string, unknown>, keys: readonly string[]): void {
    for (const key of Object.keys(o)) if (!keys.includes(key)) this.bad(`${field}.${key}`, 'unknown setting');
  }

  object(field: string, x: unknown): Record<string, unknown> {
    if (x === undefined) return {};
    if (isObject(x)) return x;
    this.bad(field, `must be an object, got ${show(x)}`);
    return {};
  }

  text(field: string, x: unknown, def: string, max: number): string {
    if (x === undefined) return def;
    if (typeof x !== 'string' || x.trim() === '') return this.fail(field, `must be a non-empty string, got ${show(x)}`, def);
    if (x.length > max) return this.fail(field, `longer than ${max} characters`, def);
    return x.trim();
  }

  int(field: string, x: unknown, def: number, min: number, max: number): number {
    if (x === undefined || x === '') return def;
    const n = typeof x === 'string' && /^-?\d+$/.test(x.trim()) ? Number(x) : x;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) {
      return this.fail(field, `must be an integer from ${min} to ${max}, got ${show(x)}`, def);
    }
    return n;
  }

  bool(field: string, x: unknown, def: boolean): boolean {
    if (x === undefined || x === '') return def;
    if (typeof x === 'boolean') return x;
    if (x === 'true' || x === '1') return true;
    if (x === 'false' || x === '0') return false;
    return this.fail(field, `must be true or false, got ${show(x)}`, def);
  }

  oneOf<T extends string>(field: string, x: unknown, allowed: readonly T[], def: T): T {
    if (x === undefined || x === '') return def;
    if (typeof x === 'string' && (allowed as readonly string[]).includes(x)) return x as T;
    return this.fail(field, `must be one of ${allowed.join(', ')}, got ${show(x)}`, def);
  }

  timeZone(field: string, x: unknown, def: string): string {
    if (x === undefined || x === '') return def;
    if (typeof x === 'string' && isValidTimeZone(x)) return x;
    return this.fail(field, `${show(x)} is not an IANA time zone (e.g. Europe/Istanbul)`, def);
  }

  lang(field: string, x: unknown, def: Lang): Lang {
    return this.oneOf(field, x, LANGS, def);
  }

  langs(field: string, x: unknown, def: readonly Lang[]): readonly Lang[] {
    if (x === undefined) return def;
    if (!Array.isArray(x) || x.length === 0) return this.fail(field, `must be a non-empty list of ${LANGS.join(', ')}`, def);
    const out: Lang[] = [];
    for (const l of x) {
      if (typeof l !== 'string' || !(LANGS as readonly string[]).includes(l)) {
        return this.fail(field, `${show(l)} is not a supported language (${LANGS.join(', ')})`, def);
      }
      if (!out.includes(l as Lang)) out.push(l as Lang);
    }
    return out;
  }

  share(field: string, x: unknown, def: readonly ShareNetwork[]): readonly ShareNetwork[] {
    if (x === undefined) return def;
    if (!Array.isArray(x)) return this.fail(field, `must be a list of networks (${SHARE_NETWORKS.join(', ')})`, def);
    const bad = x.find((n) => !(SHARE_NETWORKS as readonly unknown[]).includes(n));
    if (bad !== undefined) return this.fail(field, `${show(bad)} is not one of ${SHARE_NETWORKS.join(', ')}`, def);
    return [...new Set(x as ShareNetwork[])];
  }

  social(field: string, x: unknown, def: readonly SocialLink[]): readonly SocialLink[] {
    if (x === undefined) return def;
    if (!Array.isArray(x)) return this.fail(field, 'must be a list of {"name", "url"}', def);
    if (x.length > MAX_SOCIAL_LINKS) return this.fail(field, `at most ${MAX_SOCIAL_LINKS} links`, def);
    const out: SocialLink[] = [];
    x.forEach((item, i) => {
      if (!isObject(item) || typeof item.name !== 'string' || !item.name.trim() || typeof item.url !== 'string') {
        this.bad(`${field}[${i}]`, 'must be {"name": "…", "url": "https://…"}');
        return;
      }
      if (item.name.trim().length > MAX_NAME_LENGTH) {
        this.bad(`${field}[${i}].name`, `longer than ${MAX_NAME_LENGTH} characters`);
        return;
      }
      if (!httpUrl(item.url)) {
        this.bad(`${field}[${i}].url`, `${show(item.url)} is not an http(s) URL`);
        return;
      }
      out.push({ name: item.name.trim(), url: item.url });
    });
    return out;
  }

  monthNames(field: string, x: unknown): Partial<Record<Lang, readonly string[]>> {
    if (x === undefined) return {};
    if (!isObject(x)) return this.fail(field, 'must be an object of language → 12 names', {});
    const out: Partial<Record<Lang, readonly string[]>> = {};
    for (const [lang, names] of Object.entries(x)) {
      if (!(LANGS as readonly string[]).includes(lang)) {
        this.bad(`${field}.${lang}`, `not a supported language (${LANGS.join(', ')})`);
      } else if (!Array.isArray(names) || names.length !== 12 || !names.every((n) => typeof n === 'string' && n.trim() && n.trim().length <= MAX_NAME_LENGTH)) {
        this.bad(`${field}.${lang}`, `must be a list of 12 non-empty names of at most ${MAX_NAME_LENGTH} characters, Muharram first`);
      } else {
        out[lang as Lang] = names.map((n: string) => n.trim());
      }
    }
    return out;
  }

  databaseUrl(field: string, x: unknown, def: string): string {
    if (x === undefined || x === '') return def;
    if (typeof x === 'string' && (/^sqlite:.+/.test(x) || /^postgres(ql)?:\/\//.test(x))) return x;
    return this.fail(field, `${show(x)} must be sqlite:PATH or postgres://…`, def);
  }

  httpUrl(field: string, x: unknown): string | null {
    if (typeof x === 'string' && httpUrl(x)) return x.trim();
    return this.fail(field, `${show(x)} is not an http(s) URL`, null);
  }

  addressList(field: string, x: unknown): string[] {
    if (x === undefined || x === '') return [];
    const list = typeof x === 'string' ? x.split(',').map((s) => s.trim()).filter(Boolean) : x;
    if (!Array.isArray(list) || !list.every((e) => typeof e === 'string')) return this.fail(field, 'must be a list of addresses or CIDR ranges', []);
    try {
      parseAllowList(list as string[]);
    } catch (err) {
      return this.fail(field, (err as Error).message.replace(/^fetch: [\w.]+: /, ''), []);
    }
    return list as string[];
  }

  widths(field: string, x: unknown): readonly number[] {
    const def = [320, 640, 1280];
    if (x === undefined) return def;
    if (!Array.isArray(x) || x.length === 0 || x.length > 8 || !x.every((w) => Number.isInteger(w) && w >= 16 && w <= 4096)) {
      return this.fail(field, `must be a list of 1 to 8 widths from 16 to 4096 px, got ${show(x)}`, def);
    }
    return [...new Set(x as number[])].sort((a, b) => a - b);
  }

  instant(field: string, x: string | undefined): Date | null {
    if (x === undefined || x === '') return null;
    const ok = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(x);
    const d = new Date(x);
    if (!ok || Number.isNaN(d.getTime())) {
      return this.fail(field, `${show(x)} is not an ISO-8601 instant with offset (e.g. 2019-02-15T12:00:00+03:00)`, null);
    }
    return d;
  }

  private fail<T>(field: string, why: string, def: T): T {
    this.bad(field, why);
    return def;
  }
}
