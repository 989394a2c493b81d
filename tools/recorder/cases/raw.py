"""raw: NOTRACK and CT --notrack make packets UNTRACKED and skip NAT; CT --zone; marks set in raw; what the
raw chains see before conntrack."""
from common import CLIENT, LAN, ME, REMOTE, ROUTER, SERVER, filt, icmp, ltcp, ludp, pkt, scenario, table, tcp, udp

GROUP = 'raw'

EST = '-m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT'
STATES = ['--ctstate NEW', '--ctstate ESTABLISHED', '--ctstate RELATED', '--ctstate INVALID', '--ctstate UNTRACKED']


def raw(**chains):
    return table('raw', chains)


def nat(**chains):
    return table('nat', chains)


def states():
    return [f'-m conntrack {s}' for s in STATES]


def cases():
    for target in ['NOTRACK', 'CT --notrack']:
        t = 'notrack' if target == 'NOTRACK' else 'ct-notrack'
        yield f'{t}-inbound', f'{target} in raw PREROUTING: the packet is UNTRACKED in every later chain.', scenario(
            raw(PREROUTING=[f'-p udp --dport 53 -j {target}']) +
            filt(INPUT=states() + ['-m state --state UNTRACKED -j ACCEPT', '-j DROP']), [udp(53), udp(53, sport=5354)])
        yield f'{t}-skips-dnat', f'{target} in raw PREROUTING: the nat table never sees the packet, so its DNAT does ' \
            'not happen and it is delivered to the router.', scenario(
                raw(PREROUTING=[f'-p tcp --dport 8080 -j {target}']) +
                nat(PREROUTING=['-p tcp --dport 8080 -j DNAT --to-destination 10.0.0.5:80']) +
                table('mangle') + filt(), [tcp(8080), tcp(8081, sport=40001)], host=ROUTER)
        yield f'{t}-skips-masquerade', f'{target} for LAN traffic: MASQUERADE never runs and the packet leaves with ' \
            'its private source.', scenario(
                raw(PREROUTING=[f'-i eth1 -p udp -j {target}']) + nat(POSTROUTING=['-o eth0 -j MASQUERADE']) + filt(),
                [udp(frm='eth1', src=CLIENT, dst=REMOTE), tcp(443, frm='eth1', src=CLIENT, dst=REMOTE)], host=ROUTER)
        yield f'{t}-output', f'{target} in raw OUTPUT for the host\'s own DNS: nat OUTPUT and POSTROUTING are ' \
            'skipped; the untracked reply needs an UNTRACKED accept.', scenario(
                raw(OUTPUT=[f'-p udp --dport 53 -j {target}'], PREROUTING=[f'-p udp --sport 53 -j {target}']) +
                nat(OUTPUT=['-p udp -j DNAT --to-destination 192.0.2.53'],
                    POSTROUTING=['-o eth0 -j SNAT --to-source 203.0.113.53']) +
                filt(INPUT=[EST, '-p udp --sport 53 -m conntrack --ctstate UNTRACKED -j ACCEPT', '-j DROP']),
                [ludp(53), udp(50000, sport=53), ludp(123, sport=123)], host=SERVER)
    yield 'notrack-reply-only', 'A connection the host opens is tracked; its reply is NOTRACKed in raw PREROUTING, ' \
        'so it is UNTRACKED, not ESTABLISHED, and an ESTABLISHED accept misses it.', scenario(
            raw(PREROUTING=['-p tcp --sport 443 -j NOTRACK']) +
            filt(INPUT=[EST, '-j DROP']), [ltcp(443), tcp(50000, sport=443, flags=['SYN', 'ACK'])], host=SERVER)
    yield 'notrack-later-packet-of-dnat', 'A port forward\'s SYN is tracked and DNATed; the ACK is CT --notrack: ' \
        'no translation, so it goes to the router itself.', scenario(
            raw(PREROUTING=['-p tcp --tcp-flags SYN,ACK ACK -j CT --notrack']) +
            nat(PREROUTING=['-p tcp --dport 8080 -j DNAT --to-destination 10.0.0.5:80']) + filt(),
            [tcp(8080), tcp(40000, sport=80, frm='eth1', src=CLIENT, dst=REMOTE, flags=['SYN', 'ACK']),
             tcp(8080, flags=['ACK'])], host=ROUTER)
    yield 'notrack-reject', 'An UNTRACKED packet rejected in INPUT: its ICMP error and reset go out.', scenario(
        raw(PREROUTING=['-j NOTRACK']) + filt(INPUT=['-p udp -j REJECT', '-p tcp -j REJECT --reject-with tcp-reset'],
                                            OUTPUT=states()), [udp(), tcp()])
    yield 'notrack-forward-ttl-expired', 'An UNTRACKED forwarded packet with TTL 1: the time exceeded error.', scenario(
        raw(PREROUTING=['-j NOTRACK']) + filt(OUTPUT=states()), [udp(frm='eth1', src=CLIENT, dst=REMOTE, ttl=1)],
        host=ROUTER)
    yield 'notrack-icmp-error-about-it', 'An ICMP error about a flow that was never tracked is not RELATED.', scenario(
        raw(OUTPUT=['-p udp -j NOTRACK']) + filt(INPUT=states()),
        [ludp(53), icmp('port-unreachable', src=REMOTE, dst=ME)], host=SERVER)
    yield 'notrack-loopback', 'NOTRACK for everything on lo (raw OUTPUT -o lo and PREROUTING -i lo): a packet to ' \
        'self is UNTRACKED on both legs.', scenario(
            raw(OUTPUT=['-o lo -j NOTRACK'], PREROUTING=['-i lo -j NOTRACK']) + nat() +
            filt(INPUT=states(), OUTPUT=states()), [ludp(dst='127.0.0.1', src='127.0.0.1'), ludp(dst=ME)], host=SERVER)
    yield 'notrack-established-connection', 'A NOTRACK rule that matches only the third packet of a tracked ' \
        'connection: that packet is UNTRACKED, the connection stays.', scenario(
            raw(PREROUTING=['-p tcp --tcp-flags PSH PSH -j NOTRACK']) + filt(INPUT=states()),
            [tcp(22), pkt('tcp', frm='local', src=ME, dst=REMOTE, sport=22, dport=40000, flags=['SYN', 'ACK']),
             tcp(22, flags=['PSH', 'ACK'], length=60), tcp(22, flags=['ACK'])], host=SERVER)
    yield 'raw-state-before-conntrack', 'In raw, conntrack has not run: -m state and -m conntrack see every packet as ' \
        'INVALID, even the reply of an established connection.', scenario(
            raw(PREROUTING=[f'-m state --state {s}' for s in ['NEW', 'ESTABLISHED', 'INVALID', 'UNTRACKED']] + states(),
                OUTPUT=states()) + filt(),
            [udp(), ludp(5353, sport=53)], host=SERVER)
    yield 'raw-drop', 'DROP in raw PREROUTING: no conntrack lookup happens (ctState null).', scenario(
        raw(PREROUTING=['-s 198.51.100.0/24 -j DROP']) + filt(), [udp(), udp(src='192.0.2.9')], host=SERVER)
    yield 'raw-drop-output', 'DROP in raw OUTPUT: the local packet never reaches conntrack.', scenario(
        raw(OUTPUT=['-p udp --dport 123 -j DROP']) + filt(), [ludp(123), ludp(53, sport=50001)], host=SERVER)
    yield 'raw-mark', 'MARK in raw PREROUTING: the mark is there in mangle, nat and filter.', scenario(
        raw(PREROUTING=['-p tcp -j MARK --set-mark 0x77']) + table('mangle', PREROUTING=['-m mark --mark 0x77']) +
        nat(PREROUTING=['-m mark --mark 0x77 -j DNAT --to-destination 10.0.0.5']) +
        filt(FORWARD=['-m mark --mark 0x77 -j ACCEPT']), [tcp(), udp()], host=ROUTER)
    yield 'raw-mark-output', 'MARK in raw OUTPUT for local packets, read in filter OUTPUT.', scenario(
        raw(OUTPUT=['-p tcp -j MARK --set-mark 0x5']) + filt(OUTPUT=['-m mark --mark 0x5 -j DROP']),
        [ltcp(), ludp()], host=SERVER)

    # ---------------------------------------------------------------- CT --zone
    yield 'ct-zone-separates-flows', 'A UDP flow answered by the host is ESTABLISHED; the same flow in conntrack ' \
        'zone 1 (chosen by TTL) is another connection: NEW.', scenario(
            raw(PREROUTING=['-m ttl --ttl-eq 63 -j CT --zone 1']) + filt(INPUT=states()),
            [udp(), ludp(5353, sport=53), udp(), udp(ttl=63)], host=SERVER)
    yield 'ct-zone-reply-other-zone', 'LAN traffic in zone 1 (raw PREROUTING -i eth1); the reply from eth0 is in ' \
        'zone 0 and finds no connection: NEW, not ESTABLISHED.', scenario(
            raw(PREROUTING=['-i eth1 -j CT --zone 1']) + filt(FORWARD=states()),
            [udp(frm='eth1', src=CLIENT, dst=REMOTE), udp(5353, sport=53, src=REMOTE, dst=CLIENT)], host=ROUTER)
    yield 'ct-zone-both-sides', 'Both interfaces in zone 1: the reply is ESTABLISHED.', scenario(
        raw(PREROUTING=['-i eth1 -j CT --zone 1', '-i eth0 -j CT --zone 1']) + filt(FORWARD=states()),
        [udp(frm='eth1', src=CLIENT, dst=REMOTE), udp(5353, sport=53, src=REMOTE, dst=CLIENT)], host=ROUTER)
    yield 'ct-zone-overlapping-lans', 'Two LANs with the same addresses, each in its own zone, masqueraded: the ' \
        'second flow, identical but in another zone, still gets its own source port.', scenario(
            raw(PREROUTING=['-i eth1 -j CT --zone 1', '-i eth2 -j CT --zone 2']) +
            nat(POSTROUTING=['-o eth0 -p udp -j MASQUERADE --to-ports 5000-5001']) + filt(FORWARD=states()),
            [udp(frm='eth1', src=CLIENT, dst=REMOTE, sport=5000), udp(frm='eth2', src=CLIENT, dst=REMOTE, sport=5000)],
            host={'interfaces': [{'name': 'eth0', 'addresses': [f'{ME}/24']}, {'name': 'eth1', 'addresses': [f'{LAN}/24']},
                                 {'name': 'eth2', 'addresses': ['10.0.0.254/32']}],
                  'routes': [{'to': 'default', 'via': '203.0.113.1', 'dev': 'eth0'}], 'forwarding': True})
    yield 'ct-zone-dnat', 'CT --zone 1 with a DNAT: the reply must be in zone 1 too to be de-NATed.', scenario(
        raw(PREROUTING=['-i eth0 -j CT --zone 1']) + nat(PREROUTING=['-p udp --dport 53 -j DNAT --to-destination 10.0.0.5']) +
        filt(FORWARD=states()),
        [udp(53), udp(5353, sport=53, frm='eth1', src=CLIENT, dst=REMOTE)], host=ROUTER)
    yield 'ct-zone-orig', 'CT --zone-orig 1: only the original direction is looked up in zone 1, so the reply ' \
        'from eth0 (zone 0 for the reply direction) finds the connection.', scenario(
            raw(PREROUTING=['-i eth1 -j CT --zone-orig 1']) + nat(POSTROUTING=['-o eth0 -j MASQUERADE']) +
            filt(FORWARD=states()),
            [udp(frm='eth1', src=CLIENT, dst=REMOTE), udp(5353, sport=53, src=REMOTE, dst=ME)], host=ROUTER)
