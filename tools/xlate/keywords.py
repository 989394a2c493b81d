#!/usr/bin/python3
"""Which chain names nft 1.0.6 cannot read (src/nft/names.ts KEYWORDS): every chain name of
../shared/corpus and nft's statement words, each loaded as a chain with nft -c inside a throwaway
network namespace. Prints the words that fail.

  sudo /usr/bin/python3 tools/xlate/keywords.py [WORD ...]"""
import glob, os, re, subprocess, sys, tempfile

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '../..'))
NS = f'nfx-kw-{os.getpid()}'
WORDS = ('accept add all and any arp at ah bridge by chain comment continue counter ct daddr delete describe dnat '
         'drop dport element esp ether exists filter flags flow fib goto hook icmp icmpv6 ifname iif iifname inet insert '
         'ip ip6 jump l4proto limit log map mark masquerade meta missing monitor nat netdev notrack oif oifname or '
         'policy priority protocol queue quota random redirect reject rename replace return route rule saddr sctp set '
         'snat sport state table tcp th to type udp udplite update vmap xor define include flush list reset export '
         'import handle position index over timeout dynamic interval constant elements size gc-interval tproxy socket '
         'osf fwd dup time cgroup cpu day hour device devices flowtable synproxy secmark').split()


def main():
    words = set(sys.argv[1:]) or set(WORDS)
    if not sys.argv[1:]:
        for f in glob.glob(os.path.join(ROOT, '../shared/corpus/real/*.rules')):
            t = open(f, errors='replace').read()
            words |= set(re.findall(r'^:(\S+)', t, re.M)) | set(re.findall(r'-[NAIjg] (\S+)', t))
    words = sorted(w for w in words if re.match(r'^[a-zA-Z_][a-zA-Z0-9_/\\.-]*$', w))
    subprocess.run(['ip', 'netns', 'add', NS], check=True)
    bad = []
    try:
        for w in words:
            with tempfile.NamedTemporaryFile('w', suffix='.nft', delete=False) as f:
                f.write(f'add table ip t\nadd chain ip t {w}\nadd rule ip t {w} counter jump {w}\n')
            if subprocess.run(['ip', 'netns', 'exec', NS, 'nft', '-c', '-f', f.name], capture_output=True).returncode:
                bad.append(w)
            os.unlink(f.name)
    finally:
        subprocess.run(['ip', 'netns', 'del', NS])
    print(' '.join(bad))


if __name__ == '__main__':
    main()
