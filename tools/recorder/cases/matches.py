"""One or a few cases per match module and option."""
from common import (CLIENT, LAN, ME, REMOTE, ROUTER, SERVER, filt, handshake, icmp, local, ltcp, ludp, pkt,
                    scenario, script, table, tcp, udp)

GROUP = 'matches'

DROP_REST = {'INPUT': 'DROP'}


def m(name, desc, rules, packets, host=None, sets=None, policy=None):
    """A case whose rules are INPUT rules (strings) or a full dump (one string with COMMIT)."""
    text = rules if isinstance(rules, str) else filt(INPUT=rules, policy=policy)
    return name, desc, scenario(text, packets, host=host or SERVER, sets=sets)


def cases():
    yield from tcp_cases()
    yield from udp_icmp_cases()
    yield from multiport_iprange_cases()
    yield from conntrack_cases()
    yield from addr_cases()
    yield from header_cases()
    yield from rate_cases()
    yield from recent_cases()
    yield from connlimit_cases()
    yield from mark_cases()
    yield from set_cases()
    yield from owner_cases()
    yield from interface_cases()


def tcp_cases():
    yield m('tcp-dport', '--dport matches the destination port only.', ['-p tcp --dport 22 -j DROP'],
            [tcp(22), tcp(2222), tcp(80, sport=22)])
    yield m('tcp-sport', '--sport matches the source port only.', ['-p tcp --sport 1024 -j DROP'],
            [tcp(22, sport=1024), tcp(1024, sport=1025)])
    yield m('tcp-dport-range', '--dport with a range includes both ends.', ['-p tcp --dport 1024:65535 -j DROP'],
            [tcp(1023), tcp(1024), tcp(65535), tcp(8443)])
    yield m('tcp-dport-open-ranges', ':1023 and 60000: ranges with one end left out.',
            ['-p tcp --dport :1023 -j ACCEPT', '-p tcp --dport 60000: -j ACCEPT'],
            [tcp(0), tcp(1023), tcp(1024), tcp(60000), tcp(59999)], policy=DROP_REST)
    yield m('tcp-dport-negated', '! --dport matches every other port.', ['-p tcp ! --dport 22 -j DROP'],
            [tcp(22), tcp(23)])
    yield m('tcp-sport-and-dport', 'Both ports must match.', ['-p tcp --sport 40000 --dport 22 -j DROP'],
            [tcp(22), tcp(22, sport=40001), tcp(23)])
    yield m('tcp-flags-syn-only', '--tcp-flags SYN,ACK SYN: SYN set, ACK clear.', ['-p tcp --tcp-flags SYN,ACK SYN -j DROP'],
            [tcp(flags=['SYN']), tcp(flags=['SYN', 'ACK'], sport=40001), tcp(flags=['ACK'], sport=40002)])
    yield m('tcp-flags-null-scan', '--tcp-flags ALL NONE catches a segment without flags.', ['-p tcp --tcp-flags ALL NONE -j DROP'],
            [tcp(flags=[]), tcp(flags=['SYN'], sport=40001)])
    yield m('tcp-flags-xmas', '--tcp-flags ALL FIN,PSH,URG: exactly those three.', ['-p tcp --tcp-flags ALL FIN,PSH,URG -j DROP'],
            [tcp(flags=['FIN', 'PSH', 'URG']), tcp(flags=['FIN', 'PSH', 'URG', 'ACK'], sport=40001)])
    yield m('tcp-flags-negated', '! --tcp-flags FIN,RST FIN,RST: anything but both set.',
            ['-p tcp ! --tcp-flags FIN,RST FIN,RST -j ACCEPT'],
            [tcp(flags=['SYN']), tcp(flags=['FIN', 'RST'], sport=40001)], policy=DROP_REST)
    yield m('tcp-syn', '--syn is --tcp-flags SYN,RST,ACK,FIN SYN.', ['-p tcp --syn -j DROP'],
            [tcp(flags=['SYN']), tcp(flags=['SYN', 'ACK'], sport=40001), tcp(flags=['SYN', 'FIN'], sport=40002)])
    yield m('tcp-not-syn', '! --syn: every segment but a plain SYN.', ['-p tcp ! --syn -j DROP'],
            [tcp(flags=['SYN']), tcp(flags=['ACK'], sport=40001)])
    yield m('tcp-option-mss', '--tcp-option 2 matches a segment carrying MSS.', ['-p tcp --tcp-option 2 -j DROP'],
            [tcp(tcpOptions=[2]), tcp(sport=40001)])
    yield m('tcp-option-negated', '! --tcp-option 8: no timestamp option.', ['-p tcp ! --tcp-option 8 -j DROP'],
            [tcp(tcpOptions=[8]), tcp(sport=40001, tcpOptions=[2])])


