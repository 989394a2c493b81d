"""kube-proxy-shaped rulesets (iptables mode; /work/shared/corpus/real/025 and 026): KUBE-SERVICES, KUBE-SVC-*,
KUBE-SEP-*, KUBE-EXT-*, KUBE-NODEPORTS, KUBE-MARK-MASQ, KUBE-POSTROUTING, statistic endpoint choice, `recent`
session affinity, the filter chains for services without endpoints, flannel's masquerade.

The kernel picks endpoints at random. Each case fixes the outcome in the scenario's `randomDraws` (0.0: the
statistic rule matched, 0.99: it did not, one per statistic rule evaluated); record.py records again until the
kernel made the same choices."""
from common import REMOTE, icmp, ltcp, ludp, pkt, scenario, tcp, udp

GROUP = 'kube'

NODE = '192.168.20.100'
NODE_GW = '192.168.20.1'
OTHER_NODE = '192.168.20.101'
POD_A = '10.244.0.2'      # pods on this node (cni0)
POD_B = '10.244.0.3'
REMOTE_POD1 = '10.244.1.4'  # pods on the other node
REMOTE_POD2 = '10.244.1.5'
HOST = {'interfaces': [{'name': 'eth0', 'addresses': [f'{NODE}/24']}, {'name': 'cni0', 'addresses': ['10.244.0.1/24']}],
        'routes': [{'to': 'default', 'via': NODE_GW, 'dev': 'eth0'},
                   {'to': '10.244.1.0/24', 'via': OTHER_NODE, 'dev': 'eth0'}], 'forwarding': True}

# Services: name -> (cluster IP, proto, port, node port or None, [(endpoint, port)], affinity)
SERVICES = {
    'web': ('10.96.0.20', 'tcp', 80, 30080, [(POD_B, 8080), (REMOTE_POD1, 8080), (REMOTE_POD2, 8080)], False),
    'dns': ('10.96.0.10', 'udp', 53, None, [(POD_A, 53), (REMOTE_POD1, 53)], False),
    'api': ('10.96.0.1', 'tcp', 443, None, [(NODE, 6443)], False),
    'sticky': ('10.96.0.30', 'tcp', 80, None, [(POD_A, 8080), (REMOTE_POD2, 8080)], True),
    'one': ('10.96.0.50', 'tcp', 80, 30050, [(POD_A, 8080)], False),
}
EMPTY = ('10.96.0.40', 'tcp', 80, 30040)  # a service without endpoints
PROB = {2: ['0.50000000000'], 3: ['0.33333333349', '0.50000000000']}


def h(*parts):
    """kube-proxy's chain suffixes are hashes; ours are readable but as long."""
    return ''.join(p.upper() for p in parts)[:16].ljust(16, 'X')


