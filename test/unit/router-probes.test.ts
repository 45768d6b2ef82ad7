import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bundledPriceTable } from '../../src/core/prices/priceTable.js';
import { scoreRouting, type Labelled } from '../../src/core/router/evaluation.js';
import { defaultRouterConfig, routePrompt, type RoutedTier } from '../../src/core/router/index.js';

/**
 * 375 prompts written for the router's own checks, labelled by the rubric before the router
 * saw them (eight batches; none is from the shared dev set). Each batch was first scored untouched
 * (accuracy 75%, 60%, 78%, 71%, 87%, 87%, 76%, 84%;
 * under-routing 1.7%, 4.4%, 0, 0, 0, 0, 2.2%, 4.4%), then used to widen the
 * signals. They guard against regressions; they are not evidence of accuracy on unseen prompts.
 */
const PROBES: Array<[RoutedTier, string]> = [
  ['haiku', 'what does the -p flag do in mkdir'],
  ['haiku', 'convert this to YAML:\n\n{"server": {"port": 8080, "host": "localhost"}, "debug": true}'],
  ['haiku', 'regex to match an IPv4 address'],
  [
    'haiku',
    'write a commit message for this diff\n\n--- a/src/util.ts\n+++ b/src/util.ts\n@@ -1,3 +1,4 @@\n+export const MAX_RETRIES = 5;\n export function retry() {\n-  for (let i = 0; i < 3; i++) {\n+  for (let i = 0; i < MAX_RETRIES; i++) {',
  ],
  ['haiku', 'how do I exit vim'],
  ['haiku', 'add type hints to this function:\n\ndef area(w, h):\n    return w * h'],
  [
    'haiku',
    'Which of these log lines are errors?\n\n2024-05-01 INFO started\n2024-05-01 ERROR db timeout\n2024-05-01 WARN slow request\n2024-05-01 ERROR disk full',
  ],
  ['haiku', 'give me a good variable name for the number of retries left'],
  ['haiku', 'cron expression for every weekday at 9am'],
  [
    'haiku',
    "turn this curl into a python requests call:\n\ncurl -X POST https://api.example.com/v1/items -H 'Authorization: Bearer abc' -H 'Content-Type: application/json' -d '{\"name\":\"x\"}'",
  ],
  ['haiku', "ModuleNotFoundError: No module named 'yaml' — what does this mean?"],
  ['haiku', 'Translate these button labels to French: Save, Cancel, Delete account, Sign out'],
  [
    'haiku',
    'get the version numbers out of this package.json\n\n{"dependencies": {"react": "^18.2.0", "lodash": "4.17.21", "axios": "1.6.0"}}',
  ],
  [
    'haiku',
    'summarize this error log in one sentence:\n\n[12:01] worker-3 lost connection to redis\n[12:01] worker-3 reconnecting\n[12:02] worker-3 reconnected\n[12:05] worker-1 lost connection to redis',
  ],
  ['haiku', 'what is the difference between let and const in javascript'],
  ['haiku', 'kubectl command to get logs of a pod from the previous container'],
  ['haiku', 'PR title for: adds retry with exponential backoff to the S3 uploader and a config flag to disable it'],
  ['haiku', 'convert these to camelCase: user_id, created_at, last_login_ip, is_admin'],
  ['haiku', 'sql: how do I rename a column in postgres'],
  ['haiku', 'python list comprehension to flatten a list of lists'],
  ['sonnet', "Write a Python function that parses a duration string like '1h30m15s' into seconds, with tests."],
  [
    'sonnet',
    'why is this returning undefined?\n\nasync function getUser(id) {\n  fetch(`/api/users/${id}`).then(r => r.json());\n}\nconst u = await getUser(3);\nconsole.log(u.name);',
  ],
  ['sonnet', 'implement an LRU cache in TypeScript with get/put in O(1)'],
  [
    'sonnet',
    'explain what this SQL does:\n\nSELECT d.name, AVG(e.salary) OVER (PARTITION BY d.id) AS avg_sal\nFROM employees e JOIN departments d ON d.id = e.dept_id\nQUALIFY ROW_NUMBER() OVER (PARTITION BY d.id ORDER BY e.salary DESC) = 1;',
  ],
  ['sonnet', 'Write a GitHub Actions workflow that runs pytest on Python 3.10-3.12 and uploads coverage to Codecov'],
  [
    'sonnet',
    "TypeError: Cannot read properties of undefined (reading 'map')\n    at TodoList (TodoList.jsx:12:23)\n    at renderWithHooks (react-dom.development.js:16305:18)\n\nfunction TodoList({ todos }) {\n  return <ul>{todos.map(t => <li key={t.id}>{t.text}</li>)}</ul>;\n}",
  ],
  [
    'sonnet',
    "refactor this to use a dataclass instead of a dict:\n\ndef make_user(name, email):\n    return {'name': name, 'email': email, 'active': True}\n\ndef deactivate(user):\n    user['active'] = False",
  ],
  [
    'sonnet',
    "write unit tests with jest for this function\n\nexport function slugify(s: string) {\n  return s.toLowerCase().trim().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');\n}",
  ],
  [
    'sonnet',
    "How can I make this pandas code faster? It takes 3 minutes on 1M rows.\n\nfor i, row in df.iterrows():\n    df.at[i, 'total'] = row['price'] * row['qty']",
  ],
  ['sonnet', 'Create a React component for a paginated table that fetches data from /api/orders?page=N'],
  ['sonnet', 'Write a function to find the longest palindromic substring in a given string.'],
  [
    'sonnet',
    'from typing import List\n\n\ndef below_zero(operations: List[int]) -> bool:\n    """ You\'re given a list of deposit and withdrawal operations on a bank account that starts with\n    zero balance. Your task is to detect if at any point the balance of account falls below zero, and\n    at that point function should return True. Otherwise it should return False.\n    >>> below_zero([1, 2, 3])\n    False\n    >>> below_zero([1, 2, -4, 5])\n    True\n    """\n',
  ],
  [
    'sonnet',
    'Natalia sold clips to 48 of her friends in April, and then she sold half as many clips in May. How many clips did Natalia sell altogether in April and May?',
  ],
  [
    'sonnet',
    'port this Python script to Go\n\nimport sys\ncounts = {}\nfor line in sys.stdin:\n    for w in line.split():\n        counts[w] = counts.get(w, 0) + 1\nfor w, c in sorted(counts.items(), key=lambda x: -x[1])[:10]:\n    print(w, c)',
  ],
  [
    'sonnet',
    "my docker build fails with 'COPY failed: file not found in build context' but the file exists. Dockerfile:\n\nFROM node:20\nWORKDIR /app\nCOPY ../shared/config.json ./\nCOPY . .\nRUN npm ci",
  ],
  ['sonnet', 'write a Kubernetes Deployment and Service for a Go API with 3 replicas, readiness probe on /healthz and resource limits'],
  [
    'sonnet',
    'review this function for bugs\n\ndef median(xs):\n    xs.sort()\n    n = len(xs)\n    return xs[n // 2] if n % 2 else (xs[n // 2] + xs[n // 2 + 1]) / 2',
  ],
  [
    'sonnet',
    "add pagination to this express endpoint using limit/offset query params, validate them\n\napp.get('/api/posts', async (req, res) => {\n  const posts = await db.posts.findAll();\n  res.json(posts);\n});",
  ],
  [
    'sonnet',
    'Given an array of integers nums and an integer target, return indices of the two numbers such that they add up to target. You may assume that each input would have exactly one solution.',
  ],
  ['sonnet', 'how do I structure a Flask app with blueprints for auth, admin and api, and share the db session between them?'],
  [
    'opus',
    "We're seeing double charges for about 0.1% of payments after we added retries to our Stripe webhook handler. How do we make the whole flow idempotent end to end?",
  ],
  [
    'opus',
    'Design the data model and sync protocol for an offline-first mobile notes app with real-time collaboration and conflict resolution.',
  ],
  [
    'opus',
    "Is this JWT verification code safe?\n\ndef verify(token):\n    header = json.loads(b64decode(token.split('.')[0]))\n    if header['alg'] == 'none':\n        return json.loads(b64decode(token.split('.')[1]))\n    return jwt.decode(token, KEY, algorithms=[header['alg']])",
  ],
  [
    'opus',
    "our primary postgres is at 95% disk and autovacuum can't keep up, writes are starting to fail in production. what do we do right now, and after?",
  ],
  [
    'opus',
    'This Go cache sometimes returns stale values under concurrent writes. Why?\n\ntype Cache struct {\n    mu sync.RWMutex\n    m  map[string]entry\n}\nfunc (c *Cache) Get(k string) (v string, ok bool) {\n    c.mu.RLock()\n    e, ok := c.m[k]\n    c.mu.RUnlock()\n    if ok && e.expired() {\n        c.mu.Lock()\n        delete(c.m, k)\n        c.mu.Unlock()\n        return "", false\n    }\n    return e.v, ok\n}',
  ],
  [
    'opus',
    "We want to split our shared Postgres database into per-service databases for 12 microservices that currently join across each other's tables. How should we sequence this?",
  ],
  ['opus', 'Give an O(n log n) algorithm for counting inversions in an array and prove its correctness and running time.'],
  [
    'opus',
    'Review our password reset flow for security issues: we email a link with the user id and a timestamp, signed with md5(secret + id + ts), valid for 24h.',
  ],
  [
    'opus',
    'p95 latency of our checkout API doubled after we moved from EC2 to EKS, switched to gRPC between services and enabled Istio. How would you figure out which change caused it?',
  ],
  [
    'opus',
    'Build a leader election mechanism for our job runners using Redis so that exactly one runner is active across two data centers, and explain the failure modes.',
  ],
  [
    'opus',
    'Should we adopt event sourcing for our order management system (about 40 engineers, 15 services)? What are the risks and how would you migrate?',
  ],
  [
    'opus',
    "Rust: is this unsafe block sound? I'm transmuting a &[u8] into a &[u32] for speed.\n\nfn as_u32s(b: &[u8]) -> &[u32] {\n    unsafe { std::slice::from_raw_parts(b.as_ptr() as *const u32, b.len() / 4) }\n}",
  ],
  [
    'opus',
    'Let n be a positive integer. Prove that the sum of the first n odd numbers is n^2, and then determine all n for which n^2 + 1 divides n! .',
  ],
  [
    'opus',
    "Our GDPR deletion job must remove a user's data from Postgres, S3, Elasticsearch, the data warehouse and backups within 30 days, with proof. Design it.",
  ],
  [
    'opus',
    'memory usage of our python celery workers grows until they are OOM killed after ~6h; tracemalloc shows nothing obvious. how do we track this down?',
  ],
  [
    'opus',
    'After a failover our MySQL replica came up with some transactions missing that the app had already acknowledged to customers. How could this happen and how do we prevent it?',
  ],
  [
    'opus',
    'Is this double-checked locking correct in C++11?\n\nSingleton* Singleton::get() {\n  if (!instance) {\n    std::lock_guard<std::mutex> g(m);\n    if (!instance) instance = new Singleton();\n  }\n  return instance;\n}',
  ],
  [
    'opus',
    'we accidentally ran a migration that dropped the orders.customer_id column in prod 20 minutes ago. backups are nightly. what now?',
  ],
  ['opus', 'How should we shard our 8TB users table across regions while keeping read-your-writes consistency for the mobile app?'],
  [
    'opus',
    'Compare Kafka, Pulsar and NATS JetStream for our event backbone (300k msgs/s, multi-tenant, 7 day retention) and recommend one with the tradeoffs.',
  ],
  ['haiku', 'whats the shortcut to duplicate a line in vscode'],
  ['haiku', 'make a markdown list out of these:\nmilk, eggs, flour, sugar, butter'],
  ['haiku', 'Wie lautet der Befehl, um alle Docker-Images zu löschen?'],
  ['haiku', "is 'colour' or 'color' the right spelling for a css property?"],
  [
    'haiku',
    'list the hostnames in this inventory file\n\n[web]\nweb1.example.com\nweb2.example.com\n[db]\ndb1.example.com ansible_port=2222',
  ],
  ['haiku', 'write docstrings for these two functions\n\ndef add(a, b):\n    return a + b\n\ndef sub(a, b):\n    return a - b'],
  ['haiku', 'what http status code should I return when the resource already exists'],
  [
    'haiku',
    'label each ticket as bug, feature or question:\n1. Login button does nothing on Safari\n2. Can we get dark mode?\n3. How do I reset my API key?\n4. Export to PDF cuts off the last page',
  ],
  ['haiku', 'escape this string for use in a JSON value: He said "hi" \\ then left'],
  ['haiku', 'node version manager command to switch to node 20'],
  ['haiku', 'name for a branch that fixes the login redirect loop'],
  ['haiku', 'convert 1717430400 unix timestamp to a human date'],
  ['haiku', "TS2307: Cannot find module './utils' or its corresponding type declarations. what does that mean"],
  ['haiku', 'Give me a .gitignore for a Python project'],
  ['haiku', 'pretty print this XML\n<a><b>1</b><c><d>2</d></c></a>'],
  ['sonnet', 'write a bash script that backs up a postgres db with pg_dump every night and keeps the last 7 dumps'],
  [
    'sonnet',
    "this test is failing and I don't see why\n\ndef test_total():\n    cart = Cart()\n    cart.add(Item('a', 1.1))\n    cart.add(Item('b', 2.2))\n    assert cart.total() == 3.3",
  ],
  [
    'sonnet',
    'convert this class component to a function component with hooks\n\nclass Clock extends React.Component {\n  state = { now: new Date() };\n  componentDidMount() { this.t = setInterval(() => this.setState({ now: new Date() }), 1000); }\n  componentWillUnmount() { clearInterval(this.t); }\n  render() { return <span>{this.state.now.toLocaleTimeString()}</span>; }\n}',
  ],
  ['sonnet', 'how does this regex work? ^(?=.*[A-Z])(?=.*\\d)(?!.*(.)\\1{2}).{12,}$'],
  [
    'sonnet',
    "Add a --dry-run flag to this CLI that prints what would be deleted without deleting\n\nimport argparse, os\np = argparse.ArgumentParser()\np.add_argument('dir')\nargs = p.parse_args()\nfor f in os.listdir(args.dir):\n    if f.endswith('.tmp'):\n        os.remove(os.path.join(args.dir, f))",
  ],
  ['sonnet', 'Escribe un endpoint en FastAPI que suba un archivo CSV, lo valide y devuelva cuántas filas tienen errores.'],
  ['sonnet', "what's the best way to paginate a large SQL table efficiently in postgres, offset is getting slow past page 1000"],
  ['sonnet', 'Implement a trie with insert, search and startsWith in Java'],
  [
    'sonnet',
    "Getting 'Hydration failed because the initial UI does not match what was rendered on the server' in Next.js. Component:\n\nexport default function Now() {\n  return <p>{new Date().toLocaleString()}</p>;\n}",
  ],
  ['sonnet', 'write the SQL migration to add a nullable `archived_at` timestamp column to `projects` and an index on it'],
  [
    'sonnet',
    'can you write a short README section explaining how to configure the env vars for this service: DATABASE_URL, REDIS_URL, LOG_LEVEL, PORT',
  ],
  ['sonnet', 'Write a function that returns the nth Fibonacci number using memoization, and explain its complexity.'],
  ['sonnet', "I have a list of dicts with 'date' and 'amount'; group by month and sum amounts in python without pandas"],
  [
    'sonnet',
    'segfault in this C function, why?\n\nchar *dup(const char *s) {\n    char *d = malloc(strlen(s));\n    strcpy(d, s);\n    return d;\n}',
  ],
  [
    'sonnet',
    "rewrite this callback hell with promises\n\nfs.readFile('a.txt', (e, a) => {\n  fs.readFile('b.txt', (e, b) => {\n    fs.writeFile('c.txt', a + b, (e) => { console.log('done'); });\n  });\n});",
  ],
  [
    'opus',
    'Our Raft-based config store sometimes has two leaders for a few seconds after a network blip. Is that a bug in our implementation or expected, and what are the safety implications?',
  ],
  [
    'opus',
    "We're a 30-person startup on Heroku paying $40k/month. Should we move to Kubernetes on AWS, ECS, or Fly.io? Consider team skills, on-call burden and migration risk.",
  ],
  [
    'opus',
    "Review this OAuth callback handler. Could an attacker log in as another user?\n\n@app.get('/oauth/callback')\ndef cb(code: str, state: str):\n    token = provider.exchange(code)\n    email = provider.userinfo(token)['email']\n    user = User.get_or_create(email=email)\n    login(user)\n    return redirect(request.args.get('next', '/'))",
  ],
  [
    'opus',
    "Customers report their exported reports sometimes contain another tenant's rows. We cache query results in Redis keyed by the SQL text. What could be happening and how do we stop it immediately?",
  ],
  [
    'opus',
    'Plan how to move 200 cron jobs spread over 15 VMs to a managed scheduler, with ownership, alerting, and no missed or duplicated runs during the cutover.',
  ],
  [
    'opus',
    'Why can this lock-free stack lose nodes?\n\nvoid push(Node* n) {\n  n->next = head.load();\n  while (!head.compare_exchange_weak(n->next, n)) {}\n}\nNode* pop() {\n  Node* h = head.load();\n  while (h && !head.compare_exchange_weak(h, h->next)) {}\n  return h;\n}',
  ],
  [
    'opus',
    'Design a rate limiter that works across 40 API gateway instances in 3 regions, with per-customer quotas that must be accurate within 1%.',
  ],
  [
    'opus',
    'The nightly ETL that computes invoice totals produced amounts that are off by a few cents for ~2% of customers since we switched from Python to Spark. Where do I look?',
  ],
  [
    'opus',
    'How would you design the encryption at rest and key management for a HIPAA-covered document store with per-patient keys and crypto-shredding on deletion?',
  ],
  [
    'opus',
    "Give me an algorithm for scheduling meetings across time zones that minimizes total inconvenience, and show it's optimal or give an approximation bound.",
  ],
  [
    'opus',
    "Our Redis cluster failed over during a deploy and now some users see sessions of other users. We're still live. What do we do?",
  ],
  [
    'opus',
    'Evaluate whether we should rewrite our 500k-line C++ trading engine in Rust. Consider latency, hiring, risk, and an incremental path.',
  ],
  [
    'opus',
    'CPU usage on our Java service climbs from 20% to 90% over a day and resets after restart. GC logs look normal. We recently upgraded the JDK and a JSON library. How do I find the cause?',
  ],
  ['opus', "Explain why Peterson's algorithm fails on modern x86 without fences and which fence fixes it."],
  [
    'opus',
    "We need to merge two customer databases after an acquisition (12M and 3M rows, overlapping emails, different ID schemes) without breaking either product's logins. How?",
  ],
  ['haiku', 'how to check which process is using port 8080 on mac'],
  ['haiku', 'convert this list into a python dict mapping name to age:\nalice 31\nbob 27\ncarol 45'],
  ['haiku', "what's the keyboard shortcut for multi-cursor in intellij"],
  ['haiku', 'suggest a name for a function that checks whether a user can edit a document'],
  ['haiku', 'Pull every email address out of this text: contact alice@example.com or bob@corp.io, cc: ops@example.org'],
  ['haiku', 'regex that matches a semantic version like 1.2.3 or 1.2.3-beta.1'],
  ['haiku', 'write a short commit message: renamed getUserById to findUser across the api module'],
  ['haiku', 'git: delete a remote branch'],
  ['haiku', 'tabulate this as a markdown table with columns region and latency:\nus-east 42ms, eu-west 88ms, ap-south 140ms'],
  ['haiku', "what does 'EACCES: permission denied' mean when running npm install -g"],
  ['haiku', "translate 'Your order has shipped' and 'Track package' into Japanese"],
  ['haiku', 'add comments explaining each line\n\nfor f in *.png; do\n  convert "$f" -resize 50% "small_$f"\ndone'],
  ['haiku', 'is null == undefined true in javascript?'],
  ['haiku', 'classify these HTTP status codes as client or server errors: 404, 500, 403, 502, 429'],
  ['haiku', 'Which of the following is a NoSQL database? A) PostgreSQL B) MongoDB C) MySQL D) Oracle'],
  ['sonnet', 'write a python script that watches a folder and uploads new files to S3'],
  ['sonnet', 'this useEffect runs in an infinite loop, why?\n\nuseEffect(() => {\n  setItems(items.filter(i => i.active));\n}, [items]);'],
  [
    'sonnet',
    'explain what this Go code does and whether the defer is needed\n\nfunc readAll(path string) ([]byte, error) {\n    f, err := os.Open(path)\n    if err != nil { return nil, err }\n    defer f.Close()\n    return io.ReadAll(f)\n}',
  ],
  ['sonnet', 'Write a SQL query to find the top 3 products by revenue in each category.'],
  [
    'sonnet',
    "make this function handle None inputs and add tests for it\n\ndef full_name(first, last):\n    return first.strip() + ' ' + last.strip()",
  ],
  ['sonnet', 'Write a function to check whether the given number is a perfect square or not.'],
  [
    'sonnet',
    'def is_palindrome(text: str):\n    """\n    Checks if given string is a palindrome\n    >>> is_palindrome(\'\')\n    True\n    >>> is_palindrome(\'aba\')\n    True\n    """\n',
  ],
  ['sonnet', 'Create a Vue 3 composable that debounces a ref and exposes the debounced value'],
  [
    'sonnet',
    "Traceback (most recent call last):\n  File \"app.py\", line 8, in <module>\n    total = sum(prices)\nTypeError: unsupported operand type(s) for +: 'int' and 'str'\n\nprices = [row['price'] for row in csv.DictReader(open('p.csv'))]\ntotal = sum(prices)",
  ],
  ['sonnet', 'A robe takes 2 bolts of blue fiber and half that much white fiber. How many bolts in total does it take?'],
  ['sonnet', 'write a Makefile with build, test, lint and clean targets for a Go project'],
  [
    'sonnet',
    'split this 300-line React component into smaller components, keep behavior the same (pasting below)\n\nexport function Dashboard() {\n  const [a, setA] = useState(0);\n  return <div>{a}</div>;\n}',
  ],
  ['sonnet', 'how do I mock datetime.now() in pytest so my test is deterministic?'],
  ['sonnet', 'Write a binary search in Rust that returns the insertion point when the value is not found'],
  [
    'sonnet',
    "optimize this query, it does a seq scan on 5M rows\n\nSELECT * FROM events WHERE lower(email) = 'a@b.com' ORDER BY created_at DESC LIMIT 20;",
  ],
  [
    'opus',
    'Our Kafka consumers occasionally process the same message twice after a rebalance, and the handler charges a card. How do we get effectively-once processing?',
  ],
  ['opus', 'Design a feature flag system for 50 services with gradual rollouts, kill switches, and audit logs. Build or buy?'],
  [
    'opus',
    'Is there a timing attack here?\n\ndef check(token, expected):\n    if len(token) != len(expected):\n        return False\n    for a, b in zip(token, expected):\n        if a != b:\n            return False\n    return True',
  ],
  [
    'opus',
    "Half our pods get stuck in Terminating after the node upgrade and the PVs won't detach. Production traffic is degraded. What's the safest way out?",
  ],
  ['opus', 'We need to migrate 3 years of event data (40TB) from Cassandra to BigQuery while both systems keep receiving writes. Plan it.'],
  [
    'opus',
    'Why does this Go code sometimes print 0?\n\nvar x int\nvar done bool\nfunc setup() { x = 42; done = true }\nfunc main() {\n    go setup()\n    for !done {}\n    fmt.Println(x)\n}',
  ],
  ['opus', "What's the time complexity lower bound for comparison-based sorting and why? Give the argument rigorously."],
  [
    'opus',
    "We need row-level security for a multi-tenant SaaS on Postgres. Compare RLS policies vs schema-per-tenant vs app-level filtering, and how to test that no tenant can ever read another's data.",
  ],
  ['opus', 'Find all positive integers n such that 2^n + 1 is divisible by n^2.'],
  [
    'opus',
    'Our nightly batch of 30M rows now takes 9 hours instead of 2 after moving to a new instance type, upgrading Spark, and changing the partitioning. How do we find out which change is responsible?',
  ],
  [
    'opus',
    "Review this sandbox that runs user-submitted Python with exec and a restricted globals dict. Can it be escaped?\n\nSAFE = {'__builtins__': {'print': print, 'len': len}}\nexec(user_code, SAFE)",
  ],
  [
    'opus',
    'Propose an architecture for real-time fraud scoring on card transactions with a 50ms budget, model updates without downtime, and explainability for regulators.',
  ],
  [
    'opus',
    'Someone force-pushed to main and we lost two days of commits from 6 engineers; CI already deployed the old version. How do we recover and what do we tell people?',
  ],
  [
    'opus',
    'Is it possible for this bank transfer code to lose money if two transfers run concurrently?\n\ndef transfer(a, b, amt):\n    if a.balance >= amt:\n        a.balance -= amt\n        b.balance += amt\n        db.save(a, b)',
  ],
  [
    'opus',
    'How do we version our public REST API used by 2,000 integrators so we can make breaking changes over the next two years without breaking them?',
  ],
  ['haiku', "what's the npm command to see outdated packages"],
  ['haiku', 'change these keys to snake_case: firstName, lastName, phoneNumber, zipCode'],
  ['haiku', 'extract the error codes from these lines:\nERR_1042 upstream timeout\nOK\nERR_2201 bad gateway\nERR_1042 upstream timeout'],
  [
    'haiku',
    'one sentence summary of this PR description: This PR replaces the homegrown retry helper with p-retry, removes two unused config flags and updates the docs.',
  ],
  ['haiku', 'how do i undo git add for one file'],
  ['haiku', 'what does HTTP 429 mean'],
  ['haiku', 'Put this into a TypeScript interface:\n{ "id": 3, "title": "x", "done": false, "tags": ["a"] }'],
  ['haiku', 'python: get the file extension from a path'],
  ['haiku', 'sort these versions from oldest to newest: 1.10.0, 1.2.3, 1.9.9, 2.0.0-rc1, 1.2.10'],
  ['haiku', 'Qual è il comando per vedere lo spazio su disco in linux?'],
  ['haiku', 'What is the capital of Australia?'],
  ['haiku', 'rename `tmp` and `data2` in this snippet to something meaningful\n\ntmp = load()\ndata2 = [x for x in tmp if x.ok]'],
  ['haiku', 'dockerfile instruction to set an environment variable?'],
  ['haiku', 'is `SELECT COUNT(*)` or `COUNT(1)` faster in postgres'],
  ['haiku', 'write the alt text for an image of a bar chart showing monthly signups rising from 100 to 400'],
  ['sonnet', 'write a function that validates an IBAN and returns a normalized version, in TypeScript'],
  [
    'sonnet',
    "getting 'CORS policy: No Access-Control-Allow-Origin header' from my React app calling my Express API on localhost:4000, here's the server:\n\nconst app = express();\napp.use(express.json());\napp.get('/api/me', auth, (req, res) => res.json(req.user));\napp.listen(4000);",
  ],
  [
    'sonnet',
    'Write pytest fixtures for a temporary sqlite database with the schema below and a test that inserts and reads a user.\n\nCREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT UNIQUE NOT NULL);',
  ],
  [
    'sonnet',
    'explain the difference between these two implementations and which one is better\n\ndef a(xs): return list(set(xs))\n\ndef b(xs):\n    seen = set(); out = []\n    for x in xs:\n        if x not in seen:\n            seen.add(x); out.append(x)\n    return out',
  ],
  ['sonnet', 'Implement a function to compute the edit distance between two strings with O(min(m,n)) memory.'],
  [
    'sonnet',
    'There are 15 trees in the grove. Grove workers will plant trees in the grove today. After they are done, there will be 21 trees. How many trees did the grove workers plant today?',
  ],
  ['sonnet', 'my flutter ListView janks when scrolling through 500 image cards, how to fix?'],
  [
    'sonnet',
    'add retry with exponential backoff to this function, max 5 attempts, only on 5xx\n\nasync function fetchJson(url) {\n  const r = await fetch(url);\n  if (!r.ok) throw new Error(r.status);\n  return r.json();\n}',
  ],
  ['sonnet', 'set up eslint + prettier for a TypeScript monorepo with pnpm workspaces, show the config files'],
  [
    'sonnet',
    'The following Python code raises IndexError on the last iteration. Fix it.\n\nfor i in range(len(a)):\n    if a[i] > a[i+1]:\n        a[i], a[i+1] = a[i+1], a[i]',
  ],
  ['sonnet', 'write a github action that comments on a PR with the bundle size diff'],
  [
    'sonnet',
    'refactor this to avoid the nested loops\n\nfor u in users:\n    for o in orders:\n        if o.user_id == u.id:\n            u.orders.append(o)',
  ],
  ['sonnet', 'Write a Java class BankAccount with deposit, withdraw (no overdraft) and a transaction history, plus JUnit tests.'],
  [
    'sonnet',
    "what's wrong with my binary search? it loops forever on some inputs\n\nwhile lo < hi:\n    mid = (lo + hi) // 2\n    if a[mid] < x: lo = mid\n    else: hi = mid",
  ],
  ['sonnet', 'Write a Python CLI with argparse that tails a log file and highlights lines matching a pattern'],
  [
    'opus',
    "We store refresh tokens in localStorage and access tokens in memory for our SPA. Security team says move to httpOnly cookies. What are the real risks each way and what's the migration plan for 3 frontends?",
  ],
  [
    'opus',
    'Our Postgres logical replication to the analytics replica silently stopped 2 days ago and the WAL on the primary is at 400GB. How do we recover without taking the primary down?',
  ],
  [
    'opus',
    'Design a system to deduplicate 2 billion user records from 5 sources with fuzzy matching, human review and the ability to undo merges.',
  ],
  [
    'opus',
    'Why does this Java code sometimes deadlock?\n\nsynchronized void transfer(Account a, Account b, long amt) {\n  synchronized (a) {\n    synchronized (b) { a.debit(amt); b.credit(amt); }\n  }\n}',
  ],
  [
    'opus',
    'Prove that any comparison-based algorithm for finding both the minimum and maximum of n elements needs at least ceil(3n/2) - 2 comparisons.',
  ],
  ['opus', 'Is this C code vulnerable?\n\nvoid greet(char *name) {\n  char buf[32];\n  sprintf(buf, "Hello %s", name);\n  puts(buf);\n}'],
  [
    'opus',
    "We're moving 60 microservices from a shared RabbitMQ to Kafka. Some rely on per-message TTL and priority queues. What breaks, and in what order do we move them?",
  ],
  [
    'opus',
    'Our checkout conversion dropped 8% right after a release that touched CDN config, the payment SDK version and the cookie consent banner. How do we figure out which one did it, fast?',
  ],
  [
    'opus',
    'Should our 12-person team build our own feature store or buy one (Tecton, Feast, Databricks)? We serve 40 models online with p99 < 20ms.',
  ],
  [
    'opus',
    'A customer says they were charged twice for one order, and our logs show two successful payment intents 300ms apart with the same cart id. How did this happen and how do we stop it for good?',
  ],
  [
    'opus',
    'How do I make our S3 bucket policies, IAM roles and KMS keys least-privilege across 25 AWS accounts without breaking the pipelines that depend on them?',
  ],
  [
    'opus',
    'Explain how Spectre v1 can leak data across a process boundary through a JIT-compiled bounds check, and what mitigations a browser JS engine uses.',
  ],
  [
    'opus',
    'The matching engine occasionally fills an order at a stale price after a cancel/replace. Events go through two Kafka topics consumed by different services. How do we find and fix the ordering problem?',
  ],
  ['opus', 'Let a, b, c be positive real numbers with abc = 1. Prove that a^2 + b^2 + c^2 >= a + b + c.'],
  [
    'opus',
    "We're running out of IPv4 space in our VPCs and need to renumber networks across 3 regions with peering and on-prem VPN links without downtime. Plan it.",
  ],
  ['haiku', 'turn this into a bulleted changelog:\n\nfixed login bug, added csv export, bumped deps, improved error messages on signup'],
  [
    'haiku',
    'which of these env vars are missing a value?\n\nDATABASE_URL=postgres://x\nREDIS_URL=\nSECRET_KEY=abc\nSENTRY_DSN=\nPORT=8080',
  ],
  ['haiku', 'CSV -> JSON array please\n\nid,name,role\n1,ana,admin\n2,ben,dev\n3,cy,dev'],
  ['haiku', 'how to squash the last 3 commits'],
  ['haiku', "give this function a better name\n\nfunction f(u) { return u.firstName + ' ' + u.lastName; }"],
  ['haiku', 'what port does redis use by default'],
  ['haiku', 'add type annotations:\n\nfunction clamp(x, lo, hi) {\n  return Math.min(hi, Math.max(lo, x));\n}'],
  ['haiku', 'cron for the first day of every month at midnight UTC'],
  [
    'haiku',
    'categorize these expenses into travel, food, software:\nuber 23.10\nfigma 15.00\nlunch with team 84.50\nflight to berlin 220.00\nnotion 10.00',
  ],
  ['haiku', "TypeError: 'NoneType' object is not subscriptable - what does it mean?"],
  ['haiku', 'yaml to toml:\n\ntitle: blog\nowner:\n  name: ana\n  email: ana@x.io\nfeatures:\n  comments: true'],
  ['haiku', "translate to german: 'Settings saved', 'Undo', 'Are you sure you want to delete this project?'"],
  ['haiku', 'write a PR description for: migrate date handling from moment to date-fns in the invoices page, no behavior change'],
  [
    'haiku',
    'pull the IP addresses that got 403s out of this log\n\n10.0.0.5 - - [01/Jun] "GET /admin" 403\n10.0.0.9 - - [01/Jun] "GET /" 200\n10.0.0.7 - - [01/Jun] "POST /login" 403',
  ],
  ['haiku', "what's the difference between a git tag and a branch"],
  [
    'sonnet',
    'make this React form accessible (labels, aria, keyboard) and show the updated code\n\n<form>\n  <input placeholder="Email" />\n  <input type="password" placeholder="Password" />\n  <div onClick={submit}>Sign in</div>\n</form>',
  ],
  [
    'sonnet',
    'I get \'Cannot find name process\' in my TS project even though @types/node is installed. tsconfig:\n\n{\n  "compilerOptions": { "types": ["jest"], "strict": true }\n}',
  ],
  ['sonnet', 'write a Go HTTP middleware that logs method, path, status and duration'],
  [
    'sonnet',
    'SQL: for each user, their most recent order and its total. postgres.\n\nusers(id, name)\norders(id, user_id, created_at, total)',
  ],
  [
    'sonnet',
    'explain how this debounce works and why it uses a closure\n\nfunction debounce(fn, ms) {\n  let t;\n  return (...args) => {\n    clearTimeout(t);\n    t = setTimeout(() => fn(...args), ms);\n  };\n}',
  ],
  [
    'sonnet',
    "tests for this please (vitest)\n\nexport function parseRange(s: string): [number, number] {\n  const [a, b] = s.split('-').map(Number);\n  if (isNaN(a) || isNaN(b) || a > b) throw new Error('bad range');\n  return [a, b];\n}",
  ],
  ['sonnet', 'why does my docker container exit immediately? Dockerfile:\n\nFROM python:3.12-slim\nCOPY app.py .\nCMD python app.py &'],
  ['sonnet', 'Rust: implement Display and FromStr for this enum\n\nenum Color { Red, Green, Blue, Custom(u8, u8, u8) }'],
  [
    'sonnet',
    "convert this class-based Python module to use async/await with httpx instead of requests\n\nclass Client:\n    def __init__(self, base):\n        self.base = base\n    def get_user(self, uid):\n        return requests.get(f'{self.base}/users/{uid}').json()",
  ],
  ['sonnet', 'k8s CronJob manifest that runs a db backup container nightly at 2am and keeps 3 successful job histories'],
  [
    'sonnet',
    "my jest test times out, what's wrong?\n\ntest('loads user', () => {\n  return fetchUser(1).then(u => { expect(u.name).toBe('ana'); });\n});\n\nasync function fetchUser(id) { await sleep(10000); return { name: 'ana' }; }",
  ],
  ['sonnet', 'write a small LRU cache decorator for async functions in python'],
  [
    'sonnet',
    "Review this small diff\n\n-  const total = items.reduce((s, i) => s + i.price, 0);\n+  const total = items.reduce((s, i) => s + i.price * i.qty, 0);\n+  if (total < 0) throw new Error('negative total');",
  ],
  ['sonnet', 'how can I stream a large CSV upload in FastAPI without loading it into memory, and validate each row?'],
  ['sonnet', 'This regex is catastrophically slow on some inputs, explain why and fix it: ^(a+)+$'],
  [
    'opus',
    "Our on-call got paged: payment webhooks from Stripe are being processed by two pods at once after we scaled the worker deployment, and some refunds went out twice. What do we do now and what's the permanent fix?",
  ],
  [
    'opus',
    'Design an audit log that is tamper-evident, queryable by auditors, and retains 7 years of events for a bank, with GDPR erasure requests still possible.',
  ],
  [
    'opus',
    'Can a replica promoted after a network partition accept writes that the old primary also accepted? We use Patroni with synchronous_mode off.',
  ],
  [
    'opus',
    "Is this CSRF protection enough?\n\napp.use((req, res, next) => {\n  if (req.method !== 'GET' && req.headers.referer && !req.headers.referer.startsWith(ORIGIN)) return res.sendStatus(403);\n  next();\n});",
  ],
  [
    'opus',
    'We want to consolidate 4 separate user databases (web, mobile, partner portal, legacy CRM) into one identity service. How do we plan this across teams without locking anyone out?',
  ],
  [
    'opus',
    'Rust async service leaks memory slowly only under production load; heaptrack shows growth in tokio task allocations. Where would you start and what tools would you use?',
  ],
  [
    'opus',
    'What is the tightest upper bound you can prove for the number of rounds this gossip protocol needs to reach all n nodes with high probability?',
  ],
  [
    'opus',
    'Pick a database for our new event-sourced billing platform: Postgres, EventStoreDB, or DynamoDB. We need strict per-account ordering, 5k writes/s, and 10-year retention. Justify the tradeoffs.',
  ],
  [
    'opus',
    'Is this Python code safe to run in a multi-threaded web server?\n\n_cache = {}\ndef get(key):\n    if key not in _cache:\n        _cache[key] = expensive(key)\n    return _cache[key]',
  ],
  [
    'opus',
    'Our ML feature pipeline produced subtly different features in training and serving, and model accuracy in prod dropped 6 points. Two teams own the two code paths. How do we find the skew and make it impossible going forward?',
  ],
  [
    'opus',
    'We need to rotate the signing key for all JWTs issued by our auth service (used by 30 services) with zero downtime and no forced logouts. Walk me through it.',
  ],
  [
    'opus',
    "A disk on our Ceph cluster failed during rebalancing and now 12 PGs are inactive+incomplete. We can't lose the data on them. What are our options?",
  ],
  [
    'opus',
    'Read these two RFC drafts and tell me which approach to adopt for our API pagination, and what each one gets wrong.\n\n--- RFC 12: cursor pagination ---\nCursors are opaque base64 of the last id.\n\n--- RFC 15: keyset pagination with explicit sort keys ---\nClients pass sort key values.',
  ],
  [
    'opus',
    'How would you architect multi-region active-active for our Rails app with a single Postgres today? Budget is tight and we can accept a few seconds of staleness for reads.',
  ],
  [
    'opus',
    'Why can this C++ code print a torn value on ARM but never on x86?\n\nstruct P { int64_t a; int64_t b; };\nstd::atomic<P*> p;\n// writer\nauto n = new P{1, 2}; p.store(n, std::memory_order_relaxed);\n// reader\nauto q = p.load(std::memory_order_relaxed); print(q->a, q->b);',
  ],
  ['haiku', 'pls make this valid yaml\n\nname: app\n  version 1.2\nports:\n- 80\n-443'],
  [
    'haiku',
    'list the distinct status values in this json\n\n[{"id":1,"status":"open"},{"id":2,"status":"closed"},{"id":3,"status":"open"},{"id":4,"status":"stale"}]',
  ],
  ['haiku', 'whats the flag for npm to skip optional deps'],
  ['haiku', 'shorter variable name for numberOfActiveSubscriptionsThisMonth?'],
  ['haiku', "Übersetze ins Englische: 'Passwort vergessen?', 'Konto erstellen', 'Abmelden'"],
  ['haiku', 'bash one-liner to count lines in all .py files recursively'],
  [
    'haiku',
    'generate a conventional commit message for these staged changes:\n\nM  src/api/users.ts (added pagination params)\nM  src/api/users.test.ts (tests for pagination)',
  ],
  ['haiku', 'what is the max length of a varchar in mysql 8'],
  [
    'haiku',
    'tag each of these as frontend, backend or infra:\n- fix button alignment on mobile\n- add index on orders.created_at\n- bump terraform aws provider\n- retry failed webhook deliveries',
  ],
  [
    'haiku',
    'add JSDoc comments to these exported functions\n\nexport const sum = (a: number, b: number) => a + b;\nexport const avg = (xs: number[]) => xs.reduce(sum, 0) / xs.length;',
  ],
  [
    'haiku',
    "reformat this SQL so it's readable\n\nselect u.id,u.email,count(o.id) as n from users u left join orders o on o.user_id=u.id where u.created_at>'2024-01-01' group by u.id,u.email having count(o.id)>3 order by n desc",
  ],
  ['haiku', 'How do I check the installed version of a pip package?'],
  ['haiku', "fetch() version of this curl please: curl -H 'Accept: application/json' https://api.github.com/repos/nodejs/node"],
  ['haiku', "what does the 'z-index' css property do"],
  [
    'haiku',
    'summarize what changed between these two package.json versions\n\n- "react": "18.2.0"\n+ "react": "18.3.1"\n- "vite": "5.0.0"\n+ "vite": "5.2.0"',
  ],
  ['sonnet', 'write a python function to merge overlapping intervals, with a few tests'],
  ['sonnet', 'hook for infinite scroll in react using IntersectionObserver, typescript'],
  [
    'sonnet',
    'why is my flexbox child overflowing instead of shrinking?\n\n.row { display: flex; }\n.col { flex: 1; }\n.col pre { white-space: pre; }',
  ],
  [
    'sonnet',
    "turn this callback-based function into one that returns a Promise and update the two call sites\n\nfunction readConfig(path, cb) {\n  fs.readFile(path, 'utf8', (err, data) => {\n    if (err) return cb(err);\n    cb(null, JSON.parse(data));\n  });\n}",
  ],
  ['sonnet', 'Wie schreibe ich in Go einen Worker-Pool mit 5 Goroutinen, der Jobs aus einem Channel verarbeitet und Fehler sammelt?'],
  ['sonnet', 'postgres query: monthly active users for the last 12 months from events(user_id, occurred_at)'],
  [
    'sonnet',
    'NullPointerException here, how do I fix it properly?\n\nException in thread "main" java.lang.NullPointerException\n\tat com.acme.Report.total(Report.java:42)\n\nint total() { return items.stream().mapToInt(Item::price).sum(); }',
  ],
  [
    'sonnet',
    'explain this bash script line by line\n\n#!/usr/bin/env bash\nset -euo pipefail\nfor f in "$@"; do\n  [[ -f $f ]] || continue\n  sha256sum "$f" >> sums.txt\ndone',
  ],
  ['sonnet', 'write a docker-compose file with postgres, redis and my node app, with healthchecks and a volume for postgres'],
  ['sonnet', 'I want to add dark mode to my Next.js app with Tailwind and remember the choice in localStorage. Show the code.'],
  [
    'sonnet',
    'can you review this PR diff? mostly worried about the error handling\n\n+async function save(doc) {\n+  try {\n+    await db.put(doc);\n+  } catch (e) {\n+    console.log(e);\n+  }\n+}',
  ],
  [
    'sonnet',
    'write a regex-based tokenizer in Python for arithmetic expressions with numbers, + - * / and parentheses, and a recursive descent parser that evaluates them',
  ],
  ['sonnet', 'implement rate limiting middleware for express using a token bucket per IP, in memory'],
  ['sonnet', "my pandas merge produces duplicate rows, why?\n\norders.merge(customers, on='email')"],
  [
    'sonnet',
    'Document this REST endpoint in OpenAPI 3 YAML: POST /v1/invoices with customer_id, items[{sku, qty}], returns 201 with the invoice',
  ],
  [
    'opus',
    "Sometimes two users get the same invoice number. We generate it with SELECT max(number)+1 in the request handler. What's the right fix that also works across our 3 app servers?",
  ],
  [
    'opus',
    "We're designing the permissions system for a healthcare app: patients, caregivers, doctors, clinics, and emergency break-glass access. How would you model it and what are the compliance pitfalls?",
  ],
  [
    'opus',
    "Is this AES-GCM usage correct?\n\nkey = derive(password)\nnonce = b'\\x00' * 12\ncipher = AESGCM(key)\nct = cipher.encrypt(nonce, data, None)",
  ],
  [
    'opus',
    'The database migration ran halfway in prod and failed; half the tenants have the new schema. The app is erroring for them. Roll forward or back, and how?',
  ],
  [
    'opus',
    'We have 400 Lambda functions with copy-pasted auth and logging code. Plan a migration to a shared layer and a monorepo without breaking deploys for the 9 teams that own them.',
  ],
  [
    'opus',
    "Our websocket servers' memory grows by ~2GB per day and they're restarted nightly; heap snapshots look flat. Node 20, ws library, Redis pub/sub. How would you track down what's leaking?",
  ],
  [
    'opus',
    'Design an offline-capable point-of-sale that syncs sales to the cloud when the connection returns, and never loses or double-counts a sale.',
  ],
  [
    'opus',
    "Explain why this Go code can deadlock and give a fix that doesn't hold two locks at once.\n\nfunc (a *Account) Transfer(b *Account, n int) {\n    a.mu.Lock(); defer a.mu.Unlock()\n    b.mu.Lock(); defer b.mu.Unlock()\n    a.bal -= n; b.bal += n\n}",
  ],
  ['opus', 'Prove or disprove: if a graph has a unique minimum spanning tree then all its edge weights are distinct.'],
  [
    'opus',
    'p99 of our search API went from 120ms to 900ms after the Elasticsearch 7 → 8 upgrade; we also changed the analyzer and doubled replicas the same week. How do I find out which one?',
  ],
  [
    'opus',
    'Our SOC 2 auditor asks how we ensure no engineer can read production customer data without an approved, logged request. Design the access flow for our AWS + Postgres setup.',
  ],
  [
    'opus',
    "Is this Rust code sound? I'm sharing a raw pointer across threads.\n\nstruct Ptr(*mut u8);\nunsafe impl Send for Ptr {}\nlet p = Ptr(buf.as_mut_ptr());\nthread::spawn(move || unsafe { *p.0 = 1; });",
  ],
  [
    'opus',
    'Compare CockroachDB, Spanner and Vitess for a globally distributed order system with strong consistency; which would you choose for a team of 8?',
  ],
  [
    'opus',
    "Kubernetes cluster upgrade from 1.27 to 1.30 across 14 clusters with some deprecated APIs still in use by Helm charts we don't own. What's the rollout plan and how do we avoid outages?",
  ],
  ['opus', 'Someone leaked our production database credentials in a public GitHub repo an hour ago. What do we do, in order?'],
  ['haiku', 'convert these Celsius temps to Fahrenheit: 0, 21.5, 37, 100'],
  ['haiku', 'how do I list all tables in sqlite from the cli'],
  ['haiku', "pick the right HTTP method for 'partially update a user profile'"],
  ['haiku', 'make this a Go struct with json tags:\n\n{"user_id": 12, "display_name": "ana", "is_admin": false}'],
  ['haiku', "what's the vim command to delete until end of line"],
  ['haiku', 'find the duplicate entries in this list: apple, pear, apple, kiwi, pear, fig'],
  ['haiku', "rewrite this error message to be friendlier for end users: 'ERR_QUOTA_EXCEEDED: request rejected'"],
  ['haiku', 'which of these are valid email addresses? a@b.co, foo@, @bar.com, x.y+z@mail.example.org'],
  ['haiku', 'docker: how to see logs of a stopped container'],
  ['haiku', "Write type hints for this:\n\ndef greet(name, times=1):\n    return ' '.join(['hi ' + name] * times)"],
  ['haiku', 'short description for this npm package: a tiny library that formats byte counts as human readable strings like 1.2 MB'],
  ['haiku', 'kebab-case these: UserProfile, OrderHistory, APIKeys, isActive'],
  ['haiku', "EPERM: operation not permitted, unlink 'C:\\proj\\node_modules\\.bin\\tsc' — what causes this?"],
  ['haiku', 'default timeout of python requests?'],
  [
    'haiku',
    'group these log lines by service name and count them:\nauth: login ok\nbilling: charge ok\nauth: login failed\nauth: logout\nbilling: refund ok',
  ],
  ['sonnet', 'write a TypeScript function that deep-merges two objects, arrays concatenated, with tests'],
  [
    'sonnet',
    "This Python script is slow for big files, can you make it faster?\n\nwords = []\nfor line in open('big.txt'):\n    for w in line.split():\n        if w not in words:\n            words.append(w)\nprint(len(words))",
  ],
  ['sonnet', 'why does this print 3 3 3 instead of 0 1 2?\n\nfor (var i = 0; i < 3; i++) {\n  setTimeout(() => console.log(i), 0);\n}'],
  ['sonnet', "create a Svelte component for a star rating input (1-5) that's keyboard accessible"],
  [
    'sonnet',
    "Add input validation and proper error responses to this Flask route\n\n@app.post('/items')\ndef create_item():\n    data = request.json\n    item = Item(name=data['name'], price=data['price'])\n    db.session.add(item)\n    db.session.commit()\n    return jsonify(item.to_dict())",
  ],
  [
    'sonnet',
    'explain what this Kotlin extension function does\n\nfun <T> List<T>.chunkedBy(pred: (T) -> Boolean): List<List<T>> =\n    fold(mutableListOf(mutableListOf<T>())) { acc, x ->\n        if (pred(x)) acc.add(mutableListOf()); acc.last().add(x); acc\n    }',
  ],
  ['sonnet', 'write a SQL query that finds gaps in a sequence of invoice numbers in postgres'],
  ['sonnet', 'terraform module for a GCP Cloud Run service with a custom domain and secret env vars from Secret Manager'],
  [
    'sonnet',
    'my python package can\'t be imported after pip install -e . — ModuleNotFoundError: No module named \'mypkg\'. pyproject:\n\n[project]\nname = "mypkg"\n[tool.setuptools]\npackages = ["src"]',
  ],
  [
    'sonnet',
    'refactor this switch into a strategy pattern in Java\n\nswitch (type) {\n  case "pdf": return new PdfExporter().export(doc);\n  case "csv": return new CsvExporter().export(doc);\n  case "xlsx": return new XlsxExporter().export(doc);\n  default: throw new IllegalArgumentException(type);\n}',
  ],
  [
    'sonnet',
    'unit tests for this Go function using testify\n\nfunc Slugify(s string) string {\n\treturn strings.ToLower(strings.ReplaceAll(strings.TrimSpace(s), " ", "-"))\n}',
  ],
  ['sonnet', 'how do I paginate results from the GitHub REST API in Python until there are no more pages?'],
  ['sonnet', 'Write a small CLI in Rust with clap that converts a CSV file to JSON lines'],
  [
    'sonnet',
    "my useState update doesn't show immediately after setCount, why?\n\nconst [count, setCount] = useState(0);\nfunction inc() { setCount(count + 1); console.log(count); }",
  ],
  ['sonnet', 'write a bash script to rotate logs in /var/log/myapp: gzip files older than 1 day and delete ones older than 30'],
  [
    'opus',
    'Our order service and inventory service disagree on stock after network timeouts: the order is created but the reservation may or may not have happened. How should we redesign this so they stay consistent?',
  ],
  [
    'opus',
    'Is this signature check safe against forgery?\n\ndef valid(payload, sig):\n    return hashlib.sha256(SECRET + payload).hexdigest() == sig',
  ],
  [
    'opus',
    "We're seeing random 502s from our ALB only during deploys, maybe 0.5% of requests, across 20 services. Keep-alive settings differ per service. How do we get to zero?",
  ],
  [
    'opus',
    'Design the sharding strategy for a chat app with 50M users where some group chats have 100k members, including how to rebalance shards later.',
  ],
  [
    'opus',
    'This C++ code occasionally crashes in production with a corrupted vector. Workers push results while the main thread reads them.\n\nstd::vector<Result> results;\nvoid worker() { results.push_back(compute()); }\nvoid report() { for (auto& r : results) print(r); }',
  ],
  [
    'opus',
    'Should we move our 120-person engineering org from GitFlow to trunk-based development with feature flags? What are the risks and how do we transition?',
  ],
  ['opus', "Give a linear-time algorithm to find the k-th smallest element of two sorted arrays' union and prove its correctness."],
  [
    'opus',
    'Backups of our main Postgres have been silently failing for 3 weeks and a developer just dropped a table in production. What can we still recover, and how?',
  ],
  [
    'opus',
    'Review our plan to store credit card numbers encrypted in our own database so we can do recurring billing without a payment processor vault.',
  ],
  [
    'opus',
    'We need to guarantee that a notification is sent exactly once per event even if our worker crashes mid-send and the email provider times out. What design gets us closest?',
  ],
  [
    'opus',
    'Latency on our GraphQL gateway tripled after we enabled query batching, added a DataLoader layer and upgraded Apollo. How do I isolate the cause?',
  ],
  [
    'opus',
    "Plan the split of our Django monolith's 'billing' app into its own service, including the data it shares with 'accounts', without downtime.",
  ],
  [
    'opus',
    'Is the Raft log compaction in this snippet safe if a follower is lagging behind the snapshot index?\n\nif lastApplied - snapshotIndex > threshold {\n    log = log[lastApplied-snapshotIndex:]\n    snapshotIndex = lastApplied\n}',
  ],
  [
    'opus',
    'How would you prevent a malicious tenant from exhausting shared resources (CPU, DB connections) in our multi-tenant platform while keeping fairness?',
  ],
  [
    'opus',
    'Read these three incident postmortems and tell me the common root cause we keep missing and what to change.\n\n--- Postmortem 1 ---\nCache stampede after deploy took down the API.\n\n--- Postmortem 2 ---\nCron job overlapped with itself and double-billed 40 customers.\n\n--- Postmortem 3 ---\nRetry storm from mobile clients after an outage.',
  ],
  ['haiku', "convert this array of tuples to a dict: [('a', 1), ('b', 2), ('c', 3)]"],
  ['haiku', "what's the git command to see which branch I'm on"],
  ['haiku', 'Name suggestions for a Slack bot that posts daily deploy summaries?'],
  [
    'haiku',
    'extract the hostnames from these URLs:\nhttps://api.stripe.com/v1/charges\nhttp://localhost:3000/health\nhttps://cdn.example.org/img/logo.png',
  ],
  ['haiku', 'java: convert int to String'],
  ['haiku', 'pretty print:\n{"a":{"b":[1,2,{"c":null}]},"d":"e"}'],
  ['haiku', 'label each sentence as a question, command or statement:\n1. Deploy it now.\n2. Is the build green?\n3. The tests passed.'],
  ['haiku', 'mac shortcut to take a screenshot of a region'],
  ['haiku', 'regex to strip trailing whitespace from every line'],
  [
    'haiku',
    "Write a one-line summary for this changelog entry: 'Upgraded the PDF renderer to v3, which fixes font embedding for CJK characters and reduces file size by ~20%.'",
  ],
  ['haiku', "what's the python equivalent of javascript's Array.prototype.some"],
  [
    'haiku',
    'comment each step of this SQL\n\nSELECT c.name, SUM(o.total)\nFROM customers c\nJOIN orders o ON o.customer_id = c.id\nGROUP BY c.name;',
  ],
  ['haiku', "translate this error message to Spanish and French: 'Your session has expired. Please sign in again.'"],
  ['haiku', 'Cannot use import statement outside a module — what does this mean?'],
  ['haiku', 'turn this list into a JSON array of strings: red, green, blue, cyan'],
  ['sonnet', 'write a function in Go that retries an operation with exponential backoff and jitter, respecting a context deadline'],
  [
    'sonnet',
    'my React list re-renders every item when one changes, how do I stop that?\n\nfunction List({ items, onToggle }) {\n  return items.map(i => <Row key={i.id} item={i} onToggle={() => onToggle(i.id)} />);\n}',
  ],
  ['sonnet', "explain what this awk command does: awk -F, '$3 > 100 { s += $3 } END { print s / NR }' sales.csv"],
  [
    'sonnet',
    "Add caching with Redis to this endpoint, 60s TTL, invalidate on update\n\n@app.get('/products/{pid}')\nasync def get_product(pid: int):\n    return await db.fetch_product(pid)",
  ],
  [
    'sonnet',
    "write jest tests for this reducer covering add, remove and clear\n\nfunction cart(state = [], a) {\n  switch (a.type) {\n    case 'add': return [...state, a.item];\n    case 'remove': return state.filter(i => i.id !== a.id);\n    case 'clear': return [];\n    default: return state;\n  }\n}",
  ],
  ['sonnet', 'Implement a thread-safe bounded blocking queue in Java using ReentrantLock and Conditions.'],
  ['sonnet', "why am I getting 'RuntimeError: Event loop is closed' at the end of my pytest run with aiohttp?"],
  ['sonnet', 'SQL for the 7-day rolling average of daily signups in BigQuery from users(created_at)'],
  [
    'sonnet',
    'Port this small Python class to TypeScript\n\nclass Stack:\n    def __init__(self): self.items = []\n    def push(self, x): self.items.append(x)\n    def pop(self): return self.items.pop()\n    def peek(self): return self.items[-1]',
  ],
  ['sonnet', 'write a GitHub Actions workflow that builds a Docker image and pushes it to GHCR on every tag'],
  ['sonnet', 'how do I handle file uploads with progress in axios in a Vue app?'],
  [
    'sonnet',
    "segmentation fault when I run this, what's wrong?\n\nint main() {\n  int *a;\n  for (int i = 0; i < 10; i++) a[i] = i;\n  return 0;\n}",
  ],
  [
    'sonnet',
    "Draft a README for a CLI tool called 'envcheck' that validates .env files against a schema; include install, usage and examples.",
  ],
  [
    'sonnet',
    'optimize this function, it is called millions of times\n\ndef is_prime(n):\n    return n > 1 and all(n % i for i in range(2, n))',
  ],
  ['sonnet', 'Write a Python script that reads a JSON file of users and prints those whose email domain is not in an allow-list'],
  [
    'opus',
    "We're about to launch in the EU. What do we need to change in our data architecture (US-only Postgres, S3, analytics in BigQuery) to meet GDPR data residency, and in what order?",
  ],
  [
    'opus',
    'Why can this Python asyncio code lose updates when two requests hit it at once?\n\nasync def add_credit(user, amt):\n    bal = await db.get_balance(user)\n    await asyncio.sleep(0)\n    await db.set_balance(user, bal + amt)',
  ],
  [
    'opus',
    'Our message queue consumers process events out of order after we increased partitions, which breaks account state. How do we restore per-account ordering without killing throughput?',
  ],
  [
    'opus',
    'Is it safe to expose our internal gRPC admin service through the public load balancer if we check an API key header? What could go wrong?',
  ],
  ['opus', 'Design a URL shortener that handles 100k redirects/s globally with custom domains, analytics, and abuse prevention.'],
  [
    'opus',
    'Our primary region on AWS is down. Failover to the secondary would take our RPO to 15 minutes of lost orders. Do we fail over now or wait, and what do we tell customers?',
  ],
  [
    'opus',
    'Derive the expected number of probes for a successful search in linear probing at load factor α and explain where the standard approximation breaks down.',
  ],
  [
    'opus',
    "We run Elasticsearch and Postgres with the same product data and they drift apart over time. What's a robust sync architecture, and how do we backfill 200M documents without downtime?",
  ],
  [
    'opus',
    'Audit this Solidity withdraw function for reentrancy and anything else exploitable.\n\nfunction withdraw(uint amt) external {\n  require(balances[msg.sender] >= amt);\n  (bool ok, ) = msg.sender.call{value: amt}("");\n  require(ok);\n  balances[msg.sender] -= amt;\n}',
  ],
  [
    'opus',
    "Tail latency on our Go service spikes every 2 minutes, lining up with GC, but GOGC tuning didn't help. We have a big in-memory cache of pointers. How would you investigate and fix it?",
  ],
  [
    'opus',
    'Plan the migration of 3,000 tables from Oracle to Postgres for a bank, including PL/SQL packages, with a parallel-run period and reconciliation.',
  ],
  [
    'opus',
    "Our mobile app's offline queue replays actions after reconnecting, and users sometimes get charged twice for the same purchase. Where's the bug likely to be and what's the right design?",
  ],
  [
    'opus',
    'Evaluate these two proposals for our internal developer platform and recommend one.\n\n=== Proposal A ===\nBackstage with custom plugins, owned by a platform team of 4.\n\n=== Proposal B ===\nBuy Port, integrate with our existing CI and Terraform.',
  ],
  [
    'opus',
    'Can you check whether this lock-free queue has an ABA problem?\n\nNode* pop() {\n  Node* old;\n  do { old = head.load(); } while (old && !head.compare_exchange_weak(old, old->next));\n  return old;\n}',
  ],
  [
    'opus',
    'We must reduce our AWS bill by 40% in a quarter without hurting reliability. Our spend is EC2 55%, RDS 25%, data transfer 12%. Give us a prioritized plan with risks.',
  ],
];

test('written probes: nothing hard goes to haiku, nothing easy to opus, accuracy at least 90%', () => {
  const table = bundledPriceTable();
  const items: Labelled[] = PROBES.map(([tier, prompt], i) => ({ id: `probe-${i + 1}`, tier, prompt }));
  const routed = items.map((item) => routePrompt({ prompt: item.prompt }, defaultRouterConfig, table).tier);
  const misses = items.filter((item, i) => item.tier !== 'haiku' && routed[i] === 'haiku').map((item) => item.prompt.slice(0, 60));
  assert.deepEqual(misses, [], 'under-routed');
  const score = scoreRouting(items, routed);
  assert.equal(score.overRouting, 0);
  assert.ok(score.accuracy >= 0.9, `accuracy ${score.accuracy}`);
});