def udp_icmp_cases():
    yield m('udp-dport', 'UDP --dport.', ['-p udp --dport 53 -j DROP'], [udp(53), udp(54), tcp(53)])
    yield m('udp-sport', 'UDP --sport.', ['-p udp --sport 123 -j DROP'], [udp(123, sport=123), udp(123, sport=124)])
    yield m('udp-range', 'UDP port range for traceroute probes.', ['-p udp --dport 33434:33534 -j DROP'],
            [udp(33434), udp(33534), udp(33535)])
    yield m('udp-negated', '! --sport.', ['-p udp ! --sport 53 -j DROP'], [udp(53, sport=53), udp(53, sport=5353)])
    yield m('icmp-echo-request', '--icmp-type echo-request.', ['-p icmp --icmp-type echo-request -j DROP'],
            [icmp(), icmp('echo-reply'), icmp('timestamp-request')])
    yield m('icmp-echo-reply', '--icmp-type echo-reply (0) on a reply to our own ping.',
            ['-p icmp --icmp-type echo-reply -j DROP'],
            [local('icmp', icmpType='echo-request'), icmp('echo-reply')])
    yield m('icmp-type-whole', 'destination-unreachable covers every code.', ['-p icmp --icmp-type destination-unreachable -j DROP'],
            [ludp(53, sport=5353), icmp('port-unreachable'), icmp('host-unreachable'), icmp('echo-request')])
    yield m('icmp-type-code', 'port-unreachable is 3/3 only; 3/1 does not match.', ['-p icmp --icmp-type port-unreachable -j DROP'],
            [ludp(53), icmp('3/3'), icmp('3/1')])
    yield m('icmp-numeric', 'Numeric --icmp-type 8 and 3/4.', ['-p icmp --icmp-type 8 -j DROP', '-p icmp --icmp-type 3/4 -j DROP'],
            [icmp(8), ludp(53), icmp('3/4'), icmp('3/3')])
    yield m('icmp-time-exceeded', 'time-exceeded and ttl-zero-during-transit (11/0).',
            ['-p icmp --icmp-type ttl-zero-during-transit -j DROP', '-p icmp --icmp-type time-exceeded -j REJECT'],
            [ludp(33434), icmp('time-exceeded', src='203.0.113.1'), icmp('11/1', src='203.0.113.1')])
    yield m('icmp-negated', '! --icmp-type echo-request.', ['-p icmp ! --icmp-type echo-request -j DROP'],
            [icmp(), icmp('timestamp-request')])
    yield m('icmp-any', '--icmp-type any matches every ICMP packet.', ['-p icmp --icmp-type any -j DROP'],
            [icmp(), icmp('address-mask-request'), udp()])
    yield m('icmp-redirect', 'A redirect quoting our own packet (type 5 is an error type for conntrack).',
            ['-p icmp --icmp-type redirect -j DROP'],
            [ludp(53, dst='198.51.100.53'), icmp('host-redirect', src='203.0.113.1', dst=ME)])
    yield m('proto-by-number', '-p 6 and -p 17 behave as tcp and udp; -p 1 as icmp.',
            ['-p 6 -j DROP', '-p 17 -j REJECT', '-p 1 -j ACCEPT'], [tcp(), udp(), icmp()], policy=DROP_REST)
    yield m('proto-all-and-negated', '-p all matches anything, ! -p tcp everything but TCP.',
            ['! -p tcp -j DROP', '-p all -j ACCEPT'], [tcp(), udp(), icmp()], policy=DROP_REST)
    yield m('proto-gre', '-p gre (47) for a protocol without ports.', ['-p gre -j DROP'], [pkt(47), pkt('udp')])
    yield m('proto-name-case', 'Protocol names are case-insensitive: -p UDP.', script('iptables -A INPUT -p UDP -j DROP'),
            [udp(), tcp()])


def multiport_iprange_cases():
    yield m('multiport-dports', '--dports with a list.', ['-p tcp -m multiport --dports 22,80,443 -j DROP'],
            [tcp(22), tcp(80), tcp(443), tcp(8443)])
    yield m('multiport-dports-range', '--dports mixing a range and single ports.', ['-p tcp -m multiport --dports 443,8000:8080 -j DROP'],
            [tcp(8042), tcp(8080), tcp(8081), tcp(443)])
    yield m('multiport-sports', '--sports on UDP.', ['-p udp -m multiport --sports 53,123 -j DROP'],
            [udp(9, sport=53), udp(9, sport=123), udp(9, sport=124)])
    yield m('multiport-ports', '--ports matches the source or the destination port.', ['-p tcp -m multiport --ports 22 -j DROP'],
            [tcp(22), tcp(5000, sport=22), tcp(5000, sport=5001)])
    yield m('multiport-negated', '! --dports.', ['-p tcp -m multiport ! --dports 22,80 -j DROP'], [tcp(22), tcp(25)])
    yield m('multiport-fifteen', 'Fifteen ports, the most one rule takes.',
            ['-p tcp -m multiport --dports 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15 -j DROP'], [tcp(15), tcp(16)])
    yield m('iprange-src', '--src-range includes both ends.', ['-m iprange --src-range 198.51.100.1-198.51.100.7 -j DROP'],
            [tcp(src='198.51.100.1'), tcp(src='198.51.100.7'), tcp(src='198.51.100.8')])
    yield m('iprange-dst', '--dst-range on forwarded packets.',
            filt(FORWARD=['-m iprange --dst-range 10.0.0.2-10.0.0.9 -j DROP']),
            [tcp(dst='10.0.0.5'), tcp(dst='10.0.0.10')], host=ROUTER)
    yield m('iprange-negated', '! --src-range.', ['-m iprange ! --src-range 198.51.100.0-198.51.100.127 -j DROP'],
            [tcp(src='198.51.100.100'), tcp(src='198.51.100.200')])


