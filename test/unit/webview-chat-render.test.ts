import assert from 'node:assert/strict';
import { test } from 'node:test';
import createDOMPurify from 'dompurify';
import { JSDOM } from 'jsdom';
import { createMarkdownRenderer } from '../../src/webview/chat/render.js';

/** Renders into a page that WOULD run scripts and handlers, then reports what ran and what is left. */
async function renderInLivePage(reply: string) {
  const dom = new JSDOM('<!doctype html><body><div id="answer"></div></body>', { runScripts: 'dangerously', pretendToBeVisual: true });
  const window = dom.window as unknown as Window & { pwned?: string[] };
  window.pwned = [];
  const purify = createDOMPurify(dom.window as unknown as Parameters<typeof createDOMPurify>[0]);
  const container = dom.window.document.getElementById('answer')!;
  const render = await createMarkdownRenderer(purify);
  container.innerHTML = render(reply);
  for (const element of container.querySelectorAll('*')) {
    element.dispatchEvent(new dom.window.Event('error'));
    element.dispatchEvent(new dom.window.Event('load'));
    element.dispatchEvent(new dom.window.MouseEvent('mouseover'));
  }
  return { container, pwned: window.pwned };
}

const onAttributes = (root: Element) =>
  [...root.querySelectorAll('*')].flatMap((el) =>
    [...el.attributes].filter((a) => /^on/i.test(a.name)).map((a) => `${el.tagName}.${a.name}`),
  );

test('an <img onerror> in a reply runs nothing and leaves no handler', async () => {
  const { container, pwned } = await renderInLivePage(
    'Look: <img src=x onerror="window.pwned.push(\'img\')"> and <svg onload="window.pwned.push(\'svg\')"></svg>',
  );
  assert.deepEqual(pwned, []);
  assert.deepEqual(onAttributes(container), []);
  assert.equal(container.querySelector('img'), null, 'images are dropped: they could fetch attacker URLs');
  assert.match(container.textContent ?? '', /Look:/);
});

test('a <script> in a reply is removed, not run', async () => {
  const { container, pwned } = await renderInLivePage('before\n\n<script>window.pwned.push("script")</script>\n\nafter');
  assert.deepEqual(pwned, []);
  assert.equal(container.querySelector('script'), null);
  assert.match(container.textContent ?? '', /before[\s\S]*after/);
});

test('javascript:, data: and command: links lose their href; https links keep theirs', async () => {
  const reply =
    '[a](javascript:window.pwned.push(1)) [b](JaVaScRiPt:alert(1)) <a href="data:text/html,<script>x</script>">c</a> [d](command:workbench.action.quit) [e](https://example.com/x)';
  const { container } = await renderInLivePage(reply);
  const hrefs = [...container.querySelectorAll('a')].map((a) => [a.textContent, a.getAttribute('href')]);
  assert.deepEqual(hrefs, [
    ['a', null],
    ['b', null],
    ['c', null],
    ['d', null],
    ['e', 'https://example.com/x'],
  ]);
  assert.equal(container.querySelector('a[href]')?.getAttribute('rel'), 'noopener noreferrer');
});

test('Markdown renders: headings, lists, and code blocks with their language and escaped content', async () => {
  const { container } = await renderInLivePage('# Title\n\n- one\n- two\n\n```ts\nif (a < b && c > d) {}\n```\n\nInline `x<y>`.');
  assert.equal(container.querySelector('h1')?.textContent, 'Title');
  assert.equal(container.querySelectorAll('li').length, 2);
  const code = container.querySelector('pre code');
  assert.equal(code?.className, 'language-ts');
  assert.equal(code?.textContent, 'if (a < b && c > d) {}\n');
  assert.equal(container.querySelector('p code')?.textContent, 'x<y>');
});

test('inline styles and forms from a reply are dropped (they could overlay or imitate the UI)', async () => {
  const { container } = await renderInLivePage(
    '<div style="position:fixed;inset:0">cover</div><form action="https://x"><input value=1><button>Send anyway</button></form>',
  );
  assert.equal(container.querySelector('[style]'), null);
  assert.equal(container.querySelector('form, input, button'), null);
});
