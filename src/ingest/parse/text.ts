/**
 * @deprecated Moved to src/html/text.ts; this re-export only keeps branches written before the move
 * building once merged. Import from `html/text.js`, and delete this file when nothing uses it.
 */
export * from '../../html/text.js';
