/** Newer/older page links shared by paginated lists. */
import { formatNumber } from '../../calendar/format.js';
import { fill } from '../i18n/strings.js';
import type { PageContext } from '../view.js';

/** Returns the pager of page `page` of `pages`, links built by `href`. */
export function pager(ctx: PageContext, page: number, pages: number, href: (p: number) => string) {
  return {
    newer: page > 1 ? href(page - 1) : null,
    older: page < pages ? href(page + 1) : null,
    label: fill(ctx.t.page, { n: formatNumber(page, ctx.lang, ctx.cal) }),
  };
}
