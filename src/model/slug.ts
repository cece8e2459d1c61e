/** URL slugs for article pages. */

const TURKISH: Record<string, string> = { ı: 'i', İ: 'i', ş: 's', Ş: 's', ğ: 'g', Ğ: 'g', ç: 'c', Ç: 'c', ö: 'o', Ö: 'o', ü: 'u', Ü: 'u' };

/**
 * Returns a URL slug for a title: Latin letters folded to ASCII (Turkish included), other scripts
 * (Arabic) kept as letters, everything else a single hyphen; at most 80 characters.
 * @example slugify('İstanbul’da Kar: 10 cm') === 'istanbulda-kar-10-cm'
 */
export function slugify(title: string): string {
  const folded = title
    .replace(/[ıİşŞğĞçÇöÖüÜ]/g, (c) => TURKISH[c] ?? c)
    .normalize('NFKD')
    .replace(/\p{M}/gu, '') // combining marks: accents, Arabic tashkeel
    .replace(/\u0640/g, '') // Arabic tatweel
    .replace(/['’‘`]/g, '')
    .toLowerCase();
  const slug = folded
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '');
  const cut = [...slug].slice(0, 80).join('').replace(/-+$/, '');
  return cut || 'article';
}
