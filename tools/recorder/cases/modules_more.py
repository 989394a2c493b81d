"""The modules added for --compat coverage (rpfilter, quota, connbytes, devgroup, cgroup, cpu, realm, ecn, dccp,
esp, ah, cluster, SYNPROXY, TEE): what the kernel does with their packets.

Two host extensions (DESIGN.md section 2 allows them; the engine and the recorder read them): an interface's
`group` (`ip link set DEV group N`, for -m devgroup) and a route's `realm` (`ip route ... realm N`, for -m realm).
DCCP, ESP and AH packets carry their header as the payload (the packet model has no such headers).
"""
import struct

from common import (CLIENT, GW, LAN, ME, REMOTE, ROUTER, SERVER, filt, handshake, icmp, local, ltcp, ludp, pkt,
                    scenario, table, tcp, udp)

GROUP = 'modules-more'

DROP_REST = {'INPUT': 'DROP'}


def case(name, desc, rules, packets, host=None):
    """rules: INPUT rules (a list) or a whole dump (a string)."""
    text = rules if isinstance(rules, str) else filt(INPUT=rules)
    return name, desc, scenario(text, packets, host=host or SERVER)


# Cases left without nft twins (nft_equiv.py; "noTwin" in the case), and why.
NO_TWIN = {
    'cluster': 'nft 1.0.6 cannot list a ruleset holding `jhash ct original saddr` (netlink_delinearize asserts), so '
               'the recorder cannot map its trace',
}


def cases():
    for name, desc, scn in all_cases():
        why = NO_TWIN.get(name, NO_TWIN.get(name.split('-')[0]))
        yield (name, desc, scn, {'noTwin': why}) if why else (name, desc, scn)


def all_cases():
    yield from rpfilter_cases()
    yield from quota_cases()
    yield from connbytes_cases()
    yield from devgroup_cases()
    yield from cgroup_cases()
    yield from cpu_cases()
    yield from realm_cases()
    yield from ecn_cases()
    yield from dccp_cases()
    yield from spi_cases()
    yield from cluster_cases()
    yield from synproxy_cases()
    yield from tee_cases()


# ---------------------------------------------------------------- rpfilter

NO_DEFAULT = {'interfaces': ROUTER['interfaces'], 'routes': [], 'forwarding': True}


def rp(rules, chain='PREROUTING', tbl='raw'):
    return table(tbl, {chain: rules})


def rpfilter_cases():
    spoofs = [tcp(src=REMOTE), tcp(frm='eth1', src=REMOTE, sport=40001), tcp(frm='eth1', src=CLIENT, sport=40002),
              tcp(frm='eth0', src=CLIENT, sport=40003)]
    yield case('rpfilter-strict', 'The route back to the source must leave by the interface the packet came in on.',
               rp(['-m rpfilter -j ACCEPT', '-j DROP']), spoofs, ROUTER)
    yield case('rpfilter-loose', '--loose: any route back to the source will do.',
               rp(['-m rpfilter --loose -j ACCEPT', '-j DROP']), spoofs, ROUTER)
    yield case('rpfilter-no-route-back', 'A source with no route back fails, even --loose.',
               rp(['-m rpfilter --loose -j ACCEPT', '-j DROP']),
               [tcp(src=REMOTE), tcp(src='203.0.113.50', sport=40001), tcp(frm='eth1', src=CLIENT, sport=40002)], NO_DEFAULT)
    yield case('rpfilter-invert-mangle', '--invert in mangle PREROUTING drops the spoofed packets.',
               rp(['-m rpfilter --invert -j DROP'], tbl='mangle'), spoofs, ROUTER)
    local_src = [tcp(src=ME), tcp(frm='eth1', src=ME, sport=40001), tcp(src=LAN, sport=40002)]
    yield case('rpfilter-local-source', 'A source that is the host\'s own address fails without --accept-local.',
               rp(['-m rpfilter -j ACCEPT', '-m rpfilter --loose -j ACCEPT']), local_src, ROUTER)
    yield case('rpfilter-accept-local', '--accept-local: a source that is the host\'s own address passes.',
               rp(['-m rpfilter --accept-local -j ACCEPT', '-m rpfilter --accept-local --loose -j ACCEPT']), local_src, ROUTER)
    yield case('rpfilter-zero-source', 'Source 0.0.0.0 (DHCP) passes to the broadcast and link-local groups; to a unicast '
               'address the lookup of 0.0.0.0 follows the default route.',
               rp(['-m rpfilter -j ACCEPT']),
               [udp(67, sport=68, frm='eth1', src='0.0.0.0', dst='255.255.255.255'),
                icmp(frm='eth1', src='0.0.0.0', dst='224.0.0.1'),
                udp(67, sport=68, frm='eth1', src='0.0.0.0', dst=LAN), udp(67, sport=68, src='0.0.0.0', dst=ME)], ROUTER)
    yield case('rpfilter-loopback', 'A packet the host sends itself passes (it comes in on lo).',
               rp(['-m rpfilter -j ACCEPT', '-j DROP']), [ludp(dst=ME), local('icmp', dst=LAN)], ROUTER)
    yield case('rpfilter-validmark', '--validmark puts the mark in the lookup: without policy routing nothing changes.',
               table('mangle', PREROUTING=['-j MARK --set-mark 0x1', '-m rpfilter --validmark -j ACCEPT',
                                           '-m rpfilter --validmark --loose -j ACCEPT']), spoofs, ROUTER)
    yield case('rpfilter-broadcast-source', 'A subnet broadcast address as source: the lookup finds a broadcast route.',
               rp(['-m rpfilter -j ACCEPT', '-m rpfilter --accept-local --loose -j ACCEPT']),
               [udp(frm='eth1', src='10.0.0.255', dst=LAN)], ROUTER)


