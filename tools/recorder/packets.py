"""Scenario packets (DESIGN.md section 2) as the bytes the recorder sends.

Defaults are scapy's, which the engine mirrors: TCP 20 -> 80 with SYN, UDP 53 -> 53, ICMP echo-request with
id 0 and seq 0, TTL 64, TOS 0, no IP options, no TCP options, window 8192, empty payload. Every packet gets
the IP id 0x1000 + its index, so trace events and captured frames can be told apart from what the host
generates. TCP sequence numbers are made consistent per connection (see TcpSeq) so that conntrack's window
tracking accepts a handshake and what follows it.
"""
import ipaddress

from scapy.all import ICMP, IP, TCP, UDP, Ether, Raw, raw

ICMP_NAMES = {  # iptables' names (iptables -p icmp -h): name -> (type, code or None for the whole type)
    'echo-reply': (0, None), 'pong': (0, None), 'destination-unreachable': (3, None),
    'network-unreachable': (3, 0), 'host-unreachable': (3, 1), 'protocol-unreachable': (3, 2),
    'port-unreachable': (3, 3), 'fragmentation-needed': (3, 4), 'source-route-failed': (3, 5),
    'network-unknown': (3, 6), 'host-unknown': (3, 7), 'network-prohibited': (3, 9), 'host-prohibited': (3, 10),
    'tos-network-unreachable': (3, 11), 'tos-host-unreachable': (3, 12), 'communication-prohibited': (3, 13),
    'host-precedence-violation': (3, 14), 'precedence-cutoff': (3, 15), 'source-quench': (4, None),
    'redirect': (5, None), 'network-redirect': (5, 0), 'host-redirect': (5, 1), 'tos-network-redirect': (5, 2),
    'tos-host-redirect': (5, 3), 'echo-request': (8, None), 'ping': (8, None), 'router-advertisement': (9, None),
    'router-solicitation': (10, None), 'time-exceeded': (11, None), 'ttl-exceeded': (11, None),
    'ttl-zero-during-transit': (11, 0), 'ttl-zero-during-reassembly': (11, 1), 'parameter-problem': (12, None),
    'ip-header-bad': (12, 0), 'required-option-missing': (12, 1), 'timestamp-request': (13, None),
    'timestamp-reply': (14, None), 'address-mask-request': (17, None), 'address-mask-reply': (18, None),
}
ICMP_ERRORS = {3, 4, 5, 11, 12}
PROTOS = {'icmp': 1, 'igmp': 2, 'tcp': 6, 'udp': 17, 'gre': 47, 'esp': 50, 'ah': 51, 'sctp': 132, 'udplite': 136}
FLAG_BITS = {'FIN': 0x01, 'SYN': 0x02, 'RST': 0x04, 'PSH': 0x08, 'ACK': 0x10, 'URG': 0x20, 'ECE': 0x40, 'CWR': 0x80}
TCP_OPTIONS = {1: 'NOP', 2: ('MSS', 1460), 3: ('WScale', 0), 4: ('SAckOK', b''), 8: ('Timestamp', (1, 0))}


def proto_number(p):
    if isinstance(p, int):
        return p
    return int(p) if str(p).isdigit() else PROTOS[str(p).lower()]


def icmp_type_code(spec):
    t = spec.get('icmpType', 'echo-request')
    code = 0
    if isinstance(t, int):
        typ = t
    elif '/' in t or t.isdigit():
        typ, _, c = t.partition('/')
        typ, code = int(typ), int(c or 0)
    else:
        typ, c = ICMP_NAMES[t.lower()]
        code = c or 0
    return typ, spec.get('icmpCode', code)


def flag_bits(names):
    bits = 0
    for n in names:
        bits |= FLAG_BITS[n.upper()]
    return bits


def flag_names(bits):
    return ','.join(n for n, b in FLAG_BITS.items() if bits & b)


class TcpSeq:
    """Sequence and acknowledgement numbers that keep conntrack's TCP window tracking happy.

    A connection's first sender starts at 1000000, the other side at 2000000. A SYN always carries the
    initial number (so a retried SYN is a retransmission), every other segment the next unsent number, and
    an ACK acknowledges everything the other side sent (or the other side's initial number + 1 when it sent
    nothing yet). Replies are paired with their connection by the client's address and port, failing that
    by the port pair, failing that by the client's port, so replies of NATed connections continue the right
    sequence space.
    """

    def __init__(self):
        self.conns = []

    def _find(self, t):
        s, sp, d, dp = t
        for c in reversed(self.conns):
            for i in (0, 1):
                if c['ends'][i] == t:
                    return c, i
        # A first reply whose addresses were NATed: the client's address and port, else the port pair, else
        # the client's port alone (hairpin NAT rewrites both addresses and the server port).
        for same in (lambda e: e[:2] == (d, dp), lambda e: (e[1], e[3]) == (dp, sp), lambda e: e[1] == dp):
            for c in reversed(self.conns):
                if not c['sent'][1] and same(c['ends'][0]):
                    c['ends'][1] = t
                    return c, 1
        c = {'ends': [t, (d, dp, s, sp)], 'isn': [1000000, 2000000], 'nxt': [1000000, 2000000], 'sent': [False, False]}
        self.conns.append(c)
        return c, 0

    def next(self, t, bits, paylen):
        c, i = self._find(t)
        o = 1 - i
        if bits & FLAG_BITS['SYN']:
            seq = c['isn'][i]
            c['nxt'][i] = seq + 1 + paylen
        else:
            seq = c['nxt'][i] if c['sent'][i] else c['isn'][i] + (1 if c['sent'][o] else 0)
            c['nxt'][i] = seq + paylen + (1 if bits & FLAG_BITS['FIN'] else 0)
        c['sent'][i] = True
        ack = 0
        if bits & FLAG_BITS['ACK']:
            ack = c['nxt'][o] if c['sent'][o] else c['isn'][o] + 1
        return seq, ack


