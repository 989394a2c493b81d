"""NAT: DNAT to a forwarded address, Docker-shaped chains, SNAT, MASQUERADE, REDIRECT, NETMAP."""
import nat_more
from common import CLIENT, GW, LAN, ME, REMOTE, ROUTER, filt, icmp, ltcp, ludp, pkt, scenario, table, tcp, udp

GROUP = 'nat'

CONTAINER = '172.17.0.2'
DOCKER_HOST = {'interfaces': [{'name': 'eth0', 'addresses': [f'{ME}/24']}, {'name': 'docker0', 'addresses': ['172.17.0.1/16']}],
               'routes': [{'to': 'default', 'via': GW, 'dev': 'eth0'}], 'forwarding': True}

DNAT = table('nat', PREROUTING=['-i eth0 -p tcp --dport 8080 -j DNAT --to-destination 10.0.0.5:80'])


def web(sport=40000):
    """A client on the internet connecting to port 8080 of the router, answered by 10.0.0.5:80."""
    return [tcp(8080, sport=sport), tcp(sport, sport=80, frm='eth1', src=CLIENT, dst=REMOTE, flags=['SYN', 'ACK']),
            tcp(8080, sport=sport, flags=['ACK'])]


def docker(user=(), input_rules=()):
    """The chains Docker (20.x-24.x) installs for one container publishing 8080 -> 172.17.0.2:80."""
    nat = table('nat', {
        'PREROUTING': ['-m addrtype --dst-type LOCAL -j DOCKER'],
        'OUTPUT': ['! -d 127.0.0.0/8 -m addrtype --dst-type LOCAL -j DOCKER'],
        'POSTROUTING': ['-s 172.17.0.0/16 ! -o docker0 -j MASQUERADE',
                        f'-s {CONTAINER}/32 -d {CONTAINER}/32 -p tcp -m tcp --dport 80 -j MASQUERADE'],
        'DOCKER': ['-i docker0 -j RETURN', f'! -i docker0 -p tcp -m tcp --dport 8080 -j DNAT --to-destination {CONTAINER}:80']})
    filt_ = filt({
        'INPUT': list(input_rules),
        'FORWARD': ['-j DOCKER-USER', '-j DOCKER-ISOLATION-STAGE-1',
                    '-o docker0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT', '-o docker0 -j DOCKER',
                    '-i docker0 ! -o docker0 -j ACCEPT', '-i docker0 -o docker0 -j ACCEPT'],
        'DOCKER': [f'-d {CONTAINER}/32 ! -i docker0 -o docker0 -p tcp -m tcp --dport 80 -j ACCEPT'],
        'DOCKER-ISOLATION-STAGE-1': ['-i docker0 ! -o docker0 -j DOCKER-ISOLATION-STAGE-2', '-j RETURN'],
        'DOCKER-ISOLATION-STAGE-2': ['-o docker0 -j DROP', '-j RETURN'],
        'DOCKER-USER': list(user) + ['-j RETURN']}, policy={'FORWARD': 'DROP'})
    return nat + filt_


def to_container(src=REMOTE, sport=40000):
    return [tcp(8080, sport=sport, src=src),
            tcp(sport, sport=80, frm='docker0', src=CONTAINER, dst=src, flags=['SYN', 'ACK']),
            tcp(8080, sport=sport, src=src, flags=['ACK'])]