# ---------------------------------------------------------------- quota

def quota_cases():
    yield case('quota-bytes', 'The quota counts the IP length of the packets it lets through.',
               ['-p udp -m quota --quota 300 -j ACCEPT', '-p udp -j DROP'], [udp(length=100, sport=n) for n in (1, 2, 3, 4)])
    yield case('quota-exceed-empties', 'A packet larger than what is left empties the quota: a smaller one later fails too.',
               ['-p udp -m quota --quota 250 -j ACCEPT', '-p udp -j DROP'],
               [udp(length=100, sport=1), udp(length=200, sport=2), udp(length=28, sport=3)])
    yield case('quota-negated', '! --quota: matches once the quota is used up.',
               ['-p udp -m quota ! --quota 200 -j DROP'], [udp(length=100, sport=n) for n in (1, 2, 3)])
    yield case('quota-zero', '--quota 0 never matches; ! --quota 0 always does.',
               ['-m quota --quota 0 -j DROP', '-m quota ! --quota 0 -j ACCEPT', '-j DROP'], [udp(length=28), tcp()])
    yield case('quota-per-rule', 'Each rule has its own count, even with the same quota.',
               ['-p tcp -m quota --quota 40 -j ACCEPT', '-p udp -m quota --quota 40 -j ACCEPT', '-j DROP'],
               [tcp(sport=1), udp(sport=2), tcp(sport=3), udp(sport=4)])


# ---------------------------------------------------------------- connbytes

def cb(spec):
    return f'-m connbytes {spec}'


def both_ways(rule):
    """The rule in INPUT and OUTPUT, so both directions of a connection meet it."""
    return filt(INPUT=[rule], OUTPUT=[rule])


def udp_exchange(*lengths):
    """UDP between REMOTE and the host, alternating in and out, with these IP lengths."""
    return [udp(53, sport=5353, length=n) if i % 2 == 0 else ludp(5353, sport=53, dst=REMOTE, length=n)
            for i, n in enumerate(lengths)]


