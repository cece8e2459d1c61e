/**
 * Admission control: at most `max` requests wait to render or render in a process (pages not in the
 * cache, searches, the content API — whatever reaches Fastify). The next ones wait in a queue for a
 * free place, at most `maxWaitMs` (and at most MAX_QUEUED of them), as a proxy's request queue does
 * (HAProxy's `timeout queue`); those still waiting then are answered `503 Service Unavailable`,
 * `Retry-After` and a short page in the site's language — or, in front of the page cache, with the
 * stale copy it still holds (http.ts pageFront). A waiting request costs nothing but its socket: a
 * client that asks again the moment it is refused (a benchmark, a script) would otherwise make the
 * process spend its time refusing, and cached pages wait behind the refusals (issue 16). With
 * `maxWaitMs` 0 the excess is refused at once.
 *
 * Admitted requests start **one per turn of the event loop** (setImmediate), in arrival order: a
 * render on SQLite runs start to end without giving the process back (better-sqlite3 is
 * synchronous), so renders started as they arrive would run back to back while the cache hits that
 * came with them wait (and never overlap, so no limit on overlapping renders would ever refuse one).
 * Between two renders the process reads its sockets again, and answers every cache hit that came
 * meanwhile before the next render starts: a hit waits at most for one render. (Searches, the
 * longest, run on a thread of their own on SQLite: search-runner.ts.)
 *
 * The desk (`/admin`, `/api/admin`) and the operators' `/healthz`, `/readyz`, `/metrics` are never
 * refused: the people who run the site can always reach it; nor are the theme's `/assets/` (sent from
 * memory; the busy page itself links the stylesheet).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LANGS, type Lang } from '../model/types.js';
import { STRINGS, dirOf } from './i18n/strings.js';
import type { HeaderSet } from './security-headers.js';
import { isDeskPath } from './security-headers.js';

/** Seconds a refused client is asked to wait. */
export const RETRY_AFTER_S = 1;

/** Requests that wait for a place at most, per process; the next are refused at once. */
export const MAX_QUEUED = 1024;

/** What the admission counts, for /metrics and the benchmark. */
export interface AdmissionStats {
  /** Requests rendering now (or admitted, starting on the next turn). */
  inFlight: number;
  /** Requests waiting for a place now (their clients still there). */
  queued: number;
  /** The most rendering at once since the start. */
  peak: number;
  /** Requests answered 503 since the start (the queue full, or their wait over). */
  refused: number;
  /** Requests answered with a stale cached copy instead of a 503 (http.ts pageFront). */
  staleServed: number;
}

/** A request waiting for a place. */
interface Queued {
  req: IncomingMessage;
  res: ServerResponse;
  next: (req: IncomingMessage, res: ServerResponse) => void;
  /** performance.now() past which it is refused. */
  deadline: number;
  closed: boolean;
}

/** Paths never refused: the operators' (the desk is checked with isDeskPath). */
const OPERATIONS = new Set(['/healthz', '/readyz', '/metrics']);

/**
 * Counts the requests that reach the app's handler; those past `max` wait up to `maxWaitMs` for a
 * place, then are refused.
 * @example const admission = new Admission(16, security.site, { defaultLanguage: 'en', stylesheet: '/assets/style.css' }, { maxWaitMs: 1000 });
 */
export class Admission {
  private inFlight = 0;
  private peak = 0;
  private refused = 0;
  staleServed = 0;
  private readonly pages = new Map<Lang, Buffer>();
  /** Admitted requests not started yet, oldest first. */
  private readonly waiting: (() => void)[] = [];
  private pumping = false;
  /** Requests waiting for a place, oldest (earliest deadline) first. */
  private readonly queue: Queued[] = [];
  private timer: NodeJS.Timeout | null = null;
  readonly maxWaitMs: number;

  constructor(
    readonly max: number,
    private readonly security: HeaderSet,
    private readonly site: { defaultLanguage: Lang; stylesheet: string },
    opts: { maxWaitMs?: number } = {},
  ) {
    this.maxWaitMs = opts.maxWaitMs ?? 0;
  }

  /** True when a request that would render now is refused. */
  full(): boolean {
    return this.inFlight >= this.max;
  }

  stats(): AdmissionStats {
    return { inFlight: this.inFlight, queued: this.queue.reduce((n, q) => (q.closed ? n : n + 1), 0), peak: this.peak, refused: this.refused, staleServed: this.staleServed };
  }