def conntrack_cases():
    est = ['-m conntrack --ctstate ESTABLISHED -j ACCEPT', '-m conntrack --ctstate NEW -j ACCEPT']
    yield m('ctstate-new-established', '--ctstate NEW then ESTABLISHED over a handshake.', est,
            handshake(), policy=DROP_REST)
    yield m('ctstate-related', '--ctstate RELATED: an ICMP error about our own UDP flow.',
            ['-m conntrack --ctstate RELATED -j ACCEPT'], [ludp(53), icmp('port-unreachable')], policy=DROP_REST)
    yield m('ctstate-invalid', '--ctstate INVALID: a SYN-ACK nobody asked for.',
            ['-m conntrack --ctstate INVALID -j DROP'], [tcp(flags=['SYN', 'ACK']), tcp(sport=40001)])
    yield m('ctstate-untracked', '--ctstate UNTRACKED after NOTRACK in raw.',
            table('raw', PREROUTING=['-p udp --dport 53 -j NOTRACK']) +
            filt(INPUT=['-m conntrack --ctstate UNTRACKED -j DROP']), [udp(53), udp(54)])
    yield m('ctstate-negated', '! --ctstate NEW,ESTABLISHED.', ['-m conntrack ! --ctstate NEW,ESTABLISHED -j DROP'],
            [tcp(), tcp(flags=['FIN'], sport=40001)])
    yield m('ctstatus-seen-reply', '--ctstatus SEEN_REPLY is set once the reply went out.',
            ['-m conntrack --ctstatus SEEN_REPLY -j DROP'], [udp(), ludp(5353, sport=53), udp()])
    yield m('ctstatus-assured', '--ctstatus ASSURED: TCP after the third handshake packet.',
            ['-m conntrack --ctstatus ASSURED -j DROP'], handshake())
    yield m('ctstatus-confirmed', '--ctstatus CONFIRMED: not on the first packet, on the second.',
            ['-m conntrack --ctstatus CONFIRMED -j DROP'], [udp(), udp()])
    yield m('ctproto', '--ctproto udp.', ['-m conntrack --ctproto udp -j DROP'], [udp(), tcp()])
    yield m('ctorigsrc-dst', '--ctorigsrc and --ctorigdst with masks.',
            ['-m conntrack --ctorigsrc 198.51.100.0/24 --ctorigdst 203.0.113.10 -j DROP'],
            [tcp(), tcp(src='192.0.2.1')])
    yield m('ctorigsrcport-dstport', '--ctorigsrcport and --ctorigdstport; the reply direction keeps the original ports.',
            ['-m conntrack --ctproto tcp --ctorigdstport 22 -j ACCEPT', '-m conntrack --ctproto tcp --ctorigsrcport 40000 -j DROP'],
            handshake() + [tcp(23)], policy=DROP_REST)
    yield m('ctreplsrc', '--ctreplsrc: the reply source of an inbound connection is our address.',
            ['-m conntrack --ctreplsrc 203.0.113.10 -j DROP'], [tcp(), ltcp()])
    yield m('ctrepldst', '--ctrepldst: the reply destination is the original source.',
            ['-m conntrack --ctrepldst 198.51.100.0/24 -j DROP'], [tcp(), tcp(src='192.0.2.7')])
    yield m('ctdir', '--ctdir ORIGINAL and REPLY on a connection we opened.',
            filt(INPUT=['-m conntrack --ctdir REPLY -j ACCEPT', '-m conntrack --ctdir ORIGINAL -j DROP'],
                 OUTPUT=['-m conntrack --ctdir ORIGINAL -j ACCEPT']),
            [ltcp(443), tcp(50000, sport=443, flags=['SYN', 'ACK']), tcp(22)])
    yield m('ctstate-invalid-tuple-unchecked', '--ctstate INVALID with --ctorigsrc: a packet without a connection '
            'matches on its state alone, the tuple options are never looked at (and without --ctstate it never matches).',
            ['-m conntrack --ctorigsrc 198.51.100.0/24 -p tcp --tcp-flags SYN,ACK SYN,ACK -j DROP',
             '-m conntrack --ctstate INVALID --ctorigsrc 192.0.2.0/24 -j ACCEPT'],
            [tcp(flags=['SYN', 'ACK']), tcp(sport=40002)])
    yield m('ctorigdst-negated', '! --ctorigdst.', ['-m conntrack ! --ctorigdst 203.0.113.10 -j DROP'],
            [tcp(), udp(dst='203.0.113.255')])
    yield m('state-module', '-m state --state: the older spelling of --ctstate.',
            ['-m state --state ESTABLISHED,RELATED -j ACCEPT', '-m state --state INVALID -j DROP',
             '-p tcp --dport 22 -m state --state NEW -j ACCEPT'],
            handshake() + [tcp(flags=['RST'], sport=40009), tcp(80)], policy=DROP_REST)
    yield m('comment', 'A comment changes nothing but shows in the listing.',
            ['-p tcp --dport 22 -m comment --comment "allow ssh" -j ACCEPT', '-m comment --comment "the rest" -j DROP'],
            [tcp(22), tcp(80)])


