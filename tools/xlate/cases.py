"""Case files of test/nft/cases: blocks of `key: value` lines separated by blank lines, `#` comments.
Keys: rule (the iptables command), ref (iptables-translate's statements joined with ` ; `, `# ...`
when it comments the rule out, `ERROR: ...` when it refuses it), ref-check (`nft -c` of ref: ok, fail: why,
env: why), ours / ours-check (nfplay --compat where it differs from ref), idiomatic-check."""
import os

KEYS = ['rule', 'ref', 'ref-check', 'ours', 'ours-check', 'idiomatic-check', 'note']


def read(path):
    head, cases, cur = [], [], None
    for line in open(path, encoding='utf-8'):
        line = line.rstrip('\n')
        if not line.strip():
            cur = None
            continue
        if line.startswith('#') and cur is None:
            if not cases:
                head.append(line)
            continue
        k, _, v = line.partition(': ')
        if k == 'rule' or cur is None:
            cur = {}
            cases.append(cur)
        if k == 'note':
            cur.setdefault('note', []).append(v)
        else:
            cur[k] = v
    return head, cases


def write(path, head, cases):
    out = list(head) + ['']
    for c in cases:
        for k in KEYS:
            if k not in c:
                continue
            for v in (c[k] if isinstance(c[k], list) else [c[k]]):
                out.append(f'{k}: {v}')
        out.append('')
    tmp = path + '.tmp'
    with open(tmp, 'w', encoding='utf-8') as f:
        f.write('\n'.join(out))
    os.replace(tmp, path)
