/**
 * Readable text from a fetched page: Mozilla Readability over a linkedom
 * document, falling back to the body's text when Readability finds no article.
 * core/ has no DOM types, so the few node properties used are typed here.
 */
import type { Readability as ReadabilityClass } from '@mozilla/readability';

/**
 * The HTML libraries, loaded on the first page a crawl reads: linkedom alone costs ~150 ms of
 * start-up, and most starts crawl nothing. The simulator loads them before its clock starts (its
 * clock settles on microtasks; a module loading mid-step would finish after the clock moved on).
 */
type ParseHtml = typeof import('linkedom').parseHTML;
let libraries: Promise<{ Readability: typeof ReadabilityClass; parseHTML: ParseHtml }> | null = null;
export function htmlLibraries(): Promise<{ Readability: typeof ReadabilityClass; parseHTML: ParseHtml }> {
  libraries ??= Promise.all([import('@mozilla/readability'), import('linkedom')]).then(([r, l]) => ({ Readability: r.Readability, parseHTML: l.parseHTML }));
  return libraries;
}

interface DomNode {
  nodeType: number;
  nodeName: string;
  nodeValue: string | null;
  childNodes: ArrayLike<DomNode>;
}

interface DomDocument {
  title: string;
  body: DomNode | null;
  documentElement: DomNode | null;
  querySelector(selector: string): (DomNode & { textContent: string | null; getAttribute(name: string): string | null }) | null;
}

export interface Extracted {
  title: string;
  text: string;
  byline: string | null;
  excerpt: string | null;
  siteName: string | null;
  lang: string | null;
  publishedTime: string | null;
  /** Which way the text was found. */
  method: 'readability' | 'body' | 'plain';
}

const SKIP = new Set(['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE', 'SVG', 'CANVAS', 'IFRAME', 'HEAD', 'NAV', 'FORM', 'SELECT', 'BUTTON']);
const BLOCK = new Set([
  'ADDRESS', 'ARTICLE', 'ASIDE', 'BLOCKQUOTE', 'DD', 'DIV', 'DL', 'DT', 'FIELDSET', 'FIGCAPTION', 'FIGURE', 'FOOTER',
  'H1', 'H2', 'H3', 'H4', 'H5', 'H6', 'HEADER', 'HR', 'LI', 'MAIN', 'OL', 'P', 'PRE', 'SECTION', 'TABLE', 'TR', 'UL',
]);

/** Text of a subtree with paragraph breaks between blocks (textContent would glue "<p>a</p><p>b</p>" into "ab"). */
function textOf(root: DomNode): string {
  const out: string[] = [];
  const walk = (node: DomNode): void => {
    if (node.nodeType === 3) {
      out.push((node.nodeValue ?? '').replace(/\s+/g, ' '));
      return;
    }
    if (node.nodeType !== 1 && node.nodeType !== 9 && node.nodeType !== 11) return;
    const name = node.nodeName.toUpperCase();
    if (SKIP.has(name)) return;
    if (name === 'BR') {
      out.push('\n');
      return;
    }
    const block = BLOCK.has(name) || name === 'TD' || name === 'TH';
    if (block) out.push(name === 'TD' || name === 'TH' ? ' ' : '\n\n');
    for (let i = 0; i < node.childNodes.length; i++) walk(node.childNodes[i] as DomNode);
    if (block && name !== 'TD' && name !== 'TH') out.push('\n\n');
  };
  walk(root);
  return normalizeText(out.join(''));
}

/** Trims lines, collapses runs of spaces and of blank lines. */
export function normalizeText(s: string): string {
  return s
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => line.replace(/[ \t\f\v\u00a0]+/g, ' ').trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

function clean(s: string | null | undefined): string | null {
  const t = s?.replace(/\s+/g, ' ').trim();
  return t ? t : null;
}

function parse(parseHTML: ParseHtml, html: string, url: string): DomDocument {
  const { document } = parseHTML(html) as unknown as { document: DomDocument & { documentURI?: string } };
  // Readability resolves relative links against the document's URL
  try {
    Object.defineProperty(document, 'documentURI', { value: url, configurable: true });
    Object.defineProperty(document, 'baseURI', { value: url, configurable: true });
  } catch {
    // a read-only property: links stay relative, the text is the same
  }
  return document;
}

function metaContent(doc: DomDocument, selector: string): string | null {
  return clean(doc.querySelector(selector)?.getAttribute('content'));
}

/** The readable part of an HTML page. */
export async function extractHtml(html: string, url: string): Promise<Extracted> {
  const { Readability, parseHTML } = await htmlLibraries();
  const doc = parse(parseHTML, html, url);
  let article: ReturnType<ReadabilityClass<DomNode>['parse']>;
  try {
    // Readability wants a DOM Document; linkedom's is close enough for it (the common pairing)
    const reader = new Readability<DomNode>(doc as never, { serializer: (node) => node as unknown as DomNode });
    article = reader.parse();
  } catch {
    article = null;
  }
  const articleText = article?.content ? textOf(article.content) : '';
  if (article && articleText) {
    return {
      title: clean(article.title) ?? fallbackTitle(doc, url),
      text: articleText,
      byline: clean(article.byline),
      excerpt: clean(article.excerpt),
      siteName: clean(article.siteName),
      lang: clean(article.lang),
      publishedTime: clean(article.publishedTime),
      method: 'readability',
    };
  }
  // Readability changes the document as it works: read the fallback from a fresh parse
  const fresh = parse(parseHTML, html, url);
  const root = fresh.body ?? fresh.documentElement;
  return {
    title: fallbackTitle(fresh, url),
    text: root ? textOf(root) : '',
    byline: metaContent(fresh, 'meta[name="author"]'),
    excerpt: metaContent(fresh, 'meta[name="description"]') ?? metaContent(fresh, 'meta[property="og:description"]'),
    siteName: metaContent(fresh, 'meta[property="og:site_name"]'),
    lang: null,
    publishedTime: null,
    method: 'body',
  };
}

function fallbackTitle(doc: DomDocument, url: string): string {
  return clean(doc.title) ?? clean(doc.querySelector('h1')?.textContent) ?? url;
}

/** A text/plain page: the text as it is; the first line, if short, as its title. */
export function extractPlain(text: string, url: string): Extracted {
  const body = normalizeText(text);
  const first = body.split('\n', 1)[0]?.trim() ?? '';
  return {
    title: first && first.length <= 200 ? first : url,
    text: body,
    byline: null,
    excerpt: clean(body.slice(0, 200)),
    siteName: null,
    lang: null,
    publishedTime: null,
    method: 'plain',
  };
}
