#!/usr/bin/python3
"""nft -c of nfplay's idiomatic and --compat translation of every ruleset of ../shared/corpus/real
(inside a throwaway network namespace), with rule counts; writes test/nft/corpus-check.md.

  sudo /usr/bin/python3 tools/xlate/check-corpus.py"""
import json, os, re, subprocess, sys, tempfile

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '../..'))
NS = f'nfx-corpus-{os.getpid()}'


def check(text):
    with tempfile.NamedTemporaryFile('w', suffix='.nft', delete=False) as f:
        f.write(text)
        fn = f.name
    p = subprocess.run(['ip', 'netns', 'exec', NS, 'nft', '-c', '-f', fn], capture_output=True, text=True)
    os.unlink(fn)
    if p.returncode == 0:
        return 'ok'
    err = ' '.join(l.strip() for l in p.stderr.splitlines() if 'Error' in l).replace(fn, 'FILE')[:160]
    # As record.py: this kernel has no nft_queue, so a queue statement is valid nft that cannot load here.
    if 'No such file or directory' in err and re.search(r'\bqueue\b', text):
        return 'env (no nft_queue here): ' + err
    return 'fail: ' + err


def main():
    p = subprocess.run(['npx', 'tsx', os.path.join(ROOT, 'tools/xlate/corpus-translations.ts')], capture_output=True, text=True, cwd=ROOT, check=True)
    files = json.loads(p.stdout)
    subprocess.run(['ip', 'netns', 'add', NS], check=True)
    rows = []
    try:
        for f in files:
            rows.append((f, check(f['idiomatic']['text']), check(f['compat']['text'])))
    finally:
        subprocess.run(['ip', 'netns', 'del', NS])
    out = ['# nfplay translations of ../shared/corpus/real, checked with nft -c (nftables 1.0.6)', '',
           'Recorded by `tools/xlate/check-corpus.py`. Rules that fail to parse are left out of both translations.', '',
           '| file | parse errors | iptables rules | compat rules | idiomatic rules | untranslated | idiomatic nft -c | compat nft -c |',
           '|---|---:|---:|---:|---:|---:|---|---|']
    for f, ci, cc in rows:
        out.append(f"| {f['file']} | {f['errors']} | {f['input']} | {f['compat']['rules']} | {f['idiomatic']['rules']} | {f['idiomatic']['untranslated']} | {ci} | {cc} |")
    clean = [(f, ci) for f, ci, _ in rows if f['errors'] == 0]
    out += ['', f"Files that parse without errors: {len(clean)}; idiomatic nft -c ok: {sum(1 for _, c in clean if c == 'ok')}; "
            f"rules compat {sum(f['compat']['rules'] for f, _ in clean)} -> idiomatic {sum(f['idiomatic']['rules'] for f, _ in clean)}."]
    open(os.path.join(ROOT, 'test/nft/corpus-check.md'), 'w').write('\n'.join(out) + '\n')
    print('\n'.join(out))


if __name__ == '__main__':
    main()
