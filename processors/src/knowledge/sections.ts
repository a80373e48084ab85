import { Parser } from 'htmlparser2';

/** A run of text under the same headings: the unit chunks never cross. */
export type Section = { headings: string[]; text: string };

export type SourceType = 'text' | 'markdown' | 'html';

/** Keeps the headings above a new one of level `level`: a `##` under a `#` keeps the `#`. */
const under = (path: (string | undefined)[], level: number, title: string): (string | undefined)[] => [...path.slice(0, level - 1), title];
const headingsOf = (path: (string | undefined)[]): string[] => path.filter((h): h is string => !!h);

const ATX = /^ {0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$/;
const SETEXT = /^ {0,3}(=+|-+)[ \t]*$/;
const FENCE = /^ {0,3}(```|~~~)/;

/** Markdown by its ATX (`## Refunds`) and setext (underlined) headings; a `#` inside a fenced code block is code, not a heading. */
const markdownSections = (content: string): Section[] => {
  const sections: Section[] = [];
  let path: (string | undefined)[] = [];
  let lines: string[] = [];
  let fenced = false;
  const flush = () => {
    const text = lines.join('\n').trim();
    if (text) sections.push({ headings: headingsOf(path), text });
    lines = [];
  };
  for (const line of content.split(/\r\n?|\n/)) {
    if (FENCE.test(line)) fenced = !fenced;
    const atx = fenced ? null : ATX.exec(line);
    const setext = fenced ? null : SETEXT.exec(line);
    const previous = lines.at(-1);
    if (atx) {
      flush();
      path = under(path, atx[1]!.length, atx[2]!.trim());
    } else if (setext && previous?.trim() && !FENCE.test(previous)) {
      // The line above, underlined by `===` or `---`; a `---` after a blank line is a rule, kept as text.
      lines.pop();
      flush();
      path = under(path, setext[1]!.startsWith('=') ? 1 : 2, previous!.trim());
    } else {
      lines.push(line);
    }
  }
  flush();
  return sections;
};

const BLOCKS = new Set(['p', 'div', 'li', 'ul', 'ol', 'br', 'tr', 'table', 'section', 'article', 'blockquote', 'pre', 'dd', 'dt', 'header', 'footer', 'main', 'aside', 'nav']);
const SKIPPED = new Set(['script', 'style', 'noscript', 'template', 'head', 'svg']);

/** HTML by its `h1`–`h6`, as text: tags, scripts and styles dropped, entities decoded, block elements ending paragraphs. */
const htmlSections = (content: string): Section[] => {
  const sections: Section[] = [];
  let path: (string | undefined)[] = [];
  let text = '';
  let heading: { level: number; text: string } | undefined;
  let skipping = 0;
  const flush = () => {
    const trimmed = text.replace(/[ \t]+/g, ' ').replace(/ *\n */g, '\n').replace(/\n{3,}/g, '\n\n').trim();
    if (trimmed) sections.push({ headings: headingsOf(path), text: trimmed });
    text = '';
  };
  const parser = new Parser(
    {
      onopentag: (name) => {
        if (SKIPPED.has(name)) skipping++;
        const level = /^h([1-6])$/.exec(name)?.[1];
        if (level && !skipping) {
          flush();
          heading = { level: Number(level), text: '' };
        } else if (BLOCKS.has(name)) text += '\n\n';
      },
      ontext: (data) => {
        if (skipping) return;
        if (heading) heading.text += data;
        else text += data;
      },
      onclosetag: (name) => {
        if (SKIPPED.has(name)) skipping = Math.max(0, skipping - 1);
        if (heading && /^h[1-6]$/.test(name)) {
          path = under(path, heading.level, heading.text.replace(/\s+/g, ' ').trim());
          heading = undefined;
        } else if (BLOCKS.has(name)) text += '\n\n';
      },
    },
    { decodeEntities: true },
  );
  parser.end(content);
  flush();
  return sections;
};

/** A document as the sections its headings make; plain text is one section. */
export const sectionsOf = (content: string, sourceType: SourceType): Section[] => {
  if (sourceType === 'markdown') return markdownSections(content);
  if (sourceType === 'html') return htmlSections(content);
  const text = content.trim();
  return text ? [{ headings: [], text }] : [];
};
