"""Sealed network namespaces for one scenario: a "host" namespace holding the scenario's interfaces, and a
"peer" namespace holding the other end of every veth, from which packets are injected and captured.

Nothing here touches the root namespace: veths are created inside the host namespace with their peer end
placed straight into the peer namespace, and sysctls are written from inside the namespace they belong to.
"""
import contextlib
import ctypes
import ipaddress
import json
import os
import re
import subprocess

CLONE_NEWNET = 0x40000000
_libc = ctypes.CDLL(None, use_errno=True)
_HOME = os.open('/proc/thread-self/ns/net', os.O_RDONLY)  # the namespace to come back to
PREFIX = 'nfrec-'


def _setns(fd):
    if _libc.setns(fd, CLONE_NEWNET) != 0:
        raise OSError(ctypes.get_errno(), 'setns failed')


@contextlib.contextmanager
def inside(name):
    """Run the block (sockets it creates, /proc/sys it writes) inside namespace `name`."""
    fd = os.open(f'/run/netns/{name}', os.O_RDONLY)
    try:
        _setns(fd)
        yield
    finally:
        _setns(_HOME)
        os.close(fd)


def run(args, stdin=None, check=True):
    p = subprocess.run(args, input=stdin, capture_output=True, text=True)
    if check and p.returncode != 0:
        raise RuntimeError(f'{" ".join(args)} failed ({p.returncode}): {p.stderr.strip() or p.stdout.strip()}')
    return p


def ns_exec(name, args, stdin=None, check=True):
    return run(['ip', 'netns', 'exec', name] + args, stdin=stdin, check=check)


def sysctl(path, value):
    """Write a sysctl of the current namespace (call inside inside())."""
    with open('/proc/sys/' + path.replace('.', '/'), 'w') as f:
        f.write(str(value))


def clean_stale():
    """Delete nfrec-<pid>-* namespaces left by recorder runs that are gone."""
    for name in os.listdir('/run/netns') if os.path.isdir('/run/netns') else []:
        m = re.match(PREFIX + r'(\d+)-', name)
        if m and not os.path.exists(f'/proc/{m.group(1)}'):
            run(['ip', 'netns', 'del', name], check=False)


def host_mac(i, ifc):
    return ifc.get('mac') or '02:00:00:00:00:%02x' % (i + 1)


def peer_mac(i):
    return '02:00:00:00:01:%02x' % (i + 1)


class Topology:
    def __init__(self, tag):
        self.host = f'{PREFIX}{os.getpid()}-{tag}-h'
        self.peer = f'{PREFIX}{os.getpid()}-{tag}-p'

    def build(self, scn):
        h = scn['host']
        for ns in (self.host, self.peer):
            run(['ip', 'netns', 'add', ns])
            with inside(ns):
                if os.path.exists('/proc/sys/net/ipv6'):  # no router solicitations, MLD, DAD on the wire
                    sysctl('net.ipv6.conf.all.disable_ipv6', 1)
                    sysctl('net.ipv6.conf.default.disable_ipv6', 1)
                sysctl('net.ipv4.conf.all.rp_filter', 0)
                sysctl('net.ipv4.conf.default.rp_filter', 0)
        with inside(self.host):
            sysctl('net.ipv4.ip_forward', 1 if h.get('forwarding') else 0)
            # The host's own ICMP errors (time exceeded, REJECT's unreachables) must not be rate limited.
            sysctl('net.ipv4.icmp_ratelimit', 0)
            for k in ('icmp_msgs_per_sec', 'icmp_msgs_burst'):
                if os.path.exists(f'/proc/sys/net/ipv4/{k}'):
                    sysctl(f'net.ipv4.{k}', 1000000)
        cmds = ['link set lo up']
        for i, ifc in enumerate(h['interfaces']):
            n = ifc['name']
            cmds.append(f'link add {n} address {host_mac(i, ifc)} type veth peer name {n} address {peer_mac(i)} netns {self.peer}')
            for a in ifc.get('addresses', []):
                net = ipaddress.ip_interface(a).network
                cmds.append(f'addr add {a} {"brd +" if net.prefixlen < 31 else ""} dev {n}')
            # No ARP: next hops without a static entry (say a NAT target nobody listed) still get their frame,
            # addressed to the host's own MAC, instead of waiting for a reply the peer never sends.
            # `group` (an extension, for -m devgroup): the interface's device group.
            cmds.append(f'link set {n} arp off' + (f' group {ifc["group"]}' if 'group' in ifc else '') + ' up')
        for r in h.get('routes', []):
            # `realm` (an extension, for -m realm): the route's realm, the low half of its class id.
            cmds.append('route add ' + r['to'] + (f' via {r["via"]}' if r.get('via') else '') +
                        (f' dev {r["dev"]}' if r.get('dev') else '') + (f' realm {r["realm"]}' if 'realm' in r else ''))
        run(['ip', '-n', self.host, '-batch', '-'], stdin='\n'.join(cmds) + '\n')
        run(['ip', '-n', self.peer, '-batch', '-'],
            stdin=''.join(f'link set {ifc["name"]} up\n' for ifc in h['interfaces']) + 'link set lo up\n')
        with inside(self.host):
            for ifc in h['interfaces']:
                sysctl(f'net.ipv4.conf.{ifc["name"]}.rp_filter', 0)
        self.ifindex = {l['ifindex']: l['ifname'] for l in json.loads(run(['ip', '-n', self.host, '-j', 'link']).stdout)}
        self.iface_index = {ifc['name']: i for i, ifc in enumerate(h['interfaces'])}

    def add_neighbours(self, addresses):
        """Static neighbour entries for every next hop the host may send to, so nothing waits for ARP."""
        addresses = sorted(set(addresses))
        if not addresses:
            return
        out = run(['ip', '-n', self.host, '-j', '-force', '-batch', '-'],
                  stdin=''.join(f'route get {a}\n' for a in addresses), check=False).stdout
        cmds = set()
        for line in out.splitlines():
            for r in json.loads(line) if line.startswith('[') else []:
                if r.get('type', 'unicast') != 'unicast' or r.get('dev') in (None, 'lo') or r['dev'] not in self.iface_index:
                    continue
                hop = r.get('gateway', r['dst'])
                cmds.add(f'neigh replace {hop} lladdr {peer_mac(self.iface_index[r["dev"]])} dev {r["dev"]} nud permanent')
        if cmds:
            run(['ip', '-n', self.host, '-force', '-batch', '-'], stdin='\n'.join(sorted(cmds)) + '\n', check=False)

    def destroy(self):
        for ns in (self.host, self.peer):
            if os.path.exists(f'/run/netns/{ns}'):
                run(['ip', 'netns', 'del', ns], check=False)
