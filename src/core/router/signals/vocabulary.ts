import type { PromptAnatomy } from '../anatomy.js';
import { anyOf, pattern, phrases } from './phrases.js';

// Helpers and word lists shared by the signal files.

export type Detector = (prompt: PromptAnatomy) => string | undefined;

/** Matches `pattern` in the instruction and returns the matched words. */
export function said(pattern: RegExp): Detector {
  return (prompt) => prompt.instruction.match(pattern)?.[0];
}

/** Both patterns in the instruction; the reason quotes the first. */
export function saidBoth(first: RegExp, second: RegExp): Detector {
  return (prompt) => {
    const a = prompt.instruction.match(first)?.[0];
    return a !== undefined && second.test(prompt.instruction) ? a : undefined;
  };
}

export const quoted = (match: string) => `"${match.trim().replace(/\s+/g, ' ').slice(0, 40)}"`;

// Vocabulary shared by several signals.

/** What data can be converted to: formats, casings, date styles, list shapes. */
export const DATA_FORMATS = [
  // data and markup formats
  'json',
  'yaml',
  'yml',
  'csv',
  'tsv',
  'toml',
  'ini',
  'xml',
  'html table',
  /markdown(?: table)?/,
  'md table',
  'table',
  /enum(?: members)?/,
  // dates and times
  /iso[- ]?8601/,
  'utc',
  'epoch',
  /unix time(?:stamps?)?/,
  // identifier casing
  /snake[_ ]case/,
  /camel[_ ]?case/,
  /pascal[_ ]?case/,
  /kebab[- ]case/,
  /screaming[_ ]snake[_ ]case/,
  /upper ?case/,
  /lower ?case/,
  'title case',
  // calls and configs
  /docker[- ]compose/,
  /compose (?:file|service)/,
  /fetch(?:\(\))?/,
  'curl',
  // SQL, lists, JSON values
  /sql (?:literals?|inserts?)/,
  /inserts?/,
  /bullet (?:points|list)/,
  'valid json',
  /json (?:string|object|array)/,
  /dict(?:ionary)?/,
  // docstring styles, then date and list shapes
  'google style',
  'numpy style',
  'yyyy-mm-dd',
  /(markdown |bullet(ed)? |numbered )(list|changelog)/,
  /human(-readable)? date/,
];

/** Languages, runtimes and frameworks code is written in. */
export const PROGRAMMING = [
  'python',
  'golang',
  'rust',
  'java',
  'kotlin',
  'typescript',
  'javascript',
  /node(?:\.?js)?/,
  'c++',
  'c#',
  'ruby',
  'php',
  'swift',
  'bash',
  'shell',
  'powershell',
  // databases
  'sql',
  /postgres(?:ql)?/,
  'mysql',
  'sqlite',
  // libraries and frameworks
  'pandas',
  'numpy',
  'react',
  'vue',
  'angular',
  'svelte',
  'django',
  'flask',
  'fastapi',
  /spring(?: boot)?/,
  'rails',
  'terraform',
  'kubernetes',
  'k8s',
  'sqlalchemy',
  'express',
  'nestjs',
  'graphql',
  'redis',
  // short names that are also words: only in a code context
  /go(?= code| func|:)/,
  /in go\b/,
  /ts\b/,
  /js\b/,
];

/** Things a request for code asks to be written. */
export const CODE_ARTIFACTS = [
  /functions?/,
  /class(?:es)?/,
  /scripts?/,
  /hooks?/,
  /components?/,
  /parsers?/,
  'cli',
  /modules?/,
  /endpoints?/,
  /handlers?/,
  /quer(?:y|ies)/,
  /programs?/,
  'struct',
  /methods?/,
  /decorators?/,
  'context manager',
  /generators?/,
  /controllers?/,
  'dockerfile',
  /workflows?/,
  /templates?/,
  /reducers?/,
  'middleware',
  /models?/,
  /schemas?/,
  // data structures
  /algorithms?/,
  'data structure',
  'heap',
  'queue',
  'stack',
  'trie',
  'cache',
  'iterator',
  'emitter',
  'ring buffer',
  'buffer',
  // programs and parts of them
  'server',
  'client',
  'bot',
  'crawler',
  'scraper',
  /unit tests?/,
  /tests?/,
  'wrapper',
  'library',
  'plugin',
  'macro',
  'validator',
  'serializer',
  'state machine',
  'rate limiter',
  'worker pool',
  'lru',
];

