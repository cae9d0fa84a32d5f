import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { classifyPrefix, type PrefixInfo } from '../../functions/core/prefix.ts';

function action(prefix: string): string | null {
  return classifyPrefix(prefix).action;
}

function expectActions(cases: Array<[string, string | null]>): void {
  for (const [prefix, expected] of cases) {
    const info = classifyPrefix(prefix);
    assert.deepEqual(info, { action: expected, ruleSet: null, ruleNumber: null }, JSON.stringify(prefix));
  }
}

describe('classifyPrefix', () => {
  test('empty prefix says nothing', () => {
    assert.deepEqual(classifyPrefix(''), { action: null, ruleSet: null, ruleNumber: null });
  });

  test('UFW', () => {
    expectActions([
      ['[UFW BLOCK]', 'block'],
      ['[UFW ALLOW]', 'allow'],
      ['[UFW AUDIT]', 'log'],
      ['[UFW AUDIT INVALID]', 'log'],
      ['[UFW LIMIT BLOCK]', 'block'],
      ['[UFW BLOCK INVALID]', 'block'],
      ['[UFW SOMETHING BLOCK ELSE]', 'block'],
    ]);
  });

  test('firewalld', () => {
    expectActions([
      ['FINAL_REJECT:', 'reject'],
      ['filter_IN_public_REJECT:', 'reject'],
      ['filter_IN_public_DROP:', 'drop'],
      ['filter_IN_public_ALLOW:', 'allow'],
      ['STATE_INVALID_DROP:', 'drop'],
      ['IN_public_DROP:', 'drop'],
      ['filter_FWD_public_REJECT:', 'reject'],
      // `drop`, `block` and `trusted` are real firewalld zones: the verdict at the end decides.
      ['filter_IN_drop_DROP:', 'drop'],
      ['filter_IN_block_REJECT:', 'reject'],
      ['filter_IN_drop_ALLOW:', 'allow'],
    ]);
  });

  test('Shorewall', () => {
    expectActions([
      ['Shorewall:net2fw:DROP:', 'drop'],
      ['Shorewall:net2fw:REJECT:', 'reject'],
      ['Shorewall:fw2net:ACCEPT:', 'allow'],
      ['Shorewall:net2fw:LOG:', 'log'],
      ['Shorewall:loc2net:LOG:', 'log'],
      ['Shorewall:net2fw:A_DROP:', 'drop'],
      // Only the disposition counts, not the chain name.
      ['Shorewall:drop:ACCEPT:', 'allow'],
      ['Shorewall:net2fw:NFQUEUE:', null],
      ['Shorewall:', null],
    ]);
  });

  test('OpenWrt fw4 and fw3', () => {
    expectActions([
      ['reject wan in:', 'reject'],
      ['drop wan in:', 'drop'],
      ['drop wan forward:', 'drop'],
      ['DROP(src wan)', 'drop'],
      ['REJECT(src wan)', 'reject'],
      ['ACCEPT(dest lan)', 'allow'],
    ]);
  });

  test('EdgeRouter and VyOS give rule set and rule number', () => {
    const cases: Array<[string, PrefixInfo]> = [
      ['[WAN_LOCAL-default-D]', { action: 'drop', ruleSet: 'WAN_LOCAL', ruleNumber: 'default' }],
      ['[RULE_IN-2001-A]', { action: 'allow', ruleSet: 'RULE_IN', ruleNumber: '2001' }],
      ['[WAN_IN-10-D]', { action: 'drop', ruleSet: 'WAN_IN', ruleNumber: '10' }],
      ['[WAN_IN-20-R]', { action: 'reject', ruleSet: 'WAN_IN', ruleNumber: '20' }],
      ['[ipv6-WAN6_IN-default-D]', { action: 'drop', ruleSet: 'ipv6-WAN6_IN', ruleNumber: 'default' }],
      ['[ipv4-FWD-filter-default-D]', { action: 'drop', ruleSet: 'ipv4-FWD-filter', ruleNumber: 'default' }],
      ['[ipv4-NAM-LAN_IN-10-A]', { action: 'allow', ruleSet: 'ipv4-NAM-LAN_IN', ruleNumber: '10' }],
    ];
    for (const [prefix, expected] of cases) assert.deepEqual(classifyPrefix(prefix), expected, prefix);
  });

  test('only the exact EdgeRouter shape gives a rule set', () => {
    for (const prefix of [
      '[WAN_IN-10-X]', // unknown letter
      '[WAN_IN-ten-D]', // not a number
      '[-10-D]', // no rule set
      '[WAN_IN-10-D', // unclosed
      'x[WAN_IN-10-D]', // text around it
      '[WAN_IN-10-D]x',
      '[WAN IN-10-D]', // space in the rule set
      '[WAN_IN-10-d]', // lowercase letter
      '[WAN_IN--D]',
    ]) {
      const info = classifyPrefix(prefix);
      assert.equal(info.ruleSet, null, prefix);
      assert.equal(info.ruleNumber, null, prefix);
    }
    // Not EdgeRouter, but the generic words still apply.
    assert.equal(action('[WAN_IN-ten-D]'), null);
    assert.equal(action('[WAN_DROP-ten-D]'), 'drop');
  });

  test('generic verdict words, any case, whole words only', () => {
    expectActions([
      ['filter/INPUT:', null],
      ['nft-drop:', 'drop'],
      ['IPTables-Dropped:', 'drop'],
      ['iptables denied:', 'drop'],
      ['DENY IN', 'drop'],
      ['REJECTED:', 'reject'],
      ['fw blocked', 'block'],
      ['BLOCKLIST-HIT', 'block'],
      ['accepted ssh', 'allow'],
      ['Allowed-In:', 'allow'],
      ['pass out', 'allow'],
      ['LOG:', 'log'],
      ['audit-in', 'log'],
      ['LOGDROP:', 'drop'],
      ['drop1', 'drop'], // digits separate words
      // Not whole words:
      ['LOGIN', null],
      ['SHALLOW', null],
      ['DROPBEAR', null],
      ['PASSWORD', null],
      ['UNBLOCKABLE', null],
      ['catalog', null],
      ['SSH-BRUTEFORCE', null],
      ['IN-wan', null],
    ]);
  });

  test('the more decisive word wins', () => {
    expectActions([
      ['LOG_DROP', 'drop'],
      ['DROP_LOG', 'drop'],
      ['LOG-ACCEPT', 'allow'],
      ['audit reject', 'reject'],
      ['[UFW AUDIT BLOCK]', 'block'],
      ['DROP-NOT-ALLOWED', 'drop'],
      ['BLOCK-DROP', 'drop'],
      ['DROP-REJECT', 'reject'],
    ]);
  });

  test('results are cached and shared, and frozen', () => {
    const a = classifyPrefix('[UFW BLOCK] cache test');
    const b = classifyPrefix('[UFW BLOCK] cache test');
    assert.equal(a, b);
    assert.ok(Object.isFrozen(a));
    assert.throws(() => {
      (a as { action: string | null }).action = 'allow';
    });
    assert.equal(classifyPrefix('[UFW BLOCK] cache test').action, 'block');
  });

  test('stays correct past the cache cap', () => {
    for (let i = 0; i < 12_000; i++) {
      assert.equal(action(`cap-${i}-DROP`), 'drop');
      assert.deepEqual(classifyPrefix(`[CAP-${i}-A]`), {
        action: 'allow',
        ruleSet: 'CAP',
        ruleNumber: `${i}`,
      });
    }
  });
});
