"""Rulesets shaped like the firewall front ends write them, with NAT: ufw (its chain layout from a live dump,
/work/shared/corpus/real/033, plus before.rules NAT and `ufw route` rules), firewalld's iptables backend
(/work/shared/corpus/real/004: zones, masquerade, a mark-based forward-port), and fail2ban's f2b-sshd chain."""
import docker
from common import CLIENT, LAN, ME, OTHER, REMOTE, ROUTER, SERVER, icmp, ltcp, pkt, scenario, script, tcp, udp

GROUP = 'frontends'

BANNED = '192.0.2.66'

# ---------------------------------------------------------------- ufw

UFW_CHAINS = ['ufw-after-forward', 'ufw-after-input', 'ufw-after-logging-forward', 'ufw-after-logging-input',
              'ufw-after-logging-output', 'ufw-after-output', 'ufw-before-forward', 'ufw-before-input',
              'ufw-before-logging-forward', 'ufw-before-logging-input', 'ufw-before-logging-output', 'ufw-before-output',
              'ufw-logging-allow', 'ufw-logging-deny', 'ufw-not-local', 'ufw-reject-forward', 'ufw-reject-input',
              'ufw-reject-output', 'ufw-skip-to-policy-forward', 'ufw-skip-to-policy-input', 'ufw-skip-to-policy-output',
              'ufw-track-forward', 'ufw-track-input', 'ufw-track-output', 'ufw-user-forward', 'ufw-user-input',
              'ufw-user-limit', 'ufw-user-limit-accept', 'ufw-user-logging-forward', 'ufw-user-logging-input',
              'ufw-user-logging-output', 'ufw-user-output']
UFW_BASE = """-A INPUT -j ufw-before-logging-input
-A INPUT -j ufw-before-input
-A INPUT -j ufw-after-input
-A INPUT -j ufw-after-logging-input
-A INPUT -j ufw-reject-input
-A INPUT -j ufw-track-input
-A FORWARD -j ufw-before-logging-forward
-A FORWARD -j ufw-before-forward
-A FORWARD -j ufw-after-forward
-A FORWARD -j ufw-after-logging-forward
-A FORWARD -j ufw-reject-forward
-A FORWARD -j ufw-track-forward
-A OUTPUT -j ufw-before-logging-output
-A OUTPUT -j ufw-before-output
-A OUTPUT -j ufw-after-output
-A OUTPUT -j ufw-after-logging-output
-A OUTPUT -j ufw-reject-output
-A OUTPUT -j ufw-track-output
-A ufw-after-input -p udp -m udp --dport 137 -j ufw-skip-to-policy-input
-A ufw-after-input -p udp -m udp --dport 138 -j ufw-skip-to-policy-input
-A ufw-after-input -p tcp -m tcp --dport 139 -j ufw-skip-to-policy-input
-A ufw-after-input -p tcp -m tcp --dport 445 -j ufw-skip-to-policy-input
-A ufw-after-input -p udp -m udp --dport 67 -j ufw-skip-to-policy-input
-A ufw-after-input -p udp -m udp --dport 68 -j ufw-skip-to-policy-input
-A ufw-after-input -m addrtype --dst-type BROADCAST -j ufw-skip-to-policy-input
-A ufw-after-logging-forward -m limit --limit 3/min --limit-burst 10 -j LOG --log-prefix "[UFW BLOCK] "
-A ufw-after-logging-input -m limit --limit 3/min --limit-burst 10 -j LOG --log-prefix "[UFW BLOCK] "
-A ufw-before-forward -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A ufw-before-forward -p icmp -m icmp --icmp-type 3 -j ACCEPT
-A ufw-before-forward -p icmp -m icmp --icmp-type 11 -j ACCEPT
-A ufw-before-forward -p icmp -m icmp --icmp-type 12 -j ACCEPT
-A ufw-before-forward -p icmp -m icmp --icmp-type 8 -j ACCEPT
-A ufw-before-forward -j ufw-user-forward
-A ufw-before-input -i lo -j ACCEPT
-A ufw-before-input -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A ufw-before-input -m conntrack --ctstate INVALID -j ufw-logging-deny
-A ufw-before-input -m conntrack --ctstate INVALID -j DROP
-A ufw-before-input -p icmp -m icmp --icmp-type 3 -j ACCEPT
-A ufw-before-input -p icmp -m icmp --icmp-type 11 -j ACCEPT
-A ufw-before-input -p icmp -m icmp --icmp-type 12 -j ACCEPT
-A ufw-before-input -p icmp -m icmp --icmp-type 8 -j ACCEPT
-A ufw-before-input -p udp -m udp --sport 67 --dport 68 -j ACCEPT
-A ufw-before-input -j ufw-not-local
-A ufw-before-input -d 224.0.0.251/32 -p udp -m udp --dport 5353 -j ACCEPT
-A ufw-before-input -d 239.255.255.250/32 -p udp -m udp --dport 1900 -j ACCEPT
-A ufw-before-input -j ufw-user-input
-A ufw-before-output -o lo -j ACCEPT
-A ufw-before-output -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A ufw-before-output -j ufw-user-output
-A ufw-logging-allow -m limit --limit 3/min --limit-burst 10 -j LOG --log-prefix "[UFW ALLOW] "
-A ufw-logging-deny -m conntrack --ctstate INVALID -m limit --limit 3/min --limit-burst 10 -j RETURN
-A ufw-logging-deny -m limit --limit 3/min --limit-burst 10 -j LOG --log-prefix "[UFW BLOCK] "
-A ufw-not-local -m addrtype --dst-type LOCAL -j RETURN
-A ufw-not-local -m addrtype --dst-type MULTICAST -j RETURN
-A ufw-not-local -m addrtype --dst-type BROADCAST -j RETURN
-A ufw-not-local -m limit --limit 3/min --limit-burst 10 -j ufw-logging-deny
-A ufw-not-local -j DROP
-A ufw-skip-to-policy-forward -j DROP
-A ufw-skip-to-policy-input -j DROP
-A ufw-skip-to-policy-output -j ACCEPT
-A ufw-track-output -p tcp -m conntrack --ctstate NEW -j ACCEPT
-A ufw-track-output -p udp -m conntrack --ctstate NEW -j ACCEPT
-A ufw-user-limit -m limit --limit 3/min -j LOG --log-prefix "[UFW LIMIT BLOCK] "
-A ufw-user-limit -j REJECT --reject-with icmp-port-unreachable
-A ufw-user-limit-accept -j ACCEPT"""


