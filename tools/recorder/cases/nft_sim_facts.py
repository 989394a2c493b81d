"""Native nftables rulesets that pin down what the nft simulator must do where iptables cases cannot tell:
several base chains on one hook, nat chains' priorities, policies, goto, sets, maps, vmaps, fib, reject,
notrack, limit. Each description states what the kernel did."""
from common import CLIENT, LAN, ME, REMOTE, ROUTER, SERVER, handshake, icmp, tcp, udp

GROUP = 'nft-sim-facts'


def nft(rules, packets, host=SERVER):
    return {'version': 1, 'host': host, 'nft': rules, 'packets': packets}


def table(name, *chains, family='ip'):
    """`chains`: (name, header or None, [rule, ...]); the header is `type ... hook ... priority ...; policy ...;`."""
    out = [f'table {family} {name} {{']
    for cname, head, rules in chains:
        out.append(f'\tchain {cname} {{')
        if head:
            out.append(f'\t\t{head}')
        out += [f'\t\t{r}' for r in rules]
        out.append('\t}')
    return '\n'.join(out + ['}']) + '\n'


def cases():
    ssh, web = tcp(22), tcp(80, sport=40001)

    yield 'base-chains-priority-order', \
        'Three base chains on input in three tables, declared in the order 10, -10, 0: the kernel runs them by ' \
        'priority (-10, 0, 10) whatever the declaration order, and each one\'s policy ends only its own chain.', nft(
            table('late', ('in', 'type filter hook input priority 10; policy accept;', ['counter']))
            + table('early', ('in', 'type filter hook input priority -10; policy accept;', ['counter']))
            + table('middle', ('in', 'type filter hook input priority 0; policy accept;', ['counter'])),
            [ssh])

    yield 'accept-does-not-stop-later-chain', \
        'accept in the first base chain (priority -10) ends that chain only: the chain at priority 10 still sees ' \
        'the packet and drops it. drop is final: a dropped packet reaches no later chain.', nft(
            table('first', ('in', 'type filter hook input priority -10; policy accept;', ['tcp dport 22 accept', 'tcp dport 80 drop']))
            + table('second', ('in', 'type filter hook input priority 10; policy accept;', ['tcp dport 22 drop', 'counter'])),
            [ssh, web])

    dnat_host = ROUTER
    yield 'nat-chain-runs-at-nat-core-priority', \
        'A nat chain declared at dstnat + 10 (-90) and filter chains at -105, -95, -90 and -85 on prerouting. ' \
        'Each filter chain counts the packet by its destination before (203.0.113.10:8080) or after DNAT ' \
        '(10.0.0.5:80). The nat chain runs at the NAT core\'s fixed priority (-100), not its own: only the chain at -105 ' \
        'sees 8080, the chains at -95, -90 and -85 all see 10.0.0.5:80. A nat chain\'s priority orders it among nat ' \
        'chains only.', nft(
            table('nat', ('pre', 'type nat hook prerouting priority dstnat + 10; policy accept;',
                          ['tcp dport 8080 dnat to 10.0.0.5:80']))
            + ''.join(table(f'f{abs(p)}', ('pre', f'type filter hook prerouting priority {p}; policy accept;',
                                             [f'ip daddr {ME} tcp dport 8080 counter', f'ip daddr {CLIENT} tcp dport 80 counter']))
                      for p in (-105, -95, -90, -85)),
            [tcp(8080)], host=dnat_host)

    yield 'nat-chains-after-a-binding-are-skipped', \
        'Two nat prerouting chains in two tables. For the first packet to 8080 the first chain (dstnat) DNATs; ' \
        'for 9090 it only accepts. Once a nat chain has set up a binding, later nat chains on the hook are skipped ' \
        '(nat2 never sees 8080); an accept without NAT lets the next nat chain run, which DNATs 9090 to 10.0.0.6:90.', nft(
            table('nat1', ('pre', 'type nat hook prerouting priority dstnat; policy accept;',
                           ['tcp dport 8080 dnat to 10.0.0.5:80', 'tcp dport 9090 accept']))
            + table('nat2', ('pre', 'type nat hook prerouting priority dstnat + 10; policy accept;',
                           ['counter', 'tcp dport 9090 dnat to 10.0.0.6:90'])),
            [tcp(8080), tcp(9090, sport=40002)], host=dnat_host)

    yield 'policy-drop', \
        'policy drop on an input base chain: what no rule accepts is dropped by the policy (trace policy:DROP).', nft(
            table('filter', ('input', 'type filter hook input priority filter; policy drop;', ['tcp dport 22 accept'])),
            [ssh, web, udp(53)])

    yield 'goto-from-base-chain-falls-off', \
        'goto from a base chain to a chain that ends without a verdict: the base chain does not resume; its ' \
        'policy (accept) decides, so the drop after the goto never runs. jump instead resumes after the rule.', nft(
            table('filter',
                  ('input', 'type filter hook input priority filter; policy accept;',
                   ['tcp dport 80 goto web', 'udp dport 53 jump dns', 'drop']),
                  ('web', None, ['ip saddr 192.0.2.1 drop']),
                  ('dns', None, ['ip saddr 192.0.2.1 drop'])),
            [web, udp(53)])

    yield 'return-in-base-chain', \
        'return in a base chain ends it: the policy (drop) decides, the accept below is skipped.', nft(
            table('filter', ('input', 'type filter hook input priority filter; policy drop;',
                             ['tcp dport 80 return', 'accept'])),
            [web, ssh])

    yield 'named-interval-set', \
        'A named ipv4_addr set with flags interval holding a prefix and a range: members inside either match, ' \
        'addresses next to them do not.', nft(
            'table ip filter {\n\tset blocked {\n\t\ttype ipv4_addr\n\t\tflags interval\n'
            '\t\telements = { 198.51.100.0/25, 192.0.2.10-192.0.2.20 }\n\t}\n'
            '\tchain input {\n\t\ttype filter hook input priority filter; policy accept;\n'
            '\t\tip saddr @blocked drop\n\t}\n}\n',
            [tcp(22, src=REMOTE), tcp(22, src='198.51.100.200'), tcp(22, src='192.0.2.15'), tcp(22, src='192.0.2.21'),
             tcp(22, src='192.0.2.10')])

    yield 'verdict-map', \
        'tcp dport vmap { 22 : accept, 23 : drop, 80 : jump web }: the rule\'s verdict is the element\'s (a jump ' \
        'shows as JUMP:web); a port not in the map does not match the rule at all.', nft(
            table('filter',
                  ('input', 'type filter hook input priority filter; policy accept;',
                   ['tcp dport vmap { 22 : accept, 23 : drop, 80 : jump web }', 'counter']),
                  ('web', None, ['ip saddr 192.0.2.1 accept', 'drop'])),
            [ssh, tcp(23), web, tcp(443)])

    yield 'ct-state-vmap', \
        'ct state vmap { established : accept, related : accept, invalid : drop } above tcp dport 22 accept, policy ' \
        'drop: the handshake\'s first packet is NEW (not in the map: next rule), the rest ESTABLISHED; a lone FIN is ' \
        'INVALID and dropped by the map.', nft(
            table('filter',
                  ('input', 'type filter hook input priority filter; policy drop;',
                   ['ct state vmap { established : accept, related : accept, invalid : drop }', 'tcp dport 22 accept']),
                  ('output', 'type filter hook output priority filter; policy accept;', [])),
            handshake() + [tcp(22, sport=40009, flags=['FIN']), tcp(80, sport=40010)])

    yield 'fib-daddr-type', \
        'fib daddr type in a prerouting filter chain of a router: the host\'s own address is local (also the LAN ' \
        'address arriving on eth0), the subnet broadcast is broadcast, a forwarded destination is unicast, 224.0.0.251 ' \
        'is multicast (then dropped by routing: no group joined, no multicast forwarding; no input chain sees it).', nft(
            table('filter', ('pre', 'type filter hook prerouting priority filter; policy accept;',
                             ['fib daddr type local counter', 'fib daddr type broadcast counter',
                              'fib daddr type unicast counter', 'fib daddr type multicast counter'])),
            [tcp(22), tcp(22, dst=LAN, sport=40002), udp(137, dst='203.0.113.255'), tcp(443, dst=CLIENT, sport=40003),
             udp(5353, dst='224.0.0.251', sport=5353)], host=ROUTER)

    yield 'reject-variants', \
        'reject with tcp reset answers a TCP SYN with RST,ACK; plain reject answers UDP with icmp port-unreachable ' \
        '(3/3); reject with icmp type host-prohibited sends 3/10. The answers cross output (policy accept) and leave.', nft(
            table('filter', ('input', 'type filter hook input priority filter; policy accept;',
                             ['tcp dport 22 reject with tcp reset', 'udp dport 53 reject',
                              'tcp dport 23 reject with icmp type host-prohibited']),
                  ('output', 'type filter hook output priority filter; policy accept;', [])),
            [ssh, udp(53), tcp(23, sport=40002)])

    yield 'notrack-in-raw-priority-chain', \
        'notrack in a prerouting chain at priority raw (-300, before conntrack at -200): the packet is UNTRACKED ' \
        'and a later input chain matches ct state untracked; other packets are tracked (NEW).', nft(
            table('raw', ('pre', 'type filter hook prerouting priority raw; policy accept;', ['udp dport 53 notrack']))
            + table('filter', ('input', 'type filter hook input priority filter; policy accept;',
                               ['ct state untracked counter', 'ct state new counter'])),
            [udp(53), udp(123, sport=123)])

    yield 'notrack-at-filter-priority-too-late', \
        'notrack in a prerouting chain at priority 0, after conntrack (-200) looked the packet up: the state stays NEW.', nft(
            table('late', ('pre', 'type filter hook prerouting priority 0; policy accept;', ['udp dport 53 notrack']))
            + table('filter', ('input', 'type filter hook input priority filter; policy accept;',
                               ['ct state untracked counter', 'ct state new counter'])),
            [udp(53)])

    yield 'limit-rate-over', \
        'limit rate over 1/minute drop (no burst given: nft\'s default is 5 packets, which nft list leaves out) with seven ' \
        'packets in a row: the first five are within the limit (the rule does not match), the sixth and seventh are over.', nft(
            table('filter', ('input', 'type filter hook input priority filter; policy accept;',
                             ['limit rate over 1/minute drop'])),
            [icmp(icmpId=i) for i in range(7)])

    yield 'limit-rate-over-burst', \
        'limit rate over 1/minute burst 1 packets drop with three packets in a row: only the first is within the limit ' \
        '(the bucket holds burst packets, not rate + burst); the second and third are over.', nft(
            table('filter', ('input', 'type filter hook input priority filter; policy accept;',
                             ['limit rate over 1/minute burst 1 packets drop'])),
            [icmp(icmpId=i) for i in range(3)])

    yield 'inet-and-ip-tables-interleave', \
        'An inet table\'s input chain (priority 0) and two ip tables\' (-5 and 5) run on one IPv4 hook, in priority ' \
        'order; the trace names each chain\'s table only.', nft(
            table('a', ('in', 'type filter hook input priority 5; policy accept;', ['counter']))
            + table('b', ('in', 'type filter hook input priority 0; policy accept;', ['counter']), family='inet')
            + table('c', ('in', 'type filter hook input priority -5; policy accept;', ['counter'])),
            [ssh])

    yield 'dnat-then-filter-forward', \
        'A port forward in nft: nat prerouting DNAT, forward chain policy drop accepting ct status dnat; the reply ' \
        'is de-NATed without passing the nat chain again.', nft(
            table('nat', ('pre', 'type nat hook prerouting priority dstnat; policy accept;',
                          ['iifname "eth0" tcp dport 8080 dnat to 10.0.0.5:80']))
            + table('filter', ('forward', 'type filter hook forward priority filter; policy drop;',
                               ['ct status dnat accept', 'ct state established accept'])),
            [tcp(8080), tcp(40000, sport=80, frm='eth1', src=CLIENT, dst=REMOTE, flags=['SYN', 'ACK']),
             tcp(8080, flags=['ACK'])], host=dnat_host)

    # Command lists: handles and places (checked first with `nft -a list ruleset`; see src/nft/parse/ruleset.ts).
    yield 'delete-rule-handle-counts-sets', \
        'delete rule ... handle N after a table block. The table numbers its chains first (input 1, svc 2), then ' \
        'its sets (blocked 3, though written first), then the rules chain by chain, each after its anonymous set: ' \
        'input\'s rules are 4, 5 (set) 6, 7, 8 and svc\'s 9, 10. Deleting handles 7 (tcp dport 23 drop) and 9 (svc\'s ' \
        'tcp dport 22 drop) lets 23 through to the policy and 22 through svc\'s accept; 53 is still dropped.', nft(
            'table ip filter {\n\tset blocked {\n\t\ttype ipv4_addr\n\t\telements = { 192.0.2.1 }\n\t}\n'
            '\tchain input {\n\t\ttype filter hook input priority filter; policy accept;\n'
            '\t\tip saddr @blocked drop\n\t\ttcp dport { 22, 80 } jump svc\n\t\ttcp dport 23 drop\n\t\tudp dport 53 drop\n\t}\n'
            '\tchain svc {\n\t\ttcp dport 22 drop\n\t\taccept\n\t}\n}\n'
            'delete rule ip filter input handle 7\n'
            'delete rule ip filter svc handle 9\n',
            [tcp(22), tcp(23, sport=40001), udp(53), tcp(80, sport=40002)])

    yield 'index-counts-deleted-rule', \
        'add rule ... index 1 after delete rule in the same file: nft places by its cache, which still holds the ' \
        'deleted rule (udp dport 53 accept, index 1), so the new tcp dport 80 accept goes where that rule was, before ' \
        'tcp dport 80 drop, and 80 is delivered (not dropped, as counting without the deleted rule would put it after). ' \
        'insert rule ... index 0 then puts tcp dport 22 drop first. policy drop; 53 has no accept left.', nft(
            table('filter', ('input', 'type filter hook input priority filter; policy drop;',
                             ['tcp dport 22 accept', 'udp dport 53 accept', 'tcp dport 80 drop']))
            + 'delete rule ip filter input handle 3\n'
            'add rule ip filter input index 1 tcp dport 80 accept\n'
            'insert rule ip filter input index 0 tcp dport 22 drop\n',
            [tcp(80), tcp(22, sport=40001), udp(53)])

    yield 'replace-rule-keeps-handle', \
        'replace rule ... handle 2 with a rule that has an anonymous set: the rule keeps handle 2 and its place, the set ' \
        'takes 5, so the next two rules are 6 (8080) and 7 (8081), and delete rule ... handle 6 removes 8080. ' \
        '2222 and 22 pass the replaced rule, 8081 its own, 8080 meets the policy (drop).', nft(
            table('filter', ('input', 'type filter hook input priority filter; policy drop;',
                             ['tcp dport 22 accept', 'tcp dport 80 accept', 'udp dport 53 accept']))
            + 'replace rule ip filter input handle 2 tcp dport { 22, 2222 } accept\n'
            'add rule ip filter input tcp dport 8080 accept\n'
            'add rule ip filter input tcp dport 8081 accept\n'
            'delete rule ip filter input handle 6\n',
            [tcp(2222), tcp(22, sport=40001), tcp(8080, sport=40002), tcp(8081, sport=40003)])

    yield 'position-and-handle-with-replace-last', \
        'insert rule ... position 2 and add rule ... handle 3 in the same file as the rules they name: with a replace ' \
        'rule after them, nft 1.0.6 sends them as they are and the kernel finds the rules (with a place after the last ' \
        'replace, nft looks handles up in its own cache and refuses the file). 22 meets the inserted accept before ' \
        'the drop, 443 the added accept right after handle 3 and before its drop; handle 3 itself became 8080 drop.', nft(
            table('filter', ('input', 'type filter hook input priority filter; policy accept;',
                             ['tcp dport 22 drop', 'tcp dport 80 drop', 'tcp dport 443 drop']))
            + 'insert rule ip filter input position 2 tcp dport 22 accept\n'
            'add rule ip filter input handle 3 tcp dport 443 accept\n'
            'replace rule ip filter input handle 3 tcp dport 8080 drop\n',
            [tcp(22), tcp(443, sport=40001), tcp(80, sport=40002), tcp(8080, sport=40003)])

    yield 'index-ignored-with-replace-last', \
        'insert rule ... index 1 followed by a replace rule: nft 1.0.6 then keeps no rule cache and does not translate the ' \
        'index, so the rule is inserted at the head, not before rule 2: 22 is accepted by it instead of dropped by the ' \
        'tcp dport 22 drop that was first.', nft(
            table('filter', ('input', 'type filter hook input priority filter; policy accept;',
                             ['tcp dport 22 drop', 'udp dport 53 accept']))
            + 'insert rule ip filter input index 1 tcp dport 22 accept\n'
            'replace rule ip filter input handle 3 udp dport 5353 accept\n',
            [tcp(22)])
