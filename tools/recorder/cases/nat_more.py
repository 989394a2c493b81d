"""More of the nat group (yielded by nat.py): every DNAT form to local and forwarded addresses, port forwards,
SNAT and MASQUERADE with their replies, REDIRECT, NETMAP, DNAT in OUTPUT, the routing decision DNAT changes,
and the packets the host generates about NATed packets (REJECT replies, ICMP errors, TTL expiry)."""
from common import CLIENT, GW, LAN, ME, OTHER, REMOTE, ROUTER, SERVER, filt, icmp, ltcp, ludp, pkt, scenario, table, \
    tcp, udp

SERVER2 = '10.0.0.6'
EST = '-m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT'
# An empty mangle table: its policy steps show which hooks each packet crosses.
PATH = table('mangle')


def nat(**chains):
    return table('nat', chains)


def fwd_drop(*rules):
    return filt(FORWARD=list(rules), policy={'FORWARD': 'DROP'})


def conn(proto, client, server, sport, dport, cfrom, sfrom, reply_src=None, reply_dst=None, reply_sport=None,
         reply_dport=None, data=False):
    """A first packet and its reply (for TCP: SYN, SYN-ACK, ACK). The reply fields default to the swapped first
    packet."""
    first = pkt(proto, frm=cfrom, src=client, dst=server)
    rep = pkt(proto, frm=sfrom, src=reply_src or server, dst=reply_dst or client)
    if proto == 'icmp':
        first['icmpType'], rep['icmpType'] = 'echo-request', 'echo-reply'
        return [first, rep]
    first.update(sport=sport, dport=dport)
    rep.update(sport=reply_sport or dport, dport=reply_dport or sport)
    if proto == 'udp':
        return [first, rep]
    first['flags'], rep['flags'] = ['SYN'], ['SYN', 'ACK']
    ack = dict(first, flags=['ACK'])
    out = [first, rep, ack]
    if data:
        out.append(dict(first, flags=['PSH', 'ACK'], length=140))
    return out