def ruleset(masq='MASQUERADE', flannel=False, services=SERVICES, empty=True):
    nat_chains = ['KUBE-SERVICES', 'KUBE-NODEPORTS', 'KUBE-POSTROUTING', 'KUBE-MARK-MASQ']
    nat = ['-A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
           '-A OUTPUT -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
           '-A POSTROUTING -m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING',
           '-A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000',
           '-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN',
           '-A KUBE-POSTROUTING -j MARK --set-xmark 0x4000/0x0',
           f'-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j {masq}']
    if flannel:
        nat_chains.append('FLANNEL-POSTRTG')
        nat += ['-A POSTROUTING -m comment --comment "flanneld masq" -j FLANNEL-POSTRTG',
                '-A FLANNEL-POSTRTG -m mark --mark 0x4000/0x4000 -m comment --comment "flanneld masq" -j RETURN',
                '-A FLANNEL-POSTRTG -s 10.244.0.0/24 -d 10.244.0.0/16 -m comment --comment "flanneld masq" -j RETURN',
                '-A FLANNEL-POSTRTG -s 10.244.0.0/16 -d 10.244.0.0/24 -m comment --comment "flanneld masq" -j RETURN',
                '-A FLANNEL-POSTRTG ! -s 10.244.0.0/16 -d 10.244.0.0/24 -m comment --comment "flanneld masq" -j RETURN',
                '-A FLANNEL-POSTRTG -s 10.244.0.0/16 ! -d 224.0.0.0/4 -m comment --comment "flanneld masq" -j MASQUERADE',
                '-A FLANNEL-POSTRTG ! -s 10.244.0.0/16 -d 10.244.0.0/16 -m comment --comment "flanneld masq" -j MASQUERADE']
    svc_rules, np_rules, tail = [], [], []
    for name, (ip, proto, port, nodeport, eps, affinity) in services.items():
        svc, ns = f'KUBE-SVC-{h(name, "svc")}', f'default/{name}:{proto}'
        nat_chains.append(svc)
        svc_rules.append(f'-A KUBE-SERVICES -d {ip}/32 -p {proto} -m comment --comment "{ns} cluster IP" -m {proto} '
                         f'--dport {port} -j {svc}')
        tail.append(f'-A {svc} ! -s 10.244.0.0/16 -d {ip}/32 -p {proto} -m comment --comment "{ns} cluster IP" '
                    f'-m {proto} --dport {port} -j KUBE-MARK-MASQ')
        if nodeport:
            ext = f'KUBE-EXT-{h(name, "ext")}'
            nat_chains.append(ext)
            np_rules.append(f'-A KUBE-NODEPORTS -p {proto} -m comment --comment "{ns}" -m {proto} --dport {nodeport} '
                            f'-j {ext}')
            tail += [f'-A {ext} -m comment --comment "masquerade traffic for {ns} external destinations" -j KUBE-MARK-MASQ',
                     f'-A {ext} -j {svc}']
        seps = [f'KUBE-SEP-{h(name, str(i), "sep")}' for i in range(len(eps))]
        nat_chains += seps
        if affinity:
            tail += [f'-A {svc} -m comment --comment "{ns} -> {e}:{p}" -m recent --rcheck --seconds 10800 --reap '
                     f'--name {s} --mask 255.255.255.255 --rsource -j {s}' for s, (e, p) in zip(seps, eps)]
        for i, (s, (e, p)) in enumerate(zip(seps, eps)):
            stat = f'-m statistic --mode random --probability {PROB[len(eps)][i]} ' if i < len(eps) - 1 else ''
            tail.append(f'-A {svc} -m comment --comment "{ns} -> {e}:{p}" {stat}-j {s}')
        for s, (e, p) in zip(seps, eps):
            rec = f'-m recent --set --name {s} --mask 255.255.255.255 --rsource ' if affinity else ''
            tail += [f'-A {s} -s {e}/32 -m comment --comment "{ns}" -j KUBE-MARK-MASQ',
                     f'-A {s} -p {proto} -m comment --comment "{ns}" {rec}-m {proto} -j DNAT --to-destination {e}:{p}']
    nat += svc_rules + ['-A KUBE-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must be the '
                        'last rule in this chain" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS'] + np_rules + tail
    text = '*nat\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n' + \
        ''.join(f':{c} - [0:0]\n' for c in nat_chains) + '\n'.join(nat) + '\nCOMMIT\n'
    fchains = ['KUBE-EXTERNAL-SERVICES', 'KUBE-FIREWALL', 'KUBE-FORWARD', 'KUBE-NODEPORTS', 'KUBE-PROXY-FIREWALL',
               'KUBE-SERVICES'] + (['FLANNEL-FWD'] if flannel else [])
    f = ['-A INPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes load balancer firewall" -j KUBE-PROXY-FIREWALL',
         '-A INPUT -m comment --comment "kubernetes health check service ports" -j KUBE-NODEPORTS',
         '-A INPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes externally-visible service portals" -j '
         'KUBE-EXTERNAL-SERVICES',
         '-A INPUT -j KUBE-FIREWALL',
         '-A FORWARD -m conntrack --ctstate NEW -m comment --comment "kubernetes load balancer firewall" -j KUBE-PROXY-FIREWALL',
         '-A FORWARD -m comment --comment "kubernetes forwarding rules" -j KUBE-FORWARD',
         '-A FORWARD -m conntrack --ctstate NEW -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
         '-A FORWARD -m conntrack --ctstate NEW -m comment --comment "kubernetes externally-visible service portals" -j '
         'KUBE-EXTERNAL-SERVICES']
    if flannel:
        f += ['-A FORWARD -m comment --comment "flanneld forward" -j FLANNEL-FWD',
              '-A FLANNEL-FWD -s 10.244.0.0/16 -m comment --comment "flanneld forward" -j ACCEPT',
              '-A FLANNEL-FWD -d 10.244.0.0/16 -m comment --comment "flanneld forward" -j ACCEPT']
    f += ['-A OUTPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes load balancer firewall" -j KUBE-PROXY-FIREWALL',
          '-A OUTPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
          '-A OUTPUT -j KUBE-FIREWALL',
          '-A KUBE-FIREWALL ! -s 127.0.0.0/8 -d 127.0.0.0/8 -m comment --comment "block incoming localnet connections" '
          '-m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP',
          '-A KUBE-FORWARD -m conntrack --ctstate INVALID -j DROP',
          '-A KUBE-FORWARD -m comment --comment "kubernetes forwarding rules" -m mark --mark 0x4000/0x4000 -j ACCEPT',
          '-A KUBE-FORWARD -m comment --comment "kubernetes forwarding conntrack rule" -m conntrack --ctstate '
          'RELATED,ESTABLISHED -j ACCEPT']
    if empty:
        ip, proto, port, nodeport = EMPTY
        f += [f'-A KUBE-SERVICES -d {ip}/32 -p {proto} -m comment --comment "default/empty:http has no endpoints" '
              f'-m {proto} --dport {port} -j REJECT --reject-with icmp-port-unreachable',
              f'-A KUBE-EXTERNAL-SERVICES -p {proto} -m comment --comment "default/empty:http has no endpoints" -m addrtype '
              f'--dst-type LOCAL -m {proto} --dport {nodeport} -j REJECT --reject-with icmp-port-unreachable']
    text += '*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ' + ('DROP' if flannel else 'ACCEPT') + \
        ' [0:0]\n:OUTPUT ACCEPT [0:0]\n' + ''.join(f':{c} - [0:0]\n' for c in fchains) + '\n'.join(f) + '\nCOMMIT\n'
    return text


