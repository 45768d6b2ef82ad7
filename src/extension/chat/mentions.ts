// `#file:src/cart.ts` in a chat prompt attaches that file, as Copilot Chat's and Continue's mentions
// do. While typing, only a finished mention (followed by a space or a line break) counts, so a path
// half typed is not looked up on every keystroke.

const MENTION = /(?:^|\s)#file:(\S+)(?=(\s|$))/g;

/** Workspace-relative paths mentioned in `text`; `finished` also takes a mention at the very end. */
export function fileMentions(text: string, finished: boolean): string[] {
  if (!text.includes('#file:')) return []; // the common case, on every keystroke of a long prompt
  const paths = new Set<string>();
  for (const match of text.matchAll(MENTION)) {
    const atEnd = match.index + match[0].length === text.length;
    if (atEnd && !finished) continue;
    paths.add(match[1]!.replace(/[.,;:!?)]+$/, ''));
  }
  return [...paths].filter((path) => path !== '');
}