export const NATURAL_LANGUAGES = [
  'english',
  'spanish',
  'french',
  'german',
  'italian',
  'portuguese',
  'japanese',
  'chinese',
  'mandarin',
  'korean',
  'russian',
  'dutch',
  'polish',
  'turkish',
  'arabic',
  'hindi',
  'swedish',
  'norwegian',
  'danish',
  'finnish',
  'czech',
  'greek',
  'hebrew',
  'ukrainian',
  'vietnamese',
  'thai',
  'indonesian',
  'latin america',
  'brazilian',
  /deutsch\w*/,
];

/** Pieces of prose a request may ask to rewrite: "rewrite this error message". */
export const TEXT_PIECES = ['message', 'text', 'copy', 'sentence', 'paragraph', 'wording', 'string', 'title', 'description'];

export const SHORT_ERROR = saidBoth(
  anyOf([
    pattern`${['error', 'fatal', 'exception', 'errno', 'warning', 'failed']}\b`,
    // errno names (eacces) and error codes (ts2345, e0308)
    /\be[a-z]{5,}\b/,
    /\berror\[/,
    /\b[a-z]{1,4}\d{3,5}\b/,
    phrases(['cannot', "can't", 'could not', 'unable to', 'not found', 'not permitted', 'denied', 'refused']),
  ]),
  phrases([
    /mean(s|ing)?/,
    /what causes (this|it|that)/,
    /what is (this|that|it)/,
    /what's (this|that)/,
    /explain (this|the) (error|message)/,
  ]),
);

const QUESTION_OPENERS = [
  /how (to|do i|do you|can i|should i|would i)/,
  "how's",
  'whats',
  /what('s| is| are| does| do)/,
  'which',
  /where (is|are|do)/,
  'is there',
  'can i',
  'do i',
  /when (to|should)/,
];
/** How-to phrasing ("how do I…", "what's…"): a lookup only when the question is very short. */
export const QUESTION_FORM = pattern`^${QUESTION_OPENERS}\b`;

/** How-to questions about building something are coding work, however short. */
export const CODING_TASK = phrases([
  'handle',
  'implement',
  'build',
  'structure',
  'integrate',
  'set up',
  /upload\w*/,
  /stream\w*/,
  /paginat\w*/,
  'mock',
  'test',
  'deploy',
  'scale',
  'sync',
  'cache',
  /optimi[sz]e/,
  'refactor',
  'migrate',
]);

const LOOKUP_NOUNS = [
  /vs\.?/,
  'versus',
  'difference between',
  'the difference',
  /command (to|for)/,
  'command',
  /cli (flag|option)/,
  /flag (for|to)/,
  'shortcut',
  /syntax (for|of)/,
  /default (port|value|location|path)/,
  'equivalent of',
  'how?',
  'status code',
  'exit code',
  /env(ironment)? var(iable)?/,
  'keybinding',
  'file extension',
  'mime type',
  /content[- ]type/,
  'rule name',
];
/** Questions that name one identifier to look up (a command, a flag, a default, a difference). */
export const LOOKUP_OBJECT = anyOf([pattern`\b${LOOKUP_NOUNS}`, phrases(['comando', 'commande', 'befehl', 'cómo'])]);

/** "<artifact> in/with/for …" or "<language>: …", a request for code phrased without a verb. */
export const CODE_SPEC = said(
  anyOf([
    pattern`^\s*${PROGRAMMING}\s*:`,
    pattern`\b${CODE_ARTIFACTS}\b[^.?!\n]{0,40}?\b(in|for|with|that|using|which|without|to)\b`,
    pattern`\b${PROGRAMMING}\b[^.?!\n]{0,60}?\b(that|which|with|without|handles?|returns?|supports?)\b`,
  ]),
);

/** Words that make "is this safe?" a question about production, money or data rather than a lookup. */
export const STAKES_WORDS = /\b(prod\w*|payments?|primary|replica|customers?|users'? data|money|database|cluster|live)\b/;
export const MATH_MARKERS = anyOf(
  [
    phrases([
      /positive integers?/,
      /real numbers?/,
      /find (all|the (number|sum|smallest|largest|least|greatest|remainder|value))/,
      'ordered pairs',
      /how many (ordered|positive|distinct|integers|ways)/,
      'remainder when',
      'divisible by',
      'divides',
      'prime',
      'polynomial',
      'probability that',
      /expected (value|number)/,
    ]),
    // LaTeX: \frac, \sqrt, \binom, and inline $…$ with a power, a command or a subscript
    /\\(frac|sqrt|binom)/,
    /\$[^$\n]{0,40}(\^|\\[a-z]+|_\{)[^$\n]{0,40}\$/,
  ],
  'g',
);

/** Answer options: "A. …" at a line start or "(A) …" inline. */
export const CHOICE = /(^|\s)(?:\(([a-e])\)|([a-e])[.)])\s/gm;

/** Auth, crypto, secrets, injection: areas where a plausible-looking answer can still be a hole. */
export const SECURITY_TOPIC = phrases([
  // identity
  'authn',
  'authz',
  /authenticat\w*/,
  /authori[sz]\w*/,
  /oauth\d?/,
  'saml',
  'oidc',
  'sso',
  'jwt',
  /session tokens?/,
  // cryptography
  /crypto\w*/,
  /encrypt\w*/,
  /decrypt\w*/,
  /signatures?/,
  'hmac',
  'mtls',
  'tls',
  /certificates?/,
  'certificate authority',
  /secrets?/,
  /credentials?/,
  // isolation and access
  /sandbox\w*/,
  /privilege\w*/,
  /permissions?/,
  'rbac',
  // attacks
  /exfiltrat\w*/,
  'ddos',
  'denial of service',
  'injection',
  'xss',
  'csrf',
  'ssrf',
  'rce',
  'path traversal',
  /zip ?slip/,
  // keys, ciphers and hashes
  'kms',
  'key rotation',
  /aes\w*/,
  'gcm',
  /nonces?/,
  /ciphers?/,
  /salt(ed|ing)?/,
  'bcrypt',
  'argon2',
  'pbkdf2',
  'md5',
  /sha-?1/,
  'rsa',
  'ecdsa',
  // access policy
  'break-glass',
  /least[- ]privilege/,
  /iam (roles?|polic\w*)/,
  /bucket polic\w*/,
]);

/** A question rather than a request ("sql: how do I rename a column"). */
export const QUESTION = /\?|(^|:\s*)(how|what|which|where|why|when|is|are|can|does|do)\b/;

export const CONCURRENCY_PRIMITIVES = anyOf([
  phrases([
    // threads and locks
    /threads?/,
    /thread ?pool/,
    /multithread\w*/,
    /mutex\w*/,
    /locks?/,
    'locked',
    'locking',
    /atomic\w*/,
    // goroutines, channels, async
    /goroutines?/,
    'go func',
    'chan',
    /channels?/,
    'errgroup',
    'async',
    'await',
    'asyncio',
    /coroutine\w*/,
    'dispatchers',
    /launch(in)?/,
    /executor\w*/,
    'run_in_executor',
    /workers?/,
    /spawn\w*/,
    // synchronisation
    'synchronized',
    'volatile',
    'semaphore',
    'condvar',
    'condition variable',
    /futures?/,
    /strand_?/,
    /concurren\w*/,
    /parallel\w*/,
    'event loop',
    // signals and processes
    'sigchld',
    /signal handlers?/,
    'fork',
    // runtimes
    'tokio',
    'rayon',
    /actors?/,
  ]),
  '.lock(',
  'std::mutex',
  'unsafecell',
  /\bgo \w+\(/,
]);