def draws(*choices):
    """randomDraws for endpoint choices [(endpoint index, endpoint count), ...]."""
    out = []
    for i, n in choices:
        out += [0.99] * i + ([0.0] if i < n - 1 else [])
    return out


def kcase(name, desc, packets, picks=(), host=HOST, **kw):
    scn = scenario(ruleset(**kw), packets, host=host)
    if picks:
        scn['randomDraws'] = draws(*picks)
    return name, desc, scn


def conn(client, cfrom, dst, dport, server, sport_server, sfrom, reply_dst=None, sport=40000, proto='tcp'):
    if proto == 'udp':
        return [pkt('udp', frm=cfrom, src=client, dst=dst, sport=sport, dport=dport),
                pkt('udp', frm=sfrom, src=server, dst=reply_dst or client, sport=sport_server, dport=sport)]
    return [pkt('tcp', frm=cfrom, src=client, dst=dst, sport=sport, dport=dport, flags=['SYN']),
            pkt('tcp', frm=sfrom, src=server, dst=reply_dst or client, sport=sport_server, dport=sport,
                flags=['SYN', 'ACK']),
            pkt('tcp', frm=cfrom, src=client, dst=dst, sport=sport, dport=dport, flags=['ACK'])]


def timed(packets, times=(0, 0.2, 0.5)):
    """Packets spaced out so that each ICMP redirect they cause gets past the kernel's redirect backoff
    (20 ms, doubling per redirect to the same source)."""
    return [dict(p, time=t) for p, t in zip(packets, times)]


