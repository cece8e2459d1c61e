/** The dedupe key of an article URL: the same page under tracking parameters or another case of host is one URL. */

const TRACKING = new Set([
  'fbclid', 'gclid', 'gclsrc', 'dclid', 'gbraid', 'wbraid', 'msclkid', 'yclid', 'twclid', 'ttclid', 'li_fat_id',
  'mc_cid', 'mc_eid', '_ga', '_gl', 'igshid', 'igsh', 'si', 'ocid', 'spm', 'scm', 'cmpid', 'cmp', 's_kwcid',
  'mkt_tok', '_hsenc', '_hsmi', '__hssc', '__hstc', '__hsfp', 'hsctatracking', 'vero_id', 'vero_conv',
  'oly_anon_id', 'oly_enc_id', 'rb_clickid', 'ref_src', 'ref_url', 'wt.mc_id', 'wt_mc_id', 'xtor', 'at_medium',
  'at_campaign', 'at_source', 'sr_share', 'ns_source', 'ns_mchannel', 'ns_campaign', 'ito', 'icid', 'ncid',
]);

/** Returns true for query parameters that only track the visit (utm_*, fbclid, gclid, …). */
export function isTrackingParam(name: string): boolean {
  const n = name.toLowerCase();
  return n.startsWith('utm_') || n.startsWith('pk_') || n.startsWith('mtm_') || TRACKING.has(n);
}

/**
 * Returns the URL without fragment, tracking parameters, default port and with a lower-case host;
 * null when it is not an http(s) URL.
 * @example normalizeUrl('HTTPS://News.Example:443/a?utm_source=x&id=3#top') === 'https://news.example/a?id=3'
 */
export function normalizeUrl(raw: string | null | undefined, base?: string): string | null {
  if (!raw) return null;
  let u: URL;
  try {
    u = new URL(raw.trim(), base);
  } catch {
    return null;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return null;
  u.hash = '';
  u.username = '';
  u.password = '';
  const kept = [...u.searchParams].filter(([k]) => !isTrackingParam(k));
  if (kept.length !== [...u.searchParams].length) {
    u.search = '';
    for (const [k, v] of kept) u.searchParams.append(k, v);
  }
  return u.href.replace(/\?$/, '');
}
