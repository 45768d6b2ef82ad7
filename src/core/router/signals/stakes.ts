import type { Signal } from './types.js';
import { said, saidBoth, quoted, STAKES_WORDS, MATH_MARKERS, SECURITY_TOPIC, CONCURRENCY_PRIMITIVES } from './vocabulary.js';

/** Deep reasoning, or a wrong answer is costly (opus): design, concurrency, security, incidents, money, scale. */
export const STAKES_SIGNALS: readonly Signal[] = [
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
    detect: said(
      /\b(what's the plan|what is the plan|plan it|plan (the|a|for|our)|how (would|should|do) (you|we) (plan|approach|sequence)|in what order|order of work|prioriti[sz]ed (plan|list|roadmap)|with risks|phases|planejaria|planificar|planifier)\b/,
    ),
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
      /\b(prove|proof|derive|derivation|invariants?|formally|formal (model|verification|spec\w*)|competitive ratio|upper bound|lower bound|worst[- ]case bound|converges?|convergence|linearizab\w*|serializab\w*|starvation[- ]free\w*|starvation|liveness|safety propert\w*|tla\+|monoton\w*|np[- ]hard|(approximation|tight|competitive) (ratio|bound)|show (it's|it is|that it's|that it is) optimal|optimality)\b/,
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
      /\b(race conditions?|data races?|rac(e|es|ing) (with|against|between|on|when|and|each other)|can (two|both|\w+ )?(concurrent|parallel|simultaneous) \w+ race|deadlock\w*|livelock\w*|lock ordering|memory (ordering|model|orderings)|orderings|acquire\/release|seqcst|relaxed (load|store|ordering)|is (this|it) thread[- ]safe|not thread[- ]safe|thread[- ]safety|lock[- ]free|wait[- ]free|use[- ]after[- ]free|double[- ]free|dangling (pointer|reference)|heap corruption|async[- ]signal[- ]safe\w*|reentran(cy|t)\b|atomicity|torn (reads?|writes?)|lost updates?|happens[- ]before|aba problem|false sharing|priority inversion|double[- ]checked locking|(two|multiple|concurrent) (users|requests|workers|processes|clients|orders|jobs) (\w+ ){0,3}(get|got|see|receive|claim|book|reserve) the same|max\(\w*\) ?\+ ?1|memory_order_\w+|torn (values?|reads?|writes?)|on arm but|weak memory|ordering (problem|issue|bug)s?|out[- ]of[- ]order|stale (prices?|reads?|data|values?)|fences?|memory barriers?|store buffers?|reorder(ing|ed)?|peterson'?s|check[- ]then[- ]act|toctou|under concurrent (writes|access|load|requests)|concurrent (writes|updates|modification)|デッドロック|競合状態)\b/,
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
    detect: said(
      /\b(memory leak\w*|leak(s|ing)? memory|oom\w*|out of memory|rss|heap (dumps?|profiles?|snapshots?)|memory (grows|growth|keeps growing|climbs|increases)|gc pauses?|off-heap)\b|メモリリーク|fuite mémoire|vazamento de memória|fuga de memoria/,
    ),
    reason: (m) => `memory leak or OOM investigation (${quoted(m)})`,
  },
  {
    id: 'performance-investigation',
    group: 'performance',
    weight: 2,
    kind: 'stakes',
    taskClass: 'investigate',
    detect: saidBoth(
      /\b(investigate|attribute|isolate|pinpoint|bisect|narrow (it|this) down|figure out|find out|which change|what caused|responsible|where (do|should) (i|we) (look|start)|what's going on|whats going on|what is going on|root[- ]cause|diagnos\w*|how (do|would|should) (i|we|you) (investigate|debug|find|track|profile|approach|narrow)|in what order|調査)/,
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
      const phrase = prompt.instruction.match(
        /\b(things that changed|changes:|(right )?after (a|the) (release|deploy|rollout|upgrade) that|recently (changed|upgraded|switched|moved|added|migrated|bumped|enabled)|since we (switched|upgraded|moved|migrated|added|enabled|changed)|since (we|the) (upgrade|migration|switch)|after upgrading|only on (the )?new|never on the old|in the last (two|few|\d+) (weeks|days),? we)\b/,
      )?.[0];
      if (phrase) return phrase;
      const changes = prompt.instruction.match(
        /\b(upgrad(ed|ing)|switch(ed|ing)|mov(ed|ing)|bump(ed|ing)|add(ed|ing)|rais(ed|ing)|chang(ed|ing)|enabl(ed|ing)|migrat(ed|ing)|increas(ed|ing)|reduc(ed|ing)|turned on|started running)\b/g,
      );
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
      /(data[ _-]?loss|lose data|losing data|lost (data|quorum|writes)|corrupt\w*|destroy\w*|deleted|dropped (the|a|our)|quorum|split[- ]brain|is (red|down)|crash[- ]?loop\w*|outage|incident|\bsev ?[0-2]\b|next hour|right now|asap|urgent|on fire|failed over|other users|another (tenant|user|customer)|immediately|degraded|error rate|is down|(is |are )?erroring|ran halfway|partially applied|half the (tenants|users|customers|nodes|shards)|roll(ing)? (forward|back)|went down|stuck in|can't (log in|connect|deploy|start))/,
    ),
    reason: (m) => `live production incident (${quoted(m)})`,
  },
  {
    id: 'data-loss-risk',
    group: 'incident',
    weight: 3,
    kind: 'stakes',
    taskClass: 'investigate',
    detect: said(
      /(data[ _-]?loss|lose data|losing data|without losing|lost (data|quorum|writes)|corrupt(ed|ion)|quorum|split[- ]brain|cluster is (red|down)|outage|accept_data_loss|restore from (a )?(backup|snapshot)|(transactions|writes|rows|records|events|messages) (\w+ ){0,3}missing|missing (transactions|writes|rows|data)|already acknowledged|lost (\w+ ){0,3}(commits|data|work|records|files|emails|messages|events|orders))/,
    ),
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
    detect: said(
      /\b(without (hurting|affecting|degrading|losing) (reliability|availability|performance|latency|data)|never (execute|run|double|oversell|lose)|must never|exactly[- ]once|no (data )?loss|audit trail|compliance|gdpr|hipaa|pci|sox|regulat\w*|must not lose|never lose)\b/,
    ),
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
      /\b(services?|clusters?|databases?|db|apis?|pipelines?|accounts?|buckets?|aws|gcp|azure|cloud|bill|spend|platform|system|pipeline|infra\w*|stack|codebase|monolith|teams?|customers|users|engine|backend|deploy\w*|prod\w*|fleet|org)\b/,
    ),
    reason: () => 'about a team\'s own system ("we"/"our")',
  },
  {
    id: 'public-compatibility',
    group: 'compatibility',
    weight: 1.5,
    kind: 'stakes',
    taskClass: 'design',
    detect: said(
      /\b(breaking changes?|backward[- ]compat\w*|public (api|sdk|interface)|integrators|deprecat\w*|versioning strategy|third[- ]party (clients|consumers))\b/,
    ),
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
      /\b(distributed|multi[- ]region|cross[- ]region|globally|consensus|raft|paxos|2pc|two[- ]phase commit|3pc|quorum|crdts?|vector clocks?|(hybrid )?logical clocks?|lamport|eventual(ly)? consisten\w*|exactly[- ]once|at[- ]least[- ]once|split[- ]brain|leader election|last[- ]write[- ]wins|byzantine|clock skew|fencing tokens?|cap theorem|network partitions?|effectively[- ]once|network timeouts?|may or may not have|distributed transactions?|sagas?|transactional outbox|(services|systems) (disagree|diverge|drift)|(processe?d?|process(es|ing)|deliver(ed|s)?|execut(ed|es)|run(s)?|sen[dt]s?|charg(ed|es)) (\w+ ){0,4}twice|duplicate (deliver\w*|process\w*|messages|events|jobs)|rebalanc\w*|read[- ]your[- ]writes|causal consistency|across (regions|data ?centers)|\d+ (regions|data ?centers)|conflict resolution|offline[- ]first|sync protocol|real[- ]time collaboration|operational transform\w*)\b/,
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
    detect: said(
      /\b(fsync|wal|write[- ]ahead log|durab\w*|crash[- ]consisten\w*|synchronous_commit|torn (write|page)s?|power (loss|failure)|atomic rename|o_direct|journaling)\b/,
    ),
    reason: (m) => `durability or crash-safety question (${quoted(m)})`,
  },
  {
    id: 'document-synthesis',
    group: 'synthesis',
    weight: 3.5,
    kind: 'stakes',
    taskClass: 'design',
    detect: saidBoth(
      /\b(contradict\w*|disagree\w*|reconcil\w*|synthesi[sz]\w*|inconsisten\w*|conflict\w*|hidden assumptions?|common (root )?cause|in common|patterns? across|recurring|assumptions are hidden|where (do )?they differ)\b/,
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
];
