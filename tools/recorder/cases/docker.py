"""Docker-shaped rulesets as Docker 25-27 and Docker 28 write them (chains DOCKER, DOCKER-USER, DOCKER-FORWARD,
DOCKER-CT, DOCKER-BRIDGE, DOCKER-ISOLATION-STAGE-1/2; /work/shared/corpus/real/014 and 023): published ports
bypassing INPUT, containers reaching out through MASQUERADE, DOCKER-USER filtering, isolation between
bridges, the host reaching its containers."""
from common import GW, ME, OTHER, REMOTE, icmp, ltcp, ludp, pkt, scenario, tcp, udp

GROUP = 'docker'

C1 = '172.17.0.2'        # a container on docker0
C2 = '172.17.0.3'        # another one
N1 = '172.18.0.2'        # a container on a user-defined bridge
BR = 'br-5f2c0d6e1a3b'   # that bridge
HOST = {'interfaces': [{'name': 'eth0', 'addresses': [f'{ME}/24']}, {'name': 'docker0', 'addresses': ['172.17.0.1/16']}],
        'routes': [{'to': 'default', 'via': GW, 'dev': 'eth0'}], 'forwarding': True}
HOST2 = dict(HOST, interfaces=HOST['interfaces'] + [{'name': BR, 'addresses': ['172.18.0.1/16']}])
PUBLISH = [('tcp', 8080, C1, 80, None)]


def ruleset(version='27', publish=PUBLISH, user=(), inputs=(), input_policy='ACCEPT', bridges=('docker0',),
            nat_extra=(), filter_extra=None):
    """iptables-save text for Docker `version` ('27' for 25-27, '28') with the given published ports
    [(proto, host port, container, container port, host ip or None)], DOCKER-USER rules before its RETURN,
    INPUT rules, and bridges (docker0 172.17.0.0/16, then BR 172.18.0.0/16)."""
    subnets = {'docker0': '172.17.0.0/16', BR: '172.18.0.0/16'}
    nat = ['*nat', ':PREROUTING ACCEPT [0:0]', ':INPUT ACCEPT [0:0]', ':OUTPUT ACCEPT [0:0]',
           ':POSTROUTING ACCEPT [0:0]', ':DOCKER - [0:0]',
           '-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER',
           '-A OUTPUT ! -d 127.0.0.0/8 -m addrtype --dst-type LOCAL -j DOCKER']
    nat += [f'-A POSTROUTING -s {subnets[b]} ! -o {b} -j MASQUERADE' for b in bridges]
    nat += [f'-A POSTROUTING -s {c}/32 -d {c}/32 -p {p} -m {p} --dport {cp} -j MASQUERADE' for p, _, c, cp, _ in publish]
    nat += list(nat_extra)
    nat += [f'-A DOCKER -i {b} -j RETURN' for b in bridges]
    for p, hp, c, cp, hip in publish:
        b = 'docker0' if c.startswith('172.17.') else BR
        nat.append(f'-A DOCKER {"-d " + hip + "/32 " if hip else ""}! -i {b} -p {p} -m {p} --dport {hp} -j DNAT '
                   f'--to-destination {c}:{cp}')
    nat.append('COMMIT')
    f = ['*filter', f':INPUT {input_policy} [0:0]', ':FORWARD DROP [0:0]', ':OUTPUT ACCEPT [0:0]', ':DOCKER - [0:0]']
    if version == '28':
        f += [':DOCKER-BRIDGE - [0:0]', ':DOCKER-CT - [0:0]', ':DOCKER-FORWARD - [0:0]']
    f += [':DOCKER-ISOLATION-STAGE-1 - [0:0]', ':DOCKER-ISOLATION-STAGE-2 - [0:0]', ':DOCKER-USER - [0:0]']
    for name in (filter_extra or {}):
        f.append(f':{name} - [0:0]')
    f += [f'-A INPUT {r}' for r in inputs]
    accept = [f'-A DOCKER -d {c}/32 ! -i {b} -o {b} -p {p} -m {p} --dport {cp} -j ACCEPT'
              for p, _, c, cp, _ in publish for b in ['docker0' if c.startswith('172.17.') else BR]]
    if version == '28':
        f += ['-A FORWARD -j DOCKER-USER', '-A FORWARD -j DOCKER-FORWARD']
        f += accept + [f'-A DOCKER ! -i {b} -o {b} -j DROP' for b in bridges]
        f += [f'-A DOCKER-BRIDGE -o {b} -j DOCKER' for b in bridges]
        f += [f'-A DOCKER-CT -o {b} -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT' for b in bridges]
        f += ['-A DOCKER-FORWARD -j DOCKER-CT', '-A DOCKER-FORWARD -j DOCKER-ISOLATION-STAGE-1',
              '-A DOCKER-FORWARD -j DOCKER-BRIDGE']
        f += [f'-A DOCKER-FORWARD -i {b} -j ACCEPT' for b in bridges]
        f += [f'-A DOCKER-ISOLATION-STAGE-1 -i {b} ! -o {b} -j DOCKER-ISOLATION-STAGE-2' for b in bridges]
        f += [f'-A DOCKER-ISOLATION-STAGE-2 -o {b} -j DROP' for b in bridges]
    else:
        f += ['-A FORWARD -j DOCKER-USER', '-A FORWARD -j DOCKER-ISOLATION-STAGE-1']
        for b in bridges:
            f += [f'-A FORWARD -o {b} -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT', f'-A FORWARD -o {b} -j DOCKER',
                  f'-A FORWARD -i {b} ! -o {b} -j ACCEPT', f'-A FORWARD -i {b} -o {b} -j ACCEPT']
        f += accept
        f += [f'-A DOCKER-ISOLATION-STAGE-1 -i {b} ! -o {b} -j DOCKER-ISOLATION-STAGE-2' for b in bridges]
        f += ['-A DOCKER-ISOLATION-STAGE-1 -j RETURN']
        f += [f'-A DOCKER-ISOLATION-STAGE-2 -o {b} -j DROP' for b in bridges] + ['-A DOCKER-ISOLATION-STAGE-2 -j RETURN']
    f += [f'-A DOCKER-USER {r}' for r in user] + ['-A DOCKER-USER -j RETURN']
    for name, rules in (filter_extra or {}).items():
        f += [f'-A {name} {r}' for r in rules]
    f.append('COMMIT')
    raw = []
    if version == '28':  # 28.0: no direct routing to a container from outside its bridge
        raw = ['*raw', ':PREROUTING ACCEPT [0:0]', ':OUTPUT ACCEPT [0:0]']
        for c in sorted({c for _, _, c, _, _ in publish}):
            raw.append(f'-A PREROUTING -d {c}/32 ! -i {"docker0" if c.startswith("172.17.") else BR} -j DROP')
        raw.append('COMMIT')
    return '\n'.join(raw + nat + f) + '\n'


