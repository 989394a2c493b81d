"""Equivalence twins: every recorded iptables case again, with nfplay's nftables translation of its rules loaded
instead (the scenario's "nft"), once idiomatic and once --compat. test/nft/kernel-equivalence.test.ts requires the
kernel's fates, egress and final headers of a twin to equal those of its origin, and the twin's "nft" to be what
the translator prints today: after a translator change, run this generator (generate.py nft_equiv) and record.py.

A twin is {"description", "scenario": {version, host, nft, packets}, "origin": "<group>/<name>", "translation":
"idiomatic" | "compat"}. The scenario has no "rules": the origin's case file holds them and its recording. Twins
are named <group>-<name> (idiomatic) and compat-<group>-<name>.

Left out, with the count printed: cases with ipsets ("sets"), -m statistic or "randomDraws" (the kernel draws at
random; the twin could not be steered), "random" fields (a NAT port picked at random), unrecorded origins, cases
that say why not ("noTwin": a reason), and every mode whose translation leaves a rule untranslated (its comment
and reason are printed).
"""
import collections
import json
import os
import subprocess
import sys

GROUP = 'nft-equiv'
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, '..', '..', '..'))
CASES = os.path.join(ROOT, 'test', 'kernel', 'cases')
MODES = ['idiomatic', 'compat']


def origins():
    """(group/name, case) of every iptables case: every group but the nft ones, except nft-origins."""
    for group in sorted(os.listdir(CASES)):
        d = os.path.join(CASES, group)
        if group.startswith('nft-') and group != 'nft-origins' or not os.path.isdir(d):
            continue
        for f in sorted(os.listdir(d)):
            if f.endswith('.json'):
                with open(os.path.join(d, f)) as fh:
                    yield f'{group}/{f[:-5]}', json.load(fh)


def unfit(case):
    """Why a case cannot have a twin at all, or None."""
    s = case['scenario']
    if 'kernel' not in case:
        return 'origin not recorded'
    if s.get('sets'):
        return 'ipsets ("sets")'
    if s.get('randomDraws') or '-m statistic' in s.get('rules', ''):
        return '-m statistic (random draws)'
    if case.get('random'):
        return 'a NAT port chosen at random'
    if case.get('noTwin'):
        return 'the case says why not ("noTwin")'
    return None


def translations(rules):
    """nfplay translate of each rules text, both modes, in one tsx process (tools/recorder/cases/nft-translations.ts)."""
    p = subprocess.run(['npx', '--no-install', 'tsx', os.path.join(HERE, 'nft-translations.ts')], cwd=ROOT,
                       input=json.dumps(rules), capture_output=True, text=True)
    if p.returncode:
        sys.exit(f'nft-translations.ts failed: {p.stderr.strip()}')
    return json.loads(p.stdout)


def cases():
    all_cases = list(origins())
    skipped = collections.Counter()
    fit = []
    for ref, case in all_cases:
        why = unfit(case)
        if why:
            skipped[why] += 1
        else:
            fit.append((ref, case))
    made = collections.Counter()
    for (ref, case), t in zip(fit, translations([c['scenario']['rules'] for _, c in fit])):
        for mode in MODES:
            out = t[mode]
            if out['code'] or out['stderr']:
                skipped[f'{mode}: untranslated rules'] += 1
                print(f'  {GROUP}: no {mode} twin for {ref}: ' + out['stderr'].strip().replace('\n', '\n      '),
                      file=sys.stderr)
                continue
            s = case['scenario']
            scn = {'version': s['version'], 'host': s['host'], 'nft': out['stdout'], 'packets': s['packets']}
            group, name = ref.split('/')
            made[mode] += 1
            yield (f'{group}-{name}' if mode == 'idiomatic' else f'compat-{group}-{name}',
                   f'{case["description"]} (nfplay\'s {mode} translation of {ref})', scn,
                   {'origin': ref, 'translation': mode})
    print(f'  {GROUP}: {len(all_cases)} iptables cases, twins: ' + ', '.join(f'{m} {made[m]}' for m in MODES) +
          '; left out: ' + ', '.join(f'{why} {n}' for why, n in sorted(skipped.items())), file=sys.stderr)
