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
  backHome: string;
  recentDays: string;
  archives: string;
  by: string;
  skipToContent: string;
  languages: string;
  social: string;
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
  backHome: 'Back to the home page',
  recentDays: 'Recent days',
  archives: 'Archives',
  by: 'by',
  skipToContent: 'Skip to content',
  languages: 'Languages',
  social: 'Follow us',
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
  backHome: 'Ana sayfaya dön',
  recentDays: 'Son günler',
  archives: 'Arşiv',
  by: 'yazan',
  skipToContent: 'İçeriğe geç',
  languages: 'Diller',
  social: 'Bizi takip edin',
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
  backHome: 'العودة إلى الصفحة الرئيسية',
  recentDays: 'الأيام الأخيرة',
  archives: 'الأرشيف',
  by: 'بقلم',
  skipToContent: 'انتقل إلى المحتوى',
  languages: 'اللغات',
  social: 'تابعونا',
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
