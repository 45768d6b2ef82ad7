import type { PromptAnatomy } from './anatomy.js';
import type { RouteInput, TaskClass } from './types.js';

/**
 * One local signal about how much reasoning a request needs. Weights are on one axis:
 * negative = mechanical work (haiku), positive = more reasoning (sonnet, then opus).
 * The words come from the tier rubric's categories (what kind of task, what is at stake),
 * not from particular prompts, so they carry over to prompts the router has never seen.
 */
export interface Signal {
  id: string;
  /** Within a group only the strongest signal counts, so synonyms do not add up. */
  group: string;
  weight: number;
  /**
   * What the instruction asks for or what is at stake:
   * - mechanical: a transform or lookup the prompt's own content settles (pulls toward haiku);
   * - coding: everyday code work; all share one group, and alone they never reach opus;
   * - stakes: deep reasoning or a costly wrong answer; only these (net of mechanical ones) reach opus.
   * structural: what was pasted (code, trace, diff) or attached; ignored when the instruction only
   * asks for a mechanical transform of it. fallback: counts only when nothing else fired.
   */
  kind: 'mechanical' | 'coding' | 'stakes' | 'structural' | 'fallback';
  taskClass?: TaskClass;
  detect: (prompt: PromptAnatomy, input: RouteInput) => string | undefined;
  /** Short and human, built from what matched so it stays true to the prompt. */
  reason: (match: string) => string;
}

export interface SignalHit {
  signal: Signal;
  match: string;
}

type Detector = (prompt: PromptAnatomy) => string | undefined;

/** Matches `pattern` in the instruction and returns the matched words. */
function said(pattern: RegExp): Detector {
  return (prompt) => prompt.instruction.match(pattern)?.[0];
}

/** Both patterns in the instruction; the reason quotes the first. */
function saidBoth(first: RegExp, second: RegExp): Detector {
  return (prompt) => {
    const a = prompt.instruction.match(first)?.[0];
    return a !== undefined && second.test(prompt.instruction) ? a : undefined;
  };
}

const quoted = (match: string) => `"${match.trim().replace(/\s+/g, ' ').slice(0, 40)}"`;

// Vocabulary shared by several signals.
const DATA_FORMATS =
  'json|yaml|yml|csv|tsv|toml|ini|xml|html table|markdown(?: table)?|md table|table|enum(?: members)?|iso[- ]?8601|utc|epoch|unix time(?:stamps?)?|snake[_ ]case|camel[_ ]?case|pascal[_ ]?case|kebab[- ]case|screaming[_ ]snake[_ ]case|upper ?case|lower ?case|title case|docker[- ]compose|compose (?:file|service)|fetch(?:\\(\\))?|curl|sql (?:literals?|inserts?)|inserts?|bullet (?:points|list)|valid json|json (?:string|object|array)|dict(?:ionary)?|google style|numpy style|yyyy-mm-dd|(markdown |bullet(ed)? |numbered )(list|changelog)|human(-readable)? date';
const PROGRAMMING =
  'python|golang|rust|java|kotlin|typescript|javascript|node(?:\\.?js)?|c\\+\\+|c#|ruby|php|swift|bash|shell|powershell|sql|postgres(?:ql)?|mysql|sqlite|pandas|numpy|react|vue|angular|svelte|django|flask|fastapi|spring(?: boot)?|rails|terraform|kubernetes|k8s|sqlalchemy|express|nestjs|graphql|redis|go(?= code| func|:)|in go\\b|ts\\b|js\\b';
const CODE_ARTIFACTS =
  'functions?|class(?:es)?|scripts?|hooks?|components?|parsers?|cli|modules?|endpoints?|handlers?|quer(?:y|ies)|programs?|struct|methods?|decorators?|context manager|generators?|controllers?|dockerfile|workflows?|templates?|reducers?|middleware|models?|schemas?|algorithms?|data structure|heap|queue|stack|trie|cache|iterator|emitter|ring buffer|buffer|server|client|bot|crawler|scraper|unit tests?|tests?|wrapper|library|plugin|macro|validator|serializer|state machine|rate limiter|worker pool|lru';
const NATURAL_LANGUAGES =
  'english|spanish|french|german|italian|portuguese|japanese|chinese|mandarin|korean|russian|dutch|polish|turkish|arabic|hindi|swedish|norwegian|danish|finnish|czech|greek|hebrew|ukrainian|vietnamese|thai|indonesian|latin america|brazilian|deutsch\\w*';

