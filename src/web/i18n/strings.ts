/** UI strings of the reader-facing site, one table per language; `{n}` is replaced by a number. */
import { isRtlLanguage } from '../../model/direction.js';
import type { Lang } from '../../model/types.js';

export interface Strings {
  languageName: string;
  total: string;
  scrollUp: string;
  latest: string;
  readMore: string;
  source: string;
  original: string;
  older: string;
  newer: string;
  olderPage: string;
  newerPage: string;
  page: string;
  dayTitle: string;
  articlesOnDay: string;
  monthTitle: string;
  yearTitle: string;
  articles: string;
  noArticles: string;
  notFound: string;
  notFoundText: string;
  badRequest: string;
  badRequestText: string;
  serverError: string;
  serverErrorText: string;
  /** The page of a request refused while the server is at its limit (web/admission.ts). */
  busy: string;
  busyText: string;
  tryAgain: string;
  backHome: string;
  recentDays: string;
  archives: string;
  by: string;
  skipToContent: string;
  languages: string;
  social: string;
  search: string;
  searchLabel: string;
  /** By plural category of the count (Intl.PluralRules); `other` always. */
  searchResults: Partial<Record<Intl.LDMLPluralRule, string>> & { other: string };
  searchResultsCapped: string;
  searchEmpty: string;
  searchCommon: string;
  searchOnlyExcluded: string;
  searchNone: string;
  searchTruncated: string;
  searchFrom: string;
  searchTo: string;
  searchTitle: string;
  /** The section menu's label. */
  sections: string;
  tags: string;
  tagTitle: string;
  sourceTitle: string;
  previousDay: string;
  nextDay: string;
  /** A front-page block's link to its section's page. */
  moreIn: string;
  /** The home page's description when the site has none of its own. */
  siteDescription: string;
  /** The label of an article's share links, and the e-mail one's name. */
  share: string;
  shareEmail: string;
}

const en: Strings = {
  languageName: 'English',
  total: 'Total: {n} content',
  scrollUp: 'Scroll Up',
  latest: 'Latest news',
  readMore: 'Read more',
  source: 'Source',
  original: 'Read the original',
  older: 'Previous article',
  newer: 'Next article',
  olderPage: 'Older articles',
  newerPage: 'Newer articles',
  page: 'Page {n}',
  dayTitle: 'Articles of {date}',
  articlesOnDay: '{n} articles',
  monthTitle: 'Archive of {month}',
  yearTitle: 'Archive of {year}',
  articles: 'articles',
  noArticles: 'No articles yet.',
  notFound: 'Page not found',
  notFoundText: 'There is no page at this address.',
  badRequest: 'Bad request',
  badRequestText: 'This address is not valid:',
  serverError: 'Something went wrong',
  serverErrorText: 'The page could not be shown. Please try again later.',
  busy: 'Busy right now',
  busyText: 'Many readers are here at the moment. Please try again in a second.',
  tryAgain: 'Try again',
  backHome: 'Back to the home page',
  recentDays: 'Recent days',
  archives: 'Archives',
  by: 'by',
  skipToContent: 'Skip to content',
  languages: 'Languages',
  social: 'Follow us',
  search: 'Search',
  searchLabel: 'Search the news',
  searchResults: { one: '{n} result', other: '{n} results' },
  searchResultsCapped: 'More than {n} results: the newest {n} are ranked. Add a word or a date range to narrow them.',
  searchEmpty: 'Type a word to search for.',
  searchCommon: 'Those words are too common to search for. Add a more specific word.',
  searchOnlyExcluded: 'Add a word to search for: -word only leaves words out.',
  searchNone: 'Nothing found for “{q}”.',
  searchTruncated: 'Only the first {n} words were searched.',
  searchFrom: 'From',
  searchTo: 'To',
  searchTitle: 'Search: {q}',
  sections: 'Sections',
  tags: 'Tags',
  tagTitle: 'Tag: {name}',
  sourceTitle: 'News from {name}',
  previousDay: 'Previous day',
  nextDay: 'Next day',
  moreIn: 'More in {name}',
  siteDescription: '{site}: the latest news from its sources, day by day, with an archive of every day.',
  share: 'Share',
  shareEmail: 'Email',
};

const tr: Strings = {
  languageName: 'Türkçe',
  total: 'Toplam: {n} içerik',
  scrollUp: 'Yukarı Çık',
  latest: 'Son haberler',
  readMore: 'Devamını oku',
  source: 'Kaynak',
  original: 'Orijinal habere git',
  older: 'Önceki haber',
  newer: 'Sonraki haber',
  olderPage: 'Daha eski haberler',
  newerPage: 'Daha yeni haberler',
  page: 'Sayfa {n}',
  dayTitle: '{date} tarihli haberler',
  articlesOnDay: '{n} haber',
  monthTitle: '{month} arşivi',
  yearTitle: '{year} arşivi',
  articles: 'haber',
  noArticles: 'Henüz haber yok.',
  notFound: 'Sayfa bulunamadı',
  notFoundText: 'Bu adreste bir sayfa yok.',
  badRequest: 'Geçersiz istek',
  badRequestText: 'Bu adres geçerli değil:',
  serverError: 'Bir sorun oluştu',
  serverErrorText: 'Sayfa gösterilemedi. Lütfen daha sonra yeniden deneyin.',
  busy: 'Şu anda çok yoğun',
  busyText: 'Şu anda çok sayıda okuyucu var. Lütfen bir saniye sonra yeniden deneyin.',
  tryAgain: 'Yeniden dene',
  backHome: 'Ana sayfaya dön',
  recentDays: 'Son günler',
  archives: 'Arşiv',
  by: 'yazan',
  skipToContent: 'İçeriğe geç',
  languages: 'Diller',
  social: 'Bizi takip edin',
  search: 'Ara',
  searchLabel: 'Haberlerde ara',
  searchResults: { other: '{n} sonuç' },
  searchResultsCapped: '{n} sonuçtan fazla: en yeni {n} tanesi sıralandı. Daraltmak için bir kelime ya da tarih aralığı ekleyin.',
  searchEmpty: 'Aramak için bir kelime yazın.',
  searchCommon: 'Bu kelimeler aranamayacak kadar yaygın. Daha belirgin bir kelime ekleyin.',
  searchOnlyExcluded: 'Aranacak bir kelime ekleyin: -kelime yalnızca hariç tutar.',
  searchNone: '“{q}” için sonuç bulunamadı.',
  searchTruncated: 'Yalnızca ilk {n} kelime arandı.',
  searchFrom: 'Başlangıç',
  searchTo: 'Bitiş',
  searchTitle: 'Arama: {q}',
  sections: 'Bölümler',
  tags: 'Etiketler',
  tagTitle: 'Etiket: {name}',
  sourceTitle: '{name} haberleri',
  previousDay: 'Önceki gün',
  nextDay: 'Sonraki gün',
  moreIn: '{name} bölümünden daha fazla',
  siteDescription: '{site}: kaynaklarından en son haberler, gün gün, her günün arşiviyle.',
  share: 'Paylaş',
  shareEmail: 'E-posta',
};

