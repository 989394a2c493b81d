#!/usr/bin/python3
"""Record what the Linux kernel does with a scenario (DESIGN.md sections 2 and 3) into its case file.

    sudo /usr/bin/python3 tools/recorder/record.py [--check] [-j N] [CASE.json | DIR ...]

Each case is {"description", "scenario", "kernel"}; "kernel" is (re)written from a real run in sealed
network namespaces. --check re-records and reports differences without writing. See README.md.
"""
import argparse
import errno
import ipaddress
import json
import os
import platform
import re
import shlex
import socket
import sys
import time
import traceback
from concurrent.futures import ProcessPoolExecutor

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.dont_write_bytecode = True  # no __pycache__ in the repository
import netns  # noqa: E402
import nftrace  # noqa: E402
import packets  # noqa: E402
from jsonfmt import dumps  # noqa: E402

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..'))
CASES = os.path.join(ROOT, 'test', 'kernel', 'cases')
PACKET_OUTGOING = 4

# Our own table. fin is loaded before anything enables conntrack, so the conntrack confirm hook (same
# priority, registered later) runs before it: delivered packets are confirmed, then dropped before a socket
# (or the stack's own RST / echo reply) sees them.
FIN = 'table ip nfrec {\n chain fin { type filter hook input priority 2147483647; policy drop; }\n}\n'
STATES = ['new', 'established', 'related', 'invalid', 'untracked']
PROBES = 'table ip nfrec {\n' + ''.join(
    f' chain {name} {{ type filter hook {hook} priority {prio};\n' + body + ' }\n'
    for name, hook, prio, body in [
        ('tpre', 'prerouting', -500, '  meta nftrace set 1\n'),  # trace everything, before raw (-300)
        ('tout', 'output', -500, '  meta nftrace set 1\n'),
        # between conntrack (-200) and mangle (-150): which state the lookup gave
        ('ctpre', 'prerouting', -180, ''.join(f'  ct state {s} counter\n' for s in STATES)),
        ('ctout', 'output', -180, ''.join(f'  ct state {s} counter\n' for s in STATES)),
        ('post', 'postrouting', 1000, '  counter\n'),  # after SNAT (100): the packet leaves netfilter
    ]) + '}\n'

TERMINAL = {'ACCEPT', 'DROP', 'REJECT', 'RETURN', 'DNAT', 'SNAT', 'MASQUERADE', 'REDIRECT', 'NETMAP'}
KERNEL_VERDICT = {'ACCEPT': 'accept', 'DROP': 'drop', 'REJECT': 'drop', 'RETURN': 'return', 'DNAT': 'accept',
                  'SNAT': 'accept', 'MASQUERADE': 'accept', 'REDIRECT': 'accept', 'NETMAP': 'accept',
                  'CONTINUE': 'continue', 'JUMP': 'jump', 'GOTO': 'goto'}
# nft statements whose verdict the kernel reports as accept or drop, named as in iptables traces
NFT_NAMED = {'reject': 'REJECT', 'dnat': 'DNAT', 'snat': 'SNAT', 'masquerade': 'MASQUERADE', 'redirect': 'REDIRECT',
             'synproxy': 'SYNPROXY'}
IPV4 = re.compile(r'(?<![\d.])(\d{1,3}(?:\.\d{1,3}){3})(?![\d.])')


class CaseError(Exception):
    pass


# ---------------------------------------------------------------- rules and sets

def rules_kind(text):
    lines = [l.strip() for l in text.splitlines() if l.strip() and not l.strip().startswith('#')]
    return 'save' if any(l.startswith('*') for l in lines) else 'script'


def script_commands(text):
    """A script of `iptables ...` commands, or an `iptables -S` listing, as argument vectors."""
    cmds = []
    for n, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith('#'):
            continue
        args = shlex.split(line)
        if args[0].startswith('-'):
            args = ['iptables'] + args
        if args[0] != 'iptables':
            raise CaseError(f'rules line {n}: not an iptables command: {line}')
        cmds.append((n, args))
    return cmds


