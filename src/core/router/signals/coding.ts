import type { Signal } from './types.js';
import { said, quoted, CODE_ARTIFACTS, CODE_SPEC, QUESTION } from './vocabulary.js';

/** Everyday coding: write, change, explain or debug code (sonnet); one group, so they never add up to opus. */
export const CODING_SIGNALS: readonly Signal[] = [
  {
    id: 'write-code',
    group: 'coding',
    weight: 2,
    kind: 'coding',
    taskClass: 'write',
    detect: said(
      new RegExp(
        `\\b(write|implement|create|build|code|generate|make(?!\\s+(this|these|it|them)\\b)|give me|need|want|escribe|écris|écrire|schreib\\w*|crie|escreva)\\b(?!\\s+(docstrings?|comments?|jsdoc|javadoc|type hints?|doc ?comments?|a commit message|commit messages?|a summary|a (short |one-line )?description|a pr title))[^.?!\\n]{0,50}?\\b(${CODE_ARTIFACTS}|script|função|función|fonction|funktion)\\b`,
      ),
    ),
    reason: (m) => `asks to write code (${quoted(m)})`,
  },
  {
    id: 'produce-something',
    group: 'coding',
    weight: 1,
    kind: 'coding',
    taskClass: 'write',
    detect: said(/^(please )?(write|implement|create|build|make|generate|code|develop|set up|add)\b/),
    reason: (m) => `asks to produce something (${quoted(m)})`,
  },
  {
    id: 'code-spec',
    group: 'coding',
    weight: 1.5,
    kind: 'coding',
    taskClass: 'write',
    // A bare one-liner under 60 characters ("python: get the file extension") reads as a lookup, not a spec.
    detect: (prompt) => (QUESTION.test(prompt.instruction) || (prompt.bare && prompt.chars < 60) ? undefined : CODE_SPEC(prompt)),
    reason: (m) => `describes code to produce (${quoted(m)})`,
  },
  {
    id: 'write-tests',
    group: 'coding',
    weight: 2,
    kind: 'coding',
    taskClass: 'write',
    detect: said(
      /\b(unit tests?|tests? for (this|it|the|my)|test cases|write tests|table[- ]driven tests|pytest|jest|vitest|rtl tests|integration tests?|test suite|property[- ]based tests?)\b/,
    ),
    reason: (m) => `asks for tests (${quoted(m)})`,
  },
  {
    id: 'refactor',
    group: 'coding',
    weight: 2,
    kind: 'coding',
    taskClass: 'write',
    detect: said(
      /\b(refactor(ing)? (this|it|the|my|that|into|to)|rewrite(?! (this|the|these) (\w+ )?(message|text|copy|sentence|paragraph|wording|string|title|description)s?\b)|re-write|clean (it |this )?up|simplify|split (it|this)|into smaller|port (this|it)|to vanilla|translate (this|it) (to|into) \w+|convert (this|it) (to|into) (typescript|python|go|rust|java|kotlin|async|a class|hooks|classes|promises)|async\/await)\b/,
    ),
    reason: (m) => `asks to change existing code (${quoted(m)})`,
  },
  {
    id: 'explain-code',
    group: 'coding',
    weight: 1.5,
    kind: 'coding',
    taskClass: 'explain',
    detect: said(
      /\b(explain|walk me through|what does (this|that|it) (actually )?do|how does (this|that|it)( \S+){0,2} work|piece by piece|line by line|what('s| is) (this|that) (code|query|regex|function) doing)\b/,
    ),
    reason: (m) => `asks to explain code (${quoted(m)})`,
  },
  {
    id: 'debug',
    group: 'coding',
    weight: 1.5,
    kind: 'coding',
    taskClass: 'debug',
    detect: said(
      /\b(why (does|is|do|did|would|isn't|doesn't|won't|can't|am i|are)|what's wrong|what is wrong|whats wrong|what's the bug|find the bug|bugs?|crash(es|ing|ed)?|fix (this|it|the)|how (do i|to|can i) fix|doesn't work|not working|broken|fails|wrong (output|result)|exits|segfault|error|exception)\b/,
    ),
    reason: (m) => `asks why code misbehaves (${quoted(m)})`,
  },
  {
    id: 'review-code',
    group: 'coding',
    weight: 1.5,
    kind: 'coding',
    taskClass: 'review',
    detect: said(
      /\b(code review|review (this|my|the|pls|please)|review pls|any issues with (this|my))\b|\breview\b[^.?!\n]{0,20}\b(diff|pr|change|patch)\b/,
    ),
    reason: (m) => `asks for a code review (${quoted(m)})`,
  },
  {
    id: 'make-faster',
    group: 'coding',
    weight: 1.5,
    kind: 'coding',
    taskClass: 'write',
    detect: said(/\b(faster|optimi[sz]e|speed (it |this )?up|too slow|very slow|is slow|o\(n\^?2\)|o\(n²\)|n\+1|\d+ queries)/),
    reason: (m) => `asks to make code faster (${quoted(m)})`,
  },
  {
    id: 'draft-docs',
    group: 'coding',
    weight: 1.5,
    kind: 'coding',
    taskClass: 'write',
    detect: said(
      /\b(readme|contributing(\.md)?|api (reference|docs)|docs? for (this|my|the)|documentation for|write (the |a )?docs|user guide|tutorial)\b/,
    ),
    reason: (m) => `asks to draft documentation (${quoted(m)})`,
  },
  {
    id: 'config-as-code',
    group: 'coding',
    weight: 1.5,
    kind: 'coding',
    taskClass: 'write',
    detect: said(
      /\b(write|create|generate|add|need|set up|give me|make)\b[^.?!\n]{0,30}?\b(dockerfile|terraform|helm chart|k8s manifests?|kubernetes (manifest|deployment)s?|github actions?( workflow)?|\.?gitlab-ci(\.yml)?|ci (workflow|pipeline|config)|workflow file|ansible playbook|systemd unit|nginx config)\b|\b(dockerfile|terraform|helm chart|k8s manifests?|kubernetes manifests?|github actions? workflow|\.?gitlab-ci(\.yml)?|ci (workflow|pipeline)|ansible playbook|systemd unit|nginx config)\b[^.?!\n]{0,10}\b(for|with|that|to)\b/,
    ),
    reason: (m) => `asks for configuration as code (${quoted(m)})`,
  },
  {
    id: 'algorithm-problem',
    group: 'coding',
    weight: 1.5,
    kind: 'coding',
    taskClass: 'write',
    detect: (prompt) =>
      prompt.whole.match(/\b1\s*(≤|<=|\\le)\s*[a-z]\w*\s*(≤|<=|\\le)|\b10\^\d|time limit|input format|output format|constraints:/)?.[0],
    reason: () => 'algorithmic problem with input constraints',
  },
];
