/**
 * @deprecated Moved to src/html/sanitize.ts; this re-export only keeps branches written before the
 * move building once merged. Import from `html/sanitize.js`, and delete this file when nothing uses it.
 */
export * from '../../html/sanitize.js';
