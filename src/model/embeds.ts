/**
 * What an article body may embed from other sites: the sanitizer keeps iframes from these hosts only
 * (ingest/sanitize), and the pages' Content-Security-Policy lets them be framed (web/security-headers.ts).
 */

/** The hosts whose video players an article body may embed. */
export const VIDEO_HOSTS: readonly string[] = ['www.youtube.com', 'www.youtube-nocookie.com', 'player.vimeo.com', 'www.dailymotion.com'];