const SHORT_ERROR = saidBoth(
  /(error|fatal|exception|errno|warning|failed)\b|\be[a-z]{5,}\b|\berror\[|\b[a-z]{1,4}\d{3,5}\b|\b(cannot|can't|could not|unable to|not found|denied|refused)\b/,
  /\b(mean(s|ing)?|what is (this|that|it)|what's (this|that)|explain (this|the) (error|message))\b/,
);
const LOOKUP_QUESTION = said(
  /^(how (to|do i|do you|can i|should i|would i)|how's|what('s| is| are| does| do)|which|where (is|are|do)|is there|can i|do i|when (to|should))\b|\b(vs\.?|versus|difference between|the difference|command (to|for)|command|cli (flag|option)|shortcut|syntax (for|of)|default (port|value|location|path)|equivalent of|how to|how\?|status code|exit code|env(ironment)? var(iable)?|keybinding|file extension|mime type|content[- ]type|rule name)|\b(comando|commande|befehl|cómo)\b/,
);

/** "<artifact> in/with/for …" or "<language>: …", a request for code phrased without a verb. */
const CODE_SPEC = said(
  new RegExp(
    `^\\s*(${PROGRAMMING})\\s*:|\\b(${CODE_ARTIFACTS})\\b[^.?!\\n]{0,40}?\\b(in|for|with|that|using|which|without|to)\\b|\\b(${PROGRAMMING})\\b[^.?!\\n]{0,60}?\\b(that|which|with|without|handles?|returns?|supports?)\\b`,
  ),
);

/** Words that make "is this safe?" a question about production, money or data rather than a lookup. */
const STAKES_WORDS = /\b(prod\w*|payments?|primary|replica|customers?|users'? data|money|database|cluster|live)\b/;
const MATH_MARKERS =
  /\b(positive integers?|real numbers?|find (all|the (number|sum|smallest|largest|least|greatest|remainder|value))|ordered pairs|how many (ordered|positive|distinct|integers|ways)|remainder when|divisible by|divides|prime|polynomial|probability that|expected (value|number))\b|\\(frac|sqrt|binom)|\$[^$\n]{0,40}(\^|\\[a-z]+|_\{)[^$\n]{0,40}\$/g;

/** Answer options: "A. …" at a line start or "(A) …" inline. */
const CHOICE = /(^|\s)(?:\(([a-e])\)|([a-e])[.)])\s/gm;

/** Auth, crypto, secrets, injection: areas where a plausible-looking answer can still be a hole. */
const SECURITY_TOPIC =
  /\b(authn|authz|authenticat\w*|authori[sz]\w*|oauth\d?|saml|oidc|sso|jwt|session tokens?|crypto\w*|encrypt\w*|decrypt\w*|signatures?|hmac|mtls|tls|certificates?|certificate authority|secrets?|credentials?|sandbox\w*|privilege\w*|permissions?|rbac|exfiltrat\w*|ddos|denial of service|injection|xss|csrf|ssrf|rce|path traversal|zip ?slip|kms|key rotation|break-glass|least[- ]privilege|iam (roles?|polic\w*)|bucket polic\w*)\b/;

/** A question rather than a request ("sql: how do I rename a column"). */
const QUESTION = /\?|(^|:\s*)(how|what|which|where|why|when|is|are|can|does|do)\b/;

const CONCURRENCY_PRIMITIVES =
  /\b(threads?|thread ?pool|multithread\w*|mutex\w*|locks?|locked|locking|atomic\w*|goroutines?|go func|chan|channels?|errgroup|async|await|asyncio|coroutine\w*|dispatchers|launch(in)?|executor\w*|run_in_executor|workers?|spawn\w*|synchronized|volatile|semaphore|condvar|condition variable|futures?|strand_?|concurren\w*|parallel\w*|event loop|sigchld|signal handlers?|fork|tokio|rayon|actors?)\b|\.lock\(|std::mutex|unsafecell|\bgo \w+\(/;

export const SIGNALS: readonly Signal[] = [
  // ---- mechanical work: the prompt's own content mostly settles the answer (haiku) ----
  {
    id: 'format-conversion',
    group: 'transform',
    weight: -3,
    kind: 'mechanical',
    taskClass: 'transform',
    detect: said(
      new RegExp(
        `\\b(convert|reformat|re-format|format|pretty[- ]?print|prettify|beautify|minify|turn|transform)\\b[^.?!\\n]{0,60}?\\b(${DATA_FORMATS})\\b|(->|→|=>)\\s*(json|yaml|yml|toml|csv|xml|ini|markdown)\\b|\\b(json|yaml|yml|toml|csv|tsv|xml|ini|markdown|html) (to|into) (json|yaml|yml|toml|csv|tsv|xml|ini|markdown|html)\\b|\\b(markdown|md|ascii|html) table\\b|\\b(pretty[- ]?print|prettify|beautify|minify|reformat|escape|unescape|url[- ]?(en|de)code|base64[- ]?(en|de)code)\\b|\\bmake (a|an) (markdown|bulleted|numbered|json|yaml|csv) (list|table|array|object)\\b|\\b(to|into|as|in) (snake|camel|pascal|kebab|screaming[_ ]snake|upper|lower|title)[_ -]?case\\b|\\b(put|turn|convert|make) (this|these|it|them) (in|into|to) (a |an )?(typescript |ts |go |rust |python |java )?(interface|type|struct|dataclass|pydantic model|zod schema|enum|table|list)\\b|\\bmake (this|these|it|them)( into)? (a |an )?(valid )?(python |ts |typescript |java |go |rust )?(json|yaml|enum|dict|table|csv|string literal|constants?)\\b`,
      ),
    ),
    reason: (m) => `asks to convert or reformat data (${quoted(m)})`,
  },
  {
    id: 'sort-data',
    group: 'transform',
    weight: -3,
    kind: 'mechanical',
    taskClass: 'transform',
    detect: said(/\b(sort|order|dedupe|deduplicate|group) (the |these |this |my )?(keys|lines|list|items|entries|imports|rows|words|names)\b|\b(sort|order|dedupe) (these|this|the following|them)\b|\balphabetical(ly)?\b|\bremove (the )?duplicates\b/),
    reason: (m) => `asks to sort or reshape data (${quoted(m)})`,
  },
  {
    id: 'extract-fields',
    group: 'extract',
    weight: -2.5,
    kind: 'mechanical',
    taskClass: 'extract',
    detect: said(
      /\bextract (all |the |every |just )?\w+( \w+)? (from|in|out of) (this|these|the|that)\b|\b(extract|pull (out )?|grab|get( me)? (the|all|every)|list (?!of\b)(all |just |only )?(the )?|find (all|every)|get (all|every)|collect|give me (all|the list of))\b[^.?!\n]{0,50}?\b(ids?|urls?|uris?|links?|names?|emails?|e-mail addresses|versions?|fields?|values?|numbers?|dates?|targets?|tickets?|items?|action items|tests?|ips?|ip addresses|hosts?|hostnames|ports?|keys?|pods?|containers?|errors|warnings|todos?|usernames|paths|files|entries|rows|columns|status(es)?|amounts?|prices?|phone numbers|domains)\b[^.?!\n]{0,40}?\b(from|in|out of|here|above|below|these|this|that)\b|\bwhich\b[^.?!\n]{0,30}\b(here|above|below|listed|in (this|the) (list|output|log|listing|file))\b|\bwhich of (these|the following|them) \w+( \w+)? (are|is|have|has|were|contain|don't|do not|failed|need)\b|\bwhich of (these|the following|them) (\w+ )?(lines|items|entries|rows|files|words|names|values|urls|emails|ids|pods|tests|services|hosts|dates|numbers|strings|records|messages|commits|packages)\b/,
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
      /\b(classify|categori[sz]e|label|tag|triage|bucket)\b[^.?!\n]{0,40}?\b(each|every|these|them|the following|all|as|by|into|with)\b|\bgive each\b[^.?!\n]{0,60}\b(type|label|category|tag|level|priority|severity)\b|\b(positive|negative) ?\/ ?(negative|neutral)\b|\bwhich (category|label|type) (is|does|fits)\b/,
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
      new RegExp(
        `\\b(translate|translation|locali[sz]e)\\b[^.?!\\n]{0,60}?\\b(${NATURAL_LANGUAGES}|i18n|locale)\\b|\\btranslate (these|the|this|my) (ui )?(strings|labels|messages|copy|text|error messages)\\b|übersetze|traduis|tradu[cz]ca|traduza|traduci|翻訳|翻译|번역`,
      ),
    ),
    reason: (m) => `asks to translate UI text (${quoted(m)})`,
  },
  {
    id: 'naming',
    group: 'naming',
    weight: -3,
    kind: 'mechanical',
    taskClass: 'naming',
    detect: said(
      /\b(names? for|naming|better name|good name|rename\b[^.?!\n]{0,60}\b(to something|meaningful|clearer|descriptive|better)|rename (this|these|it)\b|what (should i|to|do i|would you) (call|name)|how (should )?i (should )?name|suggest (a )?names?|(variable|branch|table|column|flag|function) name (for|ideas)|name (this|the|my|a|an) (variable|function|method|class|table|column|field|branch|flag|file|module|repo|package|feature flag|endpoint|constant))/,
    ),
    reason: (m) => `asks for a name (${quoted(m)})`,
  },
  {
    id: 'regex-or-cron',
    group: 'pattern',
    weight: -2,
    kind: 'mechanical',
    taskClass: 'lookup',
    detect: said(
      /\b(regexp?|regular expression|cron( expression| schedule| syntax| string| line)?|crontab( line| entry)?|oncalendar( value)?|glob pattern|jq (filter|expression)|jsonpath|xpath)\b\s*(for|to|that|which|matching|:)|^(a |an |the )?(regexp?|regular expression|cron expression|jq filter)\b/,
    ),
    reason: (m) => `asks for a pattern expression (${quoted(m)})`,
  },
  {
    id: 'summary-or-commit-message',
    group: 'summary',
    weight: -3,
    kind: 'mechanical',
    taskClass: 'summary',
    detect: said(
      /\b(alt text|caption|tagline|slogan|tooltip text|commit message|commit msg|commit title|pr (title|description)|pull request (title|description)|changelog entry|release notes?|summari[sz]e|summary of|tl;?dr|one[- ]line (repo )?(description|summary)|short (description|summary)|about box|describe (this|it|these) in)\b/,
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
      /\b(add|write|generate|put)\b[^.?!\n]{0,25}?\b(docstrings?|jsdoc|javadoc|tsdoc|doc ?comments?|comments?|type hints?|type annotations?)\b|\b(comment|document) (this|the|my) (code|func\w*|method|class|snippet|go func|file)\b|\bcomment this\b|\bdocstring\b/,
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
      prompt.chars < 300 && prompt.lines <= 3 && prompt.codeLines <= 1 && prompt.traceLines <= 1
        ? SHORT_ERROR(prompt)
        : undefined,
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
        ? LOOKUP_QUESTION(prompt)
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

  // ---- everyday coding: write, change, explain or debug code (sonnet) ----
  {
    id: 'write-code',
    group: 'coding',
    weight: 2,
    kind: 'coding',
    taskClass: 'write',
    detect: said(
      new RegExp(
        `\\b(write|implement|create|build|code|generate|make|give me|need|want|escribe|écris|écrire|schreib\\w*|crie|escreva)\\b(?!\\s+(docstrings?|comments?|jsdoc|javadoc|type hints?|doc ?comments?|a commit message|commit messages?|a summary|a (short |one-line )?description|a pr title))[^.?!\\n]{0,50}?\\b(${CODE_ARTIFACTS}|script|função|función|fonction|funktion)\\b`,
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
    detect: said(/\b(unit tests?|tests? for (this|it|the|my)|test cases|write tests|table[- ]driven tests|pytest|jest|vitest|rtl tests|integration tests?|test suite|property[- ]based tests?)\b/),
    reason: (m) => `asks for tests (${quoted(m)})`,
  },
  {
    id: 'refactor',
    group: 'coding',
    weight: 2,
    kind: 'coding',
    taskClass: 'write',
    detect: said(
      /\b(refactor(ing)? (this|it|the|my|that|into|to)|rewrite|re-write|clean (it |this )?up|simplify|split (it|this)|into smaller|port (this|it)|to vanilla|translate (this|it) (to|into) \w+|convert (this|it) (to|into) (typescript|python|go|rust|java|kotlin|async|a class|hooks|classes|promises)|async\/await)\b/,
    ),
    reason: (m) => `asks to change existing code (${quoted(m)})`,
  },
  {
    id: 'explain-code',
    group: 'coding',
    weight: 1.5,
    kind: 'coding',
    taskClass: 'explain',
    detect: said(/\b(explain|walk me through|what does (this|that|it) (actually )?do|how does (this|that|it)( \S+){0,2} work|piece by piece|line by line|what('s| is) (this|that) (code|query|regex|function) doing)\b/),
    reason: (m) => `asks to explain code (${quoted(m)})`,
  },
  {
    id: 'debug',
    group: 'coding',
    weight: 1.5,
    kind: 'coding',
    taskClass: 'debug',
    detect: said(
      /\b(why (does|is|do|did|would|isn't|doesn't|won't|can't|am i|are)|what's wrong|what is wrong|whats wrong|what's the bug|find the bug|bugs?|crash(es|ing|ed)?|fix (this|it|the)|how (do i|to|can i) fix|doesn't work|not working|broken|fails|wrong (output|result)|exits|segfault|skips?|error|exception)\b/,
    ),
    reason: (m) => `asks why code misbehaves (${quoted(m)})`,
  },
  {
    id: 'review-code',
    group: 'coding',
    weight: 1.5,
    kind: 'coding',
    taskClass: 'review',
    detect: said(/\b(code review|review (this|my|the|pls|please)|review pls|any issues with (this|my))\b|\breview\b[^.?!\n]{0,20}\b(diff|pr|change|patch)\b/),
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
    detect: said(/\b(readme|contributing(\.md)?|api (reference|docs)|docs? for (this|my|the)|documentation for|write (the |a )?docs|user guide|tutorial)\b/),
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
    detect: (prompt) => prompt.whole.match(/\b1\s*(≤|<=|\\le)\s*[a-z]\w*\s*(≤|<=|\\le)|\b10\^\d|time limit|input format|output format|constraints:/)?.[0],
    reason: () => 'algorithmic problem with input constraints',
  },

  // ---- deep reasoning, or a wrong answer is costly (opus) ----
  {
    id: 'system-design',
    group: 'design',
    weight: 3,
    kind: 'stakes',
    taskClass: 'design',
    detect: said(
      /\b(design(?!\s+(patterns?|docs?|tokens?|system colou?rs?))(?![^.?!\n]{0,25}\b(class|function|method|component|form|page|button|logo|icon|css|landing|ui|ux|table|endpoint|schema for a)\b)|architect\w*|system design|high-level design|arquitetura|arquitectura)\b/,
    ),
    reason: (m) => `asks for system design (${quoted(m)})`,
  },
  {
    id: 'technology-decision',
    group: 'decision',
    weight: 2,
    kind: 'stakes',
    taskClass: 'design',
    detect: said(
      /\b(recommend( one)?|which (one |option )?(should|would) (we|i|you)|should we (use|go with|pick|choose|adopt|switch)|trade-?offs?|pros and cons|build (vs\.?|or) buy|build (\w+ ){0,4}or buy|or something (else|simpler)|compare\b[^.?!\n]{0,120}\b(recommend|for (this|our|us))|what would you (decide|recommend|choose|pick)|compare (\S+ ){0,8}(vs\.?|versus)|evaluate whether|should we (move|migrate|rewrite|adopt|build|buy|use|go|pick|choose|switch|keep)|consider (\w+ ){0,3}(risks?|tradeoffs|costs?|skills|burden)|which (vendor|database|approach|option|one) (fits|to)|decision)\b/,
    ),
    reason: (m) => `asks for a technology decision with tradeoffs (${quoted(m)})`,
  },
  {
    id: 'plan-the-work',
    group: 'plan',
    weight: 1,
    kind: 'stakes',
    taskClass: 'design',
    detect: said(/\b(what's the plan|what is the plan|plan it|plan (the|a|for|our)|how (would|should|do) (you|we) (plan|approach|sequence)|in what order|order of work|phases|planejaria|planificar|planifier)\b/),
    reason: (m) => `asks for a plan (${quoted(m)})`,
  },
  {
    id: 'migration-at-scale',
    group: 'migration',
    weight: 4,
    kind: 'stakes',
    taskClass: 'design',
    detect: saidBoth(
      /\b(migrat\w*|mov(e|ing) (\w+ ){0,4}(from|to|off)|rollout|roll out|roll it out|upgrad\w*|switch(ing)? (from|to)|split(ting)? (our|the|a) monolith|decompos\w*|break (it )?(up|apart)|monolith\w*|monólito|monolito|strangler|dual[- ]write|backfill|blue\/green|blue-green|rolling (upgrade|deploy)|schema change|change the primary key|column split|move to|cut ?over|rewrite (our|the|a) |rotat(e|ing) (the |our |all )?(\w+ )?(keys?|certs?|certificates?|secrets?|credentials?)|merge (two|\d+|the|our) (\w+ )?(databases|systems|dbs|codebases|services)|split(ting)? (our|the|a|this) (shared )?(\w+ )?(database|db|monolith|schema)s?|per-service (databases?|dbs?))\b/,
      /\b\d[\d,.]*\s*k?\+?\s*(\w+ )?(services|microservices|repos|repositories|teams|apps|screens|models|components|engineers|tables|databases|packages|modules|files|loc|lines of code|connected components)\b|\bacross (the |all |many |several |our |multiple |\d+)|while (\w+ ){0,3}(keep|still|continue)\w*|keep receiving|live traffic|\b\d+(\.\d+)?\s?(tb|pb)\b|\bwithout (any )?(downtime|a feature freeze|stopping|breaking|a single|freezing|missing)|no missed|duplicated runs|\b\d+k?[- ]line\b|zero[- ]downtime|no downtime|while (still )?shipping|ship(ping)? features|\bincremental(ly)?\b|\bin phases\b|\bphases\b|\bevery (service|team)\b|sem parar|sin parar|\brollback\b|\bkeep working\b|serviços|servicios/,
    ),
    reason: (m) => `migration across many parts without stopping (${quoted(m)})`,
  },
  {
    id: 'migration',
    group: 'migration',
    weight: 1,
    kind: 'stakes',
    taskClass: 'write',
    detect: said(/\b(migrat\w*|upgrade to|move (from|to)|monolith\w*)\b/),
    reason: (m) => `mentions a migration (${quoted(m)})`,
  },
  {
    id: 'proof-or-bound',
    group: 'proof',
    weight: 3.5,
    kind: 'stakes',
    taskClass: 'design',
    detect: said(
      /\b(prove|proof|invariants?|formally|formal (model|verification|spec\w*)|competitive ratio|upper bound|lower bound|worst[- ]case bound|converges?|convergence|linearizab\w*|serializab\w*|starvation[- ]free\w*|starvation|liveness|safety propert\w*|tla\+|monoton\w*|np[- ]hard|(approximation|tight|competitive) (ratio|bound)|show (it's|it is|that it's|that it is) optimal|optimality)\b/,
    ),
    reason: (m) => `asks for a proof, bound or invariant (${quoted(m)})`,
  },
  {
    id: 'security-review',
    group: 'security',
    weight: 4,
    kind: 'stakes',
    taskClass: 'review',
    detect: said(
      /\b(is (this|it|that|our)( \S+){0,4} (secure|exploitable|vulnerable)|security (review|audit|assessment|issues|holes|flaws)|review\b[^.?!\n]{0,30}\bfor security|threat[- ]model\w*|exploitable|pen ?test(er|ers|ing)?|penetration test|vulnerab\w*|attack surface|attack vectors?|cve-\d+|what could go wrong|what breaks|what will break|attacks?|attackers?|malicious|side[- ]channels?|constant[- ]time|can (it|this|they|someone|users?) (\w+ )?(be )?(escaped?|bypass(ed)?|exploit(ed)?|forged?|spoof(ed)?|replay(ed)?)|sandbox escape|break out of|row[- ]level security|impersonat\w*|privilege escalation|bypass (auth|the check|login)|log in as (another|any) user)\b/,
    ),
    reason: (m) => `security judgement where a miss is a hole (${quoted(m)})`,
  },
  {
    id: 'security-topic',
    group: 'security',
    weight: 1,
    kind: 'stakes',
    taskClass: 'design',
    detect: said(SECURITY_TOPIC),
    reason: (m) => `touches auth, crypto or secrets (${quoted(m)})`,
  },
  {
    id: 'concurrency-hazard',
    group: 'concurrency',
    weight: 3.5,
    kind: 'stakes',
    taskClass: 'debug',
    detect: said(
      /\b(race conditions?|data races?|rac(e|es|ing) (with|against|between|on|when|and|each other)|can (two|both|\w+ )?(concurrent|parallel|simultaneous) \w+ race|deadlock\w*|livelock\w*|lock ordering|memory (ordering|model|orderings)|orderings|acquire\/release|seqcst|relaxed (load|store|ordering)|is (this|it) thread[- ]safe|not thread[- ]safe|thread[- ]safety|lock[- ]free|wait[- ]free|use[- ]after[- ]free|double[- ]free|dangling (pointer|reference)|heap corruption|async[- ]signal[- ]safe\w*|reentran\w*|atomicity|torn (reads?|writes?)|lost updates?|happens[- ]before|aba problem|false sharing|priority inversion|double[- ]checked locking|memory_order_\w+|torn (values?|reads?|writes?)|on arm but|weak memory|ordering (problem|issue|bug)s?|out[- ]of[- ]order|stale (prices?|reads?|data|values?)|fences?|memory barriers?|store buffers?|reorder(ing|ed)?|peterson'?s|check[- ]then[- ]act|toctou|under concurrent (writes|access|load|requests)|concurrent (writes|updates|modification)|デッドロック|競合状態)\b/,
    ),
    reason: (m) => `subtle concurrency or memory-safety question (${quoted(m)})`,
  },
  {
    id: 'timing-dependent-bug',
    group: 'concurrency',
    weight: 3.5,
    kind: 'stakes',
    taskClass: 'debug',
    detect: (prompt) => {
      const symptom = prompt.instruction.match(
        /\b(hangs?|hanging|hung|stuck|freez\w*|occasional(ly)?|sometimes|intermittent(ly)?|rare(ly)?|flak\w+|under (heavy )?load|only in prod\w*|lose|lost|loses|losing|off by one transaction|counts don't match|non-?deterministic|randomly|once in a while|is (this|it)( \S+){0,3} correct)\b/,
      )?.[0];
      return symptom !== undefined && CONCURRENCY_PRIMITIVES.test(prompt.whole) ? symptom : undefined;
    },
    reason: (m) => `timing-dependent bug: ${quoted(m)} with threads, locks or async involved`,
  },
  {
    id: 'thread-safety-requirement',
    group: 'concurrency',
    weight: 1,
    kind: 'stakes',
    detect: said(/\bthread[- ]safe\b/),
    reason: () => 'wants thread safety',
  },
  {
    id: 'memory-investigation',
    group: 'memory',
    weight: 2.5,
    kind: 'stakes',
    taskClass: 'investigate',
    detect: said(/\b(memory leak\w*|leak(s|ing)? memory|oom\w*|out of memory|rss|heap (dump|profile)|gc pauses?|off-heap)\b|メモリリーク|fuite mémoire|vazamento de memória|fuga de memoria/),
    reason: (m) => `memory leak or OOM investigation (${quoted(m)})`,
  },
  {
    id: 'performance-investigation',
    group: 'performance',
    weight: 2,
    kind: 'stakes',
    taskClass: 'investigate',
    detect: saidBoth(
      /\b(investigate|attribute|narrow (it|this) down|figure out|find out|which change|what caused|responsible|where (do|should) (i|we) (look|start)|what's going on|whats going on|what is going on|root[- ]cause|diagnos\w*|how (do|would|should) (i|we|you) (investigate|debug|find|track|profile|approach|narrow)|in what order|調査)/,
      /\b(p\d{2}|latency|throughput|regression|slow(er|down|s)?|spikes?|lag|cpu|memory|went from|jumped|degrad\w*|dropped|drop in|\d+(\.\d+)?%|conversion|instead of|takes (longer|\d+)|\d+ (hours|minutes|seconds)|qps|rps|\d+\s*-?\s*\d*\s*(ms|µs|us))\b|メモリ/,
    ),
    reason: (m) => `performance investigation (${quoted(m)})`,
  },
  {
    id: 'several-changes',
    group: 'changes',
    weight: 1.5,
    kind: 'stakes',
    taskClass: 'investigate',
    detect: (prompt) => {
      const phrase = prompt.instruction.match(/\b(things that changed|changes:|(right )?after (a|the) (release|deploy|rollout|upgrade) that|recently (changed|upgraded|switched|moved|added|migrated|bumped|enabled)|since we (switched|upgraded|moved|migrated|added|enabled|changed)|since (we|the) (upgrade|migration|switch)|after upgrading|only on (the )?new|never on the old|in the last (two|few|\d+) (weeks|days),? we)\b/)?.[0];
      if (phrase) return phrase;
      const changes = prompt.instruction.match(/\b(upgrad(ed|ing)|switch(ed|ing)|mov(ed|ing)|bump(ed|ing)|add(ed|ing)|rais(ed|ing)|chang(ed|ing)|enabl(ed|ing)|migrat(ed|ing)|increas(ed|ing)|reduc(ed|ing)|turned on|started running)\b/g);
      return changes && changes.length >= 2 ? changes.slice(0, 3).join(', ') : undefined;
    },
    reason: (m) => `several recent changes to untangle (${quoted(m)})`,
  },
  {
    id: 'production-incident',
    group: 'incident',
    weight: 4,
    kind: 'stakes',
    taskClass: 'investigate',
    detect: saidBoth(
      /\b(prod|production|live (site|system|traffic)|(still|we're|we are) live|customers? (are|can't|report|see)|users (are |can |)(report|see|seeing))\b|本番/,
      /(data[ _-]?loss|lose data|losing data|lost (data|quorum|writes)|corrupt\w*|destroy\w*|deleted|dropped (the|a|our)|quorum|split[- ]brain|is (red|down)|crash[- ]?loop\w*|outage|incident|\bsev ?[0-2]\b|next hour|right now|asap|urgent|on fire|failed over|other users|another (tenant|user|customer)|immediately|degraded|error rate|is down|went down|stuck in|can't (log in|connect|deploy|start))/,
    ),
    reason: (m) => `live production incident (${quoted(m)})`,
  },
  {
    id: 'data-loss-risk',
    group: 'incident',
    weight: 3,
    kind: 'stakes',
    taskClass: 'investigate',
    detect: said(/(data[ _-]?loss|lose data|losing data|without losing|lost (data|quorum|writes)|corrupt(ed|ion)|quorum|split[- ]brain|cluster is (red|down)|outage|accept_data_loss|restore from (a )?(backup|snapshot)|(transactions|writes|rows|records|events|messages) (\w+ ){0,3}missing|missing (transactions|writes|rows|data)|already acknowledged|lost (\w+ ){0,3}(commits|data|work|records|files|emails|messages|events|orders))/),
    reason: (m) => `risk of data loss or outage (${quoted(m)})`,
  },
  {
    id: 'production-mention',
    group: 'incident',
    weight: 0.5,
    kind: 'stakes',
    detect: said(/\b(prod|production)\b|本番/),
    reason: () => 'happens in production',
  },
  {
    id: 'money-at-stake',
    group: 'money',
    weight: 1,
    kind: 'stakes',
    detect: said(
      /\b(payments?|payouts?|money|monetary|balances?|billing|ledger|double[- ]?(charg\w*|spend\w*|pay\w*)|overs[eo]ll\w*|refunds?|transfers?|financial|settlements?|currenc\w*|minor units|banks?|wallets?|pagamento|paiement|pago)\b/,
    ),
    reason: (m) => `money at stake (${quoted(m)})`,
  },
  {
    id: 'correctness-critical',
    group: 'critical',
    weight: 1.5,
    kind: 'stakes',
    detect: said(/\b(never (execute|run|double|oversell|lose)|must never|exactly[- ]once|no (data )?loss|audit trail|compliance|gdpr|hipaa|pci|sox|regulat\w*|must not lose|never lose)\b/),
    reason: (m) => `correctness-critical requirement (${quoted(m)})`,
  },
  {
    id: 'money-error',
    group: 'money-error',
    weight: 3,
    kind: 'stakes',
    taskClass: 'investigate',
    detect: said(
      /\b(double[- ]?(charg|pay|spend|refund|book)\w*|(charged|paid|refunded|billed) twice|duplicate (charges|payments|payouts|orders|transfers|refunds)|overs[eo]ll\w*|balances? (are |is )?(\w+ )?(off|wrong)|off by one transaction|missing (transactions|payments)|wrong (amounts?|totals?|balances?)|off by (a few )?cents|(invoice|order|payment) (totals|amounts)|rounding (errors?|differences))\b/,
    ),
    reason: (m) => `wrong money is at stake (${quoted(m)})`,
  },
  {
    id: 'is-it-safe',
    group: 'security',
    weight: 3.5,
    kind: 'stakes',
    taskClass: 'review',
    detect: (prompt) => {
      const asked = prompt.instruction.match(/\bis (this|it|that|our)( \S+){0,4} safe\b/)?.[0];
      return asked !== undefined && (prompt.codeLines >= 2 || STAKES_WORDS.test(prompt.instruction)) ? asked : undefined;
    },
    reason: (m) => `asks whether code or a production change is safe (${quoted(m)})`,
  },
  {
    id: 'security-adequacy',
    group: 'security',
    weight: 3.5,
    kind: 'stakes',
    taskClass: 'review',
    detect: saidBoth(/\b(enough|sufficient|adequate|correct|safe|ok|right)\s*\?/, SECURITY_TOPIC),
    reason: (m) => `asks whether a security measure holds (${quoted(m)})`,
  },
  {
    id: 'memory-safety',
    group: 'memory-safety',
    weight: 3.5,
    kind: 'stakes',
    taskClass: 'review',
    detect: said(
      /\b(is (this|it|that)( \S+){0,3} sound|soundness|unsound|undefined behaviou?r|transmut\w*|aliasing rules?|unsafe (block|code|rust|impl)|from_raw_parts|use[- ]after[- ]free|double[- ]free|dangling (pointer|reference)s?|buffer overflow|out[- ]of[- ]bounds (read|write))\b/,
    ),
    reason: (m) => `memory-safety question (${quoted(m)})`,
  },
  {
    id: 'competition-math',
    group: 'proof',
    weight: 3,
    kind: 'stakes',
    taskClass: 'design',
    detect: (prompt) => {
      const markers = new Set(prompt.whole.match(MATH_MARKERS) ?? []);
      return markers.size >= 2 ? [...markers].slice(0, 2).join(', ') : undefined;
    },
    reason: (m) => `competition-style math problem (${quoted(m)})`,
  },
  {
    id: 'data-exposure',
    group: 'exposure',
    weight: 3.5,
    kind: 'stakes',
    taskClass: 'investigate',
    detect: said(
      /\b(another (tenant|user|customer)'?s|other (users|tenants|customers)'? (data|sessions|rows|orders|files)|(sessions|data|rows|orders|files) of other (users|tenants|customers)|cross[- ]tenant|tenant isolation|(read|see|access) (another|other)('s| \w+'s| tenants| users| customers)|data (leak|exposure)|leak(ed|ing|s)? (data|pii|secrets|tokens|credentials))\b/,
    ),
    reason: (m) => `one user's data may reach another (${quoted(m)})`,
  },
  {
    id: 'team-system',
    group: 'team',
    weight: 1.5,
    kind: 'stakes',
    detect: saidBoth(
      /\b(we|our|we're|us)\b/,
      /\b(services?|clusters?|databases?|db|apis?|pipelines?|accounts?|buckets?|platform|system|pipeline|infra\w*|stack|codebase|monolith|teams?|customers|users|engine|backend|deploy\w*|prod\w*|fleet|org)\b/,
    ),
    reason: () => "about a team's own system (\"we\"/\"our\")",
  },
  {
    id: 'public-compatibility',
    group: 'compatibility',
    weight: 1.5,
    kind: 'stakes',
    taskClass: 'design',
    detect: said(/\b(breaking changes?|backward[- ]compat\w*|public (api|sdk|interface)|integrators|deprecat\w*|versioning strategy|third[- ]party (clients|consumers))\b/),
    reason: (m) => `others depend on it not breaking (${quoted(m)})`,
  },
  {
    id: 'team-strategy',
    group: 'strategy',
    weight: 1,
    kind: 'stakes',
    taskClass: 'design',
    detect: said(
      /\b(how (do|should|would|can) we|what (do|should) we do|what's the (safest|best|right|cleanest) (way|approach|plan|path|option)|safest (way|option|path)|how do we (recover|prevent|guarantee|ensure))\b/,
    ),
    reason: (m) => `asks how the team should handle it (${quoted(m)})`,
  },
  {
    id: 'distributed-correctness',
    group: 'distributed',
    weight: 3,
    kind: 'stakes',
    taskClass: 'design',
    detect: said(
      /\b(distributed|multi[- ]region|cross[- ]region|globally|consensus|raft|paxos|2pc|two[- ]phase commit|3pc|quorum|crdts?|vector clocks?|(hybrid )?logical clocks?|lamport|eventual(ly)? consisten\w*|exactly[- ]once|at[- ]least[- ]once|split[- ]brain|leader election|last[- ]write[- ]wins|byzantine|clock skew|fencing tokens?|cap theorem|network partitions?|effectively[- ]once|(processe?d?|process(es|ing)|deliver(ed|s)?|execut(ed|es)|run(s)?|sen[dt]s?|charg(ed|es)) (\w+ ){0,4}twice|duplicate (deliver\w*|process\w*|messages|events|jobs)|rebalanc\w*|read[- ]your[- ]writes|causal consistency|across (regions|data ?centers)|\d+ (regions|data ?centers)|conflict resolution|offline[- ]first|sync protocol|real[- ]time collaboration|operational transform\w*)\b/,
    ),
    reason: (m) => `distributed-systems correctness (${quoted(m)})`,
  },
  {
    id: 'distributed-data',
    group: 'distributed',
    weight: 1,
    kind: 'stakes',
    detect: said(/\b(replicas?|replication|sharding|shards?|idempoten\w*|cdc|binlog|multi-tenant|tenants?|partitions?|brokers?)\b/),
    reason: (m) => `replicated or partitioned data (${quoted(m)})`,
  },
  {
    id: 'durability',
    group: 'durability',
    weight: 3,
    kind: 'stakes',
    taskClass: 'design',
    detect: said(/\b(fsync|wal|write[- ]ahead log|durab\w*|crash[- ]consisten\w*|synchronous_commit|torn (write|page)s?|power (loss|failure)|atomic rename|o_direct|journaling)\b/),
    reason: (m) => `durability or crash-safety question (${quoted(m)})`,
  },
  {
    id: 'document-synthesis',
    group: 'synthesis',
    weight: 3.5,
    kind: 'stakes',
    taskClass: 'design',
    detect: saidBoth(
      /\b(contradict\w*|disagree\w*|reconcil\w*|synthesi[sz]\w*|inconsisten\w*|conflict\w*|hidden assumptions?|assumptions are hidden|where (do )?they differ)\b/,
      /\b(docs?|documents?|rfcs?|postmortems?|proposals?|specs?|write-?ups?)\b/,
    ),
    reason: (m) => `synthesise several documents into a decision (${quoted(m)})`,
  },
  {
    id: 'large-scale',
    group: 'scale',
    weight: 1,
    kind: 'stakes',
    detect: said(
      /\b\d[\d,.]*\s*(k|m|b|million|billion)?\+?\s*(\w+ )?(rps|qps|tps|requests?\s*\/\s*s(ec)?|samples\/s|events(\/\w+)?|users|tenants|engineers|developers|services|microservices|nodes|regions|teams|repos|repositories|screens|loc|lines of code|tb|pb|rows|records|jobs|cron jobs|vms|servers|machines|hosts|accounts|clusters|models)\b|\b\d+(\.\d+)?\s?(tb|pb)\b|\b\d+k[- ]line\b/,
    ),
    reason: (m) => `large scale (${quoted(m)})`,
  },
  {
    id: 'single-process',
    group: 'scope',
    weight: -1,
    kind: 'stakes',
    detect: said(/\b(single[- ]process|one process|single[- ]threaded|single[- ]node|in[- ]memory only)\b/),
    reason: (m) => `explicitly limited scope (${quoted(m)})`,
  },

  // ---- what was pasted, and how much context rides along ----
  {
    id: 'code-pasted',
    group: 'pasted',
    weight: 0.5,
    kind: 'structural',
    detect: (prompt) => (prompt.codeLines >= 3 ? `${prompt.codeLines} lines` : undefined),
    reason: (m) => `code pasted (${m})`,
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
