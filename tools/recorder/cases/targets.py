"""Targets: verdicts, REJECT with every reply type and in every filter chain, logging, marks, NOTRACK."""
from common import (CLIENT, REMOTE, ROUTER, filt, handshake, icmp, ltcp, ludp, scenario, table, tcp, udp)

GROUP = 'targets'

REJECT_WITH = ['icmp-net-unreachable', 'icmp-host-unreachable', 'icmp-port-unreachable', 'icmp-proto-unreachable',
               'icmp-net-prohibited', 'icmp-host-prohibited', 'icmp-admin-prohibited']


def cases():
    yield 'accept', 'ACCEPT ends the chain; later rules are not evaluated.', scenario(
        filt(INPUT=['-p tcp -j ACCEPT', '-p tcp -j DROP']), [tcp()])
    yield 'drop', 'DROP: no answer at all.', scenario(filt(INPUT=['-p tcp -j DROP']), [tcp(), udp()])

    for w in REJECT_WITH:
        yield f'reject-{w}', f'REJECT --reject-with {w} in INPUT for UDP and TCP.', scenario(
            filt(INPUT=[f'-j REJECT --reject-with {w}']), [udp(), tcp()])
    yield 'reject-tcp-reset', 'REJECT --reject-with tcp-reset for a SYN (RST,ACK back) and for an ACK (plain RST).', scenario(
        filt(INPUT=['-p tcp -j REJECT --reject-with tcp-reset']), [tcp(), tcp(flags=['ACK'], sport=40001)])
    yield 'reject-default', 'REJECT without --reject-with is icmp-port-unreachable.', scenario(
        filt(INPUT=['-j REJECT']), [udp(), icmp()])
    yield 'reject-tcp-reset-for-rst', 'No reset answers a reset.', scenario(
        filt(INPUT=['-p tcp -j REJECT --reject-with tcp-reset']), [tcp(flags=['RST'])])
    yield 'reject-icmp-error', 'No ICMP error answers an ICMP error.', scenario(
        filt(INPUT=['-p icmp -j REJECT']), [ludp(53), icmp('port-unreachable'), icmp('echo-request')])
    yield 'reject-broadcast', 'No ICMP error for a broadcast packet.', scenario(
        filt(INPUT=['-p udp -j REJECT']), [udp(67, dst='203.0.113.255'), udp(67, dst='255.255.255.255'), udp(67)])
    yield 'reject-multicast', 'No ICMP error for a multicast packet.', scenario(
        filt(INPUT=['-p udp -j REJECT']), [udp(5353, dst='224.0.0.1')])

    fwd = [udp(frm='eth1', src=CLIENT, dst=REMOTE), tcp(443, frm='eth1', src=CLIENT, dst=REMOTE)]
    for w in ['icmp-port-unreachable', 'icmp-host-prohibited', 'icmp-net-unreachable', 'icmp-admin-prohibited']:
        yield f'reject-forward-{w}', f'REJECT --reject-with {w} in FORWARD: the error goes back out the ingress ' \
            'interface, from the host.', scenario(filt(FORWARD=[f'-j REJECT --reject-with {w}']), fwd, host=ROUTER)
    yield 'reject-forward-tcp-reset', 'REJECT tcp-reset in FORWARD: the reset carries the server address.', scenario(
        filt(FORWARD=['-p tcp -j REJECT --reject-with tcp-reset']), fwd[1:], host=ROUTER)
    yield 'reject-forward-inbound', 'REJECT in FORWARD for traffic from the internet to the LAN.', scenario(
        filt(FORWARD=['-i eth0 -j REJECT']), [udp(frm='eth0', src=REMOTE, dst=CLIENT)], host=ROUTER)

    yield 'reject-output-udp', 'REJECT in OUTPUT: the ICMP error goes to the local sender through lo.', scenario(
        filt(OUTPUT=['-p udp -j REJECT']), [ludp()])
    yield 'reject-output-tcp-reset', 'REJECT tcp-reset in OUTPUT: the reset comes back to the local sender.', scenario(
        filt(OUTPUT=['-p tcp -j REJECT --reject-with tcp-reset']), [ltcp()])
    yield 'reject-output-tcp-reset-syn-only', 'REJECT tcp-reset in OUTPUT for SYNs only: the reset is not rejected ' \
        'in turn and reaches the local sender over lo.', scenario(
        filt(OUTPUT=['-p tcp --syn -j REJECT --reject-with tcp-reset']), [ltcp()])
    for w in ['icmp-host-unreachable', 'icmp-admin-prohibited']:
        yield f'reject-output-{w}', f'REJECT --reject-with {w} in OUTPUT.', scenario(
            filt(OUTPUT=[f'-j REJECT --reject-with {w}']), [ludp(), ltcp()])
    yield 'reject-output-policy-drop', 'INPUT REJECT with an OUTPUT DROP policy and no RELATED accept: the reset ' \
        'and the ICMP error die in OUTPUT.', scenario(
        filt(INPUT=['-p tcp -j REJECT --reject-with tcp-reset', '-p udp -j REJECT'], policy={'OUTPUT': 'DROP'}),
        [tcp(), udp()])
    yield 'reject-output-policy-drop-related', 'The same with an OUTPUT rule accepting RELATED: the replies get out.', scenario(
        filt(INPUT=['-p tcp -j REJECT --reject-with tcp-reset', '-p udp -j REJECT'],
             OUTPUT=['-m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT'], policy={'OUTPUT': 'DROP'}), [tcp(), udp()])
    yield 'reject-output-policy-drop-established-only', 'Only ESTABLISHED accepted in OUTPUT: the REJECT replies are ' \
        'RELATED and still die.', scenario(
        filt(INPUT=['-j REJECT'], OUTPUT=['-m conntrack --ctstate ESTABLISHED -j ACCEPT'], policy={'OUTPUT': 'DROP'}),
        [udp()])
    yield 'reject-forward-output-drop', 'REJECT in FORWARD with an OUTPUT DROP policy: the error is a local packet.', scenario(
        filt(FORWARD=['-j REJECT'], policy={'OUTPUT': 'DROP'}), fwd[:1], host=ROUTER)
    yield 'reject-invalid-packet', 'REJECT tcp-reset for an INVALID segment (SYN-ACK with no connection).', scenario(
        filt(INPUT=['-p tcp -j REJECT --reject-with tcp-reset'], OUTPUT=['-m conntrack --ctstate INVALID -j LOG']),
        [tcp(flags=['SYN', 'ACK'])])
    yield 'reject-after-established', 'REJECT hitting a packet of an ESTABLISHED connection.', scenario(
        filt(INPUT=['-p tcp --tcp-flags PSH PSH -j REJECT --reject-with tcp-reset']), handshake())

    yield 'log-options', 'LOG with --log-prefix, --log-level and the option flags: a non-terminating rule.', scenario(
        filt(INPUT=['-p tcp -j LOG --log-prefix "IPT: " --log-level 4 --log-tcp-options --log-ip-options --log-uid',
                    '-j LOG --log-level debug', '-j DROP']), [tcp(), udp()])
    yield 'nflog-options', 'NFLOG with group, prefix and threshold.', scenario(
        filt(INPUT=['-j NFLOG --nflog-group 2 --nflog-prefix "in" --nflog-threshold 1', '-p udp -j ACCEPT', '-j DROP']),
        [tcp(), udp()])

    after = filt(INPUT=['-m mark --mark 0x10 -j ACCEPT', '-m mark --mark 0x13 -j ACCEPT', '-m mark --mark 0x3 -j ACCEPT',
                        '-m mark --mark 0x11 -j ACCEPT', '-m mark --mark 0xf0 -j ACCEPT', '-j DROP'])
    for name, spec, desc in [
            ('set-mark', '--set-mark 0x10', 'replaces the mark'),
            ('set-mark-mask', '--set-mark 0x10/0xf0', 'replaces the masked bits'),
            ('set-xmark', '--set-xmark 0x10/0x13', 'clears the mask bits, then XORs the value'),
            ('and-mark', '--and-mark 0xf0', 'ANDs'),
            ('or-mark', '--or-mark 0x10', 'ORs'),
            ('xor-mark', '--xor-mark 0x12', 'XORs')]:
        yield f'mark-{name}', f'MARK {spec} {desc}; the mark starts as 0x3 (set first), the INPUT rules show the result.', \
            scenario(table('mangle', PREROUTING=['-j MARK --set-mark 0x3', f'-j MARK {spec}']) + after, [tcp()])
    yield 'mark-in-output', 'MARK on local packets in mangle OUTPUT, matched in filter OUTPUT.', scenario(
        table('mangle', OUTPUT=['-p udp -j MARK --set-mark 0x9']) + filt(OUTPUT=['-m mark --mark 0x9 -j DROP']),
        [ludp(), ltcp()])

    cm_filter = filt(INPUT=['-m mark --mark 0x7 -j ACCEPT', '-m connmark --mark 0x7 -j REJECT', '-j DROP'],
                     OUTPUT=['-m connmark --mark 0x7 -j ACCEPT'])
    yield 'connmark-set-mark', 'CONNMARK --set-mark marks the connection, not the packet.', scenario(
        table('mangle', PREROUTING=['-p udp -j CONNMARK --set-mark 0x7']) + cm_filter, [udp(), ludp(5353, sport=53)])
    yield 'connmark-save-mark', 'CONNMARK --save-mark copies the packet mark to the connection.', scenario(
        table('mangle', PREROUTING=['-p udp -m conntrack --ctstate NEW -j MARK --set-mark 0x7', '-j CONNMARK --save-mark']) +
        cm_filter, [udp(), udp()])
    yield 'connmark-restore-mark', 'CONNMARK --restore-mark copies the connection mark to later packets.', scenario(
        table('mangle', PREROUTING=['-j CONNMARK --restore-mark', '-p udp -m mark --mark 0 -j CONNMARK --set-mark 0x7']) +
        cm_filter, [udp(), udp()])
    yield 'connmark-masks', 'CONNMARK --save-mark with --nfmask/--ctmask, --restore-mark with --mask.', scenario(
        table('mangle', PREROUTING=['-j MARK --set-mark 0xff', '-j CONNMARK --save-mark --nfmask 0x0f --ctmask 0x07',
                                    '-j MARK --set-mark 0', '-j CONNMARK --restore-mark --mask 0x0f']) + cm_filter,
        [udp()])

    untracked = filt(INPUT=['-m conntrack --ctstate UNTRACKED -j ACCEPT', '-j DROP'],
                     OUTPUT=['-m conntrack --ctstate UNTRACKED -j ACCEPT', '-j DROP'])
    yield 'notrack', 'NOTRACK in raw PREROUTING: UNTRACKED, and the reply too when OUTPUT notracks it.', scenario(
        table('raw', PREROUTING=['-p udp --dport 53 -j NOTRACK'], OUTPUT=['-p udp --sport 53 -j NOTRACK']) + untracked,
        [udp(), ludp(5353, sport=53), udp(54)])
    yield 'ct-notrack', 'CT --notrack, the newer spelling.', scenario(
        table('raw', PREROUTING=['-p tcp -j CT --notrack']) + untracked, handshake(data=False))
    yield 'notrack-one-way', 'NOTRACK in PREROUTING only: the reply going out is tracked as NEW.', scenario(
        table('raw', PREROUTING=['-p udp -j NOTRACK']) + filt(OUTPUT=['-m conntrack --ctstate NEW -j LOG']),
        [udp(), ludp(5353, sport=53)])
    yield 'notrack-skips-nat', 'Untracked packets skip the nat table.', scenario(
        table('raw', PREROUTING=['-p udp --dport 53 -j NOTRACK']) +
        table('nat', PREROUTING=['-j LOG --log-prefix "nat: "']), [udp(53), udp(54)])
    yield 'dscp-target', 'DSCP --set-dscp in mangle, seen by the dscp match in filter.', scenario(
        table('mangle', PREROUTING=['-p udp -j DSCP --set-dscp 10']) + filt(INPUT=['-m dscp --dscp 10 -j DROP']),
        [udp(), tcp()])
    yield 'tos-target', 'TOS --set-tos in mangle, seen by the tos match.', scenario(
        table('mangle', PREROUTING=['-j TOS --set-tos 0x10']) + filt(INPUT=['-m tos --tos 0x10 -j DROP']), [udp()])
    yield 'ttl-target', 'TTL --ttl-set in mangle PREROUTING, seen by the ttl match.', scenario(
        table('mangle', PREROUTING=['-j TTL --ttl-set 5']) + filt(INPUT=['-m ttl --ttl-lt 6 -j DROP']), [udp()])
    yield 'ttl-target-forward', 'TTL --ttl-inc 1 in mangle PREROUTING of a router hides the hop (TTL 1 is forwarded).', \
        scenario(table('mangle', PREROUTING=['-i eth1 -j TTL --ttl-inc 1']),
                 [udp(frm='eth1', src=CLIENT, dst=REMOTE, ttl=1), udp(frm='eth0', src=REMOTE, dst=CLIENT, ttl=1)],
                 host=ROUTER)
