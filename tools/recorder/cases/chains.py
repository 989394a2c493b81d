"""Chain traversal: first match, jumps, gotos, returns, policies, non-terminating targets."""
from common import CLIENT, REMOTE, ROUTER, filt, icmp, ludp, ltcp, out, scenario, script, table, tcp, udp

GROUP = 'chains'


def cases():
    ssh, web, dns = tcp(22), tcp(80, sport=40001), udp(53)

    yield 'first-match-accept', 'The first matching rule decides: ACCEPT before a DROP that also matches.', scenario(
        filt(INPUT=['-p tcp --dport 22 -j ACCEPT', '-p tcp -j DROP']), [ssh, web])
    yield 'first-match-drop', 'A broad DROP above a specific ACCEPT wins; the ACCEPT is never reached.', scenario(
        filt(INPUT=['-p tcp -j DROP', '-p tcp --dport 22 -j ACCEPT']), [ssh, web])
    yield 'policy-accept', 'No rule matches: the chain policy ACCEPT applies.', scenario(
        filt(INPUT=['-p tcp --dport 23 -j DROP']), [ssh, dns])
    yield 'policy-drop', 'No rule matches: the chain policy DROP applies.', scenario(
        filt(INPUT=['-p tcp --dport 22 -j ACCEPT'], policy={'INPUT': 'DROP'}), [ssh, web, dns])
    yield 'policy-drop-forward', 'FORWARD policy DROP for forwarded packets, ACCEPT rule for one port.', scenario(
        filt(FORWARD=['-p tcp --dport 443 -j ACCEPT'], policy={'FORWARD': 'DROP'}),
        [tcp(443, frm='eth1', src=CLIENT, dst=REMOTE), tcp(80, frm='eth1', src=CLIENT, dst=REMOTE)], host=ROUTER)
    yield 'policy-drop-output', 'OUTPUT policy DROP with an ACCEPT for DNS: local packets.', scenario(
        filt(OUTPUT=['-p udp --dport 53 -j ACCEPT'], policy={'OUTPUT': 'DROP'}), [ludp(53), ltcp(22)])

    yield 'jump-accept', 'A jump to a user chain whose rule accepts.', scenario(
        filt({'INPUT': ['-p tcp -j SSH', '-j DROP'], 'SSH': ['-p tcp --dport 22 -j ACCEPT']}), [ssh])
    yield 'jump-implicit-return', 'Nothing matches in the user chain: it returns and the next rule of INPUT runs.', scenario(
        filt({'INPUT': ['-p tcp -j SSH', '-p tcp -j DROP'], 'SSH': ['-p tcp --dport 22 -j ACCEPT']}), [web, ssh])
    yield 'jump-explicit-return', 'An explicit RETURN goes back to INPUT, skipping the rest of the user chain.', scenario(
        filt({'INPUT': ['-j CHK', '-p tcp --dport 80 -j ACCEPT'],
              'CHK': ['-p tcp --dport 80 -j RETURN', '-j DROP']}), [web, ssh])
    yield 'jump-return-to-policy', 'Returning from a user chain at the end of INPUT leaves the policy to decide.', scenario(
        filt({'INPUT': ['-j CHK'], 'CHK': ['-s 192.0.2.0/24 -j ACCEPT']}, policy={'INPUT': 'DROP'}), [ssh])
    yield 'jump-empty-chain', 'A jump to an empty user chain returns at once.', scenario(
        filt({'INPUT': ['-j EMPTY', '-j ACCEPT'], 'EMPTY': []}), [ssh])
    yield 'jump-nested-accept', 'Three levels of jumps, the innermost chain accepts.', scenario(
        filt({'INPUT': ['-j A', '-j DROP'], 'A': ['-p tcp -j B'], 'B': ['-p tcp --dport 22 -j C'], 'C': ['-j ACCEPT']},
             policy={'INPUT': 'DROP'}), [ssh, web])
    yield 'jump-nested-returns', 'Implicit returns unwind one level at a time; A continues after its jump to B.', scenario(
        filt({'INPUT': ['-j A', '-j ACCEPT'], 'A': ['-j B', '-p tcp --dport 80 -j DROP'], 'B': ['-j C'], 'C': []}),
        [ssh, web])
    yield 'jump-nested-explicit-return', 'RETURN in B returns to A, not to INPUT.', scenario(
        filt({'INPUT': ['-j A', '-j ACCEPT'], 'A': ['-j B', '-p tcp -j DROP'], 'B': ['-j RETURN', '-j ACCEPT']}),
        [ssh, dns])
    yield 'jump-deep', 'Five nested user chains, the deepest drops TCP.', scenario(
        filt({'INPUT': ['-j L1'], 'L1': ['-j L2'], 'L2': ['-j L3'], 'L3': ['-j L4'], 'L4': ['-j L5'],
              'L5': ['-p tcp -j DROP']}), [ssh, dns])
    yield 'jump-chain-twice', 'The same user chain jumped to from two rules; counters add up.', scenario(
        filt({'INPUT': ['-p tcp -j CNT', '-p tcp --dport 22 -j CNT', '-j ACCEPT'], 'CNT': ['-j LOG --log-prefix "cnt "']}),
        [ssh, web])
    yield 'jump-shared-by-chains', 'A user chain shared by INPUT and OUTPUT.', scenario(
        filt({'INPUT': ['-j COMMON'], 'OUTPUT': ['-j COMMON'], 'COMMON': ['-p udp -j DROP']}),
        [dns, out(dns), out(ssh)])
    yield 'jump-forward-chains', 'FORWARD dispatching to per-direction user chains.', scenario(
        filt({'FORWARD': ['-i eth1 -o eth0 -j LAN-OUT', '-i eth0 -o eth1 -j WAN-IN'],
              'LAN-OUT': ['-p tcp --dport 443 -j ACCEPT', '-j DROP'], 'WAN-IN': ['-j DROP']}),
        [tcp(443, frm='eth1', src=CLIENT, dst=REMOTE), tcp(25, frm='eth1', src=CLIENT, dst=REMOTE),
         tcp(22, frm='eth0', src=REMOTE, dst=CLIENT)], host=ROUTER)

    yield 'goto-base-policy-accept', 'A goto from INPUT to a chain that ends without verdict: the policy of INPUT applies ' \
        'and the DROP below the goto is skipped.', scenario(
        filt({'INPUT': ['-p tcp -g G', '-j DROP'], 'G': ['-p tcp --dport 443 -j DROP']}), [ssh, dns])
    yield 'goto-base-policy-drop', 'A goto from INPUT to a chain that ends without verdict: policy DROP applies, the ' \
        'ACCEPT below is skipped.', scenario(
        filt({'INPUT': ['-p tcp -g G', '-j ACCEPT'], 'G': ['-p tcp --dport 443 -j ACCEPT']}, policy={'INPUT': 'DROP'}),
        [ssh, dns])
    yield 'goto-accept', 'A goto to a chain that accepts.', scenario(
        filt({'INPUT': ['-p tcp -g G', '-j DROP'], 'G': ['-j ACCEPT']}), [ssh])
    yield 'goto-from-user-chain', 'INPUT jumps to A, A goes to B, B ends: processing resumes in INPUT after the jump, ' \
        'not in A.', scenario(
        filt({'INPUT': ['-j A', '-p tcp --dport 22 -j ACCEPT', '-j DROP'], 'A': ['-g B', '-j DROP'], 'B': []}),
        [ssh, web])
    yield 'goto-explicit-return', 'RETURN in a goto target behaves like its end: back to the caller of the chain ' \
        'that did the goto.', scenario(
        filt({'INPUT': ['-j A', '-j ACCEPT'], 'A': ['-g B', '-j DROP'], 'B': ['-j RETURN']}), [ssh])
    yield 'goto-vs-jump', 'The same chain reached by -j and by -g: after -j the DROP below runs, after -g it does not.', \
        scenario(filt({'INPUT': ['-p tcp --dport 22 -j X', '-p tcp --dport 80 -g X', '-p tcp -j DROP'], 'X': []}),
                 [ssh, web])
    yield 'goto-chain-of-gotos', 'Gotos chained twice from INPUT, the last chain ends: INPUT policy.', scenario(
        filt({'INPUT': ['-g G1', '-j DROP'], 'G1': ['-g G2'], 'G2': ['-p udp -j DROP']}, policy={'INPUT': 'ACCEPT'}),
        [ssh, dns])
    yield 'goto-in-forward', 'Goto in FORWARD falling off: FORWARD policy DROP.', scenario(
        filt({'FORWARD': ['-i eth1 -g LAN', '-j ACCEPT'], 'LAN': ['-p udp -j ACCEPT']}, policy={'FORWARD': 'DROP'}),
        [udp(frm='eth1', src=CLIENT, dst=REMOTE), tcp(frm='eth1', src=CLIENT, dst=REMOTE)], host=ROUTER)

    yield 'return-in-base-chain', 'RETURN in a built-in chain ends it: the policy decides.', scenario(
        filt(INPUT=['-p tcp -j RETURN', '-j ACCEPT'], policy={'INPUT': 'DROP'}), [ssh, dns])
    yield 'nonterminating-log', 'LOG does not stop traversal.', scenario(
        filt(INPUT=['-j LOG --log-prefix "in: "', '-p tcp --dport 22 -j ACCEPT'], policy={'INPUT': 'DROP'}), [ssh, dns])
    yield 'nonterminating-nflog', 'NFLOG does not stop traversal.', scenario(
        filt(INPUT=['-j NFLOG --nflog-group 3', '-j DROP']), [ssh])
    yield 'nonterminating-mark', 'MARK in filter then a mark match further down.', scenario(
        filt(INPUT=['-p tcp -j MARK --set-mark 0x7', '-m mark --mark 0x7 -j DROP']), [ssh, dns])
    yield 'nonterminating-connmark', 'CONNMARK sets the connection mark; the next rule sees it.', scenario(
        filt(INPUT=['-p tcp -j CONNMARK --set-mark 0x2', '-m connmark --mark 0x2 -j ACCEPT', '-j DROP']), [ssh, dns])
    yield 'nonterminating-several', 'LOG, MARK, CONNMARK, NFLOG in a row, then the policy.', scenario(
        filt(INPUT=['-j LOG', '-j MARK --set-mark 1', '-j CONNMARK --save-mark', '-j NFLOG'], policy={'INPUT': 'DROP'}),
        [ssh])
    yield 'rule-without-target', 'A rule with no target only counts: CONTINUE.', scenario(
        filt(INPUT=['-p tcp', '-p udp', '-p tcp --dport 22 -j ACCEPT'], policy={'INPUT': 'DROP'}), [ssh, dns])
    yield 'mangle-user-chain', 'User chains work in mangle as in filter.', scenario(
        table('mangle', {'PREROUTING': ['-p tcp -j MRK'], 'MRK': ['-p tcp --dport 22 -j MARK --set-mark 0x22']}) +
        filt(INPUT=['-m mark --mark 0x22 -j ACCEPT', '-j DROP']), [ssh, web])
    yield 'output-user-chain-local', 'Local packets through an OUTPUT user chain with RETURN.', scenario(
        filt({'OUTPUT': ['-j EGRESS', '-j ACCEPT'], 'EGRESS': ['-p udp --dport 53 -j RETURN', '-p udp -j DROP']}),
        [ludp(53), ludp(123, sport=123)])

    # Script forms: the commands build the ruleset (-I with positions, -D, -R, -F, -X, -N, -P, -S listing)
    yield 'script-insert-position', 'iptables -I with a position puts the rule between two others.', scenario(script(
        'iptables -A INPUT -p tcp --dport 22 -j ACCEPT',
        'iptables -A INPUT -p tcp -j DROP',
        'iptables -I INPUT 2 -p tcp --dport 80 -j ACCEPT'), [ssh, web, tcp(25)])
    yield 'script-insert-top', 'iptables -I without position inserts at the top.', scenario(script(
        'iptables -A INPUT -p tcp --dport 22 -j ACCEPT',
        'iptables -I INPUT -p tcp -j DROP'), [ssh])
    yield 'script-delete-by-spec', 'iptables -D by rule specification removes the matching rule.', scenario(script(
        'iptables -A INPUT -p tcp --dport 22 -j DROP',
        'iptables -A INPUT -p tcp --dport 80 -j DROP',
        'iptables -D INPUT -p tcp --dport 22 -j DROP'), [ssh, web])
    yield 'script-delete-by-number', 'iptables -D by number.', scenario(script(
        'iptables -A INPUT -p tcp --dport 22 -j DROP',
        'iptables -A INPUT -p tcp --dport 80 -j DROP',
        'iptables -D INPUT 2'), [ssh, web])
    yield 'script-replace', 'iptables -R replaces a rule in place.', scenario(script(
        'iptables -A INPUT -p tcp --dport 22 -j DROP',
        'iptables -A INPUT -p tcp --dport 80 -j DROP',
        'iptables -R INPUT 1 -p tcp --dport 22 -j ACCEPT'), [ssh, web])
    yield 'script-flush-and-policy', 'iptables -F empties the chain, -P sets the policy.', scenario(script(
        'iptables -A INPUT -p tcp -j ACCEPT',
        'iptables -F INPUT',
        'iptables -P INPUT DROP',
        'iptables -A INPUT -p udp -j ACCEPT'), [ssh, dns])
    yield 'script-user-chain', 'iptables -N, a jump to it, and -X of another empty chain.', scenario(script(
        'iptables -N LOGDROP',
        'iptables -N UNUSED',
        'iptables -A LOGDROP -j LOG --log-prefix "drop: "',
        'iptables -A LOGDROP -j DROP',
        'iptables -A INPUT -p tcp --dport 23 -j LOGDROP',
        'iptables -X UNUSED'), [tcp(23), ssh])
    yield 'script-s-listing', 'An iptables -S listing as the ruleset.', scenario(script(
        '-P INPUT DROP', '-P FORWARD DROP', '-P OUTPUT ACCEPT', '-N SSH',
        '-A INPUT -i lo -j ACCEPT', '-A INPUT -p tcp -m tcp --dport 22 -j SSH',
        '-A SSH -s 198.51.100.0/24 -j ACCEPT'), [ssh, tcp(22, src='192.0.2.1'), dns])
    yield 'script-multiple-sources', '-s with two addresses makes two rules.', scenario(script(
        'iptables -A INPUT -s 198.51.100.7,198.51.100.8 -j DROP'), [ssh, tcp(22, src='198.51.100.8'), tcp(22, src='198.51.100.9')])
    yield 'script-icmp-local', 'Rules only in OUTPUT created by a script: which chains exist.', scenario(script(
        'iptables -A OUTPUT -p icmp -j DROP'), [out(icmp()), icmp()])
