#!/usr/bin/env python3
"""Print recorded cases compactly: python3 tools/recorder/show.py CASE.json ... [--counters]"""
import json
import sys
sys.dont_write_bytecode = True  # no __pycache__ in the repository


def steps(trace):
    return ' > '.join(f'{s["table"]}/{s["chain"]}' + (f'#{s["rule"]}' if s['rule'] else '') + f' {s["verdict"]}'
                      for s in trace) or '-'


def line(p, res):
    what = p.get('what') or f'{p["from"]} {p["src"]}>{p["dst"]} {p["proto"]}' + \
        (f' {p.get("sport", "")}>{p.get("dport", "")}' if 'sport' in p or 'dport' in p else '') + \
        (f' {",".join(p["flags"])}' if p.get('flags') else '') + (f' {p["icmpType"]}' if 'icmpType' in p else '')
    fate = res['fate'] + (f' {res["out"]}' if res.get('out') else '')
    return f'{what}\n      {fate} [{res["ctState"]}] {steps(res["trace"])}' + \
        (f'\n      final {res["final"]}' if res.get('final') else '')


def main(paths):
    counters = '--counters' in paths
    for path in [p for p in paths if not p.startswith('--')]:
        case = json.load(open(path))
        print(f'== {path}\n   {case["description"]}')
        k = case.get('kernel')
        if not k:
            print('   (not recorded)')
            continue
        for i, (p, r) in enumerate(zip(case['scenario']['packets'], k['packets'])):
            print(f'  {i}: ' + line(p, r))
            for g in r.get('generated', []):
                print('     + ' + line(g, g))
        if counters:
            print('   ' + k['counters'].replace('\n', '\n   '))


if __name__ == '__main__':
    main(sys.argv[1:])