def addr_cases():
    yield m('src-cidr', '-s with a /24.', ['-s 198.51.100.0/24 -j DROP'],
            [tcp(), tcp(src='198.51.100.255'), tcp(src='198.51.101.0')])
    yield m('src-host', '-s with a single address (saved as /32).', ['-s 198.51.100.7 -j DROP'],
            [tcp(), tcp(src='198.51.100.8')])
    yield m('src-noncanonical', '-s 198.51.100.77/24 is stored as 198.51.100.0/24.', ['-s 198.51.100.77/24 -j DROP'],
            [tcp(), tcp(src='198.51.101.7')])
    yield m('src-netmask', '-s with a dotted netmask.', ['-s 198.51.0.0/255.255.0.0 -j DROP'],
            [tcp(), tcp(src='198.52.0.1')])
    yield m('src-negated', '! -s.', ['! -s 198.51.100.0/24 -j DROP'], [tcp(), tcp(src='192.0.2.1')])
    yield m('dst-cidr', '-d on local addresses of a two-interface host.', ['-d 10.0.0.0/8 -j DROP'],
            [tcp(dst=LAN), tcp(dst=ME)], host=ROUTER)
    yield m('dst-negated', '! -d for forwarded packets.', filt(FORWARD=['! -d 198.51.100.0/24 -j DROP']),
            [tcp(frm='eth1', src=CLIENT, dst=REMOTE), tcp(frm='eth1', src=CLIENT, dst='192.0.2.1')], host=ROUTER)
    yield m('src-zero', '-s 0.0.0.0/0 matches everything (and saves without -s).', ['-s 0.0.0.0/0 -j DROP'], [tcp()])
    yield m('src-slash31', 'A /31 holds two addresses.', ['-s 198.51.100.6/31 -j DROP'],
            [tcp(src='198.51.100.6'), tcp(src='198.51.100.7'), tcp(src='198.51.100.8')])
    yield m('addrtype-dst-local', '--dst-type LOCAL: any of the host addresses.', ['-m addrtype --dst-type LOCAL -j DROP'],
            [tcp(dst=LAN), tcp(dst=ME), tcp(dst=REMOTE, src=CLIENT, frm='eth1')], host=ROUTER)
    yield m('addrtype-dst-broadcast', '--dst-type BROADCAST: the subnet broadcast and 255.255.255.255.',
            ['-m addrtype --dst-type BROADCAST -j DROP'],
            [udp(67, dst='203.0.113.255'), udp(67, dst='255.255.255.255'), udp(67)])
    yield m('addrtype-dst-multicast', '--dst-type MULTICAST: 224.0.0.1.', ['-m addrtype --dst-type MULTICAST -j DROP'],
            [udp(5353, dst='224.0.0.1'), udp(5353)])
    yield m('addrtype-dst-unicast', '--dst-type UNICAST on forwarded packets.',
            filt(FORWARD=['-m addrtype --dst-type UNICAST -j DROP']), [udp(frm='eth1', src=CLIENT, dst=REMOTE)], host=ROUTER)
    yield m('addrtype-src-local', '--src-type LOCAL in OUTPUT.',
            filt(OUTPUT=['-m addrtype --src-type LOCAL -j DROP']), [ludp(), ludp(src='192.0.2.99')])
    yield m('addrtype-limit-iface-in', '--dst-type LOCAL --limit-iface-in: only addresses of the incoming interface.',
            ['-m addrtype --dst-type LOCAL --limit-iface-in -j ACCEPT'],
            [tcp(dst=ME), tcp(dst=LAN), tcp(dst=LAN, src=CLIENT, frm='eth1')], host=ROUTER, policy=DROP_REST)
    yield m('addrtype-limit-iface-out', '--src-type LOCAL --limit-iface-out in OUTPUT.',
            filt(OUTPUT=['-m addrtype --src-type LOCAL --limit-iface-out -j DROP']),
            [ludp(), ludp(src=LAN)], host=ROUTER)
    yield m('addrtype-negated', '! --dst-type LOCAL in PREROUTING (mangle).',
            table('mangle', PREROUTING=['-m addrtype ! --dst-type LOCAL -j DROP']),
            [udp(dst=ME), udp(frm='eth1', src=CLIENT, dst=REMOTE)], host=ROUTER)