def connbytes_cases():
    yield case('connbytes-packets-original', 'The original direction\'s packet count includes the packet itself.',
               [cb('--connbytes 3 --connbytes-dir original --connbytes-mode packets') + ' -j DROP'],
               handshake() + [tcp(flags=['PSH', 'ACK'], length=60)])
    yield case('connbytes-bytes-both-range', 'Bytes both ways, within 100:250 (ends included).',
               both_ways(cb('--connbytes 100:250 --connbytes-dir both --connbytes-mode bytes') + ' -j ACCEPT'),
               udp_exchange(60, 40, 150, 28))
    yield case('connbytes-reply-packets', 'Reply packets only: the count grows with the host\'s answers.',
               both_ways(cb('--connbytes 2 --connbytes-dir reply --connbytes-mode packets') + ' -j ACCEPT'),
               udp_exchange(40, 40, 40, 40, 40))
    yield case('connbytes-reply-zero', '--connbytes 0:0 in the reply direction: until the first answer.',
               both_ways(cb('--connbytes 0:0 --connbytes-dir reply --connbytes-mode packets') + ' -j ACCEPT'),
               udp_exchange(40, 40, 40))
    yield case('connbytes-avgpkt', 'avgpkt: the bytes divided by the packets, rounded down.',
               [cb('--connbytes 100: --connbytes-dir original --connbytes-mode avgpkt') + ' -j ACCEPT'],
               [udp(length=60), udp(length=200), udp(length=28), udp(length=113)])
    yield case('connbytes-avgpkt-both', 'avgpkt both ways.',
               both_ways(cb('--connbytes 0:50 --connbytes-dir both --connbytes-mode avgpkt') + ' -j ACCEPT'),
               udp_exchange(40, 100, 28, 28))
    yield case('connbytes-negated', '! --connbytes 3: fewer than 3 packets.',
               [cb('! --connbytes 3 --connbytes-dir original --connbytes-mode packets') + ' -j ACCEPT'],
               [udp(), udp(), udp(), udp()])
    yield case('connbytes-negated-single', '! --connbytes 2:2: a range of one value, negated.',
               [cb('! --connbytes 2:2 --connbytes-dir original --connbytes-mode packets') + ' -j ACCEPT'],
               [udp(), udp(), udp()])
    yield case('connbytes-no-connection', 'A packet without a connection (INVALID, UNTRACKED) never matches, negated or not.',
               table('raw', PREROUTING=['-p udp -j NOTRACK']) +
               filt(INPUT=[cb('--connbytes 0 --connbytes-dir both --connbytes-mode packets') + ' -j ACCEPT',
                           cb('! --connbytes 5 --connbytes-dir both --connbytes-mode packets') + ' -j ACCEPT']),
               [tcp(flags=['SYN', 'ACK']), udp(), tcp(sport=40001)])


# ---------------------------------------------------------------- devgroup

def grouped(eth0=None, eth1=None):
    ifs = []
    for ifc, g in zip(ROUTER['interfaces'], (eth0, eth1)):
        ifs.append(dict(ifc, group=g) if g is not None else dict(ifc))
    return dict(ROUTER, interfaces=ifs)


def devgroup_cases():
    lan5 = grouped(eth1=5)
    yield case('devgroup-src-group', '--src-group: the group of the input interface (eth1 is in group 5).',
               ['-m devgroup --src-group 5 -j DROP'], [tcp(), tcp(frm='eth1', src=CLIENT, dst=LAN)], lan5)
    yield case('devgroup-dst-group-forward', '--dst-group in FORWARD: the output interface\'s group.',
               filt(FORWARD=['-m devgroup --dst-group 5 -j DROP']),
               [tcp(dst=CLIENT), tcp(frm='eth1', src=CLIENT, dst=REMOTE)], lan5)
    yield case('devgroup-dst-group-output', '--dst-group in OUTPUT.',
               filt(OUTPUT=['-m devgroup --dst-group 5 -j DROP']), [ltcp(dst=CLIENT), ltcp(dst=REMOTE)], lan5)
    yield case('devgroup-mask', 'value/mask: group 6 has bit 4, group 1 not.',
               ['-m devgroup --src-group 0x4/0x4 -j DROP'], [tcp(), tcp(frm='eth1', src=CLIENT, dst=LAN)],
               grouped(eth0=1, eth1=6))
    yield case('devgroup-negated', '! --src-group 5.',
               ['-m devgroup ! --src-group 5 -j DROP'], [tcp(), tcp(frm='eth1', src=CLIENT, dst=LAN)], lan5)
    yield case('devgroup-default-name', '--src-group default is group 0, where interfaces start.',
               ['-m devgroup --src-group default -j DROP'], [tcp(), tcp(frm='eth1', src=CLIENT, dst=LAN)], lan5)
    yield case('devgroup-negated-src-with-dst', '! --src-group 1 --dst-group 0: only the source group is negated.',
               filt(FORWARD=['-m devgroup ! --src-group 1 --dst-group 0 -j DROP']),
               [tcp(dst=CLIENT), tcp(frm='eth1', src=CLIENT, dst=REMOTE)], ROUTER)
    # The same with a mask, which the nft simulator reads: its twin shows compat right where the reference is not.
    yield case('devgroup-negated-src-masked-dst', '! --src-group 1 --dst-group 0/0xff: the mask changes nothing.',
               filt(FORWARD=['-m devgroup ! --src-group 1 --dst-group 0/0xff -j DROP']),
               [tcp(dst=CLIENT), tcp(frm='eth1', src=CLIENT, dst=REMOTE)], ROUTER)
    yield case('devgroup-src-with-negated-dst', '--src-group 0 ! --dst-group 5.',
               filt(FORWARD=['-m devgroup --src-group 0 ! --dst-group 5 -j DROP']),
               [tcp(dst=CLIENT), tcp(frm='eth1', src=CLIENT, dst=REMOTE)], lan5)


