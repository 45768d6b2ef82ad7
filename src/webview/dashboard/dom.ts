// A tiny element builder: text always goes in through textContent, never as HTML.

type Attributes = Record<string, string | number | boolean | undefined>;
type Child = Node | string | null | undefined | false;

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Attributes = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    element.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    element.append(typeof child === 'string' ? document.createTextNode(child) : child);
  }
  return element;
}

/** A data table (the text alternative of a chart, or a list of requests). */
export function table(caption: string, header: string[], rows: string[][], testId: string, rowTestId: string): HTMLTableElement {
  return el(
    'table',
    { 'data-testid': testId },
    el('caption', {}, caption),
    el('thead', {}, el('tr', {}, ...header.map((h) => el('th', { scope: 'col' }, h)))),
    el(
      'tbody',
      {},
      // data-label names each cell's column where a narrow layout shows cells without the header.
      ...rows.map((cells) => el('tr', { 'data-testid': rowTestId }, ...cells.map((c, i) => el('td', { 'data-label': header[i] }, c)))),
    ),
  );
}