def ipset_restore(sets):
    lines, later = [], []
    for name, s in sets.items():
        create = f'create {name} {s["type"]}' + (f' range {s["range"]}' if s.get('range') else '') + \
                 (f' {s["options"]}' if s.get('options') else '')
        (later if s['type'] == 'list:set' else lines).append(create)
    for name, s in sets.items():
        (later if s['type'] == 'list:set' else lines).extend(f'add {name} {m}' for m in s.get('members', []))
    return '\n'.join(lines + later) + '\n'


def parse_save(text):
    """iptables-save text -> {(table, chain): [rule line, ...]} and the set of user chains per table."""
    rules, user, table = {}, {}, None
    for line in text.splitlines():
        if line.startswith('*'):
            table = line[1:].strip()
            user.setdefault(table, set())
        elif line.startswith(':'):
            name, policy = line[1:].split()[:2]
            rules.setdefault((table, name), [])
            if policy == '-':
                user[table].add(name)
        elif line.startswith('-A '):
            chain = line.split()[1]
            rules.setdefault((table, chain), []).append(line)
    return rules, user


def rule_target(line):
    """The -j target of a rule line, or None."""
    tokens = shlex.split(line)
    return next((tokens[i + 1] for i in range(len(tokens) - 1) if tokens[i] in ('-j', '--jump')), None)


def rule_verdict(line, user_chains):
    tokens = shlex.split(line)
    kind = target = None
    for i, t in enumerate(tokens[:-1]):
        if t in ('-j', '--jump', '-g', '--goto'):
            kind, target = t, tokens[i + 1]
    if target is None:
        return 'CONTINUE'
    if kind in ('-g', '--goto'):
        return f'GOTO:{target}'
    if target in TERMINAL:
        return target
    if target in user_chains:
        return f'JUMP:{target}'
    return 'CONTINUE'


# ---------------------------------------------------------------- one case

