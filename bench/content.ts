/**
 * Deterministic, realistic-looking articles for the benchmarks: titles, summaries and ~2 KB HTML
 * bodies in English, Turkish and Arabic from several sources. Article i depends on i alone, so any
 * batch can be generated on its own (memory stays flat at a million articles).
 */
import type { ArticleInput, Lang } from '../src/model/types.js';

export interface BenchSource {
  title: string;
  siteUrl: string;
  language: Lang;
}

export const BENCH_SOURCES: readonly BenchSource[] = [
  { title: 'Reuters Wire', siteUrl: 'https://wire.example.com/', language: 'en' },
  { title: 'Al-Masdar News', siteUrl: 'https://www.almasdarnews.example/', language: 'en' },
  { title: 'Daily Sabah', siteUrl: 'https://www.dailysabah.example/', language: 'en' },
  { title: 'Anadolu Ajansı', siteUrl: 'https://www.aa.example.tr/', language: 'tr' },
  { title: 'BBC Türkçe', siteUrl: 'https://www.bbc.example/turkce/', language: 'tr' },
  { title: 'Hürriyet', siteUrl: 'https://www.hurriyet.example.tr/', language: 'tr' },
  { title: 'الجزيرة نت', siteUrl: 'https://www.aljazeera.example/', language: 'ar' },
  { title: 'الشرق الأوسط', siteUrl: 'https://aawsat.example/', language: 'ar' },
];

interface Pools {
  subjects: string[];
  verbs: string[];
  objects: string[];
  places: string[];
  title(s: string, v: string, o: string, p: string): string;
  sentences: string[];
  headings: string[];
  quotes: string[];
  authors: (string | null)[];
  readMore: string;
}

const EN: Pools = {
  subjects: ['Central bank', 'Parliament', 'Health ministry', 'Opposition leader', 'City council', 'Foreign minister', 'Energy regulator', 'Trade union', 'Supreme court', 'Football federation', 'Port authority', 'Election board', 'Weather service', 'University rectors', 'Farmers’ association'],
  verbs: ['approves', 'rejects', 'announces', 'delays', 'defends', 'questions', 'unveils', 'suspends', 'expands', 'reviews', 'backs', 'criticises'],
  objects: ['new budget plan', 'interest rate decision', 'metro extension', 'vaccination campaign', 'border crossing deal', 'fuel price cap', 'school reform', 'pension increase', 'water project', 'stadium renovation', 'export incentives', 'housing package', 'ceasefire talks', 'tax amnesty'],
  places: ['in Istanbul', 'in Ankara', 'in Damascus', 'in Beirut', 'in Cairo', 'in Izmir', 'in Baghdad', 'in Amman', 'after talks in Doha', 'in Gaziantep', 'in Riyadh', 'near Aleppo'],
  title: (s, v, o, p) => `${s} ${v} ${o} ${p}`,
  sentences: [
    'Officials said the decision followed several weeks of consultation with regional representatives and independent experts.',
    'The announcement was made at a press conference on Tuesday morning, where reporters pressed for a detailed timetable.',
    'Critics argue that the measure does too little to address rising living costs, especially for families on fixed incomes.',
    'According to figures released by the statistics office, the number of people affected has nearly doubled since last year.',
    'A spokesperson declined to comment on whether further steps were planned before the end of the quarter.',
    'Local residents told our correspondent that they had been waiting for a clear answer for months.',
    'Analysts expect the markets to react cautiously, with most forecasts pointing to modest gains in the coming weeks.',
    'The proposal must still pass a final vote, which is scheduled for the first session after the holiday.',
    'Several opposition deputies walked out of the chamber in protest, calling the process rushed and opaque.',
    'Engineers said the first phase of the work could begin as early as spring if funding is secured in time.',
    'International observers welcomed the move but urged all parties to respect the agreed schedule.',
    'Traffic in the city centre was disrupted for several hours as crowds gathered outside the ministry building.',
    'The report, which runs to more than two hundred pages, recommends a gradual approach over five years.',
    'Business groups said the change would give companies the certainty they need to plan new investments.',
    'Hospitals in the region have been asked to prepare additional capacity in case demand rises sharply.',
    'The minister insisted that the government had listened to every concern raised during the consultation.',
  ],
  headings: ['What happens next', 'Background', 'Reactions', 'The numbers', 'Why it matters'],
  quotes: ['“We are determined to see this through, whatever the cost,” the minister said.', '“This is a turning point for the whole region,” one analyst told reporters.', '“People want results, not promises,” a local shop owner said.'],
  authors: ['Sarah Collins', 'James Porter', 'Leila Haddad', 'Michael Grant', 'Emma Doyle', null],
  readMore: 'Read the full statement',
};