  /**
   * Returns `next` wrapped: requests past `max` waiting or rendering wait for a place (see the top),
   * else are answered 503; each admitted one counts until its answer closes, and starts on a later
   * turn of the event loop, one per turn (one whose client went away meanwhile never starts).
   */
  wrap(next: (req: IncomingMessage, res: ServerResponse) => void): (req: IncomingMessage, res: ServerResponse) => void {
    return (req, res) => {
      const url = req.url ?? '/';
      if (exempt(url)) return next(req, res);
      if (this.inFlight < this.max) return this.admit(req, res, next);
      if (this.maxWaitMs <= 0 || this.queue.length >= MAX_QUEUED) return this.refuse(req, res);
      const waiting: Queued = { req, res, next, deadline: performance.now() + this.maxWaitMs, closed: false };
      res.once('close', () => void (waiting.closed = true));
      this.queue.push(waiting);
      this.armTimer();
    };
  }

  private admit(req: IncomingMessage, res: ServerResponse, next: (req: IncomingMessage, res: ServerResponse) => void): void {
    this.inFlight++;
    if (this.inFlight > this.peak) this.peak = this.inFlight;
    let closed = false;
    res.once('close', () => {
      closed = true;
      this.inFlight--;
      this.admitWaiting();
    });
    this.waiting.push(() => {
      if (!closed) next(req, res);
    });
    this.schedule();
  }

  /** Gives the free places to the requests that waited longest (skipping those whose client went away). */
  private admitWaiting(): void {
    while (this.inFlight < this.max && this.queue.length > 0) {
      const q = this.queue.shift()!;
      if (!q.closed) this.admit(q.req, q.res, q.next);
    }
  }

  /** Refuses the requests whose wait is over; wakes again at the next one's deadline. */
  private armTimer(): void {
    if (this.timer || this.queue.length === 0) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      const now = performance.now();
      while (this.queue.length > 0 && (this.queue[0]!.closed || this.queue[0]!.deadline <= now)) {
        const q = this.queue.shift()!;
        if (!q.closed) this.refuse(q.req, q.res);
      }
      this.armTimer();
    }, Math.max(1, this.queue[0]!.deadline - performance.now()));
    this.timer.unref();
  }

  /** Starts the oldest waiting request on the next turn of the event loop (after the sockets are read). */
  private schedule(): void {
    if (this.pumping || this.waiting.length === 0) return;
    this.pumping = true;
    setImmediate(() => {
      this.pumping = false;
      this.waiting.shift()?.();
      this.schedule();
    });
  }

  /** Answers 503 with Retry-After and the busy page of the path's language (made once per language). */
  refuse(req: IncomingMessage, res: ServerResponse): void {
    this.refused++;
    const lang = langOf(req.url ?? '/', this.site.defaultLanguage);
    let page = this.pages.get(lang);
    if (!page) this.pages.set(lang, (page = busyPage(lang, this.site.stylesheet)));
    res.writeHead(503, {
      ...this.security,
      'retry-after': String(RETRY_AFTER_S),
      'cache-control': 'no-store',
      'content-type': 'text/html; charset=utf-8',
      'content-length': String(page.length),
    });
    res.end(req.method === 'HEAD' ? undefined : page);
  }
}

function exempt(url: string): boolean {
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  return OPERATIONS.has(path) || path.startsWith('/assets/') || isDeskPath(path);
}

function langOf(url: string, fallback: Lang): Lang {
  const first = url.split(/[/?]/)[1];
  return LANGS.find((l) => l === first) ?? fallback;
}

/** The busy page: the site's stylesheet, the server-error words of the language, nothing from the store. */
function busyPage(lang: Lang, stylesheet: string): Buffer {
  const t = STRINGS[lang];
  const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return Buffer.from(
    `<!doctype html>\n<html lang="${lang}" dir="${dirOf(lang)}">\n<head>\n<meta charset="utf-8">\n<meta name="viewport" content="width=device-width, initial-scale=1">\n` +
      `<meta name="robots" content="noindex">\n<title>${esc(t.busy)}</title>\n<link rel="stylesheet" href="${esc(stylesheet)}">\n</head>\n` +
      `<body>\n<main id="main" class="error-page">\n<h1>${esc(t.busy)}</h1>\n<p>${esc(t.busyText)}</p>\n<p><a href="">${esc(t.tryAgain)}</a></p>\n</main>\n</body>\n</html>\n`,
  );
}
