/**
 * @deprecated Moved to src/html/markdown.ts (the one Markdown renderer); this re-export only keeps
 * branches written before the move building once merged. Delete it when nothing imports it.
 */
export { renderPageBody } from '../html/markdown.js';