const ar: Strings = {
  languageName: 'العربية',
  total: 'المجموع: {n} محتوى',
  scrollUp: 'إلى الأعلى',
  latest: 'آخر الأخبار',
  readMore: 'اقرأ المزيد',
  source: 'المصدر',
  original: 'اقرأ الخبر الأصلي',
  older: 'الخبر السابق',
  newer: 'الخبر التالي',
  olderPage: 'أخبار أقدم',
  newerPage: 'أخبار أحدث',
  page: 'صفحة {n}',
  dayTitle: 'أخبار يوم {date}',
  articlesOnDay: '{n} خبر',
  monthTitle: 'أرشيف {month}',
  yearTitle: 'أرشيف {year}',
  articles: 'خبر',
  noArticles: 'لا توجد أخبار بعد.',
  notFound: 'الصفحة غير موجودة',
  notFoundText: 'لا توجد صفحة بهذا العنوان.',
  badRequest: 'طلب غير صالح',
  badRequestText: 'هذا العنوان غير صالح:',
  serverError: 'حدث خطأ',
  serverErrorText: 'تعذر عرض الصفحة. يرجى المحاولة لاحقا.',
  busy: 'الموقع مشغول الآن',
  busyText: 'يزور الموقع عدد كبير من القراء في هذه اللحظة. يرجى المحاولة بعد ثانية.',
  tryAgain: 'إعادة المحاولة',
  backHome: 'العودة إلى الصفحة الرئيسية',
  recentDays: 'الأيام الأخيرة',
  archives: 'الأرشيف',
  by: 'بقلم',
  skipToContent: 'انتقل إلى المحتوى',
  languages: 'اللغات',
  social: 'تابعونا',
  search: 'بحث',
  searchLabel: 'ابحث في الأخبار',
  searchResults: { zero: 'لا نتائج', one: 'نتيجة واحدة', two: 'نتيجتان', few: '{n} نتائج', many: '{n} نتيجة', other: '{n} نتيجة' },
  searchResultsCapped: 'أكثر من {n} نتيجة: رُتّبت أحدث {n} منها. أضف كلمة أو نطاقًا زمنيًا لتضييقها.',
  searchEmpty: 'اكتب كلمة للبحث عنها.',
  searchCommon: 'هذه الكلمات شائعة جدًا فلا يُبحث عنها. أضف كلمة أدق.',
  searchOnlyExcluded: 'أضف كلمة للبحث عنها: الكلمة المسبوقة بـ - تُستبعد فقط.',
  searchNone: 'لا نتائج عن «{q}».',
  searchTruncated: 'بُحث عن أول {n} كلمة فقط.',
  searchFrom: 'من',
  searchTo: 'إلى',
  searchTitle: 'بحث: {q}',
  sections: 'الأقسام',
  tags: 'الوسوم',
  tagTitle: 'وسم: {name}',
  sourceTitle: 'أخبار {name}',
  previousDay: 'اليوم السابق',
  nextDay: 'اليوم التالي',
  moreIn: 'المزيد من {name}',
  siteDescription: '{site}: آخر الأخبار من مصادرها يومًا بيوم، مع أرشيف لكل يوم.',
  share: 'شارك',
  shareEmail: 'البريد الإلكتروني',
};

export const STRINGS: Record<Lang, Strings> = { en, tr, ar };

/** Returns 'rtl' for right-to-left languages (by primary subtag), else 'ltr'. */
export function dirOf(lang: string | null | undefined): 'rtl' | 'ltr' {
  return isRtlLanguage(lang) ? 'rtl' : 'ltr';
}

/** Returns the string with `{name}` placeholders filled. */
export function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (m, k: string) => (k in values ? String(values[k]) : m));
}

const pluralRules = new Map<Lang, Intl.PluralRules>();

/**
 * Returns the form of `forms` for count `n` in the language (Intl.PluralRules), with `{n}` filled by `shown`.
 * @example plural('ar', STRINGS.ar.searchResults, 2, '٢') === 'نتيجتان'
 */
export function plural(lang: Lang, forms: Partial<Record<Intl.LDMLPluralRule, string>> & { other: string }, n: number, shown: string): string {
  let rules = pluralRules.get(lang);
  if (!rules) pluralRules.set(lang, (rules = new Intl.PluralRules(lang)));
  return fill(forms[rules.select(n)] ?? forms.other, { n: shown });
}