def cases():
    # ---------------------------------------------------------------- DNAT forms, to a forwarded address
    forms = [
        ('address', '10.0.0.5', 'the address only: the port stays 8080', 8080),
        ('address-port', '10.0.0.5:80', 'address and port', 80),
        ('address-range', '10.0.0.5-10.0.0.8', 'an address range: the kernel picks one by a hash of the addresses',
         8080),
        ('address-range-port', '10.0.0.5-10.0.0.8:80', 'an address range and a port', 80),
        ('port-range', '10.0.0.5:8000-8001', 'a port range that does not hold 8080: the first port of the range',
         8000),
        ('port-range-holding', '10.0.0.5:8000-8100', 'a port range that holds 8080: the port stays', 8080),
        ('address-range-port-range', '10.0.0.5-10.0.0.6:8000-8001', 'address and port ranges', 8000),
    ]
    for tag, to, what, _ in forms:
        rules = nat(PREROUTING=[f'-i eth0 -p tcp --dport 8080 -j DNAT --to-destination {to}']) + PATH + \
            fwd_drop(EST, '-i eth0 -o eth1 -p tcp -m conntrack --ctstate DNAT -j ACCEPT')
        yield f'dnat-{tag}', f'DNAT --to-destination {to} ({what}); FORWARD accepts --ctstate DNAT. Three clients ' \
            'show the choice per flow.', scenario(
                rules, [tcp(8080, sport=40000), tcp(8080, sport=40001, src=OTHER), tcp(8080, sport=40002, src='192.0.2.44')],
                host=ROUTER)
    yield 'dnat-address-range-udp-replies', 'DNAT to an address range for UDP; each server answers its own client ' \
        'and the reply leaves with the public address.', scenario(
            nat(PREROUTING=['-i eth0 -p udp --dport 53 -j DNAT --to-destination 10.0.0.5-10.0.0.6']) + filt(),
            [udp(53, sport=5000, src=REMOTE), udp(53, sport=5001, src=OTHER),
             udp(5000, sport=53, frm='eth1', src=CLIENT, dst=REMOTE), udp(5001, sport=53, frm='eth1', src=CLIENT, dst=OTHER)],
            host=ROUTER)
    yield 'dnat-port-range-reply', 'DNAT to a port range: the reply from port 8000 leaves as port 8080.', scenario(
        nat(PREROUTING=['-p tcp --dport 8080 -j DNAT --to-destination 10.0.0.5:8000-8001']) + filt(),
        conn('tcp', REMOTE, ME, 40000, 8080, 'eth0', 'eth1', reply_src=CLIENT, reply_sport=8000, data=True),
        host=ROUTER)
    yield 'dnat-port-range-two-clients-same-port', 'Two clients with the same source port to a two-port DNAT range: ' \
        'they differ by source address, so both keep the first port.', scenario(
            nat(PREROUTING=['-p tcp --dport 8080 -j DNAT --to-destination 10.0.0.5:8000-8001']) + filt(),
            [tcp(8080, sport=40000), tcp(8080, sport=40000, src=OTHER)], host=ROUTER)
    yield 'dnat-udp-port-forward', 'A UDP port forward (a game server on 27015) with its replies.', scenario(
        nat(PREROUTING=['-i eth0 -p udp --dport 27015 -j DNAT --to-destination 10.0.0.5']) +
        fwd_drop(EST, '-d 10.0.0.5 -p udp --dport 27015 -j ACCEPT'),
        conn('udp', REMOTE, ME, 27005, 27015, 'eth0', 'eth1', reply_src=CLIENT) + [udp(27015, sport=27005)],
        host=ROUTER)
    yield 'dnat-icmp-to-lan', 'DNAT of everything ICMP from eth0 to a LAN host, FORWARD policy DROP with only ' \
        'ESTABLISHED accepted: the request dies in FORWARD.', scenario(
            nat(PREROUTING=['-i eth0 -p icmp -j DNAT --to-destination 10.0.0.5']) + fwd_drop(EST), [icmp()],
            host=ROUTER)
    yield 'dnat-all-protocols', 'DNAT without -p (every protocol to one host: a "DMZ host"): TCP, UDP and ping all ' \
        'go to 10.0.0.5.', scenario(
            nat(PREROUTING=['-i eth0 -d 203.0.113.10 -j DNAT --to-destination 10.0.0.5']) + filt(),
            [tcp(443), udp(500, sport=500), icmp()], host=ROUTER)

    # ---------------------------------------------------------------- port forwards and FORWARD
    pf = nat(PREROUTING=['-i eth0 -p tcp --dport 2222 -j DNAT --to-destination 10.0.0.5:22'])
    web = conn('tcp', REMOTE, ME, 40000, 2222, 'eth0', 'eth1', reply_src=CLIENT, reply_sport=22, data=True)
    yield 'port-forward-policy-accept', 'Port forward 2222 -> 10.0.0.5:22 with FORWARD policy ACCEPT and no rules.', \
        scenario(pf + filt(), web, host=ROUTER)
    yield 'port-forward-policy-drop', 'The same port forward with FORWARD policy DROP and no accept: the SYN dies in ' \
        'FORWARD, and so does the server\'s SYN-ACK (INVALID, no connection).', scenario(
            pf + fwd_drop(), web[:2], host=ROUTER)
    yield 'port-forward-only-established', 'FORWARD accepts only ESTABLISHED,RELATED: the SYN is NEW and dies.', \
        scenario(pf + fwd_drop(EST), web[:1], host=ROUTER)
    yield 'port-forward-accept-new', 'FORWARD accepts NEW to 10.0.0.5:22 and ESTABLISHED,RELATED: the whole ' \
        'exchange passes.', scenario(
            pf + fwd_drop('-d 10.0.0.5 -p tcp --dport 22 -m conntrack --ctstate NEW -j ACCEPT', EST), web,
            host=ROUTER)
    yield 'port-forward-accept-public-port', 'FORWARD accepts --dport 2222, the public port: never matches after ' \
        'DNAT.', scenario(pf + fwd_drop(EST, '-p tcp --dport 2222 -j ACCEPT'), web[:1], host=ROUTER)
    yield 'port-forward-accept-public-address', 'FORWARD accepts -d 203.0.113.10: never matches after DNAT.', \
        scenario(pf + fwd_drop(EST, '-d 203.0.113.10 -j ACCEPT'), web[:1], host=ROUTER)
    yield 'port-forward-ctorigdst', 'FORWARD accepts --ctorigdst 203.0.113.10 --ctorigdstport 2222.', scenario(
        pf + fwd_drop(EST, '-p tcp -m conntrack --ctorigdst 203.0.113.10 --ctorigdstport 2222 -j ACCEPT'), web,
        host=ROUTER)
    yield 'port-forward-ctstate-dnat', 'FORWARD accepts --ctstate DNAT: the SYN and every later packet of the ' \
        'connection in both directions match it.', scenario(
            pf + fwd_drop('-m conntrack --ctstate DNAT -j ACCEPT'), web, host=ROUTER)
    yield 'port-forward-ctstatus', 'FORWARD rules without a target, one per --ctstatus, show which ' \
        'status bits each packet of a port forward sees.', scenario(
            pf + filt(FORWARD=['-m conntrack --ctstatus SEEN_REPLY', '-m conntrack --ctstatus ASSURED',
                               '-m conntrack --ctstatus CONFIRMED', '-m conntrack --ctstatus EXPECTED']),
            web, host=ROUTER)
    yield 'port-forward-input-drop-all', 'INPUT policy DROP does not stop a port forward: the packets are forwarded.', \
        scenario(pf + filt(policy={'INPUT': 'DROP'}), web, host=ROUTER)
    yield 'port-forward-wrong-interface', 'The port forward is -i eth0: the same port from the LAN is not DNATed and ' \
        'reaches the router itself.', scenario(
            pf + filt(), [tcp(2222, frm='eth1', src='10.0.0.9', dst=ME)], host=ROUTER)
    yield 'port-forward-source-restricted', 'A port forward only for one source network: others reach INPUT.', \
        scenario(nat(PREROUTING=['-i eth0 -s 198.51.100.0/28 -p tcp --dport 2222 -j DNAT --to-destination 10.0.0.5:22'])
                 + filt(), [tcp(2222), tcp(2222, src=OTHER, sport=40001)], host=ROUTER)
    yield 'port-forward-reject-forward', 'FORWARD REJECTs the DNATed SYN with tcp-reset: the reset goes back to ' \
        'the client de-NATed, from the public address and port.', scenario(
            pf + filt(FORWARD=['-p tcp -j REJECT --reject-with tcp-reset']), web[:1], host=ROUTER)
    yield 'port-forward-reject-forward-icmp', 'FORWARD REJECTs the DNATed SYN with icmp-port-unreachable: the ICMP ' \
        'error carries the quoted header translated back.', scenario(
            pf + filt(FORWARD=['-p tcp -j REJECT']), web[:1], host=ROUTER)
    yield 'port-forward-reject-udp', 'A UDP port forward rejected in FORWARD: port unreachable back to the client.', \
        scenario(nat(PREROUTING=['-p udp --dport 5060 -j DNAT --to-destination 10.0.0.5']) +
                 filt(FORWARD=['-p udp -j REJECT']), [udp(5060, sport=5060)], host=ROUTER)
    yield 'port-forward-reject-output-drop', 'FORWARD REJECTs the DNATed SYN and OUTPUT has policy DROP without a ' \
        'RELATED accept: the reset dies in OUTPUT.', scenario(
            pf + filt(FORWARD=['-p tcp -j REJECT --reject-with tcp-reset'], policy={'OUTPUT': 'DROP'}), web[:1],
            host=ROUTER)
    yield 'port-forward-ttl-expired', 'A DNATed packet arriving with TTL 1: ICMP time exceeded back to the client, ' \
        'generated before FORWARD, its quote translated back.', scenario(
            pf + PATH + filt(), [tcp(2222, ttl=1)], host=ROUTER)
    yield 'port-forward-ttl-expired-udp', 'The same for UDP, with a FORWARD DROP policy that the error does not cross.', \
        scenario(nat(PREROUTING=['-p udp --dport 5060 -j DNAT --to-destination 10.0.0.5']) + fwd_drop(),
                 [udp(5060, sport=5060, ttl=1)], host=ROUTER)
    yield 'port-forward-ttl-expired-output-drop', 'Time exceeded about a DNATed packet with OUTPUT policy DROP: the ' \
        'error dies in OUTPUT.', scenario(pf + filt(policy={'OUTPUT': 'DROP'}), [tcp(2222, ttl=1)], host=ROUTER)
    yield 'port-forward-ttl-2', 'TTL 2 is enough: forwarded with TTL 1.', scenario(pf + filt(), [tcp(2222, ttl=2)],
                                                                                 host=ROUTER)
    yield 'port-forward-server-icmp-error', 'The LAN server answers a forwarded UDP packet with port unreachable: ' \
        'RELATED, forwarded to the client with the public address as source of the quote.', scenario(
            nat(PREROUTING=['-p udp --dport 5060 -j DNAT --to-destination 10.0.0.5']) + fwd_drop(EST, '-i eth0 -j ACCEPT'),
            [udp(5060, sport=5060, dst=ME),
             icmp('port-unreachable', frm='eth1', src=CLIENT, dst=REMOTE,
                  inner={'src': REMOTE, 'dst': CLIENT, 'proto': 'udp', 'sport': 5060, 'dport': 5060})], host=ROUTER)
    yield 'port-forward-server-icmp-error-no-accept', 'The same without the FORWARD accept for the DNATed packet: ' \
        'it is dropped, so the error has no connection and is dropped too.', scenario(
            nat(PREROUTING=['-p udp --dport 5060 -j DNAT --to-destination 10.0.0.5']) +
            fwd_drop(EST, '-i eth0 -j DROP'),
            [udp(5060, sport=5060, dst=ME),
             icmp('port-unreachable', frm='eth1', src=CLIENT, dst=REMOTE,
                  inner={'src': REMOTE, 'dst': CLIENT, 'proto': 'udp', 'sport': 5060, 'dport': 5060})], host=ROUTER)
    yield 'port-forward-client-icmp-error', 'The internet client answers the server\'s reply with an ICMP error: ' \
        'RELATED, forwarded to the LAN server with the quote rewritten to its address.', scenario(
            nat(PREROUTING=['-p udp --dport 5060 -j DNAT --to-destination 10.0.0.5']) + fwd_drop(EST,
                                                                                              '-i eth0 -o eth1 -j ACCEPT'),
            [udp(5060, sport=5060), udp(5060, sport=5060, frm='eth1', src=CLIENT, dst=REMOTE),
             icmp('port-unreachable', src=REMOTE, dst=ME,
                  inner={'src': ME, 'dst': REMOTE, 'proto': 'udp', 'sport': 5060, 'dport': 5060})], host=ROUTER)

    # ---------------------------------------------------------------- DNAT to a local address, and the reverse
    yield 'dnat-to-local-port', 'DNAT to the router\'s own address and another port: INPUT sees port 22.', scenario(
        nat(PREROUTING=['-i eth0 -p tcp --dport 2222 -j DNAT --to-destination 203.0.113.10:22']) + PATH +
        filt(INPUT=['-p tcp --dport 2222 -j DROP', '-p tcp --dport 22 -j ACCEPT'], policy={'INPUT': 'DROP'}),
        [tcp(2222), tcp(22, sport=40001)], host=ROUTER)
    yield 'dnat-forwarded-to-local', 'A LAN client sends DNS to an internet resolver; DNAT sends it to the router ' \
        'itself: it stops being forwarded and is delivered (INPUT, not FORWARD).', scenario(
            nat(PREROUTING=['-i eth1 -p udp --dport 53 -j DNAT --to-destination 10.0.0.1']) + PATH +
            filt(FORWARD=['-p udp --dport 53 -j DROP']),
            [udp(53, frm='eth1', src=CLIENT, dst='8.8.8.8'),
             pkt('udp', frm='local', src=LAN, dst=CLIENT, sport=53, dport=5353)], host=ROUTER)
    yield 'dnat-forwarded-to-local-forwarding-off', 'The same on a host that does not forward: DNAT to its own ' \
        'address makes the packet deliverable.', scenario(
            nat(PREROUTING=['-i eth1 -p udp --dport 53 -j DNAT --to-destination 10.0.0.1']) + filt(),
            [udp(53, frm='eth1', src=CLIENT, dst='8.8.8.8'), udp(123, sport=123, frm='eth1', src=CLIENT, dst='8.8.8.8')],
            host=dict(ROUTER, forwarding=False))
    yield 'dnat-local-to-forwarded', 'A packet for the router\'s address becomes forwarded: FORWARD, not INPUT.', \
        scenario(nat(PREROUTING=['-d 203.0.113.10 -p tcp --dport 443 -j DNAT --to-destination 10.0.0.5']) + PATH +
                 filt(INPUT=['-p tcp --dport 443 -j DROP']), [tcp(443), tcp(80, sport=40001)], host=ROUTER)
    yield 'dnat-to-loopback', 'DNAT in PREROUTING to 127.0.0.1: a martian destination without route_localnet, ' \
        'dropped by routing.', scenario(
            nat(PREROUTING=['-p tcp --dport 8080 -j DNAT --to-destination 127.0.0.1:80']) + PATH + filt(),
            [tcp(8080)], host=SERVER)
    yield 'dnat-back-out-same-interface', 'DNAT to an internet address: the packet goes back out eth0 (a relay), ' \
        'and with no SNAT the source stays the client\'s.', scenario(
            nat(PREROUTING=['-i eth0 -p tcp --dport 8080 -j DNAT --to-destination 192.0.2.80:80']) + filt(),
            [tcp(8080)], host=ROUTER)
    yield 'dnat-relay-with-snat', 'A relay: DNAT to an internet server and SNAT to the router, so the reply comes ' \
        'back through it.', scenario(
            nat(PREROUTING=['-i eth0 -p tcp --dport 8080 -j DNAT --to-destination 192.0.2.80:80'],
                POSTROUTING=['-d 192.0.2.80 -p tcp --dport 80 -j SNAT --to-source 203.0.113.10']) + filt(),
            conn('tcp', REMOTE, ME, 40000, 8080, 'eth0', 'eth0', reply_src='192.0.2.80', reply_dst=ME, reply_sport=80,
                 reply_dport=40000), host=ROUTER)
    yield 'dnat-to-unrouted', 'DNAT to an address with no route on a host without a default route: network ' \
        'unreachable goes back to the client.', scenario(
            nat(PREROUTING=['-p udp --dport 53 -j DNAT --to-destination 192.0.2.53']) + filt(),
            [udp(53, frm='eth1', src=CLIENT, dst=LAN)], host=dict(ROUTER, routes=[]))

    # ---------------------------------------------------------------- DNAT in OUTPUT: rerouting
    yield 'dnat-output-reroute', 'DNAT in nat OUTPUT to a LAN address: the packet, routed to eth0 first, is routed ' \
        'again and leaves on eth1.', scenario(
            nat(OUTPUT=['-d 198.51.100.7 -p tcp --dport 443 -j DNAT --to-destination 10.0.0.5:8443']) + PATH + filt(),
            [ltcp(443), tcp(50000, sport=8443, frm='eth1', src=CLIENT, dst=ME, flags=['SYN', 'ACK'])], host=ROUTER)
    yield 'dnat-output-to-local', 'DNAT in nat OUTPUT to the host\'s own address: the packet loops back over lo and ' \
        'is delivered.', scenario(
            nat(OUTPUT=['-p tcp --dport 80 -j DNAT --to-destination 203.0.113.10:8080']) + PATH +
            filt(INPUT=['-i lo -p tcp --dport 8080 -j ACCEPT', '-j DROP']), [ltcp(80)], host=SERVER)
    yield 'dnat-output-to-loopback', 'DNAT in nat OUTPUT to 127.0.0.1 is allowed: delivered over lo.', scenario(
        nat(OUTPUT=['-p tcp --dport 80 -j DNAT --to-destination 127.0.0.1:8080']) + PATH +
        filt(INPUT=['-i lo -j ACCEPT', '-j DROP']), [ltcp(80)], host=SERVER)
    yield 'dnat-output-local-to-remote', 'DNAT in nat OUTPUT of a packet for the host itself to a remote address: ' \
        'it leaves instead of looping back.', scenario(
            nat(OUTPUT=['-d 203.0.113.10 -p tcp --dport 3306 -j DNAT --to-destination 10.0.0.5']) + PATH + filt(),
            [ltcp(3306, dst=ME)], host=ROUTER)
    yield 'dnat-output-udp-reply', 'DNAT in nat OUTPUT of DNS, and the reply de-NATed to the resolver the process ' \
        'asked.', scenario(
            nat(OUTPUT=['-p udp --dport 53 -j DNAT --to-destination 10.0.0.53']) + filt(
                INPUT=[EST, '-j DROP']),
            [ludp(53, dst='9.9.9.9'), udp(50000, sport=53, frm='eth1', src='10.0.0.53', dst=ME)], host=ROUTER)
    yield 'dnat-output-reject', 'OUTPUT REJECTs a packet DNATed in nat OUTPUT: the ICMP error reaches the local ' \
        'sender with its quote translated back.', scenario(
            nat(OUTPUT=['-p udp --dport 53 -j DNAT --to-destination 10.0.0.53']) +
            filt(OUTPUT=['-d 10.0.0.53 -p udp -j REJECT']), [ludp(53, dst='9.9.9.9')], host=ROUTER)
    yield 'dnat-output-then-snat', 'DNAT in nat OUTPUT and SNAT in POSTROUTING on the same local packet.', scenario(
        nat(OUTPUT=['-p tcp --dport 443 -j DNAT --to-destination 10.0.0.5'],
            POSTROUTING=['-o eth1 -j SNAT --to-source 10.0.0.1']) + filt(),
        [ltcp(443), tcp(50000, sport=443, frm='eth1', src=CLIENT, dst=LAN, flags=['SYN', 'ACK'])], host=ROUTER)

    # ---------------------------------------------------------------- SNAT and MASQUERADE with replies
    lan_web = conn('tcp', CLIENT, REMOTE, 40000, 443, 'eth1', 'eth0', reply_dst=ME, data=True)
    yield 'snat-tcp-replies', 'SNAT of a LAN connection: handshake, data, and the replies de-NATed to the client.', \
        scenario(nat(POSTROUTING=['-s 10.0.0.0/24 -o eth0 -j SNAT --to-source 203.0.113.10']) + PATH +
                 fwd_drop(EST, '-i eth1 -o eth0 -j ACCEPT'), lan_web, host=ROUTER)
    yield 'masquerade-tcp-replies', 'The same with MASQUERADE.', scenario(
        nat(POSTROUTING=['-o eth0 -j MASQUERADE']) + PATH + fwd_drop(EST, '-i eth1 -o eth0 -j ACCEPT'), lan_web,
        host=ROUTER)
    yield 'masquerade-reply-reject', 'A masqueraded connection\'s reply rejected in FORWARD: the reset goes to the ' \
        'internet server from the client\'s address translated back to the router\'s.', scenario(
            nat(POSTROUTING=['-o eth0 -j MASQUERADE']) +
            filt(FORWARD=['-i eth0 -p tcp -j REJECT --reject-with tcp-reset']), lan_web[:2], host=ROUTER)
    yield 'masquerade-forward-reject-before-nat', 'FORWARD REJECTs a LAN packet that would be masqueraded: the ' \
        'error goes back into the LAN; NAT never saw the packet.', scenario(
            nat(POSTROUTING=['-o eth0 -j MASQUERADE']) + filt(FORWARD=['-i eth1 -p udp -j REJECT']),
            [udp(frm='eth1', src=CLIENT, dst=REMOTE), udp(frm='eth1', src=CLIENT, dst=REMOTE, sport=5354)],
            host=ROUTER)
    yield 'masquerade-ttl-expired-reply', 'A reply to a masqueraded flow arriving with TTL 1: time exceeded back ' \
        'to the internet server, the quote showing the router\'s address.', scenario(
            nat(POSTROUTING=['-o eth0 -j MASQUERADE']) + filt(),
            [udp(frm='eth1', src=CLIENT, dst=REMOTE), udp(5353, sport=53, src=REMOTE, dst=ME, ttl=1)], host=ROUTER)
    yield 'masquerade-ttl-expired-outbound', 'A LAN packet with TTL 1: time exceeded back to the client, before NAT.', \
        scenario(nat(POSTROUTING=['-o eth0 -j MASQUERADE']) + filt(), [udp(frm='eth1', src=CLIENT, dst=REMOTE, ttl=1)],
                 host=ROUTER)
    yield 'masquerade-tcp-error-from-internet', 'An ICMP host-unreachable from the internet about a masqueraded ' \
        'TCP connection: RELATED, forwarded to the client.', scenario(
            nat(POSTROUTING=['-o eth0 -j MASQUERADE']) + fwd_drop(EST, '-i eth1 -j ACCEPT'),
            [tcp(443, frm='eth1', src=CLIENT, dst=REMOTE),
             icmp('host-unreachable', src=GW, dst=ME,
                  inner={'src': ME, 'dst': REMOTE, 'proto': 'tcp', 'sport': 40000, 'dport': 443})], host=ROUTER)
    yield 'masquerade-ping-replies', 'MASQUERADE of ping, the reply de-NATed, then a second ping with another id.', \
        scenario(nat(POSTROUTING=['-o eth0 -j MASQUERADE']) + fwd_drop(EST, '-i eth1 -j ACCEPT'),
                 [icmp(frm='eth1', src=CLIENT, dst=REMOTE, icmpId=7), icmp('echo-reply', src=REMOTE, dst=ME, icmpId=7),
                  icmp(frm='eth1', src=CLIENT, dst=REMOTE, icmpId=8)], host=ROUTER)
    yield 'masquerade-unsolicited-inbound', 'A packet from the internet to the router address matching no ' \
        'masqueraded flow: delivered to the router, not to the LAN.', scenario(
            nat(POSTROUTING=['-o eth0 -j MASQUERADE']) + PATH + filt(),
            [udp(frm='eth1', src=CLIENT, dst=REMOTE), udp(5353, sport=53, src=OTHER, dst=ME)], host=ROUTER)
    yield 'masquerade-to-ports-replies', 'MASQUERADE --to-ports 61000-61001: the first flow takes 61000, the ' \
        'reply to 61000 reaches the client.', scenario(
            nat(POSTROUTING=['-o eth0 -p udp -j MASQUERADE --to-ports 61000-61001']) + filt(),
            [udp(frm='eth1', src=CLIENT, dst=REMOTE, sport=61000), udp(61000, sport=53, src=REMOTE, dst=ME)],
            host=ROUTER)
    yield 'masquerade-secondary-address', 'MASQUERADE on an interface with two addresses uses the primary one.', \
        scenario(nat(POSTROUTING=['-o eth0 -j MASQUERADE']) + filt(),
                 [udp(frm='eth1', src=CLIENT, dst=REMOTE)],
                 host=dict(ROUTER, interfaces=[{'name': 'eth0', 'addresses': [f'{ME}/24', '203.0.113.11/24']},
                                               {'name': 'eth1', 'addresses': [f'{LAN}/24']}]))
    yield 'snat-address-range', 'SNAT --to-source to an address range: each LAN client gets an address by hash.', \
        scenario(nat(POSTROUTING=['-o eth0 -j SNAT --to-source 203.0.113.20-203.0.113.23']) + filt(),
                 [udp(frm='eth1', src=f'10.0.0.{n}', dst=REMOTE, sport=5000 + n) for n in range(5, 10)],
                 host=ROUTER)
    yield 'snat-persistent', 'SNAT --persistent to a range: one client keeps its address for every destination.', \
        scenario(nat(POSTROUTING=['-o eth0 -j SNAT --to-source 203.0.113.20-203.0.113.23 --persistent']) + filt(),
                 [udp(frm='eth1', src=CLIENT, dst=REMOTE), udp(frm='eth1', src=CLIENT, dst=OTHER),
                  udp(frm='eth1', src=CLIENT, dst='192.0.2.1')], host=ROUTER)
    yield 'snat-source-port-kept', 'SNAT to an address and a port range holding the source port: it is kept.', \
        scenario(nat(POSTROUTING=['-o eth0 -p tcp -j SNAT --to-source 203.0.113.10:1024-65535']) + filt(),
                 lan_web[:2], host=ROUTER)
    yield 'snat-in-input', 'SNAT in nat INPUT rewrites the source of a packet delivered locally: filter INPUT ' \
        '(before nat) sees the old source, security INPUT (after it) the new one; the local reply to the new ' \
        'source is de-NATed.', scenario(
            nat(INPUT=['-p tcp --dport 22 -j SNAT --to-source 10.0.0.99']) + PATH +
            filt(INPUT=['-s 10.0.0.99', '-s 198.51.100.7']) + table('security', INPUT=['-s 10.0.0.99', '-s 198.51.100.7']),
            [tcp(22), pkt('tcp', frm='local', src=ME, dst='10.0.0.99', sport=22, dport=40000, flags=['SYN', 'ACK']),
             tcp(22, flags=['ACK'])], host=SERVER)
    yield 'snat-local-packet', 'SNAT in POSTROUTING of the host\'s own packet, and its reply de-NATed.', scenario(
        nat(POSTROUTING=['-o eth0 -p udp -j SNAT --to-source 203.0.113.50']) + filt(),
        [ludp(53), udp(50000, sport=53, dst='203.0.113.50')], host=SERVER)
    yield 'snat-later-packets-no-chain', 'Only the first packet of a flow crosses nat POSTROUTING; a rule added for ' \
        'the second packet never runs.', scenario(
            nat(POSTROUTING=['-p udp --dport 53 -j SNAT --to-source 203.0.113.10', '-p udp -j SNAT --to-source '
                             '203.0.113.99']) + filt(),
            [udp(frm='eth1', src=CLIENT, dst=REMOTE), udp(frm='eth1', src=CLIENT, dst=REMOTE)], host=ROUTER)
    yield 'masquerade-return-exception', 'A RETURN before MASQUERADE exempts a destination (a VPN network).', scenario(
        nat(POSTROUTING=['-d 192.0.2.0/24 -j RETURN', '-o eth0 -j MASQUERADE']) + filt(),
        [udp(frm='eth1', src=CLIENT, dst='192.0.2.9'), udp(frm='eth1', src=CLIENT, dst=REMOTE)], host=ROUTER)
    yield 'masquerade-accept-exception', 'An ACCEPT in nat POSTROUTING ends NAT for the packet: no masquerade.', \
        scenario(nat(POSTROUTING=['-d 192.0.2.0/24 -j ACCEPT', '-o eth0 -j MASQUERADE']) + filt(),
                 [udp(frm='eth1', src=CLIENT, dst='192.0.2.9')], host=ROUTER)

    # ---------------------------------------------------------------- REDIRECT
    yield 'redirect-no-port', 'REDIRECT without --to-ports: the destination becomes the incoming interface\'s ' \
        'address, the port stays.', scenario(
            nat(PREROUTING=['-i eth1 -p udp --dport 53 -j REDIRECT']) + PATH + filt(),
            [udp(53, frm='eth1', src=CLIENT, dst='8.8.8.8'),
             pkt('udp', frm='local', src=LAN, dst=CLIENT, sport=53, dport=5353)], host=ROUTER)
    yield 'redirect-port-range', 'REDIRECT --to-ports 3128-3129: the first port.', scenario(
        nat(PREROUTING=['-i eth1 -p tcp --dport 80 -j REDIRECT --to-ports 3128-3129']) + filt(),
        [tcp(80, frm='eth1', src=CLIENT, dst=REMOTE), tcp(80, frm='eth1', src=SERVER2, dst=REMOTE)], host=ROUTER)
    yield 'redirect-handshake', 'REDIRECT to a local proxy: handshake with the proxy answering from the original ' \
        'server address.', scenario(
            nat(PREROUTING=['-i eth1 -p tcp --dport 80 -j REDIRECT --to-ports 3128']) +
            filt(INPUT=[EST, '-p tcp --dport 3128 -j ACCEPT', '-j DROP']),
            [tcp(80, frm='eth1', src=CLIENT, dst=REMOTE),
             pkt('tcp', frm='local', src=LAN, dst=CLIENT, sport=3128, dport=40000, flags=['SYN', 'ACK']),
             tcp(80, frm='eth1', src=CLIENT, dst=REMOTE, flags=['ACK'])], host=ROUTER)
    yield 'redirect-input-drop', 'REDIRECT to a port INPUT drops: the REDIRECT does not bypass INPUT.', scenario(
        nat(PREROUTING=['-i eth1 -p tcp --dport 80 -j REDIRECT --to-ports 3128']) + filt(
            INPUT=['-p tcp --dport 3128 -j REJECT --reject-with tcp-reset']),
        [tcp(80, frm='eth1', src=CLIENT, dst=REMOTE)], host=ROUTER)
    yield 'redirect-output-loopback', 'REDIRECT in nat OUTPUT sends the host\'s own packet to 127.0.0.1, with a ' \
        'reply over lo.', scenario(
            nat(OUTPUT=['-p tcp -d 198.51.100.7 --dport 80 -j REDIRECT --to-ports 3129']) + PATH +
            filt(INPUT=['-i lo -j ACCEPT', '-j DROP']), [ltcp(80)], host=SERVER)
    yield 'redirect-output-owner', 'A transparent proxy\'s loop guard: REDIRECT in OUTPUT except for the proxy\'s ' \
        'own user.', scenario(
            nat(OUTPUT=['-p tcp --dport 80 -m owner --uid-owner 13 -j RETURN',
                        '-p tcp --dport 80 -j REDIRECT --to-ports 3129']) + filt(),
            [ltcp(80), dict(ltcp(80, sport=50001), uid=13)], host=SERVER)

    # ---------------------------------------------------------------- NETMAP
    yield 'netmap-postrouting', 'NETMAP in POSTROUTING maps source addresses 10.0.0.0/24 to 192.0.2.0/24 one to ' \
        'one; the reply to 192.0.2.5 reaches 10.0.0.5.', scenario(
            nat(POSTROUTING=['-s 10.0.0.0/24 -o eth0 -j NETMAP --to 192.0.2.0/24']) + filt(),
            [udp(frm='eth1', src=CLIENT, dst=REMOTE), udp(5353, sport=53, src=REMOTE, dst='192.0.2.5'),
             udp(frm='eth1', src='10.0.0.77', dst=REMOTE)], host=ROUTER)
    yield 'netmap-prerouting-reply', 'NETMAP in PREROUTING and the LAN host\'s reply leaving with the mapped ' \
        'address.', scenario(
            nat(PREROUTING=['-i eth0 -d 192.0.2.0/24 -j NETMAP --to 10.0.0.0/24']) + filt(),
            conn('tcp', REMOTE, '192.0.2.5', 40000, 22, 'eth0', 'eth1', reply_src=CLIENT), host=ROUTER)
    yield 'netmap-smaller-prefix', 'NETMAP from a /24 match to a /28: the host bits above the /28 are dropped.', \
        scenario(nat(PREROUTING=['-d 192.0.2.0/24 -j NETMAP --to 10.0.0.16/28']) + filt(),
                 [udp(dst='192.0.2.5'), udp(dst='192.0.2.200', sport=5354)], host=ROUTER)
    yield 'netmap-output', 'NETMAP in nat OUTPUT maps the host\'s own packets.', scenario(
        nat(OUTPUT=['-d 192.0.2.0/24 -j NETMAP --to 10.0.0.0/24']) + filt(), [ludp(dst='192.0.2.9')], host=ROUTER)

    # ---------------------------------------------------------------- several NAT rules, one connection
    yield 'dnat-and-masquerade-same-flow', 'DNAT in PREROUTING and MASQUERADE in POSTROUTING on the same flow (a ' \
        'port forward to a server whose gateway is elsewhere).', scenario(
            nat(PREROUTING=['-i eth0 -p tcp --dport 8080 -j DNAT --to-destination 10.0.0.5:80'],
                POSTROUTING=['-o eth1 -j MASQUERADE']) + filt(),
            conn('tcp', REMOTE, ME, 40000, 8080, 'eth0', 'eth1', reply_src=CLIENT, reply_dst=LAN, reply_sport=80,
                 reply_dport=40000), host=ROUTER)
    yield 'hairpin-replies', 'Hairpin NAT with the full handshake: the LAN server sees the router as the client. ' \
        'Each packet causes an ICMP redirect that the nat hook drops; the packets are spaced (time) so that the ' \
        'kernel\'s redirect backoff does not suppress any.', \
        scenario(nat(PREROUTING=['-d 203.0.113.10 -p tcp --dport 8080 -j DNAT --to-destination 10.0.0.6:80'],
                     POSTROUTING=['-s 10.0.0.0/24 -d 10.0.0.6 -p tcp --dport 80 -j MASQUERADE']) + filt(),
                 [dict(p, time=t) for p, t in zip(conn('tcp', CLIENT, ME, 40000, 8080, 'eth1', 'eth1', reply_src=SERVER2,
                                                       reply_dst=LAN, reply_sport=80), (0, 0.2, 0.5))],
                 host=ROUTER)
    yield 'hairpin-without-masquerade', 'Hairpin DNAT without the MASQUERADE: the server would answer the client ' \
        'directly; the router forwards the SYN with the client\'s address.', scenario(
            nat(PREROUTING=['-d 203.0.113.10 -p tcp --dport 8080 -j DNAT --to-destination 10.0.0.6:80']) + filt(),
            [tcp(8080, frm='eth1', src=CLIENT, dst=ME)], host=ROUTER)
    yield 'nat-first-match-wins', 'Two DNAT rules for the same port: the first wins, the second never counts.', \
        scenario(nat(PREROUTING=['-p tcp --dport 80 -j DNAT --to-destination 10.0.0.5',
                                 '-p tcp --dport 80 -j DNAT --to-destination 10.0.0.6']) + filt(),
                 [tcp(80), tcp(80, sport=40001)], host=ROUTER)
    yield 'nat-jump-then-return', 'A DNAT chain whose rules do not match returns; the packet goes on to the later ' \
        'DNAT.', scenario(
            table('nat', {'PREROUTING': ['-j WEB', '-p tcp -j DNAT --to-destination 10.0.0.6'],
                          'WEB': ['-p tcp --dport 443 -j DNAT --to-destination 10.0.0.5']}) + filt(),
            [tcp(80), tcp(443, sport=40001)], host=ROUTER)