def ufw(user_input=('-p tcp -m tcp --dport 22 -j ACCEPT',), user_forward=(), nat=None, forward_policy='DROP'):
    """ufw's filter table (default deny incoming, `ufw allow 22/tcp`), `ufw route` rules in ufw-user-forward and
    a *nat section from /etc/ufw/before.rules."""
    text = ''
    if nat:
        text += '*nat\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n' + \
            ''.join(f'-A {r}\n' for r in nat) + 'COMMIT\n'
    text += f'*filter\n:INPUT DROP [0:0]\n:FORWARD {forward_policy} [0:0]\n:OUTPUT ACCEPT [0:0]\n' + \
        ''.join(f':{c} - [0:0]\n' for c in UFW_CHAINS) + UFW_BASE + '\n' + \
        ''.join(f'-A ufw-user-input {r}\n' for r in user_input) + \
        ''.join(f'-A ufw-user-forward {r}\n' for r in user_forward) + 'COMMIT\n'
    return text


# ---------------------------------------------------------------- firewalld (iptables backend)

def firewalld(allow=('-p tcp -m tcp --dport 22 -m conntrack --ctstate NEW -j ACCEPT',), masquerade=False,
              forward_port=None):
    """firewalld's zone chains with every interface in the public zone (eth0 explicitly, the rest by the default
    zone). masquerade: the zone's masquerade. forward_port: (port, to address, to port), which firewalld's iptables
    backend implements with a mark set in mangle, a DNAT on that mark and a FORWARD accept on that mark."""
    pre = ['PREROUTING_ZONES -i eth0 -g PRE_public', 'PREROUTING_ZONES -g PRE_public', 'PRE_public -j PRE_public_log',
           'PRE_public -j PRE_public_deny', 'PRE_public -j PRE_public_allow']
    zchains = ['PREROUTING_ZONES', 'PREROUTING_ZONES_SOURCE', 'PREROUTING_direct', 'PRE_public', 'PRE_public_allow',
               'PRE_public_deny', 'PRE_public_log']
    nat_rules = ['PREROUTING -j PREROUTING_direct', 'PREROUTING -j PREROUTING_ZONES_SOURCE', 'PREROUTING -j PREROUTING_ZONES',
                 'OUTPUT -j OUTPUT_direct', 'POSTROUTING -j POSTROUTING_direct', 'POSTROUTING -j POSTROUTING_ZONES_SOURCE',
                 'POSTROUTING -j POSTROUTING_ZONES', 'POSTROUTING_ZONES -o eth0 -g POST_public',
                 'POSTROUTING_ZONES -g POST_public', 'POST_public -j POST_public_log', 'POST_public -j POST_public_deny',
                 'POST_public -j POST_public_allow'] + pre
    mangle_rules = ['PREROUTING -j PREROUTING_direct', 'PREROUTING -j PREROUTING_ZONES_SOURCE',
                    'PREROUTING -j PREROUTING_ZONES', 'INPUT -j INPUT_direct', 'FORWARD -j FORWARD_direct',
                    'OUTPUT -j OUTPUT_direct', 'POSTROUTING -j POSTROUTING_direct'] + pre
    fwdi_allow, in_allow = [], list(allow)
    if masquerade:
        nat_rules.append('POST_public_allow ! -o lo -j MASQUERADE')
        fwdi_allow.append('FWDO_public_allow -m conntrack --ctstate NEW,UNTRACKED -j ACCEPT')
    if forward_port:
        port, to, toport = forward_port
        mangle_rules.append(f'PRE_public_allow -p tcp -m tcp --dport {port} -j MARK --set-xmark 0x64/0xffffffff')
        nat_rules.append(f'PRE_public_allow -p tcp -m mark --mark 0x64 -j DNAT --to-destination {to}:{toport}')
        fwdi_allow.append('FWDI_public_allow -m conntrack --ctstate NEW -m mark --mark 0x64 -j ACCEPT')
    head = lambda t, builtin, chains: f'*{t}\n' + ''.join(f':{c} ACCEPT [0:0]\n' for c in builtin) + \
        ''.join(f':{c} - [0:0]\n' for c in chains)
    text = head('nat', ['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING'],
                ['OUTPUT_direct', 'POSTROUTING_ZONES', 'POSTROUTING_ZONES_SOURCE', 'POSTROUTING_direct', 'POST_public',
                 'POST_public_allow', 'POST_public_deny', 'POST_public_log'] + zchains) + \
        ''.join(f'-A {r}\n' for r in nat_rules) + 'COMMIT\n'
    text += head('mangle', ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'],
                 ['FORWARD_direct', 'INPUT_direct', 'OUTPUT_direct', 'POSTROUTING_direct'] + zchains) + \
        ''.join(f'-A {r}\n' for r in mangle_rules) + 'COMMIT\n'
    text += head('raw', ['PREROUTING', 'OUTPUT'], ['OUTPUT_direct'] + zchains) + ''.join(
        f'-A {r}\n' for r in ['PREROUTING -j PREROUTING_direct', 'PREROUTING -j PREROUTING_ZONES_SOURCE',
                              'PREROUTING -j PREROUTING_ZONES', 'OUTPUT -j OUTPUT_direct'] + pre) + 'COMMIT\n'
    fchains = ['FORWARD_IN_ZONES', 'FORWARD_IN_ZONES_SOURCE', 'FORWARD_OUT_ZONES', 'FORWARD_OUT_ZONES_SOURCE',
               'FORWARD_direct', 'FWDI_public', 'FWDI_public_allow', 'FWDI_public_deny', 'FWDI_public_log', 'FWDO_public',
               'FWDO_public_allow', 'FWDO_public_deny', 'FWDO_public_log', 'INPUT_ZONES', 'INPUT_ZONES_SOURCE',
               'INPUT_direct', 'IN_public', 'IN_public_allow', 'IN_public_deny', 'IN_public_log', 'OUTPUT_direct']
    frules = ['INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT', 'INPUT -i lo -j ACCEPT', 'INPUT -j INPUT_direct',
              'INPUT -j INPUT_ZONES_SOURCE', 'INPUT -j INPUT_ZONES', 'INPUT -m conntrack --ctstate INVALID -j DROP',
              'INPUT -j REJECT --reject-with icmp-host-prohibited',
              'FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT', 'FORWARD -i lo -j ACCEPT',
              'FORWARD -j FORWARD_direct', 'FORWARD -j FORWARD_IN_ZONES_SOURCE', 'FORWARD -j FORWARD_IN_ZONES',
              'FORWARD -j FORWARD_OUT_ZONES_SOURCE', 'FORWARD -j FORWARD_OUT_ZONES',
              'FORWARD -m conntrack --ctstate INVALID -j DROP', 'FORWARD -j REJECT --reject-with icmp-host-prohibited',
              'OUTPUT -j OUTPUT_direct', 'FORWARD_IN_ZONES -i eth0 -g FWDI_public', 'FORWARD_IN_ZONES -g FWDI_public',
              'FORWARD_OUT_ZONES -o eth0 -g FWDO_public', 'FORWARD_OUT_ZONES -g FWDO_public',
              'FWDI_public -j FWDI_public_log', 'FWDI_public -j FWDI_public_deny', 'FWDI_public -j FWDI_public_allow',
              'FWDI_public -p icmp -j ACCEPT', 'FWDO_public -j FWDO_public_log', 'FWDO_public -j FWDO_public_deny',
              'FWDO_public -j FWDO_public_allow', 'INPUT_ZONES -i eth0 -g IN_public', 'INPUT_ZONES -g IN_public',
              'IN_public -j IN_public_log', 'IN_public -j IN_public_deny', 'IN_public -j IN_public_allow',
              'IN_public -p icmp -j ACCEPT'] + [f'IN_public_allow {r}' for r in in_allow] + fwdi_allow
    text += '*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n' + \
        ''.join(f':{c} - [0:0]\n' for c in fchains) + ''.join(f'-A {r}\n' for r in frules) + 'COMMIT\n'
    return text


