/**
 * The site's settings in the desk (admins): the form shows what is in effect and where each value
 * comes from; a save sends only the fields changed (or reset to the config file's), checked by the
 * config file's own rules, applied in every process without a restart (settings/live.ts).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ConfigError, SHARE_NETWORKS, siteSettingsInput, type ShareNetwork, type SitePatch, type SiteSettingsInput } from '../../config.js';
import { DEFAULT_HIJRI_MONTH_NAMES } from '../../calendar/format.js';
import { LANGS, type Lang } from '../../model/types.js';
import { findSiteOverrides } from '../../store/site-settings.js';
import type { Desk } from './plugin.js';
import { field, fieldList } from './forms.js';

const ADMIN = { config: { deskRole: 'admin' } } as const;
/** Social link rows on the form. */
const SOCIAL_ROWS = 8;

/** Registers the routes on the desk's scope. */
export function registerSettingsRoutes(app: FastifyInstance, desk: Desk): void {
  app.get('/settings', ADMIN, async (req, reply) => settingsPage(desk, req, reply));
  app.post('/settings', ADMIN, async (req, reply) => {
    const current = siteSettingsInput(desk.web.config.site);
    const patch = patchFromForm(req.body, current);
    if (Object.keys(patch).length === 0) return reply.redirect('/admin/settings?done=same', 303);
    try {
      const result = await desk.web.settings.update(patch);
      await desk.audit(req, 'settings.update', 'settings', { changes: result.changes, recounted: result.recounted });
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      return settingsPage(desk, req, reply, { errors: err.problems.map((p) => `${p.field}: ${p.message}`), typed: req.body }, 400);
    }
    return reply.redirect('/admin/settings?done=saved', 303);
  });
}

/** A number typed in a form: read when it is digits, else kept as typed so the validation names it. */
const num = (s: string): number | string => (/^-?\d{1,9}$/.test(s.trim()) ? Number(s.trim()) : s);

/**
 * Returns the settings as the form carries them, in the config file's shape: numbers read from digits
 * (else kept as typed, so the validation names them), month names only for the languages typed.
 */
function formSettings(body: unknown): Required<SiteSettingsInput> {
  const monthNames: Partial<Record<Lang, string[]>> = {};
  for (const l of LANGS) {
    const lines = field(body, `monthNames.${l}`).split(/\r?\n/).map((x) => x.trim()).filter(Boolean);
    if (lines.length) monthNames[l] = lines;
  }
  return {
    siteName: field(body, 'siteName'),
    timeZone: field(body, 'timeZone').trim(),
    languages: fieldList(body, 'languages') as Lang[],
    social: Array.from({ length: SOCIAL_ROWS }, (_, i) => ({ name: field(body, `socialName${i}`).trim(), url: field(body, `socialUrl${i}`).trim() })).filter((x) => x.name || x.url),
    strip: { days: num(field(body, 'strip.days')) as number, includeToday: field(body, 'strip.includeToday') === '1' },
    hijri: { variant: field(body, 'hijri.variant') as NonNullable<SiteSettingsInput['hijri']>['variant'], adjustment: num(field(body, 'hijri.adjustment')) as number, monthNames },
    pageSize: num(field(body, 'pageSize')) as number,
    feedContent: field(body, 'feedContent') as NonNullable<SiteSettingsInput['feedContent']>,
    description: field(body, 'description').trim(),
    share: fieldList(body, 'share') as ShareNetwork[],
  };
}

/**
 * Returns the patch a settings form asks for: each field whose value differs from the one in
 * effect, and null for each field whose "use the config file's" box is ticked.
 */
export function patchFromForm(body: unknown, current: Required<SiteSettingsInput>): SitePatch {
  const typed = formSettings(body);
  const reset = new Set(fieldList(body, 'reset'));
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  /** The change of one field: null when reset, the typed value when it differs, else nothing. */
  const change = <T>(name: string, value: T, now: unknown): T | null | undefined => (reset.has(name) ? null : same(value, now) ? undefined : value);
  const patch: SitePatch = {};
  for (const key of ['siteName', 'timeZone', 'languages', 'social', 'pageSize', 'feedContent', 'description', 'share'] as const) {
    const c = change(key, typed[key], current[key]);
    if (c !== undefined) (patch as Record<string, unknown>)[key] = c;
  }
  const part = (group: 'strip' | 'hijri', keys: readonly string[]) => {
    const out: Record<string, unknown> = {};
    for (const k of keys) {
      const c = change(`${group}.${k}`, (typed[group] as Record<string, unknown>)[k], (current[group] as Record<string, unknown>)[k]);
      if (c !== undefined) out[k] = c;
    }
    return out;
  };
  const strip = part('strip', ['days', 'includeToday']);
  if (Object.keys(strip).length) patch.strip = strip;
  const hijri: NonNullable<SitePatch['hijri']> = part('hijri', ['variant', 'adjustment']);
  const names: Partial<Record<Lang, string[] | null>> = {};
  for (const l of LANGS) {
    const lines = typed.hijri.monthNames?.[l];
    const now = current.hijri.monthNames?.[l];
    if (!lines) {
      if (now) names[l] = null; // emptied: back to the defaults
    } else if (!same(lines, now ?? DEFAULT_HIJRI_MONTH_NAMES[l])) names[l] = lines;
  }
  if (Object.keys(names).length) hijri.monthNames = names;
  if (Object.keys(hijri).length) patch.hijri = hijri;
  return patch;
}

async function settingsPage(desk: Desk, req: FastifyRequest, reply: FastifyReply, extra: { errors?: string[]; typed?: unknown } = {}, status = 200) {
  const inEffect = siteSettingsInput(desk.web.config.site);
  // A refused form shows what was typed (the calendar as in effect when none was chosen).
  const typed = extra.typed === undefined ? undefined : formSettings(extra.typed);
  const current = typed ? { ...typed, hijri: { ...typed.hijri, variant: typed.hijri.variant || inEffect.hijri.variant } } : inEffect;
  const overrides = await findSiteOverrides(desk.web.store.db);
  const fromDesk = (path: string) => path.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], overrides) !== undefined;
  const q = req.query as Record<string, string | undefined>;
  return desk.page(req, reply, 'settings', {
    title: 'Settings',
    done: q.done === 'saved' ? 'Saved: every page shows it from now on.' : q.done === 'same' ? 'Nothing changed.' : undefined,
    errors: extra.errors,
    s: current,
    languages: LANGS.map((l) => ({ code: l, on: current.languages.includes(l), isDefault: l === desk.web.config.site.defaultLanguage })),
    social: Array.from({ length: SOCIAL_ROWS }, (_, i) => current.social[i] ?? { name: '', url: '' }).map((s, i) => ({ ...s, i })),
    months: LANGS.map((l) => ({ code: l, text: (current.hijri.monthNames?.[l] ?? DEFAULT_HIJRI_MONTH_NAMES[l]).join('\n'), own: Boolean(current.hijri.monthNames?.[l]) })),
    networks: SHARE_NETWORKS.map((n) => ({ code: n, on: current.share.includes(n) })),
    adjustments: [-2, -1, 0, 1, 2],
    variants: ['umalqura', 'civil', 'tabular'],
    feedContents: [{ value: 'full', label: 'the whole article' }, { value: 'summary', label: 'the summary alone' }],
    from: Object.fromEntries(['siteName', 'timeZone', 'languages', 'social', 'pageSize', 'strip.days', 'strip.includeToday', 'hijri.variant', 'hijri.adjustment', 'hijri.monthNames', 'feedContent', 'description', 'share'].map((f) => [f, fromDesk(f)])),
  }, status);
}