class Recorder:
    def __init__(self, scn, tag):
        self.scn = scn
        self.topo = netns.Topology(tag)
        self.listener, self.raw, self.link = None, {}, {}
        self.nft = False

    def host(self, args, stdin=None, check=True):
        with netns.inside(self.topo.host):
            return netns.run(args, stdin=stdin, check=check)

    def setup(self):
        scn = self.scn
        self.topo.build(scn)
        text = json.dumps(scn)
        self.topo.add_neighbours(a for a in IPV4.findall(text) if _is_addr(a))
        self.host(['nft', '-f', '-'], FIN)
        self.host(['nft', '-f', '-'], PROBES)
        if 'nft' in scn:
            self.load_nft(scn['nft'])
            return
        if scn.get('sets'):
            self.host(['ipset', 'restore'], ipset_restore(scn['sets']))
        rules = scn.get('rules', '')
        if rules_kind(rules) == 'save':
            self.host(['iptables-restore'], rules)
        else:
            for n, args in script_commands(rules):
                p = self.host(args, check=False)
                if p.returncode:
                    raise CaseError(f'rules line {n}: {" ".join(args)}: {p.stderr.strip()}')
        self.snapshot()

    def load_nft(self, text):
        """An nftables ruleset (the scenario's "nft", simulated instead of "rules"), loaded with nft -f."""
        if self.scn.get('sets') or self.scn.get('randomDraws'):
            raise CaseError('"sets" (ipsets) and "randomDraws" go with "rules", not "nft": declare nft sets in the text')
        if re.search(r'\bflush\s+ruleset\b', text) or re.search(r'\bnfrec\b', text):
            raise CaseError('"nft" must not flush the ruleset or name the table nfrec: both would touch the recorder\'s own table')
        p = self.host(['nft', '-f', '-'], text, check=False)
        if p.returncode:
            raise CaseError(f'nft -f: {p.stderr.strip()}')
        self.nft = True
        self.snapshot_nft()

    def snapshot_nft(self):
        """Map the kernel's rule handles to positions in their chains, and note the rules whose kernel verdict
        (accept, drop) has a more telling name: REJECT, DNAT, SNAT, MASQUERADE, REDIRECT."""
        listing = json.loads(self.host(['nft', '-j', 'list', 'ruleset']).stdout)['nftables']
        self.saved, self.base, self.pos, self.ours = {}, set(), {}, {}
        count = {}
        for item in listing:
            if 'chain' in item and 'hook' in item['chain']:
                c = item['chain']
                self.base.add((c['table'], c['name']))
            if 'rule' in item:
                r = item['rule']
                key = (r['family'], r['table'], r['chain'])
                count[key] = count.get(key, 0) + 1
                if (r['family'], r['table']) == ('ip', 'nfrec'):
                    if r['chain'] in ('ctpre', 'ctout'):
                        self.ours[r['handle']] = STATES[count[key] - 1].upper()
                    continue
                named = next((NFT_NAMED[k] for x in r.get('expr', []) for k in x if k in NFT_NAMED), None)
                self.pos[(*key, r['handle'])] = (count[key], named)

    def nft_step(self, e):
        """A rule event of an nft ruleset: its position, and its verdict as an iptables trace would name it."""
        found = self.pos.get((e.family, e.table, e.chain, e.handle))
        if found is None:  # an event whose family we could not tell: the handle is unique enough
            found = next((v for k, v in self.pos.items() if k[1:] == (e.table, e.chain, e.handle)), (None, None))
        n, named = found
        v = e.verdict
        if v in ('jump', 'goto'):
            return step(e, n, f'{v.upper()}:{e.target}')
        if (named == 'REJECT' and v == 'drop' or named in ('DNAT', 'SNAT', 'MASQUERADE', 'REDIRECT') and v == 'accept'
                or named == 'SYNPROXY' and v in ('drop', 'stolen')):
            return step(e, n, named)
        return step(e, n, (v or '?').upper())

    def snapshot(self):
        """Map the kernel's rule handles to iptables positions and verdicts."""
        listing = json.loads(self.host(['nft', '-j', 'list', 'ruleset']).stdout)['nftables']
        saved, user = parse_save(self.host(['iptables-save']).stdout)
        self.saved = saved
        self.base, self.pos, self.ours = set(), {}, {}
        count = {}
        for item in listing:
            if 'chain' in item and 'hook' in item['chain']:
                self.base.add((item['chain']['table'], item['chain']['name']))
            if 'rule' in item:
                r = item['rule']
                key = (r['table'], r['chain'])
                count[key] = count.get(key, 0) + 1
                if r['table'] == 'nfrec':
                    if r['chain'] in ('ctpre', 'ctout'):
                        self.ours[r['handle']] = STATES[count[key] - 1].upper()
                    continue
                lines = saved.get(key, [])
                n = count[key]
                verdict = rule_verdict(lines[n - 1], user.get(r['table'], set())) if n <= len(lines) else '?'
                target = rule_target(lines[n - 1]) if n <= len(lines) else None
                self.pos[(r['table'], r['chain'], r['handle'])] = (n, verdict, target)

    def sockets(self):
        with netns.inside(self.topo.host):
            self.listener = nftrace.TraceListener()
        with netns.inside(self.topo.peer):
            for ifc in self.scn['host']['interfaces']:
                s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0003))
                s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
                s.bind((ifc['name'], 0))
                s.setblocking(False)
                self.link[ifc['name']] = s

    def raw_socket(self, uid, gid):
        """A raw IP socket (IP_HDRINCL) in the host namespace: packets sent on it cross OUTPUT and
        POSTROUTING like any local process's. Its owner (for -m owner) is the fsuid/fsgid at creation."""
        if (uid, gid) not in self.raw:
            with netns.inside(self.topo.host):
                netns._libc.setfsgid(gid)
                netns._libc.setfsuid(uid)
                try:
                    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
                finally:
                    netns._libc.setfsuid(0)
                    netns._libc.setfsgid(0)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
            self.raw[(uid, gid)] = s
        return self.raw[(uid, gid)]

    def drain_links(self):
        frames = []
        for name, s in self.link.items():
            while True:
                try:
                    data, addr = s.recvfrom(65536)
                except BlockingIOError:
                    break
                if addr[2] != PACKET_OUTGOING:
                    frames.append((name, data))
        return frames

    def eth_dst(self, spec, iface):
        dst = ipaddress.IPv4Address(spec['dst'])
        if dst.is_multicast:
            return packets.multicast_mac(spec['dst'])
        hifs = self.scn['host']['interfaces']
        bcasts = {ipaddress.ip_interface(a).network.broadcast_address for h in hifs for a in h.get('addresses', [])}
        if str(dst) == '255.255.255.255' or dst in bcasts:
            return 'ff:ff:ff:ff:ff:ff'
        i = self.topo.iface_index[iface]
        return netns.host_mac(i, hifs[i])

    def run(self):
        results, history, seqs = [], [], packets.TcpSeq()
        start = time.monotonic()
        for i, spec in enumerate(self.scn['packets']):
            if 'time' in spec:
                time.sleep(max(0.0, start + spec['time'] - time.monotonic()))
            pkt = packets.build(spec, i, history, seqs)
            history.append({'src': spec['src'], 'dst': spec['dst'], 'proto': pkt.proto, 'ip': pkt,
                            'sport': getattr(pkt.payload, 'sport', None), 'dport': getattr(pkt.payload, 'dport', None)})
            self.listener.drain()
            self.drain_links()
            err = None
            if spec['from'] == 'local':
                try:
                    self.raw_socket(spec.get('uid', 0), spec.get('gid', 0)).sendto(bytes(pkt), (spec['dst'], 0))
                except OSError as e:
                    err = e.errno
            else:
                if spec['from'] not in self.link:
                    raise CaseError(f'packets[{i}]: no interface {spec["from"]}')
                i_f = self.topo.iface_index[spec['from']]
                self.link[spec['from']].send(packets.frame(pkt, spec.get('mac') or netns.peer_mac(i_f),
                                                           self.eth_dst(spec, spec['from'])))
            events = [] if err not in (None, errno.EPERM) else self.listener.collect()
            results.append(self.analyse(pkt, i, events, self.drain_links(), err))
        return results

    # ------------------------------------------------------------ turning events into a trace

    def analyse(self, pkt, index, events, frames, err):
        groups, by_trace, order = {}, {}, []
        copies = nested_traces(events)
        for e in events:
            if e.nh is not None:
                by_trace[e.id] = ident(e.nh, e.th)
            key = ('copy', e.id) if e.id in copies else by_trace.get(e.id)
            if key not in groups:
                groups[key] = []
                order.append(key)
            groups[key].append(e)
        mine = ident(bytes(pkt)[:40], bytes(pkt.payload)[:20])
        caught = {}
        for iface, data in frames:
            if len(data) < 34 or data[12:14] != b'\x08\x00' or data[23] == 2:  # IPv4 only, no IGMP
                continue
            caught.setdefault(ident(data[14:54], data[14 + 4 * (data[14] & 15):]), []).append((iface, data))

        def frame(key, events=()):
            """The first frame of the packet, on the interface its copy left by (a copy and its original carry
            the same IP id; a copy leaves first)."""
            got = caught.get(by_trace.get(key[1]) if key and key[0] == 'copy' else key, [])
            oif = next((self.topo.ifindex.get(e.oif) for e in reversed(events) if e.oif), None)
            hit = next((f for f in got if oif is None or f[0] == oif), None)
            if hit:
                got.remove(hit)
            return hit
        # Copies take their frames first; generated packets are listed in the order they appeared.
        frames_of = {key: frame(key, groups[key]) for key in order if key and key[0] == 'copy'}
        res = self.result(groups.get(mine, []), frame(mine), local=(index is not None and
                                                                  self.scn['packets'][index]['from'] == 'local'))
        gen = []
        for key in order:
            if key != mine and key is not None:
                g = self.result(groups[key], frames_of[key] if key[0] == 'copy' else frame(key), local=True)
                g.update(describe(groups[key]))
                gen.append(g)
        if gen:
            res['generated'] = gen
        if err not in (None, errno.EPERM):
            res['sendError'] = errno.errorcode.get(err, str(err))
        return res

    def result(self, events, frame, local):
        trace, ct, fin = [], None, False
        for e in events:
            if e.table == 'nfrec':
                if e.handle in self.ours and ct is None:
                    ct = self.ours[e.handle]
                fin = fin or e.chain == 'fin'
                continue
            if e.type == nftrace.TYPE_POLICY:
                trace.append(step(e, None, f'policy:{e.verdict.upper()}'))
            elif e.type == nftrace.TYPE_RULE and e.handle is not None and self.nft:
                trace.append(self.nft_step(e))
            elif e.type == nftrace.TYPE_RULE and e.handle is not None:
                n, verdict, target = self.pos.get((e.table, e.chain, e.handle), (None, '?', None))
                want = KERNEL_VERDICT.get(verdict.split(':')[0])
                if want == 'continue' and e.verdict in ('drop', 'stolen') and target:
                    verdict = target  # a target that decided (SYNPROXY took the SYN, or dropped a bad cookie)
                elif want and want != 'drop' and e.verdict == 'drop':
                    verdict = 'DROP'  # a match dropped the packet (a header too short for -m esp, ah, dccp)
                elif want and want != e.verdict:
                    print(f'  warning: {e.table} {e.chain} rule {n} is {verdict} but the kernel says {e.verdict}',
                          file=sys.stderr)
                trace.append(step(e, n, verdict))
            elif (e.table, e.chain) not in self.base:  # end of a user chain: implicit return
                trace.append(step(e, None, 'return'))
        out = final = None
        if frame is not None:
            fate, out, final = 'sent' if local else 'forwarded', frame[0], header(frame[1][14:])
        elif fin:
            fate = 'delivered'
        elif trace and trace[-1]['verdict'] == 'REJECT':
            fate = 'rejected'
        else:
            fate = 'dropped'
        return {'fate': fate, 'out': out, 'ctState': ct, 'trace': trace, 'final': final}

    def counters(self):
        if self.nft:
            return without_nfrec(self.host(['nft', 'list', 'ruleset']).stdout)
        text = self.host(['iptables-save', '-c']).stdout
        return ''.join(l + '\n' for l in text.splitlines() if not l.startswith('# '))

    def close(self):
        for s in list(self.raw.values()) + list(self.link.values()):
            s.close()
        if self.listener:
            self.listener.close()