def quoted(spec, index, history):
    """The packet an ICMP error quotes: `inner`, or by default the latest earlier packet from the error's
    destination to its source, else the latest one the error's destination sent (errors of routers on the
    path). Quoting a packet the scenario sent uses its exact bytes."""
    q = spec.get('inner')
    if q is None:
        cands = [h for h in history if h['src'] == spec['dst'] and h['dst'] == spec['src']] or \
                [h for h in history if h['src'] == spec['dst']]
        if not cands:
            raise ValueError(f'packets[{index}]: an ICMP error needs "inner" (no earlier packet it could quote)')
        return cands[-1]['ip']
    proto = proto_number(q['proto'])
    for h in reversed(history):
        if (h['src'], h['dst'], h['proto']) == (q['src'], q['dst'], proto) and \
                (proto not in (6, 17) or (h['sport'], h['dport']) == (q.get('sport'), q.get('dport'))):
            return h['ip']
    ip = IP(src=q['src'], dst=q['dst'], proto=proto, ttl=64, id=0x1000)
    if proto == 6:
        return ip / TCP(sport=q.get('sport', 20), dport=q.get('dport', 80), flags='S', seq=1000000, window=8192)
    if proto == 17:
        return ip / UDP(sport=q.get('sport', 53), dport=q.get('dport', 53))
    if proto == 1:
        return ip / ICMP(type=8, id=q.get('icmpId', 0))
    return ip


def build(spec, index, history, seqs):
    """Scenario packet `index` as a scapy IP packet. `history` holds the earlier packets (see record())."""
    proto = proto_number(spec['proto'])
    ip = IP(src=spec['src'], dst=spec['dst'], ttl=spec.get('ttl', 64), tos=spec.get('tos', 0),
            id=0x1000 + index, proto=proto)
    if spec.get('fragOffset') or spec.get('moreFragments'):
        ip.frag = spec.get('fragOffset', 0)
        ip.flags = 'MF' if spec.get('moreFragments') else 0
    payload = spec.get('payload', '').encode('latin-1')
    head = None
    if proto == 6:
        opts = [('MSS', spec.get('mss', 1460)) if k == 2 else TCP_OPTIONS.get(k, (k, b'')) for k in spec.get('tcpOptions', [])]
        head = TCP(sport=spec.get('sport', 20), dport=spec.get('dport', 80), flags=flag_bits(spec.get('flags', ['SYN'])),
                   window=8192, options=opts)
    elif proto == 17:
        head = UDP(sport=spec.get('sport', 53), dport=spec.get('dport', 53))
    elif proto == 1:
        typ, code = icmp_type_code(spec)
        if typ in ICMP_ERRORS:
            head = ICMP(type=typ, code=code) / Raw(raw(quoted(spec, index, history))[:28])
        else:
            head = ICMP(type=typ, code=code, id=spec.get('icmpId', 0), seq=spec.get('icmpSeq', 0))
    if 'length' in spec:
        need = spec['length'] - 20 - (len(raw(head)) if head is not None else 0)
        if need < len(payload):
            raise ValueError(f'packets[{index}]: length {spec["length"]} is below the headers and payload')
        payload += bytes(need - len(payload))
    if proto == 6:
        head.seq, head.ack = seqs.next((spec['src'], head.sport, spec['dst'], head.dport), int(head.flags), len(payload))
    pkt = ip
    if head is not None:
        pkt = pkt / head
    if payload:
        pkt = pkt / Raw(payload)
    return IP(raw(pkt))


def frame(pkt, src_mac, dst_mac):
    return raw(Ether(src=src_mac, dst=dst_mac) / pkt)


def multicast_mac(dst):
    a = int(ipaddress.IPv4Address(dst))
    return '01:00:5e:%02x:%02x:%02x' % ((a >> 16) & 0x7f, (a >> 8) & 0xff, a & 0xff)