def header_cases():
    yield m('length-range', '-m length --length 100:200 against the IP total length.', ['-m length --length 100:200 -j DROP'],
            [tcp(length=150), tcp(), udp(length=200), udp(length=201)])
    yield m('length-exact', '--length 28: an empty UDP datagram.', ['-m length --length 28 -j DROP'], [udp(), udp(length=29)])
    yield m('length-negated', '! --length 0:1000.', ['-m length ! --length 0:1000 -j DROP'], [udp(length=1001), udp()])
    yield m('ttl-eq', '--ttl-eq 64.', ['-m ttl --ttl-eq 64 -j DROP'], [tcp(), tcp(ttl=63)])
    yield m('ttl-gt', '--ttl-gt 100.', ['-m ttl --ttl-gt 100 -j DROP'], [tcp(ttl=128), tcp(ttl=100)])
    yield m('ttl-lt', '--ttl-lt 5.', ['-m ttl --ttl-lt 5 -j DROP'], [tcp(ttl=4), tcp(ttl=5)])
    yield m('pkttype-broadcast', '--pkt-type broadcast for a frame to ff:ff:ff:ff:ff:ff.',
            ['-m pkttype --pkt-type broadcast -j DROP'], [udp(67, dst='203.0.113.255'), udp(67)])
    yield m('pkttype-multicast', '--pkt-type multicast for 224.0.0.1.', ['-m pkttype --pkt-type multicast -j DROP'],
            [udp(5353, dst='224.0.0.1'), udp(5353)])
    yield m('pkttype-unicast', '--pkt-type unicast.', ['-m pkttype --pkt-type unicast -j DROP'],
            [udp(67), udp(67, dst='255.255.255.255')])
    yield m('mac-source', '--mac-source: the default peer address of eth0 and another one.',
            ['-m mac --mac-source 02:00:00:00:01:01 -j DROP'], [tcp(), tcp(mac='02:00:00:00:aa:bb')])
    yield m('mac-source-negated', '! --mac-source.', ['-m mac ! --mac-source 02:00:00:00:aa:bb -j DROP'],
            [tcp(), tcp(mac='02:00:00:00:aa:bb')])
    yield m('dscp', '--dscp 46 (EF): TOS 0xb8.', ['-m dscp --dscp 46 -j DROP'], [udp(tos=0xb8), udp(tos=0xb9), udp()])
    yield m('dscp-class', '--dscp-class AF41 (34).', ['-m dscp --dscp-class AF41 -j DROP'], [udp(tos=0x88), udp(tos=0x90)])
    yield m('dscp-negated', '! --dscp 0.', ['-m dscp ! --dscp 0 -j DROP'], [udp(), udp(tos=0x20)])
    yield m('tos', '--tos 0x10 (Minimize-Delay), by value and by name.',
            ['-m tos --tos 0x10 -j DROP', '-m tos --tos Maximize-Throughput -j REJECT'], [udp(tos=0x10), udp(tos=0x08), udp()])
    yield m('tos-mask', '--tos 0x04/0x04 ignores the other bits.', ['-m tos --tos 0x04/0x04 -j DROP'],
            [udp(tos=0x04), udp(tos=0xfc), udp(tos=0x08)])
    yield m('fragment', '-f matches later fragments, but with conntrack loaded they are reassembled first: a lone '
            'later fragment never reaches the rules.', ['-f -j DROP', '-p udp -j ACCEPT'],
            [udp(fragOffset=10), udp()], policy=DROP_REST)
    yield m('fragment-first', 'A first fragment (more-fragments set) waits for the rest; only whole datagrams cross '
            'the chains.', ['! -f -p udp -j ACCEPT'], [udp(moreFragments=True, length=100), udp()], policy=DROP_REST)


def rate_cases():
    yield m('limit-burst', '--limit 3/min --limit-burst 2: two pass, then one every 20 s.',
            ['-p icmp -m limit --limit 3/min --limit-burst 2 -j ACCEPT'], [icmp()] * 4, policy=DROP_REST)
    yield m('limit-default-burst', '--limit 1/hour with the default burst of 5.',
            ['-m limit --limit 1/hour -j ACCEPT'], [udp()] * 7, policy=DROP_REST)
    yield m('limit-log', 'Rate-limited LOG before a DROP: the LOG stops matching after the burst.',
            ['-m limit --limit 5/min --limit-burst 3 -j LOG --log-prefix "dropped: "', '-j DROP'], [tcp(80)] * 5)
    yield m('limit-per-rule', 'Each limit rule has its own bucket.',
            ['-p udp -m limit --limit 1/min --limit-burst 1 -j ACCEPT', '-m limit --limit 1/min --limit-burst 2 -j ACCEPT'],
            [udp()] * 4, policy=DROP_REST)
    hl = '-m hashlimit --hashlimit-name {n} --hashlimit-{kind} 1/min --hashlimit-burst 2'
    a, b = '198.51.100.7', '198.51.100.8'
    yield m('hashlimit-srcip', 'Per-source buckets: each source gets its own burst of two.',
            [hl.format(n='per_src', kind='upto') + ' --hashlimit-mode srcip -j ACCEPT'],
            [udp(src=a)] * 3 + [udp(src=b)] * 3, policy=DROP_REST)
    yield m('hashlimit-above', '--hashlimit-above drops what exceeds the rate.',
            [hl.format(n='above', kind='above') + ' --hashlimit-mode srcip -j DROP'], [udp()] * 4)
    yield m('hashlimit-dstport', '--hashlimit-mode dstport: one bucket per destination port.',
            [hl.format(n='ports', kind='upto') + ' --hashlimit-mode dstport -j ACCEPT'],
            [udp(53), udp(53), udp(53), udp(123), udp(53, src=b)], policy=DROP_REST)
    yield m('hashlimit-srcmask', '--hashlimit-srcmask 24 puts a /24 in one bucket.',
            [hl.format(n='net', kind='upto') + ' --hashlimit-mode srcip --hashlimit-srcmask 24 -j ACCEPT'],
            [udp(src=a), udp(src=b), udp(src='198.51.100.9'), udp(src='192.0.2.1')], policy=DROP_REST)
    yield m('hashlimit-global', 'Without --hashlimit-mode, one bucket for all.',
            [hl.format(n='all', kind='upto') + ' -j ACCEPT'], [udp(src=a), udp(src=b), udp(src='192.0.2.1')],
            policy=DROP_REST)
    yield m('statistic-nth', '--mode nth --every 3 --packet 0: the first of every three.',
            ['-m statistic --mode nth --every 3 --packet 0 -j DROP'], [udp()] * 6)
    yield m('statistic-nth-offset', '--every 2 --packet 1: the second of every two.',
            ['-m statistic --mode nth --every 2 --packet 1 -j DROP'], [udp()] * 4)
    yield m('statistic-two-rules', 'Round-robin over two rules, as kube-proxy spreads over endpoints.',
            ['-m statistic --mode nth --every 2 --packet 0 -j ACCEPT', '-j DROP'], [udp()] * 4)


