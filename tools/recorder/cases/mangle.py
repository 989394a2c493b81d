"""mangle: MARK and CONNMARK (set, and/or/xor, masks, save and restore) read by -m mark and -m connmark in later
tables and later packets; TOS, DSCP, TTL and TCPMSS."""
from common import CLIENT, LAN, ME, OTHER, REMOTE, ROUTER, SERVER, filt, ltcp, ludp, pkt, scenario, table, tcp, udp

GROUP = 'mangle'

EST = '-m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT'


def mangle(**chains):
    return table('mangle', chains)


def nat(**chains):
    return table('nat', chains)


def counting(kind, values):
    """Rules without a target, one per value: the trace shows which ones a packet matches."""
    return [f'{"-p tcp " if kind == "tcpmss" else ""}-m {kind} {v}' for v in values]


def ssh_session():
    """An inbound SSH connection: SYN, the host's SYN-ACK, ACK, data."""
    return [tcp(22), pkt('tcp', frm='local', src=ME, dst=REMOTE, sport=22, dport=40000, flags=['SYN', 'ACK']),
            tcp(22, flags=['ACK']), tcp(22, flags=['PSH', 'ACK'], length=120)]


def cases():
    # ---------------------------------------------------------------- MARK set in mangle, read downstream
    yield 'mark-read-in-filter', 'MARK --set-mark 0x1 in mangle PREROUTING for SSH; filter INPUT accepts mark 0x1 ' \
        'and drops the rest.', scenario(
            mangle(PREROUTING=['-p tcp --dport 22 -j MARK --set-mark 0x1']) +
            filt(INPUT=['-m mark --mark 0x1 -j ACCEPT', '-j DROP']), [tcp(22), tcp(80, sport=40001)])
    yield 'mark-set-xmark', 'MARK --set-xmark twice (0x4000/0x4000 then 0x1/0xff): the mark is 0x4001; counting ' \
        'rules in filter show which masks match.', scenario(
            mangle(PREROUTING=['-j MARK --set-xmark 0x4000/0x4000', '-j MARK --set-xmark 0x1/0xff']) +
            filt(INPUT=counting('mark', ['--mark 0x4001', '--mark 0x4000', '--mark 0x4000/0x4000', '--mark 0x1/0x1',
                                         '! --mark 0x1/0xff', '--mark 0x0/0xff00'])), [udp()])
    yield 'mark-and-or-xor', 'MARK --or-mark 0x6, --and-mark 0x3, --xor-mark 0x5: 0x6, then 0x2, then 0x7.', scenario(
        mangle(PREROUTING=['-j MARK --or-mark 0x6', '-m mark --mark 0x6', '-j MARK --and-mark 0x3',
                           '-m mark --mark 0x2', '-j MARK --xor-mark 0x5', '-m mark --mark 0x7']) +
        filt(INPUT=counting('mark', ['--mark 0x7', '--mark 0x2', '--mark 0x6'])), [udp()])
    yield 'mark-set-mark-mask', 'MARK --set-mark 0x10/0xf0 over 0x3: the low bits stay, 0x13.', scenario(
        mangle(PREROUTING=['-j MARK --set-mark 0x3', '-j MARK --set-mark 0x10/0xf0']) +
        filt(INPUT=counting('mark', ['--mark 0x13', '--mark 0x10', '--mark 0x10/0xf0'])), [udp()])
    yield 'mark-per-packet', 'A MARK on the SYN only (--syn): the next packets of the connection carry no mark; the ' \
        'packet mark is not remembered.', scenario(
            mangle(PREROUTING=['-p tcp --syn -j MARK --set-mark 0x7']) +
            filt(INPUT=['-m mark --mark 0x7 -j ACCEPT', EST, '-j DROP']), ssh_session())
    yield 'mark-read-in-nat', 'A mark from mangle PREROUTING chooses the DNAT in nat PREROUTING (a captive portal: ' \
        'unknown MACs go to the portal).', scenario(
            table('mangle', {'PREROUTING': ['-i eth1 -p tcp --dport 80 -j web'],
                             'web': ['-m mac --mac-source 02:00:00:00:01:99 -j RETURN',
                                     '-j MARK --set-xmark 0x63/0xffffffff']}) +
            nat(PREROUTING=['-i eth1 -p tcp -m mark --mark 0x63 --dport 80 -j DNAT --to-destination 10.0.0.1:8080']) +
            filt(), [tcp(80, frm='eth1', src=CLIENT, dst=REMOTE),
                     dict(tcp(80, frm='eth1', src='10.0.0.6', dst=REMOTE), mac='02:00:00:00:01:99')], host=ROUTER)
    yield 'mark-read-in-nat-postrouting', 'A mark set in mangle FORWARD decides MASQUERADE in nat POSTROUTING.', \
        scenario(mangle(FORWARD=['-i eth1 -s 10.0.0.0/25 -j MARK --set-mark 0x2']) +
                 nat(POSTROUTING=['-m mark --mark 0x2 -j MASQUERADE']) + filt(),
                 [udp(frm='eth1', src=CLIENT, dst=REMOTE), udp(frm='eth1', src='10.0.0.200', dst=REMOTE)], host=ROUTER)
    yield 'mark-set-in-nat', 'MARK in nat PREROUTING (kube-proxy\'s KUBE-MARK-MASQ) runs for the first packet only; ' \
        'nat POSTROUTING reads it.', scenario(
            table('nat', {'PREROUTING': ['-p udp -j MARK-MASQ'], 'MARK-MASQ': ['-j MARK --set-xmark 0x4000/0x4000'],
                          'POSTROUTING': ['-m mark --mark 0x4000/0x4000 -j MASQUERADE']}) +
            filt(FORWARD=counting('mark', ['--mark 0x4000/0x4000'])),
            [udp(frm='eth1', src=CLIENT, dst=REMOTE), udp(frm='eth1', src=CLIENT, dst=REMOTE)], host=ROUTER)
    yield 'mark-local-output', 'MARK in mangle OUTPUT for the host\'s own packets, read in nat OUTPUT, filter ' \
        'OUTPUT and nat POSTROUTING.', scenario(
            mangle(OUTPUT=['-p udp --dport 53 -j MARK --set-mark 0x35']) +
            nat(OUTPUT=['-m mark --mark 0x35 -j DNAT --to-destination 192.0.2.53'],
                POSTROUTING=['-m mark --mark 0x35 -j SNAT --to-source 203.0.113.53']) +
            filt(OUTPUT=counting('mark', ['--mark 0x35'])), [ludp(53), ludp(123, sport=123)], host=SERVER)
    yield 'mark-input-hook', 'MARK in mangle INPUT, read in filter INPUT (mangle INPUT runs first).', scenario(
        mangle(INPUT=['-p tcp -j MARK --set-mark 0x9']) + filt(INPUT=['-m mark --mark 0x9 -j DROP']), [tcp(), udp()])
    yield 'mark-postrouting-too-late-for-filter', 'A MARK in mangle POSTROUTING comes after filter FORWARD: the ' \
        'filter rule never sees it, nat POSTROUTING does.', scenario(
            mangle(POSTROUTING=['-o eth0 -j MARK --set-mark 0x5']) + nat(POSTROUTING=['-m mark --mark 0x5 -j MASQUERADE']) +
            filt(FORWARD=['-m mark --mark 0x5 -j DROP']), [udp(frm='eth1', src=CLIENT, dst=REMOTE)], host=ROUTER)
    yield 'mark-forward-hook-replies', 'MARK in mangle FORWARD on both directions of a forwarded connection, read ' \
        'by filter FORWARD.', scenario(
            mangle(FORWARD=['-i eth1 -j MARK --set-mark 0x1', '-i eth0 -j MARK --set-mark 0x2']) +
            filt(FORWARD=['-m mark --mark 0x1 -j ACCEPT', '-m mark --mark 0x2 ' + EST], policy={'FORWARD': 'DROP'}),
            [tcp(443, frm='eth1', src=CLIENT, dst=REMOTE), tcp(40000, sport=443, src=REMOTE, dst=CLIENT,
                                                                flags=['SYN', 'ACK']),
             tcp(40001, sport=443, src=REMOTE, dst=CLIENT)], host=ROUTER)

    # ---------------------------------------------------------------- CONNMARK
    yield 'connmark-save-restore', 'The classic pattern: restore the connection mark, keep it if set, else mark ' \
        'SSH and save. The host\'s reply gets the mark back in mangle OUTPUT.', scenario(
            mangle(PREROUTING=['-j CONNMARK --restore-mark', '-m mark ! --mark 0x0 -j ACCEPT',
                               '-p tcp --dport 22 -j MARK --set-mark 0x2', '-j CONNMARK --save-mark'],
                   OUTPUT=['-j CONNMARK --restore-mark']) +
            filt(INPUT=counting('mark', ['--mark 0x2']), OUTPUT=counting('mark', ['--mark 0x2'])), ssh_session())
    yield 'connmark-set-read', 'CONNMARK --set-mark on the first packet; -m connmark matches every later packet of ' \
        'the connection in both directions, -m mark none of them.', scenario(
            mangle(PREROUTING=['-m conntrack --ctstate NEW -j CONNMARK --set-mark 0x10']) +
            filt(INPUT=counting('connmark', ['--mark 0x10']) + counting('mark', ['--mark 0x10']),
                 OUTPUT=counting('connmark', ['--mark 0x10'])), ssh_session())
    yield 'connmark-masks', 'MARK 0x1234, CONNMARK --save-mark --mask 0xff (ctmark 0x34), then on the next packet ' \
        'CONNMARK --restore-mark --nfmask 0xff00 --ctmask 0xff.', scenario(
            mangle(PREROUTING=['-m conntrack --ctstate NEW -j MARK --set-mark 0x1234',
                               '-m conntrack --ctstate NEW -j CONNMARK --save-mark --mask 0xff',
                               '-m conntrack --ctstate ESTABLISHED -j MARK --set-mark 0xab00',
                               '-m conntrack --ctstate ESTABLISHED -j CONNMARK --restore-mark --nfmask 0xff00 --ctmask 0xff']) +
            filt(INPUT=counting('connmark', ['--mark 0x34', '--mark 0x1234']) +
                 counting('mark', ['--mark 0x1234', '--mark 0xab34', '--mark 0x34', '--mark 0xab00'])),
            ssh_session()[:3])
    yield 'connmark-save-nfmask-ctmask', 'CONNMARK --save-mark --nfmask 0xf0 --ctmask 0xf0f over ctmark 0x101.', \
        scenario(mangle(PREROUTING=['-j CONNMARK --set-mark 0x101', '-j MARK --set-mark 0xff',
                                    '-j CONNMARK --save-mark --nfmask 0xf0 --ctmask 0xf0f']) +
                 filt(INPUT=counting('connmark', ['--mark 0xf1', '--mark 0x1f1', '--mark 0x0f0', '--mark 0x101',
                                                  '--mark 0xf0/0xf0'])), [udp()])
    yield 'connmark-and-or-xor', 'CONNMARK --or-mark, --and-mark, --xor-mark and --set-xmark on the connection mark.', \
        scenario(mangle(PREROUTING=['-j CONNMARK --or-mark 0x6', '-m connmark --mark 0x6',
                                    '-j CONNMARK --and-mark 0x3', '-m connmark --mark 0x2',
                                    '-j CONNMARK --xor-mark 0x5', '-m connmark --mark 0x7',
                                    '-j CONNMARK --set-xmark 0x10/0x14', '-m connmark --mark 0x13']) + filt(), [udp()])
    yield 'connmark-accumulates', 'CONNMARK --or-mark on every packet: the connection mark keeps the bits of ' \
        'earlier packets.', scenario(
            mangle(PREROUTING=['-p udp --sport 5353 -j CONNMARK --or-mark 0x1',
                               '-p udp --sport 5354 -j CONNMARK --or-mark 0x2']) +
            filt(INPUT=counting('connmark', ['--mark 0x1', '--mark 0x3'])),
            [udp(53, sport=5353), udp(53, sport=5353), udp(53, sport=5354)])
    yield 'connmark-forward-reply', 'A router marks the connection on the LAN side (CONNMARK in mangle POSTROUTING ' \
        'by egress, as multi-WAN routers do) and restores it on the reply.', scenario(
            mangle(PREROUTING=['-i eth0 -j CONNMARK --restore-mark'],
                   POSTROUTING=['-o eth0 -m conntrack --ctstate NEW -j CONNMARK --set-mark 0x1']) +
            nat(POSTROUTING=['-o eth0 -j MASQUERADE']) +
            filt(FORWARD=['-i eth0 -m mark --mark 0x1 ' + EST, '-i eth1 -j ACCEPT'], policy={'FORWARD': 'DROP'}),
            [tcp(443, frm='eth1', src=CLIENT, dst=REMOTE), tcp(40000, sport=443, src=REMOTE, dst=ME, flags=['SYN', 'ACK']),
             tcp(443, frm='eth1', src=CLIENT, dst=REMOTE, flags=['ACK'])], host=ROUTER)
    yield 'connmark-multiwan-shape', 'The fault-tolerant-router shape: CONNMARK --set-mark by ingress for NEW ' \
        'inbound connections, --restore-mark on the LAN side.', scenario(
            mangle(PREROUTING=['-i eth1 -j CONNMARK --restore-mark',
                               '-i eth0 -m conntrack --ctstate NEW -j CONNMARK --set-mark 1']) +
            nat(PREROUTING=['-i eth0 -p udp --dport 5060 -j DNAT --to-destination 10.0.0.100']) +
            filt(FORWARD=['-m conntrack --ctstate RELATED,ESTABLISHED -m mark --mark 0x1 -j ACCEPT',
                          '-i eth0 -o eth1 -j ACCEPT'], policy={'FORWARD': 'DROP'}),
            [udp(5060, sport=5060), udp(5060, sport=5060, frm='eth1', src='10.0.0.100', dst=REMOTE)], host=ROUTER)
    yield 'connmark-in-raw-too-early', 'CONNMARK in raw PREROUTING: conntrack has not run yet, so there is no ' \
        'connection to mark; a later -m connmark does not match.', scenario(
            table('raw', PREROUTING=['-j CONNMARK --set-mark 0x8']) +
            filt(INPUT=counting('connmark', ['--mark 0x8'])), [udp(), udp()])
    yield 'connmark-restore-output-local', 'A local connection marked in mangle OUTPUT and saved; the reply ' \
        'restores it in PREROUTING and filter INPUT accepts by mark.', scenario(
            mangle(OUTPUT=['-p tcp --dport 443 -j MARK --set-mark 0x443', '-j CONNMARK --save-mark'],
                   PREROUTING=['-j CONNMARK --restore-mark']) +
            filt(INPUT=['-m mark --mark 0x443 -j ACCEPT', '-j DROP']),
            [ltcp(443), tcp(50000, sport=443, src=REMOTE, dst=ME, flags=['SYN', 'ACK']),
             tcp(50001, sport=443, src=REMOTE, dst=ME, flags=['SYN', 'ACK'])], host=SERVER)

    # ---------------------------------------------------------------- TOS, DSCP, TTL, TCPMSS
    yield 'tos-set', 'TOS --set-tos 0x10 in mangle PREROUTING; -m tos in filter INPUT.', scenario(
        mangle(PREROUTING=['-p tcp --dport 22 -j TOS --set-tos 0x10']) +
        filt(INPUT=counting('tos', ['--tos 0x10', '--tos Minimize-Delay', '--tos 0x00', '--tos 0x08'])),
        [tcp(22), tcp(80, sport=40001)])
    yield 'tos-and-or-xor', 'TOS --or-tos, --and-tos, --xor-tos on a packet arriving with TOS 0x28.', scenario(
        mangle(PREROUTING=['-m tos --tos 0x28/0xff', '-j TOS --or-tos 0x04', '-m tos --tos 0x2c/0xff',
                           '-j TOS --and-tos 0x0c', '-m tos --tos 0x0c/0xff', '-j TOS --xor-tos 0x12',
                           '-m tos --tos 0x1e/0xff']) + filt(), [udp(tos=0x28)])
    yield 'tos-set-mask', 'TOS --set-tos 0x10/0x1c over TOS 0x0b keeps the bits outside the mask (the ECN bits).', scenario(
        mangle(PREROUTING=['-j TOS --set-tos 0x10/0x1c']) +
        filt(INPUT=counting('tos', ['--tos 0x13/0xff', '--tos 0x10/0xff', '--tos 0x10'])), [udp(tos=0x0b)])
    yield 'dscp-set', 'DSCP --set-dscp 46 (EF) on SIP traffic; -m dscp and -m tos read it in filter.', scenario(
        mangle(PREROUTING=['-p udp --dport 5060 -j DSCP --set-dscp 46']) +
        filt(INPUT=counting('dscp', ['--dscp 46', '--dscp-class EF', '--dscp 0']) + counting('tos', ['--tos 0xb8/0xfc'])),
        [udp(5060, sport=5060), udp(53)])
    yield 'dscp-set-class', 'DSCP --set-dscp-class AF41 keeps the ECN bits of a packet arriving with TOS 0x03.', \
        scenario(mangle(FORWARD=['-j DSCP --set-dscp-class AF41']) +
                 filt(FORWARD=counting('dscp', ['--dscp 34', '--dscp-class AF41']) +
                      counting('tos', ['--tos 0x8b/0xff', '--tos 0x88/0xff'])),
                 [udp(frm='eth1', src=CLIENT, dst=REMOTE, tos=0x03)], host=ROUTER)
    yield 'dscp-match-incoming', '-m dscp on packets arriving with DSCP already set.', scenario(
        filt(INPUT=counting('dscp', ['--dscp 10', '--dscp-class AF11', '! --dscp 0', '--dscp-class CS1'])),
        [udp(tos=0x28), udp(tos=0x20, sport=5354), udp(sport=5355)])
    yield 'ttl-set-forward-expires', 'TTL --ttl-set 1 in mangle PREROUTING on a forwarded packet: routing ' \
        'then finds it expired and sends time exceeded.', scenario(
            mangle(PREROUTING=['-i eth1 -p udp -j TTL --ttl-set 1']) + filt(),
            [udp(frm='eth1', src=CLIENT, dst=REMOTE), tcp(443, frm='eth1', src=CLIENT, dst=REMOTE)], host=ROUTER)
    yield 'ttl-inc-saves-packet', 'TTL --ttl-inc 1 in mangle PREROUTING lets a packet arriving with TTL 1 be ' \
        'forwarded.', scenario(
            mangle(PREROUTING=['-i eth1 -j TTL --ttl-inc 1']) + filt(FORWARD=counting('ttl', ['--ttl-eq 1', '--ttl-eq 2'])),
            [udp(frm='eth1', src=CLIENT, dst=REMOTE, ttl=1)], host=ROUTER)
    yield 'ttl-dec-read', 'TTL --ttl-dec 5 then -m ttl in filter: the packet arrived with 64.', scenario(
        mangle(PREROUTING=['-j TTL --ttl-dec 5']) +
        filt(INPUT=counting('ttl', ['--ttl-eq 59', '--ttl-lt 60', '--ttl-gt 58', '--ttl-eq 64'])), [udp()])
    yield 'ttl-set-postrouting', 'TTL --ttl-set 64 in mangle POSTROUTING hides the hop (what tethering guides ' \
        'advise); the forwarded packet leaves with TTL 64 whatever it arrived with.', scenario(
            mangle(POSTROUTING=['-o eth0 -j TTL --ttl-set 64', '-o eth0 -m ttl --ttl-eq 64']) + filt(),
            [udp(frm='eth1', src=CLIENT, dst=REMOTE, ttl=10)], host=ROUTER)
    yield 'ttl-match-forward', 'Counting rules show the TTL each hook sees for a packet arriving with ' \
        'TTL 64: the router decrements it before FORWARD.', scenario(
            mangle(PREROUTING=counting('ttl', ['--ttl-eq 64']), POSTROUTING=counting('ttl', ['--ttl-eq 64', '--ttl-eq 63'])) +
            filt(FORWARD=counting('ttl', ['--ttl-eq 64', '--ttl-eq 63'])),
            [udp(frm='eth1', src=CLIENT, dst=REMOTE)], host=ROUTER)
    yield 'tcpmss-set', 'TCPMSS --set-mss 1200 on forwarded SYNs carrying MSS 1460; -m tcpmss reads the new value ' \
        'in POSTROUTING.', scenario(
            mangle(FORWARD=['-p tcp --tcp-flags SYN,RST SYN -j TCPMSS --set-mss 1200'],
                   POSTROUTING=counting('tcpmss', ['--mss 1200', '--mss 1460', '--mss 1000:1300'])) + filt(),
            [dict(tcp(443, frm='eth1', src=CLIENT, dst=REMOTE), tcpOptions=[2]),
             dict(tcp(40000, sport=443, src=REMOTE, dst=CLIENT, flags=['SYN', 'ACK']), tcpOptions=[2])], host=ROUTER)
    yield 'tcpmss-no-option', 'TCPMSS --set-mss on a SYN without an MSS option.', scenario(
        mangle(FORWARD=['-p tcp --syn -j TCPMSS --set-mss 1200'],
               POSTROUTING=counting('tcpmss', ['--mss 1200', '--mss 536', '--mss 0:65535'])) + filt(),
        [tcp(443, frm='eth1', src=CLIENT, dst=REMOTE)], host=ROUTER)
    yield 'tcpmss-clamp-pmtu', 'TCPMSS --clamp-mss-to-pmtu with MTU 1500: an MSS of 1460 stays.', scenario(
        mangle(FORWARD=['-p tcp --tcp-flags SYN,RST SYN -j TCPMSS --clamp-mss-to-pmtu'],
               POSTROUTING=counting('tcpmss', ['--mss 1460', '--mss 0:1459'])) + filt(),
        [dict(tcp(443, frm='eth1', src=CLIENT, dst=REMOTE), tcpOptions=[2, 3, 4])], host=ROUTER)
    yield 'tcpmss-match-incoming', '-m tcpmss on an incoming SYN with MSS 1460 and on one without the option.', \
        scenario(filt(INPUT=counting('tcpmss', ['--mss 1460', '--mss 1400:1500', '! --mss 1460'])),
                 [dict(tcp(22), tcpOptions=[2]), tcp(22, sport=40001)])

    # ---------------------------------------------------------------- every mangle chain at once
    every = {c: [f'-j MARK --or-mark {1 << i:#x}'] for i, c in enumerate(['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT',
                                                                         'POSTROUTING'])}
    yield 'mark-every-hook-forward', 'Each mangle chain ORs its own bit into the mark of a forwarded packet; the ' \
        'filter and nat chains show what they see.', scenario(
            mangle(**every) + nat(POSTROUTING=counting('mark', ['--mark 0x15', '--mark 0x5'])) +
            filt(FORWARD=counting('mark', ['--mark 0x5', '--mark 0x1'])),
            [udp(frm='eth1', src=CLIENT, dst=REMOTE)], host=ROUTER)
    yield 'mark-every-hook-local', 'The same for a packet delivered locally and for one the host sends.', scenario(
        mangle(**every) + nat(OUTPUT=counting('mark', ['--mark 0x8']), POSTROUTING=counting('mark', ['--mark 0x18']),
                              INPUT=counting('mark', ['--mark 0x3'])) +
        filt(INPUT=counting('mark', ['--mark 0x3', '--mark 0x1']), OUTPUT=counting('mark', ['--mark 0x8'])),
        [udp(), ludp()], host=SERVER)
    yield 'mark-to-self', 'A packet the host sends to itself keeps its mark across lo: OUTPUT, POSTROUTING, then ' \
        'PREROUTING and INPUT.', scenario(
            mangle(**every) + filt(INPUT=counting('mark', ['--mark 0x1b', '--mark 0x18', '--mark 0x3']),
                                   OUTPUT=counting('mark', ['--mark 0x8'])),
            [ludp(dst=ME)], host=SERVER)
    yield 'mark-lan-to-router-address', 'A LAN packet for the router\'s public address is delivered (INPUT); ' \
        'its mark from PREROUTING reaches INPUT.', scenario(
            mangle(PREROUTING=['-i eth1 -j MARK --set-mark 0x11']) +
            filt(INPUT=['-i eth1 -m mark --mark 0x11 -d 203.0.113.10 -j ACCEPT', '-j DROP']),
            [udp(frm='eth1', src=CLIENT, dst=ME), udp(frm='eth1', src=CLIENT, dst=LAN, sport=5354),
             udp(dst=ME, src=OTHER)], host=ROUTER)