def cases():
    web = SERVICES['web'][0]
    for i, (ep, frm) in enumerate([(POD_B, 'cni0'), (REMOTE_POD1, 'eth0'), (REMOTE_POD2, 'eth0')]):
        yield kcase(f'clusterip-from-pod-endpoint-{i + 1}', f'A pod connects to the web ClusterIP; the kernel picked ' \
                    f'endpoint {i + 1} of 3 ({ep}), by the statistic rules (randomDraws). The reply is de-NATed.',
                    conn(POD_A, 'cni0', web, 80, ep, 8080, frm), picks=[(i, 3)])
    yield kcase('clusterip-two-connections', 'Two connections from a pod to the same ClusterIP: each makes its own ' \
                'random choice (here the third endpoint, then the first).',
                [tcp(80, sport=40000, frm='cni0', src=POD_A, dst=web), tcp(80, sport=40001, frm='cni0', src=POD_A, dst=web)],
                picks=[(2, 3), (0, 3)])
    dns = SERVICES['dns'][0]
    for i, (ep, frm) in enumerate([(POD_A, 'cni0'), (REMOTE_POD1, 'eth0')]):
        yield kcase(f'clusterip-dns-endpoint-{i + 1}', f'A pod queries the DNS ClusterIP over UDP; endpoint {i + 1} of 2 ' \
                    f'({ep}) answers.', conn(POD_B, 'cni0', dns, 53, ep, 53, frm, sport=40053, proto='udp'),
                    picks=[(i, 2)])
    yield kcase('clusterip-hairpin-self', 'A pod reaches a ClusterIP whose chosen endpoint is itself: the SEP chain\'s ' \
                '-s rule marks it for masquerade, so it comes back from the node\'s cni0 address.',
                timed(conn(POD_B, 'cni0', web, 80, POD_B, 8080, 'cni0', reply_dst='10.244.0.1')), picks=[(0, 3)])
    yield kcase('clusterip-from-node', 'The node itself (nat OUTPUT) connects to a ClusterIP: KUBE-MARK-MASQ because ' \
                'the source is outside the pod network, then MASQUERADE to the cni0 address.',
                [ltcp(80, dst=web, src=NODE), tcp(50000, sport=8080, frm='cni0', src=POD_B, dst='10.244.0.1',
                                                  flags=['SYN', 'ACK'])], picks=[(0, 3)])
    yield kcase('clusterip-from-node-remote-endpoint', 'The node connects to a ClusterIP and the second endpoint, on ' \
                'the other node, is chosen: rerouted out eth0.',
                [ludp(53, dst=dns, src=NODE), udp(50000, sport=53, src=REMOTE_POD1, dst=NODE)], picks=[(1, 2)])
    api = SERVICES['api'][0]
    yield kcase('clusterip-api-to-node', 'A pod talks to the kubernetes API ClusterIP: the endpoint is the node\'s own ' \
                'address, so the DNATed packet is delivered locally (INPUT, not FORWARD).',
                [tcp(443, frm='cni0', src=POD_A, dst=api),
                 pkt('tcp', frm='local', src=NODE, dst=POD_A, sport=6443, dport=40000, flags=['SYN', 'ACK'])])
    yield kcase('clusterip-api-from-outside-pod-cidr', 'The API ClusterIP from a source outside the pod network (a ' \
                'host on eth0 routing the service range via the node): KUBE-MARK-MASQ marks it, but the endpoint is ' \
                'local, so it is delivered and nat POSTROUTING never masquerades it.',
                [tcp(443, frm='eth0', src='192.168.20.7', dst=api)])
    yield kcase('clusterip-wrong-port', 'A ClusterIP on a port the service does not have: no rule matches, the ' \
                'packet is forwarded towards the default route unchanged.',
                [tcp(8080, frm='cni0', src=POD_A, dst=web)])
    one = SERVICES['one'][0]
    yield kcase('clusterip-single-endpoint', 'A service with one endpoint: no statistic rule, no draw.',
                conn(POD_B, 'cni0', one, 80, POD_A, 8080, 'cni0'))
    for i, (ep, frm) in enumerate([(POD_B, 'cni0'), (REMOTE_POD1, 'eth0'), (REMOTE_POD2, 'eth0')]):
        yield kcase(f'nodeport-endpoint-{i + 1}', f'An external client reaches NodePort 30080: KUBE-NODEPORTS, ' \
                    'KUBE-EXT (mark for masquerade), KUBE-SVC, endpoint ' \
                    f'{i + 1} ({ep}); MASQUERADE in KUBE-POSTROUTING; the reply goes back to the client from the node.',
                    conn(REMOTE, 'eth0', NODE, 30080, ep, 8080, frm, reply_dst='10.244.0.1' if frm == 'cni0' else NODE),
                    picks=[(i, 3)])
    yield kcase('nodeport-single-endpoint', 'NodePort of a one-endpoint service, with the handshake.',
                conn(REMOTE, 'eth0', NODE, 30050, POD_A, 8080, 'cni0', reply_dst='10.244.0.1'))
    yield kcase('nodeport-random-fully', 'kube-proxy\'s MASQUERADE --random-fully: the source port toward the ' \
                'endpoint is random (the case lists it under "random").',
                [tcp(30050, frm='eth0', src=REMOTE, dst=NODE)], masq='MASQUERADE --random-fully') + \
        ({'random': ['packets[0].final.sport']},)
    yield kcase('nodeport-no-endpoints', 'NodePort 30040 of a service without endpoints: KUBE-EXTERNAL-SERVICES in ' \
                'INPUT rejects it with port unreachable.', [tcp(30040, frm='eth0', src=REMOTE, dst=NODE)])
    yield kcase('clusterip-no-endpoints', 'A pod connects to a ClusterIP without endpoints: filter KUBE-SERVICES in ' \
                'FORWARD rejects it.', [tcp(80, frm='cni0', src=POD_A, dst=EMPTY[0])])
    yield kcase('clusterip-no-endpoints-from-node', 'The node connects to a ClusterIP without endpoints: rejected ' \
                'in OUTPUT, the error delivered to the node.', [ltcp(80, dst=EMPTY[0], src=NODE)])
    yield kcase('forward-invalid-dropped', 'KUBE-FORWARD drops INVALID: a lone SYN-ACK from a pod.',
                [tcp(40000, sport=8080, frm='cni0', src=POD_A, dst=REMOTE, flags=['SYN', 'ACK'])])
    yield kcase('forward-masq-mark-accepted', 'KUBE-FORWARD accepts the 0x4000 mark with FORWARD policy DROP ' \
                '(flannel layout): a NodePort connection to a pod on the other node.',
                conn(REMOTE, 'eth0', NODE, 30080, REMOTE_POD2, 8080, 'eth0', reply_dst=NODE), picks=[(2, 3)], flannel=True)
    yield kcase('flannel-pod-to-internet', 'flannel\'s FLANNEL-POSTRTG masquerades a pod going to the internet; ' \
                'FLANNEL-FWD accepts it in FORWARD.',
                conn(POD_A, 'cni0', REMOTE, 443, REMOTE, 443, 'eth0', reply_dst=NODE), flannel=True)
    yield kcase('flannel-pod-to-pod', 'Pod to pod across nodes: FLANNEL-POSTRTG RETURNs, no masquerade.',
                conn(POD_A, 'cni0', REMOTE_POD1, 8080, REMOTE_POD1, 8080, 'eth0'), flannel=True)
    yield kcase('flannel-clusterip-to-remote', 'A pod to a ClusterIP whose endpoint is on the other node, with ' \
                'flannel: KUBE-POSTROUTING does not masquerade (no mark), FLANNEL-POSTRTG RETURNs.',
                conn(POD_A, 'cni0', web, 80, REMOTE_POD1, 8080, 'eth0'), picks=[(1, 3)], flannel=True)
    sticky = SERVICES['sticky'][0]
    yield kcase('affinity-first-then-sticky', 'ClientIP session affinity: the first connection chooses at random ' \
                '(the second endpoint) and -m recent --set records the client; the next connection from the same ' \
                'pod matches --rcheck and goes to the same endpoint without a draw.',
                [tcp(80, sport=40000, frm='cni0', src=POD_B, dst=sticky),
                 tcp(80, sport=40001, frm='cni0', src=POD_B, dst=sticky),
                 tcp(80, sport=40002, frm='cni0', src=POD_B, dst=sticky)], picks=[(1, 2)])
    yield kcase('affinity-other-client', 'Affinity is per client address: a second pod draws again (here the first ' \
                'endpoint) while the first keeps its own.',
                [tcp(80, sport=40000, frm='cni0', src=POD_B, dst=sticky),
                 tcp(80, sport=40000, frm='eth0', src='10.244.1.9', dst=sticky),
                 tcp(80, sport=40001, frm='cni0', src=POD_B, dst=sticky)], picks=[(1, 2), (0, 2)])
    yield kcase('affinity-replies', 'An affinity connection with its handshake through the chosen endpoint.',
                conn(POD_B, 'cni0', sticky, 80, POD_A, 8080, 'cni0'), picks=[(0, 2)])
    yield kcase('localhost-nodeport-blocked', 'KUBE-FIREWALL drops packets for 127.0.0.0/8 from a non-loopback ' \
                'source that are not DNATed (a spoofed one arriving locally).',
                [ltcp(9999, dst='127.0.0.1', src=NODE)])
    yield kcase('icmp-error-about-clusterip', 'An endpoint answers a pod\'s UDP query with port unreachable: ' \
                'RELATED, forwarded to the pod with the quote showing the ClusterIP again.',
                [udp(53, sport=40053, frm='cni0', src=POD_B, dst=dns),
                 icmp('port-unreachable', src=REMOTE_POD1, dst=POD_B,
                      inner={'src': POD_B, 'dst': REMOTE_POD1, 'proto': 'udp', 'sport': 40053, 'dport': 53})],
                picks=[(1, 2)])
