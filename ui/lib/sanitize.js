// @ts-check
// Search snippets arrive as HTML that should hold only escaped text and <mark> elements. They
// are still never given to innerHTML: this module reads the string as a sequence of text runs,
// marked or not, and drops every other tag (and the content of <script>/<style>). Pure, so it
// runs in Node's tests without a DOM; `markedFragment` builds DOM nodes from the runs.

/** @type {Record<string, string>} */
const ENTITIES = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

/**
 * Decodes the character references of an HTML text run.
 * @param {string} text
 * @returns {string}
 */
export function decodeEntities(text) {
  return text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (whole, name) => {
    if (name[0] === '#') {
      const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      if (!Number.isFinite(code) || code <= 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) {
        return '\ufffd';
      }
      return String.fromCodePoint(code);
    }
    const value = ENTITIES[name.toLowerCase()];
    return value === undefined ? whole : value;
  });
}

const DROP_CONTENT = new Set(['script', 'style', 'template', 'iframe', 'object', 'noscript', 'textarea', 'title']);

/**
 * Splits snippet HTML into runs `{ text, mark }`: text outside any tag, `mark` true inside a
 * `<mark>` element. Any other tag is removed (its text kept, except inside script-like
 * elements); comments and malformed tags are removed. Adjacent runs of the same kind merge.
 * @param {string | null | undefined} html
 * @returns {{ text: string, mark: boolean }[]}
 */
export function snippetRuns(html) {
  /** @type {{ text: string, mark: boolean }[]} */
  const runs = [];
  /**
   * @param {string} text
   * @param {boolean} mark
   */
  const push = (text, mark) => {
    if (!text) return;
    const last = runs[runs.length - 1];
    if (last && last.mark === mark) last.text += text;
    else runs.push({ text, mark });
  };
  const source = String(html ?? '');
  let depth = 0; // open <mark> elements
  /** @type {string | null} */
  let dropping = null; // name of a script-like element whose content is skipped
  let i = 0;
  while (i < source.length) {
    const lt = source.indexOf('<', i);
    const end = lt === -1 ? source.length : lt;
    if (end > i && !dropping) push(decodeEntities(source.slice(i, end)), depth > 0);
    if (lt === -1) break;
    if (source.startsWith('<!--', lt)) {
      const close = source.indexOf('-->', lt + 4);
      i = close === -1 ? source.length : close + 3;
      continue;
    }
    const gt = source.indexOf('>', lt + 1);
    if (gt === -1) {
      // An unterminated tag: nothing after it can be trusted to be text.
      break;
    }
    const tag = /^<\s*(\/?)\s*([a-z][a-z0-9-]*)/i.exec(source.slice(lt, gt + 1));
    i = gt + 1;
    if (!tag) continue;
    const closing = tag[1] === '/';
    const name = tag[2].toLowerCase();
    if (dropping) {
      if (closing && name === dropping) dropping = null;
      continue;
    }
    if (name === 'mark') {
      if (closing) depth = Math.max(0, depth - 1);
      else if (!/\/\s*>$/.test(source.slice(lt, gt + 1))) depth += 1;
    } else if (!closing && DROP_CONTENT.has(name)) {
      dropping = name;
    }
  }
  return runs;
}

/**
 * The plain text of snippet HTML (every run, marks removed).
 * @param {string | null | undefined} html
 * @returns {string}
 */
export function snippetText(html) {
  return snippetRuns(html)
    .map((run) => run.text)
    .join('');
}

/**
 * A DocumentFragment of text nodes and <mark> elements for snippet HTML, in `doc`.
 * @param {string | null | undefined} html
 * @param {Document} [doc]
 * @returns {DocumentFragment}
 */
export function markedFragment(html, doc = document) {
  const fragment = doc.createDocumentFragment();
  for (const run of snippetRuns(html)) {
    if (run.mark) {
      const mark = doc.createElement('mark');
      mark.textContent = run.text;
      fragment.append(mark);
    } else {
      fragment.append(doc.createTextNode(run.text));
    }
  }
  return fragment;
}
