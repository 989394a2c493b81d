"""The incidents of /work/shared/reading, before and after the mistake or the fix."""
from common import ME, REMOTE, filt, handshake, icmp, ltcp, ludp, pkt, scenario, script, tcp, udp

GROUP = 'incidents'

HEALTH = '10.244.3.7'   # load balancer health checker (10.244.0.0/16)
ADMIN = '10.0.0.23'     # admin workstation in the management subnet 10.0.0.0/24
PAYMENT = '192.0.2.80'  # the payment gateway, HTTPS on 8443


def cases():
    # (1) The DROP of 10.0.0.0/8: appended after the accepts it is harmless, inserted above them it locks out SSH
    # and the health checks.
    base = ['iptables -P INPUT DROP',
            'iptables -A INPUT -i lo -j ACCEPT',
            'iptables -A INPUT -m state --state ESTABLISHED,RELATED -j ACCEPT',
            'iptables -A INPUT -p tcp -s 10.0.0.0/24 --dport 22 -m state --state NEW -j ACCEPT',
            'iptables -A INPUT -p tcp -s 10.244.0.0/16 --dport 8080 -j ACCEPT',
            'iptables -A INPUT -p tcp --dport 80 -j ACCEPT',
            'iptables -A INPUT -p tcp --dport 443 -j ACCEPT']
    traffic = [tcp(8080, src=HEALTH), tcp(22, src=ADMIN), tcp(443, src=REMOTE), tcp(22, src='10.9.9.9', sport=40001)]
    yield 'drop-10-8-appended', 'A DROP of 10.0.0.0/8 appended with -A sits below the health-check and SSH accepts: ' \
        'they still pass.', scenario(script(*base, 'iptables -A INPUT -s 10.0.0.0/8 -j DROP'), traffic)
    yield 'drop-10-8-inserted', 'The same DROP inserted with -I goes above everything: health checks from ' \
        '10.244.0.0/16 and SSH from the management subnet are dropped; the internet still reaches 443.', \
        scenario(script(*base, 'iptables -I INPUT -s 10.0.0.0/8 -j DROP'), traffic)
    yield 'drop-10-8-inserted-established', 'After the insert, even the already open SSH session dies: its packets ' \
        'meet the DROP before the ESTABLISHED accept.', scenario(
            script(*base, 'iptables -I INPUT -s 10.0.0.0/8 -j DROP'),
            [tcp(22, src=ADMIN, flags=['PSH', 'ACK'], length=80)])
    yield 'drop-10-8-fixed', 'The fix: accept the health checks and SSH first, then drop the rest of 10.0.0.0/8 ' \
        '(inserted at position 5, below them).', scenario(script(*base, 'iptables -I INPUT 5 -s 10.0.0.0/8 -j DROP'), traffic)

    # (2) OUTPUT hardening: TCP to 1024:65535 dropped except a whitelist; the payment gateway on 8443 breaks.
    hard = ['-p tcp -m multiport --dports 80,443,22,3306 -j ACCEPT', '-p tcp --dport 1024:65535 -j DROP']
    out_traffic = [ltcp(8443, dst=PAYMENT), ltcp(443, dst=PAYMENT, sport=50001), ltcp(3306, dst='192.0.2.33', sport=50002),
                   ltcp(9090, dst='192.0.2.90', sport=50003)]
    yield 'payment-gateway-blocked', 'OUTPUT drops TCP to ports 1024-65535 except 80, 443, 22, 3306: connections to ' \
        'the payment gateway on 8443 (and the metrics collector on 9090) are dropped.', \
        scenario(filt(OUTPUT=hard), out_traffic)
    yield 'payment-gateway-whitelisted', 'Fix 1: add 8443 (and the other audited ports) to the whitelist.', \
        scenario(filt(OUTPUT=['-p tcp -m multiport --dports 80,443,22,3306,8443,9090,5044,8080,587 -j ACCEPT', hard[1]]),
                 out_traffic)
    yield 'payment-gateway-conntrack', 'Fix 2: accept ESTABLISHED,RELATED first and filter only NEW connections; the ' \
        'reply half of inbound connections on high ports is no longer caught.', \
        scenario(filt(OUTPUT=['-m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT', '-p tcp -m conntrack --ctstate NEW '
                              '-m multiport --dports 80,443,22,3306,8443 -j ACCEPT', '-p tcp --dport 1024:65535 -j DROP']),
                 out_traffic + [tcp(22, sport=51000), ltcp(51000, sport=22, dst=REMOTE, flags=['SYN', 'ACK'])])
    yield 'payment-gateway-replies-dropped', 'The hardening also drops the host\'s replies to inbound SSH from a ' \
        'high client port: the SYN-ACK to port 51000 hits the 1024:65535 DROP.', \
        scenario(filt(OUTPUT=hard),
                 [tcp(22, sport=51000), ltcp(51000, sport=22, dst=REMOTE, flags=['SYN', 'ACK'])])
    yield 'payment-gateway-log-first', 'Log before blocking: LOG with a prefix ahead of the DROP shows what would be ' \
        'dropped.', scenario(filt(OUTPUT=[hard[0], '-p tcp --dport 1024:65535 -j LOG --log-prefix "OUT-BLOCK: "', hard[1]]),
                             out_traffic[:2])

    # (3) Default-drop INPUT without an ESTABLISHED,RELATED accept: replies to the host's own connections die.
    strict = ['-i lo -j ACCEPT', '-p tcp --dport 22 -j ACCEPT']
    own = [ltcp(443, dst=REMOTE), tcp(50000, sport=443, flags=['SYN', 'ACK']), ludp(53, dst='198.51.100.53', sport=50100),
           udp(50100, sport=53, src='198.51.100.53'), pkt('icmp', frm='local', src=ME, dst=REMOTE), icmp('echo-reply')]
    yield 'missing-established', 'INPUT policy DROP, only SSH allowed in: the SYN-ACK of the host\'s own HTTPS ' \
        'connection, the DNS answer and the ping reply are dropped.', \
        scenario(filt(INPUT=strict, policy={'INPUT': 'DROP'}), own)
    yield 'missing-established-fixed', 'With ESTABLISHED,RELATED accepted first, the replies get in.', \
        scenario(filt(INPUT=['-m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT'] + strict, policy={'INPUT': 'DROP'}),
                 own + [tcp(8080)])
    yield 'missing-established-ssh-session', 'Without the ESTABLISHED accept, inbound SSH still works because every ' \
        'packet matches the port rule; only the host\'s outbound connections break.', \
        scenario(filt(INPUT=strict, policy={'INPUT': 'DROP'}), handshake())

    # (4) LOG before DROP, plain and rate limited.
    yield 'log-before-drop', 'A LOG rule with prefix and level above the final DROP: every dropped packet is logged ' \
        'first.', scenario(filt(INPUT=['-m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT', '-p tcp --dport 22 -j ACCEPT',
                                       '-j LOG --log-prefix "IPT-DEBUG: " --log-level 4', '-j DROP']),
                           [tcp(22), tcp(3389, sport=40001), udp(161)])
    yield 'log-rate-limited', 'The hardened template: -m limit --limit 5/min LOG, then DROP. After the burst of 5 ' \
        'the LOG stops matching, the DROP does not.', \
        scenario(filt(INPUT=['-i lo -j ACCEPT', '-m state --state ESTABLISHED,RELATED -j ACCEPT',
                             '-p tcp -s 10.0.0.0/24 --dport 22 -m state --state NEW -j ACCEPT',
                             '-p tcp --dport 80 -j ACCEPT', '-p tcp --dport 443 -j ACCEPT',
                             '-p tcp -s 10.244.0.0/16 --dport 8080 -j ACCEPT',
                             '-m limit --limit 5/min -j LOG --log-prefix "iptables-INPUT-drop: "', '-j DROP'],
                      policy={'INPUT': 'DROP', 'FORWARD': 'DROP'}),
                 [tcp(3389, sport=40000 + i) for i in range(7)] + [tcp(80), tcp(8080, src=HEALTH)])

    # (5) ICMP echo rate limit (the article's 1/second becomes 6/minute so that timing does not matter).
    ping = ['-p icmp --icmp-type echo-request -m limit --limit 6/minute --limit-burst 4 -j ACCEPT',
            '-p icmp --icmp-type echo-request -j DROP']
    yield 'icmp-echo-limit', 'Echo requests limited with a burst of 4: the fifth and sixth are dropped.', \
        scenario(filt(INPUT=ping), [icmp(icmpSeq=i) for i in range(6)])
    yield 'icmp-echo-limit-shared', 'The limit is one bucket for everybody: a second source is dropped once the ' \
        'first used the burst.', scenario(filt(INPUT=ping), [icmp(icmpSeq=i) for i in range(4)] + [icmp(src='192.0.2.1')])

    # (6) SSH brute-force protection with recent.
    brute = ['iptables -A INPUT -p tcp --dport 22 -m recent --set --name SSHCHECK --rsource',
             'iptables -A INPUT -p tcp --dport 22 -m recent --update --seconds 60 --hitcount 4 --name SSHCHECK --rsource -j DROP',
             'iptables -A INPUT -p tcp --dport 22 -m conntrack --ctstate ESTABLISHED -j ACCEPT',
             'iptables -A INPUT -p tcp --dport 22 -m conntrack --ctstate NEW -j ACCEPT',
             'iptables -P INPUT DROP']
    yield 'ssh-bruteforce-recent', 'Four new SSH connections from one source within 60 s: the fourth is dropped; ' \
        'another source is not affected.', \
        scenario(script(*brute), [tcp(22, sport=40000 + i) for i in range(4)] + [tcp(22, src='198.51.100.8')])
    yield 'ssh-bruteforce-counts-every-packet', 'The rules as written count every packet to port 22, not only new ' \
        'connections: the SYN, the ACK and two data segments of one session reach the hit count of 4, and the session\'s ' \
        'second data segment is dropped.', \
        scenario(script(*brute), handshake() + [tcp(flags=['PSH', 'ACK'], length=60)])
    yield 'ssh-bruteforce-new-only', 'Counting only NEW connections (-m conntrack --ctstate NEW before recent): ' \
        'established sessions are left alone, the fourth new connection is still dropped.', \
        scenario(script(
            'iptables -P INPUT DROP',
            'iptables -A INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT',
            'iptables -A INPUT -p tcp --dport 22 -m conntrack --ctstate NEW -m recent --set --name SSH',
            'iptables -A INPUT -p tcp --dport 22 -m conntrack --ctstate NEW -m recent --update --seconds 60 --hitcount 4 '
            '--name SSH -j DROP',
            'iptables -A INPUT -p tcp --dport 22 -j ACCEPT'),
            handshake() + [tcp(22, sport=40001 + i) for i in range(3)])
    yield 'ssh-hashlimit', 'The hashlimit variant: more than 10 new SSH connections a minute per source; with the ' \
        'default burst of 5 the sixth is dropped.', \
        scenario(filt(INPUT=['-p tcp --dport 22 -m conntrack --ctstate NEW -m hashlimit --hashlimit-above 10/minute '
                             '--hashlimit-mode srcip --hashlimit-name ssh_throttle -j DROP', '-p tcp --dport 22 -j ACCEPT'],
                      policy={'INPUT': 'DROP'}), [tcp(22, sport=40000 + i) for i in range(7)] + [tcp(22, src='192.0.2.1')])
    yield 'docker-user-input-bypass', 'INPUT rules do not see traffic a router forwards: a DROP in INPUT for port ' \
        '8080 leaves forwarded 8080 traffic alone (the published-port surprise without NAT).', \
        scenario(filt(INPUT=['-p tcp --dport 8080 -j DROP']), [tcp(8080, frm='eth0', src=REMOTE, dst='10.0.0.5'),
                                                                tcp(8080)],
                 host={'interfaces': [{'name': 'eth0', 'addresses': [f'{ME}/24']},
                                      {'name': 'eth1', 'addresses': ['10.0.0.1/24']}],
                       'routes': [{'to': 'default', 'via': '203.0.113.1', 'dev': 'eth0'}], 'forwarding': True})
    yield 'emergency-lockout', 'Policies DROP with all rules flushed: nothing gets in or out, not even loopback.', \
        scenario(script('iptables -P INPUT DROP', 'iptables -P FORWARD DROP', 'iptables -P OUTPUT DROP', 'iptables -F'),
                 [tcp(22), ltcp(22, dst=ME), ltcp(443)])
    yield 'emergency-recovery', 'The recovery from the console: policies ACCEPT and flush.', \
        scenario(script('iptables -P INPUT DROP', 'iptables -A INPUT -s 10.0.0.0/8 -j DROP', 'iptables -P INPUT ACCEPT',
                        'iptables -P FORWARD ACCEPT', 'iptables -P OUTPUT ACCEPT', 'iptables -F', 'iptables -X'),
                 [tcp(22, src=ADMIN)])