# ---------------------------------------------------------------- cgroup

def cgroup_cases():
    # The recorder's process is in the root of the cgroup v2 hierarchy, and net_cls is not mounted (classid 0).
    yield case('cgroup-path-root', '--path /: a local process\'s socket is below the root; a packet from outside has no socket.',
               filt(INPUT=['-m cgroup --path / -j DROP', '-m cgroup ! --path / -j DROP'],
                    OUTPUT=['-m cgroup ! --path / -j DROP', '-m cgroup --path / -j ACCEPT']),
               [tcp(), ltcp()])
    yield case('cgroup-classid', '--cgroup: the net_cls classid, 0 where net_cls is not in use.',
               filt(INPUT=['-m cgroup --cgroup 0 -j DROP', '-m cgroup ! --cgroup 1 -j DROP'],
                    OUTPUT=['-m cgroup --cgroup 1 -j DROP', '-m cgroup ! --cgroup 0 -j DROP', '-m cgroup --cgroup 0 -j ACCEPT']),
               [udp(), ludp()])
    yield case('cgroup-generated', 'The host\'s own answers: REJECT\'s ICMP error and TCP reset in OUTPUT.',
               filt(INPUT=['-p udp -j REJECT', '-p tcp -j REJECT --reject-with tcp-reset'],
                    OUTPUT=['-m cgroup ! --cgroup 0 -j DROP', '-m cgroup --path / -j ACCEPT']),
               [udp(), tcp()])
    yield case('cgroup-forwarded', 'A forwarded packet has no socket (the match is refused in FORWARD and PREROUTING).',
               table('mangle', POSTROUTING=['-m cgroup --path / -j DROP', '-m cgroup ! --path / -j DROP']),
               [tcp(frm='eth1', src=CLIENT, dst=REMOTE), ltcp(dst=CLIENT)], ROUTER)


# ---------------------------------------------------------------- cpu

def cpu_cases():
    # record.py pins itself to CPU 0 for a case using -m cpu: the simulated host has one CPU.
    yield case('cpu-zero', '--cpu 0 matches on a host whose packets CPU 0 handles; ! --cpu 0 never does.',
               filt(INPUT=['-m cpu ! --cpu 0 -j DROP', '-m cpu --cpu 1 -j DROP', '-m cpu --cpu 0 -j ACCEPT'],
                    OUTPUT=['-m cpu --cpu 1 -j DROP', '-m cpu --cpu 0 -j ACCEPT']),
               [tcp(), ltcp(), udp()])


# ---------------------------------------------------------------- realm

REALMS = dict(ROUTER, routes=[{'to': 'default', 'via': GW, 'dev': 'eth0'},
                              {'to': '192.0.2.0/24', 'via': '10.0.0.2', 'dev': 'eth1', 'realm': 5},
                              {'to': '198.51.100.0/24', 'via': GW, 'dev': 'eth0', 'realm': 3}])


