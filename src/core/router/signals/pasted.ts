import type { Signal } from './types.js';

/** What was pasted, and how much context rides along. */
export const PASTED_SIGNALS: readonly Signal[] = [
  {
    id: 'code-pasted',
    group: 'pasted',
    weight: 0.5,
    kind: 'structural',
    detect: (prompt) => (prompt.codeLines >= 3 ? `${prompt.codeLines} lines` : undefined),
    reason: (m) => `${m} of code in the prompt`,
  },
  {
    id: 'stack-trace',
    group: 'pasted',
    weight: 0.5,
    kind: 'structural',
    taskClass: 'debug',
    detect: (prompt) => (prompt.traceLines >= 2 || (prompt.traceLines >= 1 && prompt.lines > 3) ? `${prompt.traceLines}` : undefined),
    reason: () => 'stack trace or compiler error pasted',
  },
  {
    id: 'diff-pasted',
    group: 'pasted',
    weight: 0.5,
    kind: 'structural',
    taskClass: 'review',
    detect: (prompt) => (prompt.diffLines >= 3 ? `${prompt.diffLines}` : undefined),
    reason: () => 'diff pasted',
  },
  {
    id: 'several-documents',
    group: 'documents',
    weight: 1,
    kind: 'structural',
    taskClass: 'design',
    detect: (prompt) => (prompt.documentSections >= 2 ? `${prompt.documentSections}` : undefined),
    reason: (m) => `${m} documents pasted`,
  },
  {
    id: 'large-context',
    group: 'context',
    weight: 1,
    kind: 'structural',
    detect: (_prompt, input) => ((input.contextTokens ?? 0) >= 20_000 ? `${Math.round((input.contextTokens ?? 0) / 1000)}k` : undefined),
    reason: (m) => `large attached context (${m} tokens)`,
  },
  {
    id: 'many-files',
    group: 'files',
    weight: 1,
    kind: 'structural',
    detect: (_prompt, input) => ((input.attachedFiles ?? 0) >= 4 ? `${input.attachedFiles}` : undefined),
    reason: (m) => `${m} files attached: the change spans files`,
  },
];
