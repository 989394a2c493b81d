"""The kernel's nftables trace events (what `nft monitor trace` prints), read straight from netlink.

Reading the netlink group ourselves gives what the text monitor leaves out: the end-of-chain events (a rule
event with no handle and verdict continue: an implicit return from a user chain, or the fall-through before
a base chain's policy), the interface indexes, and the raw network and transport headers that tell the
scenario's packet apart from the packets the host generates.
"""
import select
import socket
import struct
import time

NETLINK_NETFILTER = 12
NFNLGRP_NFTRACE = 9
SOL_NETLINK = 270
NETLINK_ADD_MEMBERSHIP = 1
SO_RCVBUFFORCE = 33

# enum nft_trace_attributes / nft_trace_types / verdict codes (include/uapi/linux/netfilter/nf_tables.h)
A_TABLE, A_CHAIN, A_HANDLE, A_TYPE, A_VERDICT, A_ID = 1, 2, 3, 4, 5, 6
A_NETWORK, A_TRANSPORT, A_IIF, A_OIF, A_POLICY = 8, 9, 10, 12, 16
TYPE_POLICY, TYPE_RETURN, TYPE_RULE = 1, 2, 3
# nfgenmsg's family (NFPROTO_*) as nft names it: a trace event carries its base chain's family
FAMILIES = {1: 'inet', 2: 'ip', 3: 'arp', 5: 'netdev', 7: 'bridge', 10: 'ip6'}
VERDICTS = {0: 'drop', 1: 'accept', 2: 'stolen', 3: 'queue', 4: 'repeat', 5: 'stop',
            -1: 'continue', -2: 'break', -3: 'jump', -4: 'goto', -5: 'return'}


def _attrs(b):
    out, i = {}, 0
    while i + 4 <= len(b):
        ln, typ = struct.unpack_from('HH', b, i)
        if ln < 4:
            break
        out[typ & 0x7fff] = b[i + 4:i + ln]
        i += (ln + 3) & ~3
    return out


def _str(b):
    return b.rstrip(b'\0').decode() if b is not None else None


def _u32(b):
    return struct.unpack('>I', b)[0] if b is not None else None


class Event:
    __slots__ = ('id', 'family', 'table', 'chain', 'handle', 'type', 'verdict', 'target', 'nh', 'th', 'iif', 'oif')

    def __repr__(self):
        return f'<{self.id:08x} {self.table} {self.chain} h={self.handle} t={self.type} {self.verdict} {self.target or ""}>'


def parse(data):
    """Trace events of one netlink datagram."""
    events, i = [], 0
    while i + 16 <= len(data):
        ln, msgtype = struct.unpack_from('IH', data, i)
        if ln < 16:
            break
        if msgtype >> 8 == 10:  # NFNL_SUBSYS_NFTABLES
            a = _attrs(data[i + 20:i + ln])  # skip nlmsghdr (16) and nfgenmsg (4)
            if A_TYPE in a:
                e = Event()
                e.id = _u32(a.get(A_ID))
                e.family = FAMILIES.get(data[i + 16])
                e.table, e.chain = _str(a.get(A_TABLE)), _str(a.get(A_CHAIN))
                e.handle = struct.unpack('>Q', a[A_HANDLE])[0] if A_HANDLE in a else None
                e.type = _u32(a[A_TYPE])
                v = _attrs(a[A_VERDICT]) if A_VERDICT in a else {}
                e.verdict = VERDICTS.get(struct.unpack('>i', v[1])[0], '?') if 1 in v else None
                if e.type == TYPE_POLICY and A_POLICY in a:  # a policy's verdict comes as NFTA_TRACE_POLICY
                    e.verdict = VERDICTS.get(struct.unpack('>i', a[A_POLICY])[0], '?')
                e.target = _str(v.get(2))
                e.nh, e.th = a.get(A_NETWORK), a.get(A_TRANSPORT)
                e.iif, e.oif = _u32(a.get(A_IIF)), _u32(a.get(A_OIF))
                events.append(e)
        i += (ln + 3) & ~3
    return events


class TraceListener:
    """A netlink socket subscribed to the trace group. Create it inside the namespace to watch."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_NETFILTER)
        self.sock.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, 8 << 20)
        self.sock.bind((0, 0))
        self.sock.setsockopt(SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, NFNLGRP_NFTRACE)
        self.sock.setblocking(False)

    def drain(self):
        out = []
        while True:
            try:
                out += parse(self.sock.recv(1 << 16))
            except BlockingIOError:
                return out

    def collect(self, quiet=0.02, first=0.3, limit=2.0):
        """Events until none came for `quiet` seconds (waiting up to `first` for the first one)."""
        out, start = [], time.monotonic()
        deadline = start + first
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or time.monotonic() - start > limit:
                return out
            r, _, _ = select.select([self.sock], [], [], left)
            if r:
                got = self.drain()
                if got:
                    out += got
                    deadline = time.monotonic() + quiet

    def close(self):
        self.sock.close()