def realm_cases():
    yield case('realm-forward', 'Forwarded: the route to the destination gives the low half (to), the route back to '
               'the source the high half (from).',
               filt(FORWARD=['-m realm --realm 5 -j DROP', '-m realm --realm 0x5/0xffff -j ACCEPT',
                             '-m realm --realm 0x30000/0xffff0000 -j ACCEPT']),
               [tcp(src='203.0.113.50', dst='192.0.2.9'), tcp(src=REMOTE, dst='192.0.2.9', sport=40001),
                tcp(frm='eth1', src='192.0.2.9', dst=REMOTE, sport=40002), tcp(frm='eth1', src=CLIENT, dst='203.0.113.50', sport=40003)],
               REALMS)
    yield case('realm-input', 'Delivered: only the route back to the source counts, in the high half.',
               ['-m realm --realm 0x50000 -j DROP', '-m realm --realm 0x30000 -j DROP', '-m realm --realm 0 -j ACCEPT'],
               [tcp(frm='eth1', src='192.0.2.9', dst=LAN), tcp(src=REMOTE, sport=40001), tcp(src='203.0.113.50', sport=40002)],
               REALMS)
    yield case('realm-output', 'Sent: the route to the destination.',
               filt(OUTPUT=['-m realm --realm 5 -j DROP', '-m realm --realm cosmos -j ACCEPT']),
               [ltcp(dst='192.0.2.9'), ltcp(dst=REMOTE, sport=50001), ltcp(dst='203.0.113.50', sport=50002)], REALMS)
    yield case('realm-negated-mask', '! --realm with a mask.',
               filt(FORWARD=['-m realm ! --realm 0x4/0x4 -j DROP']),
               [tcp(src='203.0.113.50', dst='192.0.2.9'), tcp(src='203.0.113.50', dst=CLIENT, sport=40001)], REALMS)
    yield case('realm-postrouting', 'POSTROUTING sees the same route as FORWARD.',
               table('mangle', POSTROUTING=['-m realm --realm 0x5/0xffff -j ACCEPT']),
               [tcp(src='203.0.113.50', dst='192.0.2.9'), ltcp(dst='192.0.2.9', sport=50000)], REALMS)


# ---------------------------------------------------------------- ecn

def ecn_cases():
    yield case('ecn-ip-ect', '--ecn-ip-ect 1: the two low bits of the TOS byte.',
               ['-m ecn --ecn-ip-ect 1 -j DROP'], [udp(tos=t, sport=n) for n, t in enumerate((0, 1, 2, 3, 0x21))])
    yield case('ecn-ip-ect-negated', '! --ecn-ip-ect 0: any ECN codepoint but Not-ECT; DSCP bits do not count.',
               ['-m ecn ! --ecn-ip-ect 0 -j DROP'], [udp(tos=t, sport=n) for n, t in enumerate((0, 2, 3, 0x10, 0x13))])
    yield case('ecn-ip-ect-ce', '--ecn-ip-ect 3: congestion experienced.',
               ['-m ecn --ecn-ip-ect 3 -j DROP'], [udp(tos=3), udp(tos=2, sport=2), udp(tos=0xff, sport=3)])
    ecn_flags = [tcp(flags=['SYN', 'ECE', 'CWR']), tcp(flags=['SYN'], sport=40001), tcp(flags=['ACK', 'ECE'], sport=40002),
                 tcp(flags=['ACK', 'CWR'], sport=40003), tcp(flags=['ACK'], sport=40004), tcp(flags=['CWR'], sport=40005)]
    yield case('ecn-tcp-ece', '--ecn-tcp-ece: the ECE flag, whatever the others.', ['-p tcp -m ecn --ecn-tcp-ece -j DROP'], ecn_flags)
    yield case('ecn-tcp-cwr', '--ecn-tcp-cwr: the CWR flag.', ['-p tcp -m ecn --ecn-tcp-cwr -j DROP'], ecn_flags)
    yield case('ecn-tcp-cwr-negated', '! --ecn-tcp-cwr: CWR clear, whatever the other flags.',
               ['-p tcp -m ecn ! --ecn-tcp-cwr -j DROP'], ecn_flags)
    yield case('ecn-tcp-ece-negated', '! --ecn-tcp-ece: ECE clear.', ['-p tcp -m ecn ! --ecn-tcp-ece -j DROP'], ecn_flags)
    yield case('ecn-all-three', 'All options at once: each must hold.',
               ['-p tcp -m ecn --ecn-tcp-ece ! --ecn-tcp-cwr --ecn-ip-ect 2 -j DROP'],
               [tcp(flags=['ACK', 'ECE'], tos=2), tcp(flags=['ACK', 'ECE'], tos=1, sport=40001),
                tcp(flags=['ACK', 'ECE', 'CWR'], tos=2, sport=40002), tcp(flags=['ACK'], tos=2, sport=40003)])


# ---------------------------------------------------------------- dccp

DCCP_TYPES = {'REQUEST': 0, 'RESPONSE': 1, 'DATA': 2, 'ACK': 3, 'DATAACK': 4, 'CLOSEREQ': 5, 'CLOSE': 6, 'RESET': 7,
              'SYNC': 8, 'SYNCACK': 9}
# Bytes after the generic header, by type: a service code (Request), an acknowledgement number, or both.
DCCP_TYPE_BYTES = {0: 4, 1: 12, 2: 0, 7: 12}


