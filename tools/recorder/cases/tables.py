"""The order of the tables at each hook: raw, mangle, nat, filter, security, in every built-in chain."""
from common import BUILTIN, CLIENT, LAN, ME, REMOTE, ROUTER, handshake, icmp, ltcp, ludp, scenario, table, tcp, udp

GROUP = 'tables'

ORDER = ['raw', 'mangle', 'nat', 'filter', 'security']


def everywhere(rule, tables=ORDER):
    """One copy of `rule` in every built-in chain of every table."""
    return ''.join(table(t, {c: [rule] for c in BUILTIN[t]}) for t in tables)


def cases():
    log = everywhere('-j LOG')
    paths = {
        'inbound': [tcp(dst=ME)],
        'forwarded': [tcp(443, frm='eth1', src=CLIENT, dst=REMOTE)],
        'local-out': [ltcp()],
        'local-to-self': [ltcp(22, dst=ME)],
    }
    for path, pk in paths.items():
        yield f'all-tables-{path}', f'A rule in every chain of all five tables: the order for a {path} packet.', \
            scenario(log, pk, host=ROUTER)
    for path, pk in paths.items():
        yield f'policies-only-{path}', f'All five tables declared with empty chains: only policies, {path}.', \
            scenario(''.join(table(t) for t in ORDER), pk, host=ROUTER)
    yield 'nat-first-packet-only', 'The nat chains see the first packet of a connection only; the rest of the ' \
        'handshake skips them.', scenario(log, handshake(), host=ROUTER)
    yield 'nat-new-unanswered', 'Two UDP packets of one flow without a reply: both NEW, only the first crosses nat.', \
        scenario(log, [udp(), udp()], host=ROUTER)
    yield 'nat-related-skips', 'An ICMP error RELATED to a known flow skips the nat chains.', \
        scenario(log, [ludp(53), icmp('port-unreachable')], host=ROUTER)
    yield 'accept-ends-table-only', 'ACCEPT in raw ends the raw chain only: mangle, nat, filter still run.', \
        scenario(everywhere('-j ACCEPT'), [tcp(dst=ME), ltcp()], host=ROUTER)
    yield 'drop-in-raw', 'DROP in raw PREROUTING: no later table sees the packet, not even conntrack.', \
        scenario(table('raw', PREROUTING=['-p tcp -j DROP']) + everywhere('-j LOG', ORDER[1:]), [tcp(dst=ME), udp(dst=ME)],
                 host=ROUTER)
    yield 'drop-in-mangle-forward', 'DROP in mangle FORWARD: filter FORWARD never runs.', \
        scenario(table('mangle', FORWARD=['-j DROP']) + everywhere('-j LOG', ['filter', 'security']),
                 [tcp(frm='eth1', src=CLIENT, dst=REMOTE)], host=ROUTER)
    yield 'drop-in-security', 'security runs after filter: a filter ACCEPT does not save a packet from a security DROP.', \
        scenario(table('filter', INPUT=['-j ACCEPT']) + table('security', INPUT=['-j DROP']), [tcp(dst=ME)], host=ROUTER)
    yield 'filter-only', 'Only filter declared: no other table appears in the trace.', \
        scenario(table('filter', INPUT=['-j LOG'], FORWARD=['-j LOG'], OUTPUT=['-j LOG']),
                 [tcp(dst=ME), tcp(frm='eth1', src=CLIENT, dst=REMOTE), ltcp()], host=ROUTER)
    yield 'mangle-and-filter-input', 'mangle INPUT runs before filter INPUT.', \
        scenario(table('mangle', INPUT=['-j MARK --set-mark 1']) + table('filter', INPUT=['-m mark --mark 1 -j DROP']),
                 [tcp(dst=LAN)], host=ROUTER)
