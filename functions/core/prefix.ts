/**
 * What a rule's log prefix says about the packet: the action the rule took
 * and, for EdgeRouter/VyOS-style prefixes, which rule set and rule logged it.
 *
 * The prefix is free text chosen by whoever wrote the rule (iptables
 * `--log-prefix`, at most 29 characters; nftables `log prefix "..."`), so this
 * reads the conventions of the firewall front ends that generate them and
 * falls back to looking for verdict words:
 *
 * - EdgeRouter (EdgeOS) and VyOS: `[WAN_LOCAL-default-D]`, `[RULE_IN-2001-A]`,
 *   `[ipv6-WAN6_IN-default-D]`, VyOS 1.4 `[ipv4-FWD-filter-default-D]`:
 *   rule set, rule number (or `default`), one letter A/D/R. Read exactly.
 * - Shorewall: `Shorewall:<chain>:<disposition>:` (default LOGFORMAT). Only the
 *   disposition counts (`A_DROP`, the audited form, is a drop), never the chain.
 * - firewalld: `<table>_<chain>_<zone>_<VERDICT>:` (`filter_IN_public_REJECT:`),
 *   `FINAL_REJECT:`, `STATE_INVALID_DROP:`. The verdict is the last `_` part;
 *   it must win over the zone name, since `drop` and `block` are real zones
 *   (`filter_IN_block_REJECT:` is a reject).
 * - UFW: `[UFW BLOCK]`, `[UFW ALLOW]`, `[UFW AUDIT]`, `[UFW AUDIT INVALID]`,
 *   `[UFW LIMIT BLOCK]`: handled by the generic verdict words.
 * - OpenWrt: fw4 (nftables) `reject wan in: `, `drop wan in: `; fw3 (iptables)
 *   `DROP(src wan)`, `REJECT(src wan)`, `ACCEPT(dest lan)`: generic words too.
 * - Anything else: whole words (runs of letters, any case) from VERDICT_WORDS.
 *   When several appear, the most decisive wins (see RANK): any verdict beats
 *   `log`, so `LOG_DROP` is a drop. `filter/INPUT:` says nothing: null.
 */

export interface PrefixInfo {
  action: string | null;
  ruleSet: string | null;
  ruleNumber: string | null;
}

/**
 * Derives the action (one of 'block' | 'allow' | 'reject' | 'drop' | 'log' | null) and, for EdgeRouter/VyOS style
 * prefixes, the rule set and rule number. Must be cheap: called on every line. Results are cached in a Map keyed by
 * the prefix string (a firewall has few distinct prefixes); the cache stops growing at MAX_CACHED entries.
 *
 * The returned object is shared between calls (and frozen): copy its fields, do not keep or change it.
 */
export function classifyPrefix(prefix: string): PrefixInfo {
  const hit = cache.get(prefix);
  if (hit !== undefined) return hit;
  const info = classify(prefix);
  if (cache.size < MAX_CACHED) cache.set(prefix, info);
  return info;
}

const MAX_CACHED = 10_000;
const cache = new Map<string, PrefixInfo>();

function info(
  action: string | null,
  ruleSet: string | null = null,
  ruleNumber: string | null = null,
): PrefixInfo {
  return Object.freeze({ action, ruleSet, ruleNumber });
}

const NOTHING = info(null);
/** Shared results for the common case of a prefix that only names an action. */
const ACTION_ONLY: Record<string, PrefixInfo> = {
  block: info('block'),
  allow: info('allow'),
  reject: info('reject'),
  drop: info('drop'),
  log: info('log'),
};

function actionOnly(action: string | null): PrefixInfo {
  return action === null ? NOTHING : ACTION_ONLY[action];
}

/**
 * EdgeRouter/VyOS: `[<rule set>-<number|default>-<A|D|R|C|J|Q>]`, nothing else around it. The rule set may itself contain
 * `-` (`ipv6-WAN6_IN`, VyOS 1.4 `ipv4-FWD-filter`, `ipv4-NAM-LAN_IN`): it is everything before the last two parts.
 */
const EDGE = /^\[([^\s[\]]+)-(\d+|default)-([ADRCJQ])\]$/;
/** VyOS also logs C (continue: the rule only logs), J (jump) and Q (queue), which decide nothing yet. */
const EDGE_ACTION: Record<string, string | null> = {
  A: 'allow',
  D: 'drop',
  R: 'reject',
  C: 'log',
  J: null,
  Q: null,
};

/** firewalld: `_`-joined parts ending in the verdict and a colon. */
const FIREWALLD = /^[A-Za-z0-9_-]+_(REJECT|DROP|ACCEPT|ALLOW|DENY):$/;

/** Whole words (upper-cased) that name an action. */
const VERDICT_WORDS = new Map<string, string>([
  ['DROP', 'drop'],
  ['DROPPED', 'drop'],
  ['DENY', 'drop'],
  ['DENIED', 'drop'],
  ['LOGDROP', 'drop'], // common hand-made chain/prefix name
  ['REJECT', 'reject'],
  ['REJECTED', 'reject'],
  ['LOGREJECT', 'reject'],
  ['BLOCK', 'block'],
  ['BLOCKED', 'block'],
  ['BLOCKLIST', 'block'],
  ['BLACKLIST', 'block'],
  ['ACCEPT', 'allow'],
  ['ACCEPTED', 'allow'],
  ['ALLOW', 'allow'],
  ['ALLOWED', 'allow'],
  ['PASS', 'allow'],
  ['PASSED', 'allow'],
  ['LOGACCEPT', 'allow'],
  ['LOG', 'log'],
  ['LOGGED', 'log'],
  ['AUDIT', 'log'],
]);

/**
 * When a prefix names more than one action, the higher rank wins. Any verdict beats `log` (a LOG rule placed before
 * the verdict says what the verdict is); a denial beats `allow` (`DROP_NOT_ALLOWED`); `reject` (a reply was sent)
 * is the most specific denial, `block` the vaguest.
 */
const RANK: Record<string, number> = { log: 1, allow: 2, block: 3, drop: 4, reject: 5 };

function classify(prefix: string): PrefixInfo {
  if (prefix.length === 0) return NOTHING;

  const edge = EDGE.exec(prefix);
  if (edge !== null) return info(EDGE_ACTION[edge[3]], edge[1], edge[2]);

  if (prefix.startsWith('Shorewall:')) {
    // The disposition is the last field; Shorewall ends the prefix with ':'.
    const fields = prefix.split(':');
    let last = fields.length - 1;
    while (last > 1 && fields[last] === '') last--;
    return actionOnly(last > 1 ? wordsAction(fields[last]) : null);
  }

  const fw = FIREWALLD.exec(prefix);
  if (fw !== null) return actionOnly(wordsAction(fw[1]));

  return actionOnly(wordsAction(prefix));
}

/** The highest-ranked action named by a whole word (a maximal run of ASCII letters) of `text`, or null. */
function wordsAction(text: string): string | null {
  let best: string | null = null;
  let i = 0;
  const n = text.length;
  while (i < n) {
    while (i < n && !isLetter(text.charCodeAt(i))) i++;
    const start = i;
    while (i < n && isLetter(text.charCodeAt(i))) i++;
    if (i === start) break;
    // Longest verdict word is 11 letters: skip longer words without allocating.
    if (i - start > 11) continue;
    const action = VERDICT_WORDS.get(text.slice(start, i).toUpperCase());
    if (action !== undefined && (best === null || RANK[action] > RANK[best])) best = action;
  }
  return best;
}

function isLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}