def recent_cases():
    knock = ['-p tcp --dport 1234 -m recent --name knock --set -j DROP',
             '-p tcp --dport 22 -m recent --name knock --rcheck -j ACCEPT', '-p tcp --dport 22 -j DROP']
    yield m('recent-set-rcheck', 'Port knocking: --set on the knock, --rcheck lets SSH in afterwards, only from that source.',
            knock, [tcp(22), tcp(1234, sport=40001), tcp(22, sport=40002), tcp(22, src='198.51.100.8')])
    yield m('recent-remove', '--remove forgets the source again.',
            knock[:1] + ['-p tcp --dport 1235 -m recent --name knock --remove -j DROP'] + knock[1:],
            [tcp(1234), tcp(22, sport=40001), tcp(1235, sport=40002), tcp(22, sport=40003)])
    yield m('recent-update-hitcount', '--update --seconds 60 --hitcount 3: the third hit within a minute matches.',
            ['-p udp -m recent --name flood --set', '-p udp -m recent --name flood --update --seconds 60 --hitcount 3 -j DROP'],
            [udp()] * 5)
    yield m('recent-rcheck-hitcount', '--rcheck --hitcount 2 without --seconds.',
            ['-m recent --name seen --rcheck --hitcount 2 -j DROP', '-m recent --name seen --set'], [udp()] * 4)
    yield m('recent-seconds', '--rcheck --seconds 60: recently seen matches.',
            ['-p tcp --dport 22 -m recent --name ssh --rcheck --seconds 60 -j DROP', '-p tcp --dport 22 -m recent --name ssh --set'],
            [tcp(22), tcp(22, sport=40001)])
    yield m('recent-rdest', '--rdest keys the list on the destination address.',
            filt(FORWARD=['-m recent --name dsts --rdest --rcheck -j DROP', '-m recent --name dsts --rdest --set']),
            [udp(frm='eth1', src=CLIENT, dst=REMOTE), udp(frm='eth1', src='10.0.0.6', dst=REMOTE),
             udp(frm='eth1', src=CLIENT, dst='198.51.100.8')], host=ROUTER)
    yield m('recent-mask', '--mask 255.255.255.0: a neighbour in the same /24 counts as seen.',
            ['-m recent --name nets --mask 255.255.255.0 --rcheck -j DROP', '-m recent --name nets --mask 255.255.255.0 --set'],
            [udp(), udp(src='198.51.100.200'), udp(src='198.51.101.7')])
    yield m('recent-names', 'Two lists with different names do not mix.',
            ['-p tcp -m recent --name A --set', '-p udp -m recent --name B --rcheck -j DROP', '-p udp -m recent --name A --rcheck -j REJECT'],
            [tcp(), udp()])
    yield m('recent-negated', '! --rcheck: the first sight of a source.',
            ['-m recent --name first ! --rcheck -j LOG --log-prefix "new source: "', '-m recent --name first --set'],
            [udp(), udp(), udp(src='198.51.100.8')])
    yield m('recent-rttl', '--rttl: a hit only counts when the TTL equals the one recorded; --set records the latest.',
            ['-m recent --name ttl --rcheck --rttl -j DROP', '-m recent --name ttl --set'],
            [udp(), udp(), udp(ttl=50), udp(ttl=50)])