def cases():
    est = '-m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT'
    yield 'dnat-no-forward-accept', 'DNAT to a LAN server with FORWARD policy DROP and no accept: the rewritten ' \
        'packet dies in FORWARD.', scenario(DNAT + filt(policy={'FORWARD': 'DROP'}), web()[:1], host=ROUTER)
    yield 'dnat-forward-accept', 'DNAT with a FORWARD accept for the new destination: the handshake goes through and ' \
        'the reply leaves with the public address and port.', scenario(
            DNAT + filt(FORWARD=[est, '-d 10.0.0.5 -p tcp --dport 80 -j ACCEPT'], policy={'FORWARD': 'DROP'}),
            web(), host=ROUTER)
    yield 'dnat-forward-accept-original-port', 'A FORWARD rule written for the public port 8080 never matches: ' \
        'FORWARD sees the packet after DNAT, with port 80.', scenario(
            DNAT + filt(FORWARD=[est, '-p tcp --dport 8080 -j ACCEPT'], policy={'FORWARD': 'DROP'}), web()[:1], host=ROUTER)
    yield 'dnat-ctorigdstport', 'Matching the public port after DNAT with --ctorigdstport.', scenario(
        DNAT + filt(FORWARD=[est, '-p tcp -m conntrack --ctorigdstport 8080 -j ACCEPT'], policy={'FORWARD': 'DROP'}),
        web(), host=ROUTER)
    yield 'dnat-input-not-crossed', 'A DNATed connection never crosses INPUT: a DROP there for 8080 does nothing.', scenario(
        DNAT + filt(INPUT=['-p tcp --dport 8080 -j DROP']), web(), host=ROUTER)
    yield 'dnat-later-packets-skip-nat', 'Only the first packet crosses nat PREROUTING; later ones are rewritten from ' \
        'the connection (and a second UDP query without a reply too).', scenario(
        table('nat', PREROUTING=['-p udp --dport 53 -j DNAT --to-destination 10.0.0.5']) + filt(),
        [udp(53), udp(53), udp(53, sport=5354)], host=ROUTER)
    yield 'dnat-to-local-address', 'DNAT to another address of the router itself: delivered through INPUT.', scenario(
        table('nat', PREROUTING=['-p tcp --dport 2222 -j DNAT --to-destination 10.0.0.1:22']) +
        filt(INPUT=['-p tcp --dport 22 -j ACCEPT', '-j DROP']), [tcp(2222), tcp(22, sport=40001)], host=ROUTER)
    yield 'dnat-forwarding-off', 'DNAT to a LAN address on a host that does not forward: gone after PREROUTING.', scenario(
        DNAT + filt(), web()[:1], host=dict(ROUTER, forwarding=False))
    yield 'dnat-output', 'DNAT in nat OUTPUT for the host\'s own packets: DNS to another resolver.', scenario(
        table('nat', OUTPUT=['-p udp --dport 53 -j DNAT --to-destination 192.0.2.53']) + filt(),
        [ludp(53), udp(50000, sport=53, src='192.0.2.53')], host=ROUTER)
    yield 'dnat-user-chain', 'DNAT from a user chain in nat, with a RETURN for one source.', scenario(
        table('nat', {'PREROUTING': ['-p tcp -j PORTFWD'], 'PORTFWD': ['-s 192.0.2.0/24 -j RETURN',
                                                                       '-p tcp --dport 8080 -j DNAT --to-destination 10.0.0.5:80']}) +
        filt(), [tcp(8080), tcp(8080, src='192.0.2.9')], host=ROUTER)
    yield 'dnat-port-forward-article', 'The article\'s port forward: 443 on eth0 to 10.0.0.50:443, FORWARD allowing NEW ' \
        'to it and ESTABLISHED,RELATED.', scenario(
        table('nat', PREROUTING=['-i eth0 -p tcp --dport 443 -j DNAT --to-destination 10.0.0.50:443']) +
        filt(FORWARD=['-p tcp -d 10.0.0.50 --dport 443 -m conntrack --ctstate NEW -j ACCEPT', est],
             policy={'FORWARD': 'DROP'}),
        [tcp(443), tcp(40000, sport=443, frm='eth1', src='10.0.0.50', dst=REMOTE, flags=['SYN', 'ACK']),
         tcp(443, flags=['ACK'])], host=ROUTER)

    masq = table('nat', POSTROUTING=['-o eth0 -j MASQUERADE'])
    lan = [tcp(80, frm='eth1', src=CLIENT, dst=REMOTE), tcp(40000, sport=80, src=REMOTE, dst=ME, flags=['SYN', 'ACK']),
           tcp(80, frm='eth1', src=CLIENT, dst=REMOTE, flags=['ACK'])]
    yield 'masquerade', 'MASQUERADE out eth0: the LAN client leaves with the router address; the reply comes back ' \
        'to the client.', scenario(masq + filt(), lan, host=ROUTER)
    yield 'snat', 'SNAT --to-source: the same with a fixed address.', scenario(
        table('nat', POSTROUTING=['-s 10.0.0.0/24 -o eth0 -j SNAT --to-source 203.0.113.10']) + filt(), lan, host=ROUTER)
    yield 'snat-other-address', 'SNAT to an address the router does not own: the reply to it still finds the ' \
        'connection.', scenario(
        table('nat', POSTROUTING=['-o eth0 -j SNAT --to-source 203.0.113.20']) + filt(),
        [udp(frm='eth1', src=CLIENT, dst=REMOTE), udp(5353, sport=53, src=REMOTE, dst='203.0.113.20')], host=ROUTER)
    yield 'masquerade-udp-icmp', 'MASQUERADE for UDP and ping, with their replies.', scenario(
        masq + filt(), [udp(frm='eth1', src=CLIENT, dst=REMOTE), udp(5353, sport=53, src=REMOTE, dst=ME),
                        icmp(frm='eth1', src=CLIENT, dst=REMOTE), icmp('echo-reply', src=REMOTE, dst=ME)], host=ROUTER)
    yield 'masquerade-icmp-error', 'An ICMP error about a masqueraded flow is RELATED and reaches the LAN client with ' \
        'its quoted header translated back.', scenario(
        masq + filt(), [udp(frm='eth1', src=CLIENT, dst=REMOTE),
                        icmp('port-unreachable', src=REMOTE, dst=ME,
                             inner={'src': ME, 'dst': REMOTE, 'proto': 'udp', 'sport': 5353, 'dport': 53})], host=ROUTER)
    yield 'masquerade-port-clash', 'Two LAN clients with the same source port to the same server: the second gets ' \
        'the other port of --to-ports 40000-40001.', scenario(
        table('nat', POSTROUTING=['-o eth0 -p tcp -j MASQUERADE --to-ports 40000-40001']) + filt(),
        [tcp(80, frm='eth1', src=CLIENT, dst=REMOTE), tcp(80, frm='eth1', src='10.0.0.6', dst=REMOTE)], host=ROUTER)
    yield 'snat-port-clash', 'SNAT to one address and a two-port range: the clashing second flow takes the other port.', \
        scenario(table('nat', POSTROUTING=['-o eth0 -p udp -j SNAT --to-source 203.0.113.10:5000-5001']) + filt(),
                 [udp(frm='eth1', src=CLIENT, dst=REMOTE, sport=5000), udp(frm='eth1', src='10.0.0.6', dst=REMOTE, sport=5000)],
                 host=ROUTER)
    yield 'clash-without-nat-rule', 'A masqueraded flow holds 203.0.113.10:40000 -> REMOTE:80; the router itself then ' \
        'opens the same tuple, matching no NAT rule: conntrack still gives it a new source port (picked at random, ' \
        'so "random" lists it).', scenario(
        table('nat', POSTROUTING=['-s 10.0.0.0/24 -o eth0 -j MASQUERADE']) + filt(),
        [tcp(80, frm='eth1', src=CLIENT, dst=REMOTE), ltcp(80, sport=40000)], host=ROUTER),  \
        {'random': ['packets[1].final.sport']}
    yield 'masquerade-not-lan-to-lan', 'MASQUERADE -o eth0 leaves LAN-to-LAN traffic alone.', scenario(
        masq + filt(), [udp(frm='eth1', src=CLIENT, dst='10.0.0.9')], host=ROUTER)
    yield 'masquerade-local', 'MASQUERADE applies to the router\'s own packets too (nat POSTROUTING), here from the ' \
        'LAN address.', scenario(masq + filt(), [ludp(src=LAN)], host=ROUTER)

    yield 'redirect', 'REDIRECT --to-ports 3128: LAN web traffic to a local proxy, delivered through INPUT.', scenario(
        table('nat', PREROUTING=['-i eth1 -p tcp --dport 80 -j REDIRECT --to-ports 3128']) +
        filt(INPUT=['-p tcp --dport 3128 -j ACCEPT', '-j DROP']),
        [tcp(80, frm='eth1', src=CLIENT, dst=REMOTE), tcp(40000, sport=3128, frm='local', src=LAN, dst=CLIENT,
                                                         flags=['SYN', 'ACK'])], host=ROUTER)
    yield 'redirect-output', 'REDIRECT in nat OUTPUT: the host\'s own web traffic to a local port.', scenario(
        table('nat', OUTPUT=['-p tcp --dport 80 -j REDIRECT --to-ports 8080']) + filt(INPUT=['-i lo -j ACCEPT', '-j DROP']),
        [ltcp(80), ltcp(443, sport=50001)], host=ROUTER)
    yield 'netmap', 'NETMAP maps a whole /24 one to one.', scenario(
        table('nat', PREROUTING=['-d 192.0.2.0/24 -j NETMAP --to 10.0.0.0/24']) + filt(),
        [udp(dst='192.0.2.5'), udp(dst='192.0.2.77')], host=ROUTER)
    yield 'hairpin', 'A LAN client reaching a LAN server through the public address: DNAT plus MASQUERADE back into ' \
        'the LAN.', scenario(
        table('nat', PREROUTING=['-d 203.0.113.10 -p tcp --dport 8080 -j DNAT --to-destination 10.0.0.6:80'],
              POSTROUTING=['-s 10.0.0.0/24 -d 10.0.0.6 -p tcp --dport 80 -j MASQUERADE']) + filt(),
        [tcp(8080, frm='eth1', src=CLIENT, dst=ME), tcp(40000, sport=80, frm='eth1', src='10.0.0.6', dst=LAN,
                                                        flags=['SYN', 'ACK'])], host=ROUTER)

    yield 'docker-published-port', 'Docker\'s chains: a published port is DNATed to the container, accepted in the ' \
        'DOCKER chain of FORWARD, and the reply leaves with the host address.', scenario(docker(), to_container(),
                                                                                      host=DOCKER_HOST)
    yield 'docker-bypasses-input', 'An INPUT DROP for 8080 does not protect the published port.', scenario(
        docker(input_rules=['-p tcp --dport 8080 -j DROP']), to_container(), host=DOCKER_HOST)
    yield 'docker-user-dport-8080', 'The article\'s DOCKER-USER rules use --dport 8080, but DOCKER-USER sees the ' \
        'packet after DNAT (port 80): neither the DROP nor the ACCEPT matches.', scenario(
        docker(user=['-i eth0 -s 10.0.0.0/8 -p tcp --dport 8080 -j ACCEPT', '-i eth0 -p tcp --dport 8080 -j DROP']),
        to_container()[:1] + to_container(src='10.1.2.3', sport=40001)[:1], host=DOCKER_HOST)
    yield 'docker-user-ctorigdstport', 'DOCKER-USER matching the published port with --ctorigdstport 8080: only ' \
        '10.0.0.0/8 gets in.', scenario(
        docker(user=['-i eth0 -s 10.0.0.0/8 -p tcp -m conntrack --ctorigdstport 8080 -j ACCEPT',
                     '-i eth0 -p tcp -m conntrack --ctorigdstport 8080 -j DROP']),
        to_container()[:1] + to_container(src='10.1.2.3', sport=40001)[:1], host=DOCKER_HOST)
    yield 'docker-user-dport-80', 'DOCKER-USER with the container port 80 drops the published traffic.', scenario(
        docker(user=['-i eth0 -p tcp --dport 80 -j DROP']), to_container()[:1], host=DOCKER_HOST)
    yield 'docker-container-outbound', 'The container talks to the internet: ISOLATION chains return, MASQUERADE ' \
        'rewrites the source, the reply comes back through the RELATED,ESTABLISHED accept.', scenario(
        docker(), [tcp(443, frm='docker0', src=CONTAINER, dst=REMOTE, sport=45000),
                   tcp(45000, sport=443, src=REMOTE, dst=ME, flags=['SYN', 'ACK'])], host=DOCKER_HOST)
    yield 'docker-local-access', 'The host itself connects to its public address on 8080: nat OUTPUT sends it to ' \
        'the container.', scenario(docker(), [ltcp(8080, dst=ME)], host=DOCKER_HOST)
    yield 'docker-other-port', 'An unpublished port on the host address: no DNAT, delivered to the host (INPUT).', \
        scenario(docker(), [tcp(9000)], host=DOCKER_HOST)
    yield 'docker-container-to-container', 'Traffic between two containers on docker0 is accepted by the last ' \
        'FORWARD rule and bridged back out docker0.', scenario(
        docker(), [tcp(5432, frm='docker0', src=CONTAINER, dst='172.17.0.3')], host=DOCKER_HOST)
    yield 'icmp-echo-dnat', 'DNAT of ping to a LAN host: the ICMP id keeps the flows apart.', scenario(
        table('nat', PREROUTING=['-i eth0 -p icmp -j DNAT --to-destination 10.0.0.5']) + filt(),
        [icmp(), pkt('icmp', frm='eth1', src=CLIENT, dst=REMOTE, icmpType='echo-reply')], host=ROUTER)
    yield from nat_more.cases()