def dccp_header(sport=40000, dport=5001, typ='REQUEST', options=b'', doff=None):
    """A DCCP header with 48-bit sequence numbers (X=1), as Latin-1 text for the scenario's payload."""
    t = DCCP_TYPES[typ] if isinstance(typ, str) else typ
    body = bytes(6) + bytes(DCCP_TYPE_BYTES.get(t, 8)) + options
    body += bytes(-(10 + len(body)) % 4)
    size = 10 + len(body)
    head = struct.pack('!HHBBHB', sport, dport, doff if doff is not None else size // 4, 0, 0, (t << 1) | 1) + b'\0'
    return (head + body).decode('latin-1')


def dccp(**kw):
    return {'from': 'eth0', 'src': REMOTE, 'dst': ME, 'proto': 33, 'payload': dccp_header(**kw)}


def dccp_cases():
    yield case('dccp-dport', '--dport on DCCP.', ['-p dccp -m dccp --dport 5001 -j DROP'],
               [dccp(dport=5001), dccp(dport=5002)])
    yield case('dccp-sport-range', '--sport with a range.', ['-p dccp -m dccp --sport 1000:2000 -j DROP'],
               [dccp(sport=999), dccp(sport=1000), dccp(sport=2000), dccp(sport=2001)])
    yield case('dccp-dport-negated', '! --dport.', ['-p dccp -m dccp ! --dport 5001 -j DROP'],
               [dccp(dport=5001), dccp(dport=5002)])
    yield case('dccp-types', '--dccp-types REQUEST,RESET.', ['-p dccp -m dccp --dccp-types REQUEST,RESET -j DROP'],
               [dccp(typ='REQUEST'), dccp(typ='DATA'), dccp(typ='RESET'), dccp(typ='ACK')])
    yield case('dccp-types-negated', '! --dccp-types DATA.', ['-p dccp -m dccp ! --dccp-types DATA -j DROP'],
               [dccp(typ='DATA'), dccp(typ='DATAACK'), dccp(typ='REQUEST')])
    yield case('dccp-types-invalid', 'INVALID stands for the reserved types 10-15.',
               ['-p dccp -m dccp --dccp-types INVALID -j DROP'], [dccp(typ=12), dccp(typ='SYNCACK'), dccp(typ=15)])
    yield case('dccp-option', '--dccp-option 32: found among the options, padding and one-byte options skipped.',
               ['-p dccp -m dccp --dccp-option 32 -j DROP'],
               [dccp(typ='DATA', options=b'\x00\x01\x20\x03\x05'), dccp(typ='DATA', options=b'\x21\x03\x20'),
                dccp(typ='DATA'), dccp(typ='REQUEST', options=b'\x20\x02')])
    yield case('dccp-option-negated', '! --dccp-option 32.', ['-p dccp -m dccp ! --dccp-option 32 -j DROP'],
               [dccp(typ='DATA', options=b'\x20\x02'), dccp(typ='DATA', options=b'\x21\x02')])
    yield case('dccp-ports-and-type', 'Ports and type together: all must hold.',
               ['-p dccp -m dccp --sport 40000 --dport 5001 --dccp-types REQUEST -j DROP'],
               [dccp(), dccp(typ='DATA'), dccp(dport=5002), dccp(sport=40001)])
    short = {'from': 'eth0', 'src': REMOTE, 'dst': ME, 'proto': 33}
    yield case('dccp-short-header', 'Fewer than 12 bytes of DCCP header: the match drops the packet.',
               ['-p dccp -m dccp --dport 5001 -j ACCEPT', '-p dccp -m dccp ! --dport 5001 -j ACCEPT'],
               [dict(short, payload=dccp_header()[:11]), dict(short, payload=dccp_header()[:12])])
    yield case('dccp-option-bad-offset', 'A data offset shorter than the header: --dccp-option drops the packet.',
               ['-p dccp -m dccp --dccp-option 32 -j ACCEPT'], [dccp(typ='DATA', doff=3), dccp(typ='DATA', doff=4)])


# ---------------------------------------------------------------- esp, ah

def spi_bytes(spi, n=8):
    return (struct.pack('!I', spi) + bytes(4))[:n].decode('latin-1')


def esp(spi, n=8):
    return {'from': 'eth0', 'src': REMOTE, 'dst': ME, 'proto': 'esp', 'payload': spi_bytes(spi, n)}


def ah(spi, n=12):
    return {'from': 'eth0', 'src': REMOTE, 'dst': ME, 'proto': 'ah',
            'payload': ('\x32\x04\x00\x00' + spi_bytes(spi, 8) + '\0' * 4)[:n]}


def spi_cases():
    yield case('esp-spi', '--espspi: the first four bytes of the ESP header.', ['-p esp -m esp --espspi 256 -j DROP'],
               [esp(256), esp(257), esp(0x1000000)])
    yield case('esp-spi-range', '--espspi min:max includes both ends.', ['-p esp -m esp --espspi 100:200 -j DROP'],
               [esp(99), esp(100), esp(200), esp(201)])
    yield case('esp-spi-negated', '! --espspi.', ['-p esp -m esp ! --espspi 256 -j DROP'], [esp(256), esp(1)])
    yield case('esp-short', 'An ESP header shorter than 8 bytes: the match drops the packet, negated or not.',
               ['-p esp -m esp --espspi 1 -j ACCEPT', '-p esp -m esp ! --espspi 1 -j ACCEPT'],
               [esp(1, 4), esp(1, 7), esp(1, 8), esp(2, 8)])
    yield case('ah-spi', '--ahspi: bytes 4 to 7 of the AH header.', ['-p ah -m ah --ahspi 256 -j DROP'],
               [ah(256), ah(257)])
    yield case('ah-spi-range-negated', '! --ahspi min:max.', ['-p ah -m ah ! --ahspi 100:200 -j DROP'],
               [ah(99), ah(100), ah(200), ah(201)])
    yield case('ah-short', 'An AH header shorter than 12 bytes: the match drops the packet.',
               ['-p ah -m ah --ahspi 1 -j ACCEPT', '-p ah -m ah ! --ahspi 1 -j ACCEPT'],
               [ah(1, 8), ah(1, 11), ah(1, 12), ah(2, 12)])


# ---------------------------------------------------------------- cluster

CLUSTER_SOURCES = ['198.51.100.1', '198.51.100.2', '198.51.100.3', '198.51.100.4', '192.0.2.10', '192.0.2.11']


def cluster(spec):
    return f'-m cluster --cluster-total-nodes {spec}'


def cluster_cases():
    # Where cluster is meant to run: mangle PREROUTING, after conntrack (nft's `meta pkttype set` of the
    # translation is only allowed there).
    srcs = [tcp(src=s) for s in CLUSTER_SOURCES]

    def pre(spec, *more):
        return table('mangle', PREROUTING=[cluster(spec) + ' -j ACCEPT', *more, '-j DROP'])
    yield case('cluster-node-1', 'Node 1 of 2 takes the connections whose hash of the source is 0.',
               pre('2 --cluster-local-node 1 --cluster-hash-seed 0xdeadbeef'), srcs)
    yield case('cluster-node-2', 'Node 2 of 2: the other half.', pre('2 --cluster-local-node 2 --cluster-hash-seed 0xdeadbeef'), srcs)
    yield case('cluster-nodemask', '--cluster-local-nodemask 0x5: nodes 1 and 3 of 4.',
               pre('4 --cluster-local-nodemask 0x5 --cluster-hash-seed 1'), srcs)
    yield case('cluster-negated', '! --cluster-local-node 1.', pre('2 ! --cluster-local-node 1 --cluster-hash-seed 0xdeadbeef'), srcs)
    yield case('cluster-filter-input', 'In filter INPUT the match works as well.',
               [cluster('2 --cluster-local-node 1 --cluster-hash-seed 0xdeadbeef') + ' -j ACCEPT', '-j DROP'], srcs)
    yield case('cluster-in-raw', 'In raw PREROUTING conntrack has not run: no connection, so the match never holds.',
               table('raw', PREROUTING=[cluster('1 --cluster-local-node 1 --cluster-hash-seed 0') + ' -j ACCEPT',
                                        cluster('1 ! --cluster-local-node 1 --cluster-hash-seed 0') + ' -j ACCEPT']),
               [tcp()])
    yield case('cluster-reply-direction', 'Replies hash the original source too.',
               filt(OUTPUT=[cluster('2 --cluster-local-node 1 --cluster-hash-seed 0xdeadbeef') + ' -j ACCEPT', '-j DROP']),
               [tcp(src=s) for s in CLUSTER_SOURCES[:4]] + [ltcp(40000, sport=22, dst=s, flags=['SYN', 'ACK'])
                                                             for s in CLUSTER_SOURCES[:4]])
    yield case('cluster-no-connection', 'A packet without a connection never matches, negated or not.',
               pre('1 --cluster-local-node 1 --cluster-hash-seed 0', cluster('1 ! --cluster-local-node 1 --cluster-hash-seed 0') + ' -j ACCEPT'),
               [tcp(flags=['SYN', 'ACK']), tcp(sport=40001)])


# ---------------------------------------------------------------- SYNPROXY

def synproxy_cases():
    proxy = '-p tcp -m tcp --dport 22 -m conntrack --ctstate INVALID,UNTRACKED -j SYNPROXY --sack-perm --timestamp --wscale 7 --mss 1460'
    yield case('synproxy-notrack-syn', 'The documented setup: raw untracks SYNs, SYNPROXY answers them with a cookie.',
               table('raw', PREROUTING=['-p tcp -m tcp --syn -j CT --notrack']) +
               filt(INPUT=[proxy, '-m conntrack --ctstate INVALID -j DROP']),
               [tcp(tcpOptions=[2, 4, 8, 3]), tcp(flags=['ACK']), tcp(flags=['FIN', 'ACK'], sport=40001)])
    yield case('synproxy-tracked-syn', 'SYNPROXY on a tracked SYN: the answer belongs to its connection.',
               filt(INPUT=['-p tcp -m tcp --dport 22 -j SYNPROXY --mss 1460']),
               [tcp(), tcp(flags=['ACK']), tcp(flags=['RST'], sport=40001)])
    yield case('synproxy-output-sees-answer', 'The cookie SYN/ACK crosses OUTPUT, where rules see it.',
               table('raw', PREROUTING=['-p tcp -m tcp --syn -j CT --notrack']) +
               filt(INPUT=['-p tcp -m conntrack --ctstate UNTRACKED -j SYNPROXY --mss 1400'],
                    OUTPUT=['-p tcp --tcp-flags SYN,ACK SYN,ACK -j ACCEPT', '-j DROP']),
               [tcp(80), udp()])
    yield case('synproxy-forward', 'SYNPROXY in FORWARD answers for the server behind the router.',
               table('raw', PREROUTING=['-p tcp -m tcp --syn -j CT --notrack']) +
               filt(FORWARD=['-p tcp -m conntrack --ctstate INVALID,UNTRACKED -j SYNPROXY --mss 1460']),
               [tcp(443, dst=CLIENT), tcp(443, dst=CLIENT, flags=['ACK'])], ROUTER)


# ---------------------------------------------------------------- TEE

MONITOR = '10.0.0.9'


def tee_cases():
    yield case('tee-prerouting', 'TEE in PREROUTING: the copy goes to the gateway (TTL one less), untracked, through '
               'OUTPUT and POSTROUTING; the original is delivered.',
               table('mangle', PREROUTING=[f'-p tcp -j TEE --gateway {MONITOR}']), [tcp(), udp()], ROUTER)
    yield case('tee-forward', 'TEE of a forwarded packet to a monitor on the other side.',
               table('mangle', FORWARD=[f'-j TEE --gateway {MONITOR}']),
               [tcp(443, frm='eth1', src=CLIENT, dst=REMOTE), tcp(443, dst=CLIENT)], ROUTER)
    yield case('tee-oif', '--oif names the interface the copy leaves by.',
               table('mangle', PREROUTING=[f'-j TEE --gateway {MONITOR} --oif eth1']), [tcp()], ROUTER)
    yield case('tee-output', 'TEE in OUTPUT: the copy crosses OUTPUT again but is not copied again.',
               table('mangle', OUTPUT=[f'-j TEE --gateway {MONITOR}']), [ltcp(), ludp()], ROUTER)
    yield case('tee-copy-filtered', 'Rules in OUTPUT see the copy as UNTRACKED and may drop it.',
               table('mangle', PREROUTING=[f'-j TEE --gateway {MONITOR}']) +
               filt(OUTPUT=['-m conntrack --ctstate UNTRACKED -j DROP']), [tcp(), icmp()], ROUTER)
    yield case('tee-nat-table-skipped', 'The untracked copy skips the nat table; the original is DNATed after the copy.',
               table('mangle', PREROUTING=[f'-p tcp -j TEE --gateway {MONITOR}']) +
               table('nat', PREROUTING=['-p tcp --dport 8080 -j DNAT --to-destination 10.0.0.5:80'],
                     POSTROUTING=['-j MASQUERADE']),
               [tcp(8080)], ROUTER)