def connlimit_cases():
    syn22 = '-p tcp --syn --dport 22 -m connlimit'
    yield m('connlimit-above', '--connlimit-above 2: the third concurrent connection from a source is refused.',
            [f'{syn22} --connlimit-above 2 -j REJECT --reject-with tcp-reset'],
            [tcp(22, sport=40000 + i) for i in range(3)] + [tcp(22, src='198.51.100.8')])
    yield m('connlimit-upto', '--connlimit-upto 2 -j ACCEPT with a DROP policy.', [f'{syn22} --connlimit-upto 2 -j ACCEPT'],
            [tcp(22, sport=40000 + i) for i in range(3)], policy=DROP_REST)
    yield m('connlimit-mask', '--connlimit-mask 24 counts a whole /24 together.',
            [f'{syn22} --connlimit-above 2 --connlimit-mask 24 -j DROP'],
            [tcp(22, src='198.51.100.7'), tcp(22, src='198.51.100.8'), tcp(22, src='198.51.100.9'), tcp(22, src='192.0.2.1')])
    yield m('connlimit-daddr', '--connlimit-daddr counts per destination: two clients to one server.',
            filt(FORWARD=['-p tcp --syn -m connlimit --connlimit-above 1 --connlimit-daddr -j DROP']),
            [tcp(80, frm='eth1', src=CLIENT, dst=REMOTE), tcp(80, frm='eth1', src='10.0.0.6', dst=REMOTE),
             tcp(80, frm='eth1', src='10.0.0.6', dst='198.51.100.8')], host=ROUTER)
    yield m('connlimit-saddr', '--connlimit-saddr (the default) written out; UDP flows count too.',
            ['-p udp -m connlimit --connlimit-above 1 --connlimit-saddr -j DROP'],
            [udp(sport=1000), udp(sport=1001), udp(sport=1000)])


def mark_cases():
    mangle_mark = table('mangle', PREROUTING=['-p tcp -j MARK --set-mark 0x1', '-p tcp --dport 22 -j MARK --or-mark 0x100'])
    yield m('mark', '-m mark --mark 0x1 after MARK in mangle PREROUTING.',
            mangle_mark + filt(INPUT=['-m mark --mark 0x1 -j DROP']), [tcp(80), tcp(22), udp()])
    yield m('mark-mask', '--mark 0x100/0x100 tests one bit.',
            mangle_mark + filt(INPUT=['-m mark --mark 0x100/0x100 -j DROP']), [tcp(80), tcp(22)])
    yield m('mark-negated', '! --mark 0.', mangle_mark + filt(INPUT=['-m mark ! --mark 0 -j DROP']), [tcp(), udp()])
    yield m('connmark-reply', 'CONNMARK on the first packet, --connmark on the reply and later packets.',
            table('mangle', PREROUTING=['-p tcp --dport 22 -m conntrack --ctstate NEW -j CONNMARK --set-mark 0x5']) +
            filt(INPUT=['-m connmark --mark 0x5 -j ACCEPT', '-j DROP'], OUTPUT=['-m connmark --mark 0x5 -j ACCEPT', '-j DROP']),
            handshake() + [tcp(80, sport=40005)])
    yield m('connmark-mask', '--connmark 0x4/0x4.',
            filt(INPUT=['-p udp -j CONNMARK --set-mark 0x6', '-m connmark --mark 0x4/0x4 -j DROP']), [udp(), tcp()])


def set_cases():
    yield m('set-hash-ip', 'hash:ip matched on the source.', ['-m set --match-set blocked src -j DROP'],
            [tcp(), tcp(src='198.51.100.8')], sets={'blocked': {'type': 'hash:ip', 'members': ['198.51.100.7', '192.0.2.1']}})
    yield m('set-hash-net-nomatch', 'hash:net with a nomatch hole: the /25 inside the /24 does not match.',
            ['-m set --match-set nets src -j DROP'],
            [tcp(src='198.51.100.7'), tcp(src='198.51.100.200'), tcp(src='192.0.2.1')],
            sets={'nets': {'type': 'hash:net', 'members': ['198.51.100.0/24', '198.51.100.128/25 nomatch']}})
    yield m('set-hash-ip-port', 'hash:ip,port with dst,dst: address and port of the destination.',
            ['-m set --match-set svc dst,dst -j ACCEPT'], [tcp(22), tcp(80), udp(53), udp(54)],
            sets={'svc': {'type': 'hash:ip,port', 'members': ['203.0.113.10,tcp:22', '203.0.113.10,udp:53']}},
            policy=DROP_REST)
    yield m('set-hash-net-iface', 'hash:net,iface with src,src: source net and incoming interface.',
            ['-m set --match-set trusted src,src -j ACCEPT'],
            [tcp(dst=ME), tcp(frm='eth1', src=CLIENT, dst=LAN), tcp(frm='eth0', src=CLIENT, dst=ME)],
            host=ROUTER, sets={'trusted': {'type': 'hash:net,iface', 'members': ['10.0.0.0/24,eth1', '198.51.100.0/24,eth0']}},
            policy=DROP_REST)
    yield m('set-bitmap-port', 'bitmap:port on the destination port.', ['-p tcp -m set --match-set ports dst -j DROP'],
            [tcp(22), tcp(23), udp(22)], sets={'ports': {'type': 'bitmap:port', 'range': '0-1023', 'members': ['22', '80-90']}})
    yield m('set-list-set', 'list:set: a match in any member set.', ['-m set --match-set all src -j DROP'],
            [tcp(src='198.51.100.7'), tcp(src='192.0.2.0'), tcp(src='192.0.2.9')],
            sets={'a': {'type': 'hash:ip', 'members': ['198.51.100.7']}, 'b': {'type': 'hash:net', 'members': ['192.0.2.0/29']},
                  'all': {'type': 'list:set', 'members': ['a', 'b']}})
    yield m('set-negated', '! --match-set: everybody outside the allow list.', ['-m set ! --match-set allow src -j DROP'],
            [tcp(), tcp(src='192.0.2.1')], sets={'allow': {'type': 'hash:net', 'members': ['198.51.100.0/24']}})
    yield m('set-output-dst', 'A set matched on the destination of local packets.',
            filt(OUTPUT=['-m set --match-set bad dst -j REJECT']), [ludp(dst='192.0.2.66'), ludp()],
            sets={'bad': {'type': 'hash:ip', 'members': ['192.0.2.66']}})
    yield m('set-hash-ip-port-ip', 'hash:ip,port,ip: source, destination port, destination.',
            ['-m set --match-set flows src,dst,dst -j DROP'], [tcp(22), tcp(23)],
            sets={'flows': {'type': 'hash:ip,port,ip', 'members': ['198.51.100.7,tcp:22,203.0.113.10']}})
    yield m('set-empty', 'An empty set never matches.', ['-m set --match-set none src -j DROP'], [tcp()],
            sets={'none': {'type': 'hash:ip', 'members': []}})