def without_nfrec(listing):
    """`nft list ruleset` text without the recorder's own table, and without the time left to dynamic set
    elements (`expires 59s948ms`), which changes from run to run."""
    listing = re.sub(r' expires [0-9dhms]+', '', listing)
    out, skip = [], False
    for line in listing.splitlines():
        if line == 'table ip nfrec {':
            skip = True
        elif skip:
            skip = line != '}'
        else:
            out.append(line + '\n')
    return ''.join(out)


def nested_traces(events):
    """Trace ids whose events all fall between two events of another trace of the same IP id: copies of a
    packet made while it was being evaluated (TEE, nft's dup), sent at once through OUTPUT and POSTROUTING. A
    packet's own id changes only between hooks (looped back over lo), which never nests; the packets the host
    makes in answer (a REJECT in OUTPUT) nest too, but carry their own IP id."""
    span, idents = {}, {}
    for i, e in enumerate(events):
        first, _ = span.get(e.id, (i, i))
        span[e.id] = (first, i)
        if e.nh is not None:
            idents.setdefault(e.id, ident(e.nh, e.th))
    return {x for x, (a, b) in span.items()
            if any(c < a and b < d and idents.get(x) == idents.get(y) for y, (c, d) in span.items() if y != x)}


def step(e, rule, verdict):
    return {'table': e.table, 'chain': e.chain, 'rule': rule, 'verdict': verdict}


