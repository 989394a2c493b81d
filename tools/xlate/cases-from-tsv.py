#!/usr/bin/python3
"""Writes test/nft/cases/corpus.cases from ../shared/corpus/rules-xlate.tsv: every IPv4 row taken from a
real ruleset or a hand-written shape (the upstream-test rows stay out: their cases are GPL), with the
reference output and nft -c result recorded there. record.py then adds nfplay's side.

  /usr/bin/python3 tools/xlate/cases-from-tsv.py [../shared/corpus/rules-xlate.tsv]"""
import os, sys

sys.path.insert(0, os.path.dirname(__file__))
import cases as C

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '../..'))
tsv = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, '../shared/corpus/rules-xlate.tsv')
out = []
for line in open(tsv, encoding='utf-8', errors='surrogateescape').read().split('\n')[1:]:
    f = line.split('\t')
    if len(f) < 8 or f[4] != 'ip' or not f[3].startswith(('real:', 'hand:')):
        continue
    rule, ref, chk, err = f[0], f[1], f[2], f[7]
    if not rule.startswith('iptables '):
        continue
    c = {'rule': rule, 'ref': ref, 'ref-check': 'ok' if chk == 'ok' else 'n/a' if chk == 'n/a' else 'fail: ' + err.replace('\n', ' ')[:200]}
    out.append(c)
head = ['# Every IPv4 rule shape of ../shared/corpus (rules-xlate.tsv rows from real/ and hand-written shapes),',
        '# with iptables-translate v1.8.9 output and nft -c (nftables 1.0.6) as recorded there; nfplay\'s side by',
        '# tools/xlate/record.py. Format: tools/xlate/cases.py.']
C.write(os.path.join(ROOT, 'test/nft/cases/corpus.cases'), head, out)
print(len(out), 'cases')