def published(src=REMOTE, sport=40000, port=8080, container=C1, cport=80, data=True, frm='eth0', dst=ME):
    """A client connecting to a published port, the container answering, the client's ACK (and data)."""
    out = [tcp(port, sport=sport, src=src, frm=frm, dst=dst),
           tcp(sport, sport=cport, frm='docker0' if container.startswith('172.17.') else BR, src=container, dst=src,
               flags=['SYN', 'ACK']),
           tcp(port, sport=sport, src=src, frm=frm, dst=dst, flags=['ACK'])]
    if data:
        out.append(tcp(port, sport=sport, src=src, frm=frm, dst=dst, flags=['PSH', 'ACK'], length=200))
    return out


def outbound(container=C1, dst=REMOTE, dport=443, sport=45000):
    b = 'docker0' if container.startswith('172.17.') else BR
    return [tcp(dport, sport=sport, frm=b, src=container, dst=dst), tcp(sport, sport=dport, src=dst, dst=ME,
                                                                        flags=['SYN', 'ACK']),
            tcp(dport, sport=sport, frm=b, src=container, dst=dst, flags=['ACK'])]


def cases():
    for v in ['27', '28']:
        d = f'Docker {"25-27" if v == "27" else "28"}'
        yield f'v{v}-published-port', f'{d}: a published port (8080 -> {C1}:80): DNAT in nat DOCKER, accepted in the ' \
            'filter DOCKER chain, replies leave with the host address.', scenario(ruleset(v), published(), host=HOST)
        yield f'v{v}-published-bypasses-input', f'{d}: INPUT policy DROP with only SSH allowed, and an explicit DROP of ' \
            '8080: the published port is still reachable, because the packet is forwarded, never input.', scenario(
                ruleset(v, inputs=['-m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT', '-p tcp --dport 22 -j ACCEPT',
                                   '-p tcp --dport 8080 -j DROP'], input_policy='DROP'),
                published() + [tcp(9000, sport=40001)], host=HOST)
        yield f'v{v}-container-outbound', f'{d}: a container opens a connection to the internet: MASQUERADE, and ' \
            'the reply is de-NATed back to it.', scenario(ruleset(v), outbound(), host=HOST)
        yield f'v{v}-container-dns', f'{d}: a container\'s DNS query and its answer.', scenario(
            ruleset(v), [udp(53, sport=40053, frm='docker0', src=C1, dst='9.9.9.9'),
                         udp(40053, sport=53, src='9.9.9.9', dst=ME)], host=HOST)
        yield f'v{v}-container-ping', f'{d}: a container pings the internet and gets the reply.', scenario(
            ruleset(v), [icmp(frm='docker0', src=C1, dst=REMOTE, icmpId=3),
                         icmp('echo-reply', src=REMOTE, dst=ME, icmpId=3)], host=HOST)
        yield f'v{v}-user-allowlist', f'{d}: DOCKER-USER drops published traffic from eth0 except from ' \
            '198.51.100.0/28 (the documented pattern, with an ESTABLISHED RETURN first).', scenario(
                ruleset(v, user=['-m conntrack --ctstate RELATED,ESTABLISHED -j RETURN',
                                 '-i eth0 ! -s 198.51.100.0/28 -j DROP']),
                published(data=False) + [tcp(8080, sport=40001, src=OTHER)], host=HOST)
        yield f'v{v}-user-drop-breaks-outbound', f'{d}: DOCKER-USER -i eth0 -j DROP without an ESTABLISHED RETURN: ' \
            'inbound is blocked, and so are the replies to the containers\' own connections.', scenario(
                ruleset(v, user=['-i eth0 -j DROP']), outbound() + [tcp(8080, sport=40001)], host=HOST)
        yield f'v{v}-user-ctorigdstport', f'{d}: DOCKER-USER matches the published port with --ctorigdstport ' \
            '(--dport would see the container port).', scenario(
                ruleset(v, user=['-p tcp -m conntrack --ctorigdstport 8080 --ctstate NEW -s 198.51.100.99 -j DROP',
                                 '-p tcp --dport 8080 -j DROP']),
                published(data=False) + [tcp(8080, sport=40001, src=OTHER)], host=HOST)
        yield f'v{v}-user-reject', f'{d}: DOCKER-USER REJECTs a client: the ICMP error goes back from the host, ' \
            'its quote carrying the published port again.', scenario(
                ruleset(v, user=['-s 198.51.100.99 -j REJECT --reject-with icmp-port-unreachable']),
                [tcp(8080, sport=40001, src=OTHER), udp(8080, sport=5353, src=OTHER)], host=HOST)
        yield f'v{v}-user-reject-tcp-reset', f'{d}: DOCKER-USER REJECT --reject-with tcp-reset: the reset comes from ' \
            'the published address and port.', scenario(
                ruleset(v, user=['-p tcp -s 198.51.100.99 -j REJECT --reject-with tcp-reset']),
                [tcp(8080, sport=40001, src=OTHER)], host=HOST)
        yield f'v{v}-direct-to-container', f'{d}: a packet from outside addressed straight to the container IP ' \
            '(a neighbour routing 172.17.0.0/16 via the host).', scenario(
                ruleset(v), [tcp(80, dst=C1), tcp(22, dst=C1, sport=40001)], host=HOST)
        yield f'v{v}-container-to-container', f'{d}: two containers on docker0 talk; the router bridges back out ' \
            'docker0.', scenario(ruleset(v), [tcp(5432, frm='docker0', src=C1, dst=C2),
                                              tcp(45000, sport=5432, frm='docker0', src=C2, dst=C1, flags=['SYN', 'ACK'])],
                                 host=HOST)
        yield f'v{v}-isolation', f'{d}: a container on docker0 reaching one on another bridge: dropped in ' \
            'DOCKER-ISOLATION-STAGE-2; the reverse too.', scenario(
                ruleset(v, bridges=('docker0', BR)), [tcp(80, frm='docker0', src=C1, dst=N1),
                                                      tcp(80, frm=BR, src=N1, dst=C1, sport=40001)], host=HOST2)
        yield f'v{v}-second-bridge-published', f'{d}: a port published from the user-defined bridge, and its ' \
            'container reaching the internet.', scenario(
                ruleset(v, bridges=('docker0', BR), publish=PUBLISH + [('tcp', 8443, N1, 443, None)]),
                published(port=8443, container=N1, cport=443, data=False) + outbound(container=N1, sport=45001),
                host=HOST2)
        yield f'v{v}-host-to-container', f'{d}: the host connects to the container address directly.', scenario(
            ruleset(v), [ltcp(80, dst=C1, src='172.17.0.1'),
                         tcp(50000, sport=80, frm='docker0', src=C1, dst='172.17.0.1', flags=['SYN', 'ACK'])], host=HOST)
        yield f'v{v}-host-to-published', f'{d}: the host connects to its own public address on 8080: nat OUTPUT ' \
            'DNATs it to the container.', scenario(
                ruleset(v), [ltcp(8080, dst=ME), tcp(50000, sport=80, frm='docker0', src=C1, dst=ME,
                                                    flags=['SYN', 'ACK'])], host=HOST)
        yield f'v{v}-host-to-localhost-published', f'{d}: the host connects to 127.0.0.1:8080: nat OUTPUT skips ' \
            '127.0.0.0/8, so the packet stays local (the userland proxy\'s job).', scenario(
                ruleset(v), [ltcp(8080, dst='127.0.0.1', src='127.0.0.1')], host=HOST)
        yield f'v{v}-container-to-published', f'{d}: a container connects to the host\'s public address on 8080: ' \
            'nat DOCKER RETURNs for -i docker0, so no DNAT; the packet is delivered to the host.', scenario(
                ruleset(v), [tcp(8080, frm='docker0', src=C2, dst=ME)], host=HOST)
        yield f'v{v}-host-ip-binding', f'{d}: a port published on one host address only (-p {ME}:8080:80): ' \
            'traffic to the host\'s other address is not DNATed.', scenario(
                ruleset(v, publish=[('tcp', 8080, C1, 80, ME)]),
                [tcp(8080), tcp(8080, dst='203.0.113.11', sport=40001)],
                host=dict(HOST, interfaces=[{'name': 'eth0', 'addresses': [f'{ME}/24', '203.0.113.11/24']},
                                            HOST['interfaces'][1]]))
        yield f'v{v}-published-udp', f'{d}: a published UDP port (-p 5353:53/udp) with the container\'s answer.', \
            scenario(ruleset(v, publish=[('udp', 5353, C1, 53, None)]),
                     [udp(5353, sport=40000), udp(40000, sport=53, frm='docker0', src=C1, dst=REMOTE)], host=HOST)
        yield f'v{v}-ttl-expired-published', f'{d}: a packet for the published port arriving with TTL 1: time ' \
            'exceeded from the host, about the DNATed packet, translated back.', scenario(
                ruleset(v), [tcp(8080, ttl=1)], host=HOST)

    yield 'v27-container-icmp-error', 'Docker 25-27: the client answers the container\'s reply with port ' \
        'unreachable: RELATED, forwarded to the container with the quote translated.', scenario(
            ruleset('27', publish=[('udp', 5353, C1, 53, None)]),
            [udp(5353, sport=40000), udp(40000, sport=53, frm='docker0', src=C1, dst=REMOTE),
             icmp('port-unreachable', src=REMOTE, dst=ME,
                  inner={'src': ME, 'dst': REMOTE, 'proto': 'udp', 'sport': 5353, 'dport': 40000})], host=HOST)
    yield 'v28-container-hairpin', 'Docker 28: a container reaches a published port through the host address from ' \
        'a second container (no userland proxy: nat OUTPUT is not involved, the packet comes in on docker0).', \
        scenario(ruleset('28'), [tcp(8080, frm='docker0', src=C2, dst=ME)], host=HOST)