def ident(nh, th):
    """What tells packets apart across hooks and NAT: IP id, protocol, and the ICMP type."""
    if nh is None or len(nh) < 20:
        return None
    proto = nh[9]
    return (int.from_bytes(nh[4:6], 'big'), proto, th[0] if proto == 1 and th else None)


def header(ipb):
    src, dst, proto = str(ipaddress.IPv4Address(ipb[12:16])), str(ipaddress.IPv4Address(ipb[16:20])), ipb[9]
    h = {'src': src, 'dst': dst}
    if proto in (6, 17, 132, 136):
        l4 = ipb[4 * (ipb[0] & 15):]
        h['sport'], h['dport'] = int.from_bytes(l4[0:2], 'big'), int.from_bytes(l4[2:4], 'big')
    return h


def describe(events):
    """What a generated packet is, from the headers its trace events carry."""
    e = next((e for e in events if e.nh is not None), None)
    if e is None:
        return {'what': '?'}
    proto = e.nh[9]
    th = e.th or b''
    if proto == 6 and len(th) >= 14:
        flags = packets.flag_names(th[13])
        return {'what': f'tcp {flags}', 'proto': 'tcp', 'flags': flags.split(',')}
    if proto == 1 and len(th) >= 2:
        return {'what': f'icmp {th[0]}/{th[1]}', 'proto': 'icmp', 'icmpType': th[0], 'icmpCode': th[1]}
    return {'what': f'proto {proto}', 'proto': proto}


