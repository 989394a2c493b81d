"""iptables cases written to test translations: each is a place where a translation may behave otherwise than
the original, shaped so that the difference shows in a fate. nft_equiv.py gives them twins like any other case.
"""
from common import CLIENT, LAN, REMOTE, ROUTER, filt, handshake, ltcp, scenario, script, table, tcp, udp

GROUP = 'nft-origins'


def cases():
    yield 'security-after-nat-input', \
        'iptables-nft 1.8.9 registers security INPUT at priority 150, after nat INPUT (100): its rule sees the ' \
        'source that nat INPUT\'s SNAT wrote and drops the packet. A security chain at 50 (iptables-translate\'s ' \
        'priority) would run first and let it through.', scenario(
            table('nat', INPUT=['-p tcp --dport 22 -j SNAT --to-source 192.0.2.99'])
            + table('security', INPUT=['-s 192.0.2.99 -j DROP']), [tcp(22)])

    yield 'owner-negated-postrouting-forwarded', \
        '! --uid-owner 0 in mangle POSTROUTING matches a forwarded packet (it has no socket) and drops it; a local ' \
        'packet of root does not match.', scenario(
            table('mangle', POSTROUTING=['-o eth0 -m owner ! --uid-owner 0 -j DROP']),
            [tcp(443, frm='eth1', src=CLIENT, dst=REMOTE), ltcp(443)], host=ROUTER)

    yield 'ctstate-dnat-negated', \
        '! --ctstate DNAT in FORWARD: a DNATed connection passes, one that is not DNATed is dropped (DNAT is a bit ' \
        'of the connection\'s status, which has several bits set at once: only a bit test is right).', scenario(
            table('nat', PREROUTING=['-i eth0 -p tcp --dport 8080 -j DNAT --to-destination 10.0.0.5:80'])
            + filt(FORWARD=['-m conntrack ! --ctstate DNAT -j DROP']),
            [tcp(8080), tcp(80, sport=40001, dst=CLIENT)], host=ROUTER)

    yield 'ctstate-negated-list', \
        '! --ctstate NEW,ESTABLISHED -j DROP above an accept: NEW and ESTABLISHED packets pass, an INVALID one is ' \
        'dropped.', scenario(
            filt(INPUT=['-m conntrack ! --ctstate NEW,ESTABLISHED -j DROP', '-p tcp -j ACCEPT'], policy={'INPUT': 'DROP'}),
            handshake(data=False) + [tcp(22, sport=40009, flags=['FIN'])])

    yield 'script-replace-keeps-position', \
        'iptables -R INPUT 1 replaces the first rule in place: the new DROP for port 23 stays above the ACCEPT ' \
        'for all TCP, so a packet to 23 is dropped.', scenario(
            script('iptables -A INPUT -p tcp --dport 22 -j DROP', 'iptables -A INPUT -p tcp -j ACCEPT',
                   'iptables -A INPUT -j DROP', 'iptables -R INPUT 1 -p tcp --dport 23 -j DROP'),
            [tcp(23), tcp(22, sport=40001)])

    yield 'tcpmss-negated-no-option', \
        '-m tcpmss ! --mss 1460 matches a SYN that has no MSS option at all (and one with MSS 1400), not one with ' \
        'MSS 1460.', scenario(
            filt(INPUT=['-p tcp -m tcpmss ! --mss 1460 -j DROP']),
            [tcp(22), tcp(22, sport=40001, tcpOptions=[2], mss=1460), tcp(22, sport=40002, tcpOptions=[2], mss=1400)])

    yield 'synproxy-fin-ack-goes-on', \
        '-j SYNPROXY takes only a bare SYN or ACK: an INVALID FIN/ACK, RST/ACK or SYN/ACK goes on to the policy and ' \
        'is delivered. nft\'s synproxy statement answers any SYN and drops any ACK without a cookie.', scenario(
            filt(INPUT=['-p tcp -m conntrack --ctstate INVALID,UNTRACKED -j SYNPROXY --mss 1460']),
            [tcp(22, flags=['FIN', 'ACK']), tcp(22, sport=40001, flags=['RST', 'ACK']),
             tcp(22, sport=40002, flags=['SYN', 'ACK'])])

    yield 'rpfilter-broadcast-source', \
        'A subnet broadcast address as source fails -m rpfilter (its route is not unicast) and is dropped; nft\'s ' \
        'fib saddr . iif oif finds the broadcast route\'s device and would accept it.', scenario(
            table('raw', PREROUTING=['-m rpfilter -j ACCEPT', '-j DROP']),
            [udp(frm='eth1', src='10.0.0.255', dst=LAN), udp(frm='eth1', src=CLIENT, dst=LAN, sport=5354)], host=ROUTER)

    yield 'rpfilter-invert-broadcast-source', \
        '-m rpfilter --invert drops a subnet broadcast source, and lets a valid one through.', scenario(
            table('raw', PREROUTING=['-m rpfilter --invert -j DROP']),
            [udp(frm='eth1', src='10.0.0.255', dst=LAN), udp(frm='eth1', src=CLIENT, dst=LAN, sport=5354)], host=ROUTER)
