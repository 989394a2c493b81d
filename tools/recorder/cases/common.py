"""Building blocks for the case generators: hosts, rulesets, packets.

A generator module defines `GROUP` and `cases()`, yielding (name, description, scenario). generate.py
writes them to test/kernel/cases/<GROUP>/<name>.json, keeping a recorded "kernel" when the scenario is
unchanged.
"""

ME = '203.0.113.10'      # the host's address on eth0
GW = '203.0.113.1'       # its default gateway
REMOTE = '198.51.100.7'  # somebody on the internet
OTHER = '198.51.100.99'  # somebody else on the internet
LAN = '10.0.0.1'         # the host's address on eth1 (router hosts)
CLIENT = '10.0.0.5'      # a machine behind the router

SERVER = {'interfaces': [{'name': 'eth0', 'addresses': [f'{ME}/24']}],
          'routes': [{'to': 'default', 'via': GW, 'dev': 'eth0'}], 'forwarding': False}
ROUTER = {'interfaces': [{'name': 'eth0', 'addresses': [f'{ME}/24']}, {'name': 'eth1', 'addresses': [f'{LAN}/24']}],
          'routes': [{'to': 'default', 'via': GW, 'dev': 'eth0'}], 'forwarding': True}

BUILTIN = {
    'raw': ['PREROUTING', 'OUTPUT'],
    'mangle': ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'],
    'nat': ['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING'],
    'filter': ['INPUT', 'FORWARD', 'OUTPUT'],
    'security': ['INPUT', 'FORWARD', 'OUTPUT'],
}


def table(name, chains=None, policy=None, **more):
    """One table of an iptables-save dump. chains: {chain: [rule spec, ...]} (also as keyword arguments);
    policy: {builtin chain: policy}, ACCEPT by default. User chains are the non-builtin keys."""
    chains = dict(chains or {}, **more)
    policy = policy or {}
    out = [f'*{name}']
    for c in BUILTIN[name]:
        out.append(f':{c} {policy.get(c, "ACCEPT")} [0:0]')
    for c in chains:
        if c not in BUILTIN[name]:
            out.append(f':{c} - [0:0]')
    for c, rules in chains.items():
        out += [f'-A {c} {r}' for r in rules]
    return '\n'.join(out + ['COMMIT']) + '\n'


def filt(chains=None, policy=None, **more):
    return table('filter', chains, policy, **more)


def script(*lines):
    return '\n'.join(lines) + '\n'


def pkt(proto, frm='eth0', src=REMOTE, dst=ME, **kw):
    p = {'from': frm, 'src': src, 'dst': dst, 'proto': proto}
    p.update(kw)
    return p


def tcp(dport=22, sport=40000, flags=('SYN',), **kw):
    return pkt('tcp', sport=sport, dport=dport, flags=list(flags), **kw)


def udp(dport=53, sport=5353, **kw):
    return pkt('udp', sport=sport, dport=dport, **kw)


def icmp(icmpType='echo-request', **kw):
    return pkt('icmp', icmpType=icmpType, **kw)


def out(p):
    """The same packet sent by a local process: swapped addresses and ports."""
    q = dict(p, **{'from': 'local', 'src': p['dst'], 'dst': p['src']})
    if 'sport' in p:
        q['sport'], q['dport'] = p['dport'], p['sport']
    return q


def handshake(client_from='eth0', client=REMOTE, server=ME, sport=40000, dport=22, server_from='local', data=True):
    """SYN, SYN-ACK, ACK (and a data segment) of a connection from client to server."""
    c = dict(frm=client_from, src=client, dst=server, sport=sport, dport=dport)
    s = dict(frm=server_from, src=server, dst=client, sport=dport, dport=sport)
    ps = [tcp(flags=['SYN'], **c), tcp(flags=['SYN', 'ACK'], **s), tcp(flags=['ACK'], **c)]
    if data:
        ps.append(tcp(flags=['PSH', 'ACK'], length=100, **c))
    return ps


def scenario(rules, packets, host=SERVER, sets=None):
    s = {'version': 1, 'host': host, 'rules': rules, 'packets': packets}
    if sets:
        s['sets'] = sets
    return s


def local(proto, dst=REMOTE, src=ME, **kw):
    """A packet a local process sends."""
    return pkt(proto, frm='local', src=src, dst=dst, **kw)


def ltcp(dport=443, sport=50000, flags=('SYN',), **kw):
    return local('tcp', sport=sport, dport=dport, flags=list(flags), **kw)


def ludp(dport=53, sport=50000, **kw):
    return local('udp', sport=sport, dport=dport, **kw)
