import type { Signal } from './types.js';
import { anyOf, pattern, phrases } from './phrases.js';
import {
  said,
  quoted,
  DATA_FORMATS,
  NATURAL_LANGUAGES,
  SHORT_ERROR,
  QUESTION_FORM,
  LOOKUP_OBJECT,
  CODING_TASK,
  MATH_MARKERS,
  CHOICE,
  TEXT_PIECES,
} from './vocabulary.js';

/** Small pattern languages: regexes, cron lines, globs, jq, JSONPath, XPath. */
const PATTERN_LANGUAGES = [
  /regexp?/,
  'regular expression',
  /cron( expression| schedule| syntax| string| line)?/,
  /crontab( line| entry)?/,
  /oncalendar( value)?/,
  'glob pattern',
  /jq (filter|expression)/,
  'jsonpath',
  'xpath',
];
const REGEX_OR_CRON = said(
  anyOf([
    pattern`\b${PATTERN_LANGUAGES}\b\s*(for|to|that|which|matching|:)`,
    /^(a |an |the )?(regexp?|regular expression|cron expression|jq filter)\b/,
  ]),
);

const CONVERT_VERBS = [
  'convert',
  'reformat',
  're-format',
  'format',
  /pretty[- ]?print/,
  'prettify',
  'beautify',
  'minify',
  'turn',
  'transform',
];
/** "json to yaml": formats on either side of a conversion. */
const MARKUP = ['json', 'yaml', 'yml', 'toml', 'csv', 'tsv', 'xml', 'ini', 'markdown', 'html'];
/** Identifier casings: "to snake_case", "camelCase these". */
const CASES = ['snake', 'camel', 'pascal', 'kebab', /screaming[_ ]snake/, 'upper', 'lower', 'title'];
/** "… into a TypeScript interface", "make these a Python dataclass". */
const TYPED_IN = /(typescript |ts |go |rust |python |java )?/;
const CODE_SHAPES = ['interface', 'type', 'struct', 'dataclass', 'pydantic model', 'zod schema', 'enum', 'table', 'list'];
const MADE_INTO = [
  'json',
  'yaml',
  'enum',
  'dict',
  'table',
  'csv',
  'string literal',
  /constants?/,
  'struct',
  'interface',
  'type',
  'dataclass',
];

/** What a list is made of: "sort the keys", "dedupe these lines". */
const LIST_ITEMS = ['keys', 'lines', 'list', 'items', 'entries', 'imports', 'rows', 'words', 'names'];

/** Where a request to pull items out starts: the prompt's start, a clause break or a polite opener. */
const ASK_START = /(^|[.!?:;,]\s*|\b(please|pls|just|can you|could you|and|then)\s+)/;
const PULL_VERBS = [
  /pull (out )?/,
  'grab',
  /get( me)? (the|all|every)/,
  /list (?!of\b)(all |just |only )?(the )?/,
  /find (all|every)/,
  /get (all|every)/,
  'collect',
  /give me (all|the list of)/,
];
/** Items pulled out of pasted text. */
const FIELDS = [
  /ids?/,
  /urls?/,
  /uris?/,
  /links?/,
  /names?/,
  /emails?/,
  'e-mail addresses',
  /versions?/,
  /fields?/,
  /values?/,
  /numbers?/,
  /dates?/,
  /targets?/,
  /tickets?/,
  /items?/,
  'action items',
  /tests?/,
  /ips?/,
  'ip addresses',
  /hosts?/,
  'hostnames',
  /ports?/,
  /keys?/,
  /pods?/,
  /containers?/,
  'errors',
  'warnings',
  /todos?/,
  'usernames',
  'paths',
  'files',
  'entries',
  'rows',
  'columns',
  /status(es)?/,
  /amounts?/,
  /prices?/,
  'phone numbers',
  'domains',
];
/** Pointing at the pasted text: "from this log", "above". */
const IN_THE_PASTE = ['from', 'in', 'out of', 'here', 'above', 'below', 'these', 'this', 'that'];
/** "which of these <items>": things a list in the prompt holds. */
const LISTED = [
  'lines',
  'items',
  'entries',
  'rows',
  'files',
  'words',
  'names',
  'values',
  'urls',
  'emails',
  'ids',
  'pods',
  'tests',
  'services',
  'hosts',
  'dates',
  'numbers',
  'strings',
  'records',
  'messages',
  'commits',
  'packages',
];

/** Things that can be named: "name this variable". */
const NAMEABLE = [
  'variable',
  'function',
  'method',
  'class',
  'table',
  'column',
  'field',
  'branch',
  'flag',
  'file',
  'module',
  'repo',
  'package',
  'feature flag',
  'endpoint',
  'constant',
];