# ---------------------------------------------------------------- fail2ban

def f2b(banned=(BANNED,), chain='INPUT', ports='22', nat=None, extra_input=()):
    """fail2ban's iptables-multiport action: an f2b-sshd chain jumped from the top of `chain`, one REJECT per ban."""
    text = ''
    if nat:
        text += '*nat\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n' + \
            ''.join(f'-A {r}\n' for r in nat) + 'COMMIT\n'
    text += '*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:f2b-sshd - [0:0]\n' + \
        f'-A {chain} -p tcp -m multiport --dports {ports} -j f2b-sshd\n' + ''.join(f'-A INPUT {r}\n' for r in extra_input) + \
        ''.join(f'-A f2b-sshd -s {b}/32 -j REJECT --reject-with icmp-port-unreachable\n' for b in banned) + \
        '-A f2b-sshd -j RETURN\nCOMMIT\n'
    return text


def ssh(src=REMOTE, sport=40000, dport=22, data=False):
    out = [tcp(dport, sport=sport, src=src), pkt('tcp', frm='local', src=ME, dst=src, sport=dport, dport=sport,
                                                 flags=['SYN', 'ACK']), tcp(dport, sport=sport, src=src, flags=['ACK'])]
    if data:
        out.append(tcp(dport, sport=sport, src=src, flags=['PSH', 'ACK'], length=100))
    return out