const TR: Pools = {
  subjects: ['Merkez Bankası', 'Meclis', 'Sağlık Bakanlığı', 'Belediye meclisi', 'Dışişleri Bakanı', 'Enerji kurumu', 'Sendika', 'Anayasa Mahkemesi', 'Futbol federasyonu', 'Liman idaresi', 'Seçim kurulu', 'Meteoroloji', 'Rektörler', 'Çiftçiler birliği'],
  verbs: ['onayladı', 'reddetti', 'açıkladı', 'erteledi', 'savundu', 'sorguladı', 'tanıttı', 'askıya aldı', 'genişletti', 'inceliyor', 'destekledi', 'eleştirdi'],
  objects: ['yeni bütçe planını', 'faiz kararını', 'metro hattını', 'aşı kampanyasını', 'sınır kapısı anlaşmasını', 'akaryakıt fiyat sınırını', 'eğitim reformunu', 'emekli zammını', 'su projesini', 'stadyum yenilemesini', 'ihracat teşviklerini', 'konut paketini', 'ateşkes görüşmelerini', 'vergi affını'],
  places: ['İstanbul’da', 'Ankara’da', 'İzmir’de', 'Gaziantep’te', 'Şanlıurfa’da', 'Bursa’da', 'Antalya’da', 'Diyarbakır’da', 'Trabzon’da', 'Konya’da', 'Eskişehir’de', 'Hatay’da'],
  title: (s, v, o, p) => `${p} ${s} ${o} ${v}`,
  sentences: [
    'Yetkililer, kararın bölge temsilcileri ve bağımsız uzmanlarla yapılan haftalarca süren görüşmelerin ardından alındığını söyledi.',
    'Açıklama salı sabahı düzenlenen basın toplantısında yapıldı; gazeteciler ayrıntılı bir takvim istedi.',
    'Eleştirmenler, önlemin özellikle sabit gelirli aileler için artan yaşam maliyetlerine yeterli çözüm getirmediğini savunuyor.',
    'İstatistik kurumunun açıkladığı rakamlara göre etkilenen kişi sayısı geçen yıla göre neredeyse iki katına çıktı.',
    'Bir sözcü, çeyrek sonundan önce yeni adımlar planlanıp planlanmadığı konusunda yorum yapmaktan kaçındı.',
    'Mahalle sakinleri muhabirimize aylardır net bir yanıt beklediklerini anlattı.',
    'Analistler piyasaların temkinli tepki vermesini, önümüzdeki haftalarda sınırlı bir yükseliş görülmesini bekliyor.',
    'Teklifin tatilden sonraki ilk oturumda yapılacak son oylamadan da geçmesi gerekiyor.',
    'Bazı muhalefet milletvekilleri süreci aceleye getirilmiş ve şeffaf olmamakla eleştirerek salonu terk etti.',
    'Mühendisler, finansman zamanında sağlanırsa çalışmaların ilk aşamasının ilkbaharda başlayabileceğini belirtti.',
    'Uluslararası gözlemciler adımı memnuniyetle karşıladı ancak tüm tarafları takvime uymaya çağırdı.',
    'Bakanlık binası önünde toplanan kalabalık nedeniyle şehir merkezinde trafik saatlerce aksadı.',
    'İki yüz sayfayı aşan rapor, beş yıla yayılan kademeli bir yaklaşım öneriyor.',
    'İş dünyası temsilcileri, değişikliğin şirketlere yeni yatırımlar için gereken öngörülebilirliği sağlayacağını söyledi.',
    'Bölgedeki hastanelerden talebin hızla artması ihtimaline karşı ek kapasite hazırlamaları istendi.',
  ],
  headings: ['Bundan sonra ne olacak', 'Arka plan', 'Tepkiler', 'Rakamlarla', 'Neden önemli'],
  quotes: ['“Ne pahasına olursa olsun bu işi sonuna kadar götüreceğiz” dedi.', '“Bu, tüm bölge için bir dönüm noktası” diye konuştu.', '“Vatandaş söz değil sonuç istiyor” dedi bir esnaf.'],
  authors: ['Ayşe Yılmaz', 'Mehmet Demir', 'Elif Şahin', 'Can Öztürk', 'Zeynep Kaya', null],
  readMore: 'Açıklamanın tamamını okuyun',
};

