"""Connection tracking states over TCP, UDP and ICMP exchanges.

Every case logs the state it sees with one rule per state, so the trace names the state as well as ctState.
"""
from common import CLIENT, ME, REMOTE, ROUTER, filt, handshake, icmp, ltcp, ludp, pkt, scenario, table, tcp, udp

GROUP = 'conntrack'

STATES = ['NEW', 'ESTABLISHED', 'RELATED', 'INVALID', 'UNTRACKED']


def probe(chain):
    return [f'-m conntrack --ctstate {s} -j LOG --log-prefix "{s} "' for s in STATES]


RULES = filt(INPUT=probe('INPUT'), OUTPUT=probe('OUTPUT'), FORWARD=probe('FORWARD'))


def c(name, desc, packets, host=None, rules=RULES):
    return name, desc, scenario(rules, packets, **({'host': host} if host else {}))


def cases():
    yield c('tcp-handshake-inbound', 'SYN in, SYN-ACK out, ACK in, data: NEW, ESTABLISHED, ESTABLISHED, ESTABLISHED.',
            handshake())
    yield c('tcp-full-inbound', 'A whole inbound connection: handshake, data both ways, FIN from each side, last ACK.',
            handshake() + [ltcp(40000, sport=22, flags=['PSH', 'ACK'], length=60, dst=REMOTE),
                           tcp(flags=['FIN', 'ACK']), ltcp(40000, sport=22, flags=['FIN', 'ACK']), tcp(flags=['ACK'])])
    yield c('tcp-handshake-outbound', 'A connection the host opens: SYN out, SYN-ACK in, ACK out.',
            [ltcp(443), tcp(50000, sport=443, flags=['SYN', 'ACK']), ltcp(443, flags=['ACK']),
             ltcp(443, flags=['PSH', 'ACK'], length=200), tcp(50000, sport=443, flags=['ACK'])])
    yield c('tcp-handshake-forwarded', 'A forwarded handshake: the router sees both directions.',
            handshake(client_from='eth1', client=CLIENT, server=REMOTE, dport=443, server_from='eth0'), host=ROUTER)
    yield c('tcp-midstream-ack', 'An ACK with no connection entry is picked up as NEW (nf_conntrack_tcp_loose).',
            [tcp(flags=['ACK']), tcp(flags=['PSH', 'ACK'], length=80)])
    yield c('tcp-lone-synack', 'A SYN-ACK with no connection entry is INVALID.', [tcp(flags=['SYN', 'ACK'])])
    yield c('tcp-lone-fin', 'A FIN with no connection entry is INVALID.', [tcp(flags=['FIN']), tcp(flags=['FIN', 'ACK'], sport=40001)])
    yield c('tcp-lone-rst', 'A RST with no connection entry is INVALID.', [tcp(flags=['RST']), tcp(flags=['RST', 'ACK'], sport=40001)])
    yield c('tcp-syn-dropped-retry', 'A SYN dropped in INPUT leaves no entry: the retry is NEW again.',
            [tcp(), tcp(), tcp()],
            rules=filt(INPUT=probe('INPUT') + ['-m statistic --mode nth --every 3 --packet 0 -j DROP']))
    yield c('tcp-syn-retransmit', 'A SYN accepted but unanswered, then sent again: still NEW.', [tcp(), tcp()])
    yield c('tcp-rst-after-handshake', 'A RST inside an established connection is ESTABLISHED; the next SYN on the ' \
            'same ports starts over as NEW.', handshake(data=False) + [tcp(flags=['RST', 'ACK']), tcp()])
    yield c('tcp-synack-out-no-syn', 'The host sends a SYN-ACK nobody asked for: INVALID in OUTPUT.',
            [ltcp(40000, sport=22, flags=['SYN', 'ACK'])])
    yield c('tcp-syn-both-ways', 'Both sides send a SYN (simultaneous open).',
            [tcp(50000, sport=443), ltcp(443, sport=50000)])
    yield c('tcp-data-before-ack', 'Data from the client right after the SYN-ACK (no separate ACK).',
            handshake(data=False)[:2] + [tcp(flags=['PSH', 'ACK'], length=120)])
    yield c('tcp-new-after-fin', 'A FIN closes the connection; an ACK on the same ports afterwards.',
            handshake(data=False) + [tcp(flags=['FIN', 'ACK']), ltcp(40000, sport=22, flags=['FIN', 'ACK']),
                                     tcp(flags=['ACK']), tcp(flags=['ACK'])])

    yield c('udp-request-reply', 'UDP: request NEW, reply ESTABLISHED, next request ESTABLISHED.',
            [udp(), ludp(5353, sport=53), udp()])
    yield c('udp-unanswered', 'UDP requests without a reply stay NEW.', [udp(), udp(), udp()])
    yield c('udp-outbound', 'A DNS query from the host and its answer.', [ludp(53), udp(50000, sport=53)])
    yield c('udp-reply-wrong-port', 'A reply from another port is a new flow.', [ludp(53), udp(50000, sport=54)])
    yield c('udp-forwarded', 'Forwarded UDP both ways.',
            [udp(frm='eth1', src=CLIENT, dst=REMOTE), udp(5353, sport=53, frm='eth0', src=REMOTE, dst=CLIENT)], host=ROUTER)

    yield c('icmp-echo-request-reply', 'Ping in, reply out: NEW then ESTABLISHED.',
            [icmp(), pkt('icmp', frm='local', src=ME, dst=REMOTE, icmpType='echo-reply')])
    yield c('icmp-echo-outbound', 'Ping out, reply in.', [pkt('icmp', frm='local', src=ME, dst=REMOTE), icmp('echo-reply')])
    yield c('icmp-echo-reply-unsolicited', 'An echo reply with no request is INVALID.', [icmp('echo-reply')])
    yield c('icmp-echo-other-id', 'A reply with another identifier does not belong to the request.',
            [pkt('icmp', frm='local', src=ME, dst=REMOTE, icmpId=7), icmp('echo-reply', icmpId=8), icmp('echo-reply', icmpId=7)])
    yield c('icmp-echo-repeated', 'Two requests with the same id before any reply: both NEW.', [icmp(), icmp()])
    yield c('icmp-timestamp', 'Timestamp request and reply are tracked like echo.',
            [icmp('timestamp-request'), pkt('icmp', frm='local', src=ME, dst=REMOTE, icmpType='timestamp-reply')])

    yield c('icmp-error-related-udp', 'Port unreachable quoting our UDP query: RELATED.',
            [ludp(53), icmp('port-unreachable')])
    yield c('icmp-error-related-tcp', 'Time exceeded from a router, quoting our SYN: RELATED.',
            [ltcp(443), icmp('time-exceeded', src='203.0.113.1')])
    yield c('icmp-error-related-inbound', 'Host unreachable quoting our reply to an inbound connection.',
            handshake(data=False)[:2] + [icmp('host-unreachable', src='203.0.113.1',
                                              inner={'src': ME, 'dst': REMOTE, 'proto': 'tcp', 'sport': 22, 'dport': 40000})])
    yield c('icmp-error-unknown-flow', 'Port unreachable quoting a flow that never existed: INVALID.',
            [icmp('port-unreachable', inner={'src': ME, 'dst': REMOTE, 'proto': 'udp', 'sport': 1111, 'dport': 2222})])
    yield c('icmp-error-about-echo', 'Host unreachable quoting our ping: RELATED.',
            [pkt('icmp', frm='local', src=ME, dst='198.51.100.77'), icmp('host-unreachable', src='203.0.113.1')])
    yield c('icmp-error-forwarded', 'An ICMP error crossing the router about a forwarded flow: RELATED in FORWARD.',
            [udp(frm='eth1', src=CLIENT, dst=REMOTE), icmp('port-unreachable', frm='eth0', src=REMOTE, dst=CLIENT)],
            host=ROUTER)
    yield c('icmp-error-outbound', 'The host sends a port unreachable about an inbound UDP flow.',
            [udp(), pkt('icmp', frm='local', src=ME, dst=REMOTE, icmpType='port-unreachable')])

    yield c('untracked', 'NOTRACK in raw: UNTRACKED both ways.', [udp(), ludp(5353, sport=53)],
            rules=table('raw', PREROUTING=['-p udp -j NOTRACK'], OUTPUT=['-p udp -j NOTRACK']) + RULES)
    yield c('local-to-self', 'A connection from the host to itself over lo: the SYN is NEW in OUTPUT and the same ' \
            'entry is seen again in INPUT.', [ltcp(22, dst=ME), ltcp(50000, sport=22, dst=ME, flags=['SYN', 'ACK'])])