/** Ways to ask for a name, matched from the start of a word. */
const NAMING_ASKS = [
  /names? for/,
  /name (suggestions|ideas)/,
  'naming',
  'better name',
  'good name',
  /rename\b[^.?!\n]{0,60}\b(to something|meaningful|clearer|descriptive|better)/,
  /rename (this|these|it)\b/,
  /what (should i|to|do i|would you) (call|name)/,
  /how (should )?i (should )?name/,
  /suggest (a )?names?/,
  /(variable|branch|table|column|flag|function) name (for|ideas)/,
  pattern`name (this|the|my|a|an) ${NAMEABLE}`,
];

/** Docs added to code. */
const CODE_DOCS = [/docstrings?/, 'jsdoc', 'javadoc', 'tsdoc', /doc ?comments?/, /comments?/, /type hints?/, /type annotations?/];

/** Mechanical work: the prompt's own content mostly settles the answer (pulls toward haiku). */
export const MECHANICAL_SIGNALS: readonly Signal[] = [
  {
    id: 'format-conversion',
    group: 'transform',
    weight: -3,
    kind: 'mechanical',
    taskClass: 'transform',
    detect: said(
      anyOf([
        pattern`\b${CONVERT_VERBS}\b[^.?!\n]{0,60}?\b${DATA_FORMATS}\b`,
        /(->|→|=>)\s*(json|yaml|yml|toml|csv|xml|ini|markdown)\b/,
        pattern`\b${MARKUP} (to|into) ${MARKUP}\b`,
        /\b(markdown|md|ascii|html) table\b/,
        phrases([
          /pretty[- ]?print/,
          'prettify',
          'beautify',
          'minify',
          'reformat',
          'escape',
          'unescape',
          /url[- ]?(en|de)code/,
          /base64[- ]?(en|de)code/,
        ]),
        /\bmake (a|an) (markdown|bulleted|numbered|json|yaml|csv) (list|table|array|object)\b/,
        /\b(of|from) this curl\b/,
        /\bcurl (to|into|->) \w+/,
        pattern`\b(to|into|as|in) ${CASES}[_ -]?case\b`,
        pattern`^${CASES}[_ -]?case (these|this|them|the following)\b`,
        pattern`\b(rewrite|rephrase|reword|shorten|proofread)\b (this|these|the) (\w+ )?${TEXT_PIECES}s?\b`,
        pattern`\b(put|turn|convert|make) (this|these|it|them) (in|into|to) (a |an )?${TYPED_IN}${CODE_SHAPES}\b`,
        pattern`\bmake (this|these|it|them)( into)? (a |an )?(valid )?(python |ts |typescript |java |go |rust )?${MADE_INTO}\b`,
      ]),
    ),
    reason: (m) => `asks to convert or reformat data (${quoted(m)})`,
  },
  {
    id: 'sort-data',
    group: 'transform',
    weight: -3,
    kind: 'mechanical',
    taskClass: 'transform',
    detect: said(
      anyOf([
        pattern`\b(sort|order|dedupe|deduplicate|group) (the |these |this |my )?(\w+ )?${LIST_ITEMS}\b`,
        /\b(sort|order|dedupe) (these|this|the following|them)\b/,
        /\balphabetical(ly)?\b/,
        /\bremove (the )?duplicates\b/,
      ]),
    ),
    reason: (m) => `asks to sort or reshape data (${quoted(m)})`,
  },
  {
    id: 'extract-fields',
    group: 'extract',
    weight: -2.5,
    kind: 'mechanical',
    taskClass: 'extract',
    detect: said(
      anyOf([
        /\bfind (the |all )?(duplicate|missing|invalid|unique|distinct|empty)\b/,
        /\bextract (all |the |every |just )?\w+( \w+)? (from|in|out of) (this|these|the|that)\b/,
        /\bextract\b[^.?!\n]{0,50}?\b(from|in|out of)\b/,
        pattern`${ASK_START}${PULL_VERBS}\b[^.?!\n]{0,50}?\b${FIELDS}\b[^.?!\n]{0,40}?\b${IN_THE_PASTE}\b`,
        /\bwhich\b[^.?!\n]{0,30}\b(here|above|below|listed|in (this|the) (list|output|log|listing|file))\b/,
        /\bwhich of (these|them) (\w+ ){0,2}(are|is|have|has|were|contain|don't|do not|failed|need)\b/,
        pattern`\bwhich of (these|the following|them) (\w+ )?${LISTED}\b`,
      ]),
    ),
    reason: (m) => `asks to pull items out of pasted text (${quoted(m)})`,
  },
  {
    id: 'classify-items',
    group: 'classify',
    weight: -3,
    kind: 'mechanical',
    taskClass: 'classify',
    detect: said(
      anyOf([
        /\b(classify|categori[sz]e|label|tag|triage|bucket)\b[^.?!\n]{0,40}?\b(each|every|these|them|the following|all|as|by|into|with)\b/,
        /\bgive each\b[^.?!\n]{0,60}\b(type|label|category|tag|level|priority|severity)\b/,
        /\b(positive|negative) ?\/ ?(negative|neutral)\b/,
        /\bwhich (category|label|type) (is|does|fits)\b/,
      ]),
    ),
    reason: (m) => `asks to label or classify items (${quoted(m)})`,
  },
  {
    id: 'translate-text',
    group: 'transform',
    weight: -3,
    kind: 'mechanical',
    taskClass: 'transform',
    detect: said(
      anyOf([
        pattern`\b(translate|translation|locali[sz]e)\b[^.?!\n]{0,60}?\b${[...NATURAL_LANGUAGES, 'i18n', 'locale']}\b`,
        /\btranslate (these|the|this|my) (ui )?(strings|labels|messages|copy|text|error messages)\b/,
        // "translate" in other languages
        'übersetze',
        'traduis',
        /tradu[cz]ca/,
        'traduza',
        'traduci',
        '翻訳',
        '翻译',
        '번역',
      ]),
    ),
    reason: (m) => `asks to translate UI text (${quoted(m)})`,
  },
  {
    id: 'naming',
    group: 'naming',
    weight: -3,
    kind: 'mechanical',
    taskClass: 'naming',
    detect: said(pattern`\b${NAMING_ASKS}`),
    reason: (m) => `asks for a name (${quoted(m)})`,
  },
  {
    id: 'regex-or-cron',
    group: 'pattern',
    weight: -2,
    kind: 'mechanical',
    taskClass: 'lookup',
    // "explain this regex: …" asks to explain, not to write one.
    detect: (prompt) => (/\b(explain|what does|how does)\b/.test(prompt.instruction) ? undefined : REGEX_OR_CRON(prompt)),
    reason: (m) => `asks for a pattern expression (${quoted(m)})`,
  },
  {
    id: 'summary-or-commit-message',
    group: 'summary',
    weight: -3,
    kind: 'mechanical',
    taskClass: 'summary',
    detect: said(
      phrases([
        'alt text',
        'caption',
        'tagline',
        'slogan',
        'tooltip text',
        'commit message',
        'commit msg',
        'commit title',
        /pr (title|description)/,
        /pull request (title|description)/,
        'changelog entry',
        /release notes?/,
        /summari[sz]e/,
        'summary of',
        /tl;?dr/,
        /one[- ]line (repo )?(description|summary)/,
        /short (description|summary)/,
        'about box',
        /describe (this|it|these) in/,
      ]),
    ),
    reason: (m) => `asks for a short summary of pasted text (${quoted(m)})`,
  },
  {
    id: 'add-comments',
    group: 'annotate',
    weight: -2.5,
    kind: 'mechanical',
    taskClass: 'annotate',
    detect: said(
      anyOf([
        pattern`\b(add|write|generate|put)\b[^.?!\n]{0,25}?\b${CODE_DOCS}\b`,
        /\b(comment|document) (this|the|my) (code|func\w*|method|class|snippet|go func|file)\b/,
        /\bcomment this\b/,
        /\bcomment (each|every) (step|line|part|block)\b/,
        /\bdocstring\b/,
      ]),
    ),
    reason: (m) => `asks to add comments or docs to pasted code (${quoted(m)})`,
  },
  {
    id: 'short-error-meaning',
    group: 'coding',
    weight: -2.5,
    kind: 'mechanical',
    taskClass: 'lookup',
    detect: (prompt) =>
      prompt.chars < 300 && prompt.lines <= 3 && prompt.codeLines <= 1 && prompt.traceLines <= 1 ? SHORT_ERROR(prompt) : undefined,
    reason: () => 'asks what a short error message means (no code to debug)',
  },
  {
    id: 'multiple-choice',
    group: 'lookup',
    weight: -2,
    kind: 'mechanical',
    taskClass: 'classify',
    detect: (prompt) => {
      if (prompt.chars >= 400 || prompt.codeLines > 0 || prompt.whole.search(MATH_MARKERS) !== -1) return undefined;
      const letters = new Set([...prompt.whole.matchAll(CHOICE)].map((m) => m[2] ?? m[3]));
      return letters.size >= 3 ? `${letters.size} options` : undefined;
    },
    reason: (m) => `short multiple-choice recall question (${m})`,
  },
  {
    id: 'quick-lookup',
    group: 'lookup',
    weight: -2,
    kind: 'fallback',
    taskClass: 'lookup',
    detect: (prompt) =>
      prompt.chars < 100 && prompt.lines <= 2 && prompt.codeLines === 0 && prompt.traceLines === 0
        ? ((prompt.chars < 55 && !CODING_TASK.test(prompt.instruction) ? prompt.instruction.match(QUESTION_FORM)?.[0] : undefined) ??
          prompt.instruction.match(LOOKUP_OBJECT)?.[0])
        : undefined,
    reason: () => 'short how-to or lookup question with no code',
  },
  {
    id: 'very-short-request',
    group: 'lookup',
    weight: -1.5,
    kind: 'fallback',
    taskClass: 'lookup',
    detect: (prompt) => (prompt.bare && prompt.chars < 60 ? prompt.instruction.trim() : undefined),
    reason: () => 'very short request with no code: reads as a quick lookup',
  },
];