def owner_cases():
    f = lambda rules: filt(OUTPUT=rules)  # noqa: E731
    yield m('owner-uid', '--uid-owner on packets of processes running as uid 1000 and root.',
            f(['-m owner --uid-owner 1000 -j DROP']), [ludp(uid=1000), ludp()])
    yield m('owner-uid-range', '--uid-owner 1000-1999.', f(['-m owner --uid-owner 1000-1999 -j DROP']),
            [ludp(uid=1500), ludp(uid=2000)])
    yield m('owner-uid-negated', '! --uid-owner 0: everybody but root.', f(['-m owner ! --uid-owner 0 -j REJECT']),
            [ludp(uid=33), ludp()])
    yield m('owner-gid', '--gid-owner.', f(['-m owner --gid-owner 100 -j DROP']), [ludp(uid=1000, gid=100), ludp(uid=1000, gid=1000)])
    yield m('owner-postrouting', 'The owner match in POSTROUTING: a local packet has a socket, a forwarded one has '
            'none and never matches.',
            table('mangle', POSTROUTING=['-m owner --uid-owner 0 -j MARK --set-mark 1']) +
            filt(FORWARD=['-m mark --mark 1 -j DROP'], OUTPUT=['-m mark --mark 1 -j ACCEPT']),
            [ludp(), udp(frm='eth1', src=CLIENT, dst=REMOTE)], host=ROUTER)


def interface_cases():
    fw = lambda rules: filt(FORWARD=rules)  # noqa: E731
    lan_out = tcp(frm='eth1', src=CLIENT, dst=REMOTE)
    wan_in = tcp(frm='eth0', src=REMOTE, dst=CLIENT)
    yield m('iface-in', '-i eth0 in INPUT.', ['-i eth0 -j DROP'], [tcp(dst=ME), tcp(frm='eth1', src=CLIENT, dst=LAN)], host=ROUTER)
    yield m('iface-in-wildcard', '-i eth+ matches every eth interface.', ['-i eth+ -j DROP'],
            [tcp(dst=ME), tcp(frm='eth1', src=CLIENT, dst=LAN), ltcp(dst=ME)], host=ROUTER)
    yield m('iface-in-negated', '! -i eth1.', ['! -i eth1 -j DROP'], [tcp(dst=ME), tcp(frm='eth1', src=CLIENT, dst=LAN)], host=ROUTER)
    yield m('iface-out-forward', '-o eth0 in FORWARD.', fw(['-o eth0 -j DROP']), [lan_out, wan_in], host=ROUTER)
    yield m('iface-in-out-forward', '-i eth1 -o eth0 together.', fw(['-i eth1 -o eth0 -j ACCEPT', '-j DROP']),
            [lan_out, wan_in], host=ROUTER)
    yield m('iface-out-wildcard-negated', '! -o eth+ for local packets: only lo is left.',
            filt(OUTPUT=['! -o eth+ -j DROP']), [ltcp(), ltcp(dst=ME)], host=ROUTER)
    yield m('iface-lo', '-i lo: a local process talking to the host itself.', ['-i lo -j ACCEPT'],
            [ltcp(22, dst=ME), ltcp(22, dst='127.0.0.1', src='127.0.0.1'), tcp()], policy=DROP_REST)
    yield m('iface-other-names', 'Interface names other than eth: wan0/lan0 and the wildcard lan+.',
            filt(FORWARD=['-i lan+ -o wan0 -j ACCEPT', '-j DROP']),
            [tcp(frm='lan0', src=CLIENT, dst=REMOTE), tcp(frm='wan0', src=REMOTE, dst=CLIENT)],
            host={'interfaces': [{'name': 'wan0', 'addresses': [f'{ME}/24']}, {'name': 'lan0', 'addresses': [f'{LAN}/24']}],
                  'routes': [{'to': 'default', 'via': '203.0.113.1', 'dev': 'wan0'}], 'forwarding': True})