def _is_addr(a):
    try:
        ipaddress.IPv4Address(a)
        return True
    except ValueError:
        return False


def versions():
    ipt = netns.run(['iptables', '-V']).stdout.strip()
    nft = netns.run(['nft', '-v']).stdout.split()
    return {'kernel': platform.release(), 'iptables': ipt.replace('iptables ', '', 1), 'nft': nft[1] if len(nft) > 1 else '?'}


def record(scn, tag):
    """One run, on CPU 0 alone when the rules look at the CPU (the engine's host has one CPU, 0): packets from
    the peer namespace and local sends are handled on the CPU of the process that sends them."""
    if not re.search(r'-m cpu\b|\bcpu (!= )?[0-9]', scn.get('rules', '') + scn.get('nft', '')):
        return record_draws(scn, tag)
    cpus = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {0})
    try:
        return record_draws(scn, tag)
    finally:
        os.sched_setaffinity(0, cpus)


def record_draws(scn, tag):
    """A scenario with randomDraws (statistic --mode random outcomes the engine replays) runs again until the
    kernel's own choices, read from the trace, are those draws."""
    want = scn.get('randomDraws')
    for attempt in range(1, DRAW_ATTEMPTS + 1):
        rec = Recorder(scn, f'{tag}-{attempt}' if want is not None else tag)
        try:
            rec.setup()
            rec.sockets()
            pk = rec.run()
            result = {'packets': pk, 'counters': rec.counters()}
            if want is None:
                return result
            got = statistic_draws(pk, rec.saved)
            if got == [1 if w < 0.5 else 0 for w in want] and all(w in (0.0, 0.99) for w in want):
                return result
        finally:
            rec.close()
            rec.topo.destroy()
    raise CaseError(f'randomDraws: the kernel did not choose {want} in {DRAW_ATTEMPTS} runs (last: {got}); '
                    'randomDraws takes 0.0 (matched) or 0.99 (not matched) per statistic rule evaluated')


DRAW_ATTEMPTS = 200


def statistic_draws(packets, saved):
    """Which `-m statistic --mode random` rules the kernel evaluated, in order: 1 matched, 0 did not. A rule the
    trace skips over between two steps of the same chain was evaluated and failed; so was one after a chain's
    last step when the chain returned. That holds only when the rule has no other match, so other statistic
    rules are an error unless they matched."""
    stat = {}
    for (table, chain), lines in saved.items():
        for n, line in enumerate(lines, 1):
            if re.search(r'-m statistic --mode random', line):
                rest = re.sub(r'^-A \S+ |-m comment --comment ("[^"]*"|\S+) |-m statistic --mode random --probability '
                              r'\S+ |(-j|-g) \S+.*$', '', line).strip()
                stat[(table, chain, n)] = rest == ''
    draws = []

    def skipped(table, chain, lo, hi):
        for n in range(lo, hi):
            if (table, chain, n) in stat:
                if not stat[(table, chain, n)]:
                    raise CaseError(f'{table} {chain} rule {n}: a statistic rule with other matches; cannot tell '
                                    'whether the kernel evaluated it')
                draws.append(0)

    for p in packets:
        last = {}
        for s in p['trace']:
            key = (s['table'], s['chain'])
            size = len(saved.get(key, []))
            if s['rule'] is None:  # the chain's end (return) or policy
                skipped(*key, last.pop(key, 0) + 1, size + 1)
                continue
            skipped(*key, last.get(key, 0) + 1, s['rule'])
            if (*key, s['rule']) in stat:
                draws.append(1)
            last[key] = s['rule']
            if s['verdict'] in ('RETURN', 'ACCEPT', 'DROP', 'REJECT') or s['verdict'] in TERMINAL:
                last.pop(key, None)
    return draws


# ---------------------------------------------------------------- the command

def case_files(paths):
    out = []
    for p in paths or [CASES]:
        if os.path.isdir(p):
            for d, _, files in os.walk(p):
                out += [os.path.join(d, f) for f in files if f.endswith('.json')]
        else:
            out.append(p)
    return sorted(out)