def cases():
    # ufw
    yield 'ufw-allow-ssh', 'ufw with `ufw allow 22/tcp`: an SSH handshake passes ufw-user-input; a web request ' \
        'falls through to the DROP policy after ufw-after-logging-input logs it.', scenario(
            ufw(), ssh() + [tcp(80, sport=40001)])
    yield 'ufw-skip-to-policy', 'ufw: NetBIOS and DHCP ports go to ufw-skip-to-policy-input (DROP) without logging.', \
        scenario(ufw(), [udp(137, sport=137), tcp(445, sport=40002)])
    yield 'ufw-not-local', 'ufw-not-local drops a packet for an address that is not the host\'s (arriving here by ' \
        'a static route).', scenario(ufw(), [tcp(22, dst='203.0.113.99')], host=dict(SERVER, forwarding=False))
    yield 'ufw-outbound-track', 'ufw: the host\'s own connection is accepted in ufw-track-output and the reply in ' \
        'ufw-before-input.', scenario(ufw(), [ltcp(443), tcp(50000, sport=443, flags=['SYN', 'ACK'])])
    masq = ['POSTROUTING -s 10.0.0.0/24 -o eth0 -j MASQUERADE']
    yield 'ufw-masquerade-route-allow', 'ufw as a router: before.rules masquerades 10.0.0.0/24, `ufw route allow in ' \
        'on eth1 out on eth0` accepts it; the reply passes ufw-before-forward as ESTABLISHED.', scenario(
            ufw(user_forward=['-i eth1 -o eth0 -j ACCEPT'], nat=masq),
            [tcp(443, frm='eth1', src=CLIENT, dst=REMOTE), tcp(40000, sport=443, src=REMOTE, dst=ME, flags=['SYN', 'ACK']),
             tcp(443, frm='eth1', src=CLIENT, dst=REMOTE, flags=['ACK'])], host=ROUTER)
    yield 'ufw-masquerade-no-route-rule', 'The same masquerade without a `ufw route` rule: FORWARD policy DROP ' \
        '(DEFAULT_FORWARD_POLICY) stops it, after the LOG.', scenario(
            ufw(nat=masq), [tcp(443, frm='eth1', src=CLIENT, dst=REMOTE)], host=ROUTER)
    pf = ['PREROUTING -i eth0 -p tcp --dport 8080 -j DNAT --to-destination 10.0.0.5:80'] + masq
    web = [tcp(8080), tcp(40000, sport=80, frm='eth1', src=CLIENT, dst=REMOTE, flags=['SYN', 'ACK']),
           tcp(8080, flags=['ACK'])]
    yield 'ufw-port-forward', 'A port forward in before.rules with `ufw route allow proto tcp to 10.0.0.5 port 80`: ' \
        'ufw-user-forward sees the DNATed destination.', scenario(
            ufw(user_forward=['-d 10.0.0.5/32 -p tcp -m tcp --dport 80 -j ACCEPT'], nat=pf), web, host=ROUTER)
    yield 'ufw-port-forward-public-port-rule', 'The port forward with `ufw allow 8080/tcp` (an INPUT rule) instead ' \
        'of a route rule: the DNATed packet never crosses INPUT and is dropped in FORWARD.', scenario(
            ufw(user_input=['-p tcp -m tcp --dport 22 -j ACCEPT', '-p tcp -m tcp --dport 8080 -j ACCEPT'], nat=pf),
            web[:1], host=ROUTER)
    yield 'ufw-port-forward-ping', 'ufw-before-forward accepts forwarded echo requests whatever the route rules.', \
        scenario(ufw(nat=masq), [icmp(frm='eth1', src=CLIENT, dst=REMOTE), icmp('echo-reply', src=REMOTE, dst=ME)],
                 host=ROUTER)
    yield 'ufw-reject-forward-rule', '`ufw route reject` to a LAN host: ufw-user-forward REJECTs, the error goes ' \
        'back with the quote de-NATed.', scenario(
            ufw(user_forward=['-d 10.0.0.5/32 -p tcp -m tcp --dport 80 -j REJECT --reject-with tcp-reset'], nat=pf),
            web[:1], host=ROUTER)
    dk = docker.ruleset('27')
    ufw_docker = ufw(user_input=['-p tcp -m tcp --dport 22 -j ACCEPT', '-p tcp -m tcp --dport 8080 -j DROP'])
    # ufw and Docker together: Docker's FORWARD rules come first (it inserts them), ufw's after.
    both = dk.replace('-A FORWARD -j DOCKER-USER', '-A FORWARD -j DOCKER-USER').split('*filter')[0]
    f_dk = '*filter' + dk.split('*filter')[1]
    f_ufw = ufw_docker.split('*filter')[1]
    merged_filter = _merge_filters(f_dk, '*filter' + f_ufw)
    yield 'ufw-docker-bypass', 'ufw denies 8080 and Docker publishes 8080: the container is reachable anyway, ' \
        'since ufw-user-input is in INPUT and the published traffic is forwarded.', scenario(
            both + merged_filter, docker.published(data=False), host=docker.HOST)
    ufw_docker_user = ['-j ufw-user-forward', '-j RETURN -s 10.0.0.0/8', '-j RETURN -s 172.16.0.0/12',
                       '-j RETURN -s 192.168.0.0/16', '-p udp -m udp --sport 53 --dport 1024:65535 -j RETURN',
                       '-j ufw-docker-logging-deny -p tcp -m tcp --tcp-flags FIN,SYN,RST,ACK SYN -d 192.168.0.0/16',
                       '-j ufw-docker-logging-deny -p tcp -m tcp --tcp-flags FIN,SYN,RST,ACK SYN -d 10.0.0.0/8',
                       '-j ufw-docker-logging-deny -p tcp -m tcp --tcp-flags FIN,SYN,RST,ACK SYN -d 172.16.0.0/12',
                       '-j ufw-docker-logging-deny -p udp -m udp --dport 0:32767 -d 192.168.0.0/16',
                       '-j ufw-docker-logging-deny -p udp -m udp --dport 0:32767 -d 10.0.0.0/8',
                       '-j ufw-docker-logging-deny -p udp -m udp --dport 0:32767 -d 172.16.0.0/12']
    extra = {'ufw-docker-logging-deny': ['-m limit --limit 3/min --limit-burst 10 -j LOG --log-prefix "[UFW DOCKER BLOCK] "',
                                         '-j DROP']}
    for allowed in [False, True]:
        dk2 = docker.ruleset('27', user=ufw_docker_user, filter_extra=extra)
        uf = ufw(user_forward=['-d 172.17.0.2/32 -p tcp -m tcp --dport 80 -j ACCEPT'] if allowed else ())
        name = 'ufw-docker-fix-' + ('route-allowed' if allowed else 'blocked')
        yield name, 'The ufw-docker fix (DOCKER-USER jumps to ufw-user-forward, then blocks new connections to private ' \
            'networks)' + (': `ufw route allow proto tcp to 172.17.0.2 port 80` lets the published port through.'
                           if allowed else ': without a route rule the published port is blocked; the container can ' \
                           'still reach out.'), scenario(
                dk2.split('*filter')[0] + _merge_filters('*filter' + dk2.split('*filter')[1], uf),
                docker.published(data=False) + (docker.outbound()[:2] if not allowed else []), host=docker.HOST)

    # firewalld
    yield 'firewalld-ssh', 'firewalld public zone: SSH accepted in IN_public_allow, ping by IN_public, anything else ' \
        'REJECTed with host-prohibited at the end of INPUT.', scenario(
            firewalld(), ssh()[:1] + [icmp(), tcp(80, sport=40001)], host=ROUTER)
    yield 'firewalld-masquerade', 'firewalld with masquerade in the public zone: a LAN client reaches the internet; ' \
        'FORWARD accepts it in FWDO_public_allow and POST_public_allow masquerades it; the reply is ESTABLISHED.', \
        scenario(firewalld(masquerade=True),
                 [tcp(443, frm='eth1', src=CLIENT, dst=REMOTE), tcp(40000, sport=443, src=REMOTE, dst=ME,
                                                                    flags=['SYN', 'ACK'])], host=ROUTER)
    yield 'firewalld-no-masquerade-forward', 'Without masquerade, firewalld REJECTs forwarded traffic at the end ' \
        'of FORWARD with host-prohibited.', scenario(firewalld(), [tcp(443, frm='eth1', src=CLIENT, dst=REMOTE)],
                                                     host=ROUTER)
    yield 'firewalld-forward-port', 'firewalld forward-port 8080 -> 10.0.0.5:80: mangle marks 0x64, nat DNATs on the ' \
        'mark, FWDI_public_allow accepts the mark; the reply goes back as ESTABLISHED.', scenario(
            firewalld(masquerade=True, forward_port=(8080, '10.0.0.5', 80)),
            [tcp(8080), tcp(40000, sport=80, frm='eth1', src=CLIENT, dst=REMOTE, flags=['SYN', 'ACK']),
             tcp(8080, flags=['ACK'])], host=ROUTER)
    yield 'firewalld-forward-port-other-port', 'The forward-port mark is set only for 8080: 8081 is REJECTed in INPUT.', \
        scenario(firewalld(forward_port=(8080, '10.0.0.5', 80)), [tcp(8081)], host=ROUTER)
    yield 'firewalld-reject-quote', 'A forward-port whose FORWARD accept is missing: the DNATed packet reaches ' \
        'firewalld\'s final REJECT in FORWARD, and the host-prohibited error quotes the public port.', scenario(
            firewalld(forward_port=(8080, '10.0.0.5', 80)).replace(
                '-A FWDI_public_allow -m conntrack --ctstate NEW -m mark --mark 0x64 -j ACCEPT\n', ''),
            [tcp(8080)], host=ROUTER)

    # fail2ban
    yield 'f2b-banned', 'fail2ban\'s f2b-sshd chain: a banned address is REJECTed with port unreachable, others ' \
        'RETURN to INPUT.', scenario(f2b(), [tcp(22, src=BANNED), tcp(22, sport=40001)])
    yield 'f2b-banned-established', 'f2b-sshd is jumped from the top of INPUT, before any ESTABLISHED accept: a ' \
        'banned address\'s open session is cut too.', scenario(
            f2b(extra_input=['-m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT', '-p tcp --dport 22 -j ACCEPT',
                             '-j DROP']),
            [tcp(22, src=BANNED, flags=['PSH', 'ACK'], length=80), tcp(22, sport=40001)])
    yield 'f2b-reject-output-drop', 'A ban with OUTPUT policy DROP and no RELATED accept: the ICMP error dies in ' \
        'OUTPUT, so the REJECT acts as a DROP.', scenario(
            f2b().replace(':OUTPUT ACCEPT', ':OUTPUT DROP'), [tcp(22, src=BANNED)])
    yield 'f2b-port-forward-bypass', 'fail2ban bans in INPUT, but SSH is a port forward to a LAN host: the banned ' \
        'address reaches it through FORWARD.', scenario(
            f2b(nat=['PREROUTING -i eth0 -p tcp --dport 22 -j DNAT --to-destination 10.0.0.5']), [tcp(22, src=BANNED)],
            host=ROUTER)
    yield 'f2b-redirected-port', 'SSH on 2222 REDIRECTed to 22: INPUT sees port 22, f2b-sshd rejects the banned ' \
        'address, and the error quotes port 2222.', scenario(
            f2b(nat=['PREROUTING -p tcp --dport 2222 -j REDIRECT --to-ports 22']), [tcp(2222, src=BANNED)], host=SERVER)
    yield 'f2b-docker-user', 'fail2ban with chain=DOCKER-USER protects a published port: the banned address is ' \
        'rejected before DOCKER; the error quotes the published port.', scenario(
            docker.ruleset('28', user=['-p tcp -m multiport --dports 80 -j f2b-sshd'],
                           filter_extra={'f2b-sshd': [f'-s {BANNED}/32 -j REJECT --reject-with icmp-port-unreachable',
                                                      '-j RETURN']}),
            [tcp(8080, src=BANNED), tcp(8080, sport=40001)], host=docker.HOST)
    yield 'f2b-script', 'The commands fail2ban runs (actionstart, then a ban), as a script; a banned and an ' \
        'allowed client.', scenario(script(
            'iptables -w -N f2b-sshd', 'iptables -w -A f2b-sshd -j RETURN',
            'iptables -w -I INPUT -p tcp -m multiport --dports 22 -j f2b-sshd',
            f'iptables -w -I f2b-sshd 1 -s {BANNED} -j REJECT --reject-with icmp-port-unreachable'),
            [tcp(22, src=BANNED), tcp(22, sport=40001)])
    yield 'f2b-ipset', 'fail2ban\'s iptables-ipset action: one rule matching a hash:ip set of banned addresses.', \
        scenario(script('iptables -N f2b-sshd', 'iptables -A f2b-sshd -j RETURN',
                        'iptables -I INPUT -p tcp -m multiport --dports 22 -j f2b-sshd',
                        'iptables -I f2b-sshd 1 -m set --match-set f2b-sshd src -j REJECT --reject-with '
                        'icmp-port-unreachable'),
                 [tcp(22, src=BANNED), tcp(22, src='192.0.2.67', sport=40001), tcp(22, sport=40002)],
                 sets={'f2b-sshd': {'type': 'hash:ip', 'options': 'timeout 0',
                                    'members': [BANNED, '192.0.2.67']}})


def _merge_filters(a, b):
    """Two *filter sections as one: chains of both, policies of b, rules of a then b."""
    def parse(t):
        pol, chains, rules = {}, [], []
        for line in t.splitlines():
            if line.startswith(':'):
                n, p = line[1:].split()[:2]
                (chains.append(n) if p == '-' else pol.__setitem__(n, p))
            elif line.startswith('-A'):
                rules.append(line)
        return pol, chains, rules
    pa, ca, ra = parse(a)
    pb, cb, rb = parse(b)
    pol = dict(pa, **pb)
    return '*filter\n' + ''.join(f':{c} {pol[c]} [0:0]\n' for c in ['INPUT', 'FORWARD', 'OUTPUT']) + \
        ''.join(f':{c} - [0:0]\n' for c in ca + [c for c in cb if c not in ca]) + '\n'.join(ra + rb) + '\nCOMMIT\n'