const AR: Pools = {
  subjects: ['البنك المركزي', 'البرلمان', 'وزارة الصحة', 'زعيم المعارضة', 'المجلس البلدي', 'وزير الخارجية', 'هيئة الطاقة', 'النقابة', 'المحكمة العليا', 'اتحاد الكرة', 'هيئة الموانئ', 'لجنة الانتخابات', 'الأرصاد الجوية', 'رابطة المزارعين'],
  verbs: ['يقر', 'يرفض', 'يعلن', 'يؤجل', 'يدافع عن', 'ينتقد', 'يكشف', 'يعلق', 'يوسع', 'يراجع', 'يدعم'],
  objects: ['خطة الموازنة الجديدة', 'قرار أسعار الفائدة', 'مشروع المترو', 'حملة التطعيم', 'اتفاق المعبر الحدودي', 'سقف أسعار الوقود', 'إصلاح التعليم', 'زيادة المعاشات', 'مشروع المياه', 'تجديد الملعب', 'حوافز التصدير', 'حزمة الإسكان', 'محادثات وقف إطلاق النار'],
  places: ['في دمشق', 'في بيروت', 'في القاهرة', 'في بغداد', 'في عمّان', 'في الرياض', 'في الدوحة', 'في إسطنبول', 'قرب حلب', 'في الموصل', 'في غزة', 'في تونس'],
  title: (s, v, o, p) => `${s} ${v} ${o} ${p}`,
  sentences: [
    'وقال مسؤولون إن القرار جاء بعد أسابيع من المشاورات مع ممثلي المناطق وخبراء مستقلين.',
    'وجاء الإعلان خلال مؤتمر صحفي صباح الثلاثاء، حيث طالب الصحفيون بجدول زمني مفصل.',
    'ويرى منتقدون أن الإجراء لا يكفي لمواجهة ارتفاع تكاليف المعيشة، خاصة للأسر ذات الدخل الثابت.',
    'وبحسب أرقام مكتب الإحصاء، فقد تضاعف عدد المتضررين تقريبا مقارنة بالعام الماضي.',
    'ورفض متحدث التعليق على ما إذا كانت هناك خطوات أخرى مخطط لها قبل نهاية الربع.',
    'وقال سكان محليون لمراسلنا إنهم ينتظرون إجابة واضحة منذ أشهر.',
    'ويتوقع محللون أن تتفاعل الأسواق بحذر، مع توقعات بمكاسب محدودة في الأسابيع المقبلة.',
    'ولا يزال المقترح بحاجة إلى تصويت نهائي مقرر في أول جلسة بعد العطلة.',
    'وانسحب عدد من نواب المعارضة من القاعة احتجاجا، واصفين العملية بالمتسرعة وغير الشفافة.',
    'وقال مهندسون إن المرحلة الأولى من الأعمال قد تبدأ في الربيع إذا تم تأمين التمويل في الوقت المناسب.',
    'ورحب مراقبون دوليون بالخطوة، لكنهم حثوا جميع الأطراف على احترام الجدول المتفق عليه.',
    'وتعطلت حركة المرور في وسط المدينة لساعات مع تجمع حشود أمام مبنى الوزارة.',
    'ويوصي التقرير، الذي يتجاوز مئتي صفحة، بنهج تدريجي على مدى خمس سنوات.',
    'وقالت مجموعات الأعمال إن التغيير سيمنح الشركات اليقين الذي تحتاجه للتخطيط لاستثمارات جديدة.',
  ],
  headings: ['ماذا بعد', 'خلفية', 'ردود الفعل', 'بالأرقام', 'لماذا يهم'],
  quotes: ['«نحن مصممون على المضي قدما مهما كلف الأمر»، قال الوزير.', '«هذه نقطة تحول للمنطقة بأكملها»، قال أحد المحللين.', '«الناس يريدون نتائج لا وعودا»، قال صاحب متجر.'],
  authors: ['سارة الحسن', 'محمد العلي', 'ليلى حداد', 'أحمد يوسف', 'نور الدين خليل', null],
  readMore: 'اقرأ البيان كاملا',
};