def diff(old, new, path=''):
    """Human-readable differences between two recorded results."""
    if type(old) is not type(new):
        return [f'{path}: {json.dumps(old)} -> {json.dumps(new)}']
    if isinstance(old, dict):
        out = []
        for k in sorted(set(old) | set(new), key=str):
            if k not in old or k not in new:
                out.append(f'{path}.{k}: {json.dumps(old.get(k))} -> {json.dumps(new.get(k))}')
            else:
                out += diff(old[k], new[k], f'{path}.{k}')
        return out
    if isinstance(old, list):
        if len(old) != len(new):
            return [f'{path}: {len(old)} items -> {len(new)} items: {json.dumps(new)[:300]}']
        return [d for i, (a, b) in enumerate(zip(old, new)) for d in diff(a, b, f'{path}[{i}]')]
    if isinstance(old, str) and '\n' in old and old != new:
        ol, nl = old.splitlines(), new.splitlines()
        return [f'{path}: "{a}" -> "{b}"' for a, b in zip(ol, nl) if a != b] + \
            ([f'{path}: {len(ol)} lines -> {len(nl)} lines'] if len(ol) != len(nl) else [])
    return [] if old == new else [f'{path}: {json.dumps(old)} -> {json.dumps(new)}']


def one(args):
    path, check, n = args
    t0 = time.monotonic()
    with open(path) as f:
        case = json.load(f)
    try:
        kernel = record(case['scenario'], n)
    except Exception as e:  # noqa: BLE001 - one broken case must not stop the others
        detail = str(e) if isinstance(e, (CaseError, RuntimeError)) else traceback.format_exc()
        return path, 'error', [detail], time.monotonic() - t0
    # which tool loaded the rules: iptables for "rules", nft for "nft"
    kernel['recorded'] = {k: v for k, v in VERSIONS.items() if k != ('iptables' if 'nft' in case['scenario'] else 'nft')}
    if check:
        old = {k: v for k, v in case.get('kernel', {}).items() if k != 'recorded'}
        d = diff(old, {k: v for k, v in kernel.items() if k != 'recorded'}, 'kernel')
        # "random": kernel fields that differ from run to run (a port NAT picks at random), by path prefix
        d = [x for x in d if not any(x.startswith('kernel.' + r) for r in case.get('random', []))]
        return path, 'differs' if d else 'same', d, time.monotonic() - t0
    case['kernel'] = kernel
    with open(path, 'w') as f:
        f.write(dumps(case) + '\n')
    return path, 'recorded', [], time.monotonic() - t0


VERSIONS = None


def main():
    global VERSIONS
    ap = argparse.ArgumentParser(description='Record kernel traces for nfplay cases.')
    ap.add_argument('paths', nargs='*', help='case files or directories (default: test/kernel/cases)')
    ap.add_argument('--check', action='store_true', help='re-record and report differences, write nothing')
    ap.add_argument('-j', '--jobs', type=int, default=1, help='cases recorded in parallel')
    a = ap.parse_args()
    if os.geteuid() != 0:
        sys.exit('record.py needs root (network namespaces, nftables)')
    netns.clean_stale()
    VERSIONS = versions()
    files = case_files(a.paths)
    jobs = [(p, a.check, str(i)) for i, p in enumerate(files)]
    bad = 0
    t0 = time.monotonic()
    if a.jobs > 1:
        with ProcessPoolExecutor(a.jobs) as ex:
            results = ex.map(one, jobs)
            bad = report(results)
    else:
        bad = report(map(one, jobs))
    print(f'{len(files)} cases in {time.monotonic() - t0:.1f}s, {bad} with problems', file=sys.stderr)
    sys.exit(1 if bad else 0)


def report(results):
    bad = 0
    for path, status, details, secs in results:
        rel = os.path.relpath(path, ROOT)
        if status in ('error', 'differs'):
            bad += 1
            print(f'{status.upper()} {rel} ({secs:.2f}s)')
            for d in details[:20]:
                print('   ', d)
        else:
            print(f'{status} {rel} ({secs:.2f}s)')
    return bad


if __name__ == '__main__':
    main()
