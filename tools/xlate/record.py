#!/usr/bin/python3
"""Records the reference translator's truth into test/nft/cases/*.cases (run as root):
for every `rule:`, iptables-translate's output (ref) and whether `nft -c -f` accepts it (ref-check);
nfplay's --compat output where it differs (ours) and nft -c of nfplay's whole --compat and idiomatic
text (ours-check, idiomatic-check). Everything runs inside a throwaway network namespace.

  sudo /usr/bin/python3 tools/xlate/record.py [test/nft/cases/FILE.cases ...] [--keep-ref]

--keep-ref keeps recorded ref/ref-check (only nfplay's side is refreshed)."""
import glob, json, os, re, shlex, subprocess, sys, tempfile

sys.path.insert(0, os.path.dirname(__file__))
import cases as C

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '../..'))
NS = f'nfx-rec-{os.getpid()}'
BUILTIN = {
    'filter': ['INPUT', 'FORWARD', 'OUTPUT'], 'raw': ['PREROUTING', 'OUTPUT'], 'security': ['INPUT', 'FORWARD', 'OUTPUT'],
    'mangle': ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'], 'nat': ['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING'],
}
PRIO = {'raw': -300, 'mangle': -150, 'filter': 0, 'security': 50}
TARGETS = set('ACCEPT DROP RETURN QUEUE REJECT LOG NFLOG ULOG MARK CONNMARK NOTRACK CT TRACE DNAT SNAT MASQUERADE REDIRECT NETMAP TCPMSS TOS DSCP TTL CLASSIFY CHECKSUM NFQUEUE TPROXY SET AUDIT SECMARK CONNSECMARK ROUTE TEE LED IDLETIMER HMARK ECN HL CLUSTERIP DNPT SNPT TCPOPTSTRIP RATEEST SYNPROXY TARPIT'.split())


def run(cmd, **kw):
    return subprocess.run(['ip', 'netns', 'exec', NS] + cmd, capture_output=True, text=True, **kw)


def split(rule):
    """(table, args without the program name and -t)."""
    a = shlex.split(rule)[1:]
    table, out, i = 'filter', [], 0
    while i < len(a):
        if a[i] in ('-t', '--table') and i + 1 < len(a):
            table = a[i + 1]
            i += 2
            continue
        out.append(a[i])
        i += 1
    return table, out


def xlate(rule):
    table, args = split(rule)
    for i, t in enumerate(args):
        if t in ('--match-set', '--add-set', '--del-set') and i + 1 < len(args):
            run(['ipset', 'create', '-exist', args[i + 1], 'hash:net'])
    p = run(['iptables-translate', '-t', table] + args)
    stmts, comments = [], []
    for line in p.stdout.splitlines():
        s = line.strip()
        if s.startswith('nft '):
            s = s[4:].strip()
        if len(s) >= 2 and s[0] == "'" and s[-1] == "'":
            s = s[1:-1]
        if s.startswith('#'):
            comments.append(s.rstrip())
        elif s and s != 'nft':
            stmts.append(s)
    if p.returncode != 0:
        err = ' '.join(l for l in p.stderr.splitlines() if l.strip() and not l.startswith('Try `'))
        return 'ERROR: ' + err[:300]
    return ' ; '.join(stmts or comments)


def chains(rule):
    table, args = split(rule)
    out = set()
    for i, t in enumerate(args):
        if t in ('-A', '-I', '--append', '--insert', '-j', '-g', '--jump', '--goto') and i + 1 < len(args):
            if args[i + 1] not in TARGETS:
                out.add(args[i + 1])
    return table, out


def check(text):
    with tempfile.NamedTemporaryFile('w', suffix='.nft', delete=False) as f:
        f.write(text)
        fn = f.name
    p = run(['nft', '-c', '-f', fn])
    os.unlink(fn)
    if p.returncode == 0:
        return 'ok'
    err = ' '.join(l.strip() for l in p.stderr.splitlines() if 'Error' in l).replace(fn, 'FILE')[:200]
    # This kernel has no nft_queue: a queue statement is valid nft that cannot be loaded here.
    if 'No such file or directory' in err and re.search(r'\bqueue\b', text):
        return 'env: ' + err
    return 'fail: ' + err


def ref_text(rule, ref):
    table, cs = chains(rule)
    lines = [f'add table ip {table}']
    for c in sorted(cs):
        if c in BUILTIN.get(table, []):
            typ = 'nat' if table == 'nat' else 'route' if (table, c) == ('mangle', 'OUTPUT') else 'filter'
            prio = {'PREROUTING': -100, 'OUTPUT': -100}.get(c, 100) if table == 'nat' else PRIO.get(table, 0)
            lines.append(f'add chain ip {table} {c} {{ type {typ} hook {c.lower()} priority {prio}; }}')
        else:
            lines.append(f'add chain ip {table} {c}')
    return '\n'.join(lines + ref.split(' ; ')) + '\n'


def main():
    keep = '--keep-ref' in sys.argv
    files = [a for a in sys.argv[1:] if not a.startswith('--')] or sorted(glob.glob(os.path.join(ROOT, 'test/nft/cases/*.cases')))
    subprocess.run(['ip', 'netns', 'add', NS], check=True)
    try:
        for path in files:
            head, cs = C.read(path)
            rules = [c['rule'] for c in cs]
            p = subprocess.run(['npx', 'tsx', os.path.join(ROOT, 'tools/xlate/nfplay-cases.ts')], input=json.dumps(rules),
                               capture_output=True, text=True, cwd=ROOT, check=True)
            ours = json.loads(p.stdout)
            for c, o in zip(cs, ours):
                if not keep or 'ref' not in c:
                    c['ref'] = xlate(c['rule'])
                    ref = c['ref']
                    c['ref-check'] = 'n/a' if ref.startswith(('#', 'ERROR')) or not ref else check(ref_text(c['rule'], ref))
                for k in ('ours', 'ours-check', 'idiomatic-check', 'note'):
                    c.pop(k, None)
                if 'error' in o:
                    c['ours'] = 'ERROR: ' + o['error']
                    continue
                if o['compat'] != c['ref']:
                    c['ours'] = o['compat']
                if o['notes']:
                    c['note'] = o['notes']
                c['ours-check'] = check(o['compatText'])
                c['idiomatic-check'] = check(o['idiomatic'])
            C.write(path, head, cs)
            n = len(cs)
            same = sum(1 for c in cs if 'ours' not in c)
            print(f'{os.path.relpath(path, ROOT)}: {n} cases, {same} equal to the reference')
    finally:
        subprocess.run(['ip', 'netns', 'del', NS])


if __name__ == '__main__':
    main()