const POOLS: Record<Lang, Pools> = { en: EN, tr: TR, ar: AR };

/** Returns mulberry32, a small fast seeded PRNG returning [0, 1) (also the search benchmark's query mix). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * Returns article `i` of `total`: newest first (i = 0 just before `nowMs`), spread evenly over
 * `spanMs` with jitter; `sourceIds` maps BENCH_SOURCES to stored ids.
 */
/** The bench site's sections, named per language: an article's section word is its name in the article's language. */
export const BENCH_SECTIONS = [
  { slug: 'world', en: 'World', tr: 'Dünya', ar: 'العالم' },
  { slug: 'economy', en: 'Economy', tr: 'Ekonomi', ar: 'اقتصاد' },
  { slug: 'politics', en: 'Politics', tr: 'Siyaset', ar: 'سياسة' },
  { slug: 'sport', en: 'Sport', tr: 'Spor', ar: 'رياضة' },
  { slug: 'culture', en: 'Culture', tr: 'Kültür', ar: 'ثقافة' },
  { slug: 'science', en: 'Science', tr: 'Bilim', ar: 'علوم' },
] as const;

export function benchArticle(i: number, total: number, nowMs: number, spanMs: number, sourceIds: readonly number[]): ArticleInput {
  const r = rng(Math.imul(i + 1, 2654435761) ^ 0x5bd1e995);
  const x = r();
  const lang: Lang = x < 0.45 ? 'en' : x < 0.75 ? 'tr' : 'ar';
  const candidates = BENCH_SOURCES.map((s, k) => [s, k] as const).filter(([s]) => s.language === lang);
  const [source, k] = pick(r, candidates);
  const p = POOLS[lang];
  const title = p.title(pick(r, p.subjects), pick(r, p.verbs), pick(r, p.objects), pick(r, p.places));
  const summary = `${pick(r, p.sentences)} ${pick(r, p.sentences)}`;

  // ~2 KB of HTML: paragraphs of 2–4 sentences, a heading, a quote, a link.
  const target = 1500 + Math.floor(r() * 600);
  const url = `${source.siteUrl}news/${i.toString(36)}-${Math.floor(r() * 1e9).toString(36)}`;
  const parts: string[] = [];
  let bytes = 0;
  const add = (html: string) => {
    parts.push(html);
    bytes += Buffer.byteLength(html);
  };
  add(`<p><strong>${escapeHtml(pick(r, p.sentences))}</strong></p>`);
  let paragraph = 0;
  while (bytes < target) {
    paragraph++;
    if (paragraph === 3) add(`<h2>${escapeHtml(pick(r, p.headings))}</h2>`);
    if (paragraph === 4) add(`<blockquote><p>${escapeHtml(pick(r, p.quotes))}</p></blockquote>`);
    const n = 2 + Math.floor(r() * 3);
    const s: string[] = [];
    for (let j = 0; j < n; j++) s.push(escapeHtml(pick(r, p.sentences)));
    add(`<p>${s.join(' ')}</p>`);
  }
  add(`<p><a href="${escapeHtml(url)}#statement">${escapeHtml(p.readMore)}</a></p>`);

  const jitter = Math.floor(r() * (spanMs / Math.max(total, 1)));
  const publishedAt = new Date(nowMs - 60_000 - Math.floor((spanMs * i) / Math.max(total, 1)) - jitter);
  const author = pick(r, p.authors);
  return {
    sourceId: sourceIds[k]!,
    guid: `${url}#${i}`,
    url,
    canonicalUrl: url,
    title,
    summary,
    contentHtml: parts.join('\n'),
    author,
    language: lang,
    imageUrl: r() < 0.6 ? `${source.siteUrl}images/${i.toString(36)}.jpg` : null,
    publishedAt,
    // A section (by its name in the article's language) and a place as a tag.
    categories: [pick(r, BENCH_SECTIONS)[lang], pick(r, p.places)],
  };
}
