/**
 * The site settings at runtime: the config file's, with the overrides edited in the desk (kept in the
 * store) on top, field by field. One operation for the desk, the CLI and tests: apply a patch,
 * validate it by the config file's rules, store it, recount the days when the time zone moved, and
 * signal every process (settings/live.ts applies it there).
 */
import { ConfigError, parseSiteSettings, readSiteSettings, siteSettingsChanges, siteSettingsInput, type EditableSiteField, type SitePatch, type SiteSettings, type SiteSettingsInput } from '../config.js';
import type { Logger } from '../log.js';
import type { Store } from '../store/db.js';
import { findSiteOverrides, updateSiteOverrides } from '../store/site-settings.js';

/**
 * Returns the site settings in effect: the store's overrides over the config file's settings
 * (`fileSite`). An override that no longer passes (a config file with another default language, a
 * zone gone from the time zone database) is left out with a warning: the file's value applies.
 */
export async function effectiveSiteSettings(store: Store, fileSite: SiteSettings, log?: Logger): Promise<SiteSettings> {
  const { site, problems } = readSiteSettings(await findSiteOverrides(store.db), fileSite);
  if (problems.length) log?.warn({ problems: problems.map((p) => `${p.field}: ${p.message}`) }, "settings: stored overrides left out; the config file's values apply");
  return site;
}

/** What a change of the settings did, for the desk's answer and its audit log. */
export interface SiteSettingsUpdate {
  /** The settings in effect now. */
  site: SiteSettings;
  /** The settings in effect just before (read in the same transaction). */
  previous: SiteSettings;
  /** The fields whose value changed, with both values. */
  changes: { field: EditableSiteField; from: unknown; to: unknown }[];
  /** The overrides now stored (the config file's shape). */
  overrides: SiteSettingsInput;
  /** A new time zone: the zone the days were counted in and how many articles moved to another day. */
  recounted: { from: string; moved: number } | null;
}

/**
 * Applies a patch to the stored overrides (a value overrides the config file's, null or '' removes
 * the override, a field absent stays), validates the result by the config file's rules, stores it,
 * recounts the days in the new time zone when it moved, and signals every process, in one
 * transaction. Throws ConfigError naming each bad field as the config file does (nothing stored).
 * @example await changeSiteSettings(store, config.site, { hijri: { adjustment: 1 }, siteName: null })
 */
export async function changeSiteSettings(store: Store, fileSite: SiteSettings, patch: SitePatch, log?: Logger): Promise<SiteSettingsUpdate> {
  let site!: SiteSettings;
  let previous!: SiteSettings;
  const { overrides, recounted } = await updateSiteOverrides(store.db, (stored) => {
    previous = readSiteSettings(stored, fileSite).site;
    const merged = applySitePatch(stored, patch);
    site = parseSiteSettings(merged, fileSite);
    return { overrides: overridesOf(merged, site), timeZone: site.timeZone };
  });
  if (recounted) log?.info({ from: recounted.from, to: site.timeZone, moved: recounted.moved }, 'settings: site time zone changed, days recounted');
  return { site, previous, changes: siteSettingsChanges(previous, site), overrides, recounted };
}

/** changeSiteSettings, returning only the settings in effect now. */
export async function updateSiteSettings(store: Store, fileSite: SiteSettings, patch: SitePatch): Promise<SiteSettings> {
  return (await changeSiteSettings(store, fileSite, patch)).site;
}

/** Fields whose value is an object patched key by key (a language's month names, one by one). */
const NESTED = new Set(['strip', 'hijri', 'hijri.monthNames']);

/**
 * Returns the stored overrides with a patch applied: a value replaces, null or '' removes, a key
 * absent stays; `strip`, `hijri` and `hijri.monthNames` are patched key by key. Values are not
 * checked here (parseSiteSettings does).
 * @example applySitePatch({ strip: { days: 3 } }, { strip: { includeToday: true } }) // { strip: { days: 3, includeToday: true } }
 */
export function applySitePatch(stored: SiteSettingsInput, patch: SitePatch | unknown): Record<string, unknown> {
  if (!isObject(patch)) throw new ConfigError(['config: settings: must be an object'], [{ field: 'settings', message: 'must be an object' }]);
  return merge(structuredClone(stored) as Record<string, unknown>, patch, '');
}

function merge(into: Record<string, unknown>, patch: Record<string, unknown>, path: string): Record<string, unknown> {
  for (const [key, value] of Object.entries(patch)) {
    const field = path ? `${path}.${key}` : key;
    if (value === undefined) continue;
    if (value === null || value === '') delete into[key];
    else if (NESTED.has(field) && isObject(value)) {
      const inner = merge(isObject(into[key]) ? into[key] : {}, value, field);
      if (Object.keys(inner).length) into[key] = inner;
      else delete into[key];
    } else into[key] = value;
  }
  return into;
}

/** Returns the overrides to store: the keys the merged patch sets, with their validated values (trimmed, without repeats). */
function overridesOf(merged: Record<string, unknown>, site: SiteSettings): SiteSettingsInput {
  const valid = siteSettingsInput(site) as Record<string, unknown>;
  const pick = (from: Record<string, unknown>, keys: Record<string, unknown>, path: string): Record<string, unknown> =>
    Object.fromEntries(
      Object.keys(keys).map((key) => {
        const field = path ? `${path}.${key}` : key;
        return [key, NESTED.has(field) && isObject(keys[key]) ? pick(from[key] as Record<string, unknown>, keys[key], field) : from[key]];
      }),
    );
  return pick(valid, merged, '') as SiteSettingsInput;
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
