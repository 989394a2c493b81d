"""Routing decisions around the chains: local delivery, forwarding on and off, longest prefix, no route,
TTL expiry, loopback, broadcast and multicast."""
from common import CLIENT, GW, LAN, ME, REMOTE, ROUTER, SERVER, filt, icmp, ltcp, ludp, pkt, scenario, table, tcp, udp

GROUP = 'routing'

# Every chain of filter and mangle logs, so the trace shows the path.
PATH = table('mangle', {c: ['-j LOG'] for c in ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING']}) + filt()

THREE = {'interfaces': [{'name': 'eth0', 'addresses': [f'{ME}/24']}, {'name': 'eth1', 'addresses': [f'{LAN}/24']},
                        {'name': 'eth2', 'addresses': ['172.16.0.1/24']}],
         'routes': [{'to': 'default', 'via': GW, 'dev': 'eth0'},
                    {'to': '10.0.0.0/8', 'via': '10.0.0.254', 'dev': 'eth1'},
                    {'to': '10.20.0.0/16', 'via': '172.16.0.254', 'dev': 'eth2'},
                    {'to': '10.20.30.0/24', 'via': '10.0.0.253', 'dev': 'eth1'}],
         'forwarding': True}


def r(name, desc, packets, host=ROUTER, rules=PATH):
    return name, desc, scenario(rules, packets, host=host)


def cases():
    yield r('local-delivery', 'A packet for the host: PREROUTING, INPUT.', [tcp(dst=ME)])
    yield r('local-delivery-other-interface', 'A packet arriving on eth0 for the address of eth1 is delivered ' \
            '(weak host model).', [tcp(dst=LAN)])
    yield r('forward-on', 'Forwarding on: PREROUTING, FORWARD, POSTROUTING, out the other interface.',
            [tcp(frm='eth1', src=CLIENT, dst=REMOTE), tcp(frm='eth0', src=REMOTE, dst=CLIENT)])
    yield r('forward-off', 'Forwarding off: a packet for another host vanishes after PREROUTING, without an ICMP error.',
            [tcp(frm='eth1', src=CLIENT, dst=REMOTE), tcp(dst=ME)], host=dict(ROUTER, forwarding=False))
    yield r('forward-same-interface', 'A packet forwarded back out the interface it came in on.',
            [udp(frm='eth1', src=CLIENT, dst='10.0.0.9')])
    yield r('longest-prefix', 'Longest prefix wins: /24 via eth1, /16 via eth2, /8 via eth1, default via eth0.',
            [udp(frm='eth0', dst='10.20.30.40'), udp(frm='eth0', dst='10.20.99.1'), udp(frm='eth0', dst='10.99.0.1'),
             udp(frm='eth1', src=CLIENT, dst='192.0.2.1')], host=THREE)
    yield r('no-route-forward', 'No route for a forwarded packet: ICMP network unreachable goes back to the sender.',
            [udp(frm='eth1', src=CLIENT, dst=REMOTE)], host=dict(ROUTER, routes=[]))
    yield r('no-route-local', 'No route for a local packet: the sender gets an error, nothing enters netfilter.',
            [ludp(dst=REMOTE)], host=dict(SERVER, routes=[]))
    yield r('ttl-expired-forward', 'TTL 1 on a forwarded packet: ICMP time exceeded back, before FORWARD.',
            [udp(frm='eth1', src=CLIENT, dst=REMOTE, ttl=1), udp(frm='eth1', src=CLIENT, dst=REMOTE, ttl=2, sport=1)])
    yield r('ttl-expired-forward-tcp', 'TTL 1 on a forwarded TCP SYN: time exceeded quoting it.',
            [tcp(frm='eth0', src=REMOTE, dst=CLIENT, ttl=1)])
    yield r('ttl-1-local', 'TTL 1 is fine for a packet the host delivers to itself.', [tcp(dst=ME, ttl=1)])
    yield r('ttl-expired-filtered', 'The time exceeded error crosses OUTPUT and can be dropped there.',
            [udp(frm='eth1', src=CLIENT, dst=REMOTE, ttl=1)],
            rules=filt(OUTPUT=['-p icmp --icmp-type time-exceeded -j DROP']))
    yield r('local-to-own-address', 'A local process to the host address: OUTPUT, POSTROUTING, then PREROUTING and ' \
            'INPUT on lo.', [ltcp(22, dst=ME)])
    yield r('local-to-loopback', 'A local process to 127.0.0.1.', [ltcp(22, src='127.0.0.1', dst='127.0.0.1')])
    yield r('local-to-other-interface-address', 'To the eth1 address from the eth0 address: still lo.', [ltcp(22, dst=LAN)])
    yield r('local-out-interface', 'A local packet to the internet: OUTPUT, POSTROUTING, out eth0.', [ltcp()])
    yield r('local-out-lan', 'A local packet to the LAN goes out eth1 without a gateway.', [ludp(dst=CLIENT, src=LAN)])
    yield r('broadcast-subnet', 'A subnet broadcast is delivered locally, not forwarded.',
            [udp(67, frm='eth1', src=CLIENT, dst='10.0.0.255')])
    yield r('broadcast-limited', '255.255.255.255 is delivered locally.', [udp(67, frm='eth1', src='0.0.0.0', dst='255.255.255.255')])
    yield r('broadcast-other-subnet', 'The broadcast address of eth0\'s subnet arriving on eth1 (directed broadcast).',
            [udp(67, frm='eth1', src=CLIENT, dst='203.0.113.255')])
    yield r('multicast-joined', '224.0.0.1 (all hosts) is delivered.', [udp(5353, dst='224.0.0.1')])
    yield r('multicast-not-joined', 'A multicast group the host did not join: dropped after PREROUTING.',
            [udp(5353, dst='239.1.2.3')])
    yield r('martian-source', 'A packet from the internet claiming a LAN source is still routed (rp_filter is off).',
            [udp(frm='eth0', src=CLIENT, dst=ME)])
    yield r('icmp-echo-forwarded', 'Ping through the router and back.',
            [icmp(frm='eth1', src=CLIENT, dst=REMOTE), icmp('echo-reply', frm='eth0', src=REMOTE, dst=CLIENT)])
    yield r('protocol-other', 'A GRE packet forwarded: no ports.', [pkt(47, frm='eth1', src=CLIENT, dst=REMOTE)])
