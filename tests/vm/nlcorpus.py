#!/usr/bin/env python3
"""The request corpus of the netlink differential test (tests/vm/nldiff.py).

A deterministic list of groups of cases. Each case is one request (ovpn
genetlink, a few rtnetlink ones) built from a well-formed template by one
mutation: an attribute missing, added, of another length or type, flagged,
duplicated, out of range, a malformed nest, other header flags, another
command, a truncated message... Values known only at run time (ifindexes, the
family id) are symbols (ovpnnl.Sym) resolved by the runner.

Every group starts from the same state (nldiff.py reset()): a P2P interface
with peer 1 (UDP, one key), an MP interface with peers 10-13 (UDP v4, v4+v6,
UDP6, TCP; keys on 10 and 11), spare sockets of every kind at fixed fd numbers
(FD below) and a deleted interface. A case may name "pre" actions that put one
peer back first (so that a destructive request meets the same state each time).

random_groups(seed, n) derives N more cases from the same templates with
random mutations (for long runs; no committed reference).
"""

import hashlib
import random
import zlib

from ovpnnl import (A_IFINDEX, A_KEYCONF, A_PEER, CIPHER, CMD, F_ACK, F_APPEND, F_ATOMIC,
                    F_DUMP, F_DUMP_INTR, F_ECHO, F_EXCL, F_CREATE, F_MATCH, F_REQUEST,
                    F_ROOT, IFLA_IFNAME, IFLA_INFO_DATA, IFLA_INFO_KIND, IFLA_LINKINFO,
                    IFLA_OVPN_MODE, KEYCONF, KEYDIR, NLA_F_NESTED, NLA_F_NET_BYTEORDER,
                    PEER, RTM_DELLINK, RTM_NEWLINK, Attr, Msg, Raw, Sym, asciz, be16,
                    genl_hdr, ifinfomsg, ip4, ip6, s32, u8, u16, u32, u64)

VERSION = 2  # bump when the meaning of a case changes without its bytes changing

# Fixed descriptor numbers of the runner's sockets (nldiff.py dup2()s them there).
FD = {"p2p": 200, "mp": 201, "mp6": 202, "mptcp": 203, "free4": 210, "free6": 211,
      "freetcp": 212, "freetcp6": 213, "listen": 214, "tcpunconn": 215, "null": 216,
      "netlink": 217, "unix": 218, "icmp": 219, "tmp": 221}

IF_P2P, IF_MP, IF_GONE, IF_LO = Sym("if_p2p"), Sym("if_mp"), Sym("if_gone"), Sym("if_lo")
FAMILY = Sym("family")
KEY32, KEY16, NONCE = b"\x11" * 32, b"\x33" * 16, b"\x22" * 8

# attribute name -> kind (how its values and lengths vary)
KIND = {"ifindex": "u32", "id": "u32", "peer-id": "u32", "tx-id": "u32", "socket": "u32",
        "remote-ipv6-scope-id": "u32", "keepalive-interval": "u32",
        "keepalive-timeout": "u32", "del-reason": "u32", "slot": "u32", "key-id": "u32",
        "cipher-alg": "u32", "socket-netnsid": "s32", "remote-ipv4": "ip4",
        "vpn-ipv4": "ip4", "local-ipv4": "ip4", "remote-ipv6": "ip6", "vpn-ipv6": "ip6",
        "local-ipv6": "ip6", "remote-port": "be16", "local-port": "be16",
        "cipher-key": "bin", "nonce-tail": "bin", "peer": "nest", "keyconf": "nest",
        "encrypt-dir": "nest", "decrypt-dir": "nest"}
for _n in PEER:
    KIND.setdefault(_n, "uint")  # the statistics

LENS = {"u32": [0, 1, 2, 3, 5, 8], "s32": [0, 2, 8], "ip4": [0, 3, 5, 16],
        "ip6": [0, 4, 15, 17], "be16": [0, 1, 3, 4], "uint": [0, 2, 5, 16], "bin": []}


def _fd(name):
    return ("fd-" + name, u32(FD[name]))


VALUES = {
    "ifindex": [("zero", u32(0)), ("lo", IF_LO), ("absent", u32(99999)), ("gone", IF_GONE),
                ("p2p", IF_P2P), ("mp", IF_MP), ("max", u32(0xFFFFFFFF))],
    "id": [("0", u32(0)), ("1", u32(1)), ("2", u32(2)), ("10", u32(10)), ("13", u32(13)),
           ("30", u32(30)), ("ffffff", u32(0xFFFFFF)), ("1000000", u32(0x1000000)),
           ("ffffffff", u32(0xFFFFFFFF))],
    "tx-id": [("0", u32(0)), ("ffffff", u32(0xFFFFFF)), ("1000000", u32(0x1000000))],
    "remote-ipv4": [("any", ip4("0.0.0.0")), ("bcast", ip4("255.255.255.255")),
                    ("mcast", ip4("224.0.0.1")), ("other", ip4("127.0.0.9"))],
    "remote-ipv6": [("any", ip6("::")), ("lo", ip6("::1")), ("v4mapped", ip6("::ffff:127.0.0.2")),
                    ("ll", ip6("fe80::1")), ("mcast", ip6("ff02::1"))],
    "remote-ipv6-scope-id": [("0", u32(0)), ("1", u32(1)), ("max", u32(0xFFFFFFFF))],
    "remote-port": [("0", be16(0)), ("1", be16(1)), ("65535", be16(65535))],
    "local-port": [("0", be16(0)), ("1", be16(1))],
    "socket": [_fd("free4"), _fd("free6"), _fd("freetcp"), _fd("freetcp6"), _fd("listen"),
               _fd("tcpunconn"), _fd("null"), _fd("netlink"), _fd("unix"), _fd("icmp"),
               _fd("p2p"), _fd("mp"), _fd("mp6"), _fd("mptcp"),
               ("fd-closed", u32(999)), ("fd-0", u32(0)), ("fd-max", u32(0xFFFFFFFF))],
    "socket-netnsid": [("0", s32(0)), ("-1", s32(-1))],
    "vpn-ipv4": [("any", ip4("0.0.0.0")), ("lo", ip4("127.0.0.1")), ("mcast", ip4("224.0.0.1")),
                 ("bcast", ip4("255.255.255.255")), ("dup10", ip4("10.60.0.10")),
                 ("new", ip4("10.60.0.99"))],
    "vpn-ipv6": [("any", ip6("::")), ("lo", ip6("::1")), ("compat", ip6("::192.0.2.1")),
                 ("v4mapped", ip6("::ffff:192.0.2.1")), ("mcast", ip6("ff02::1")),
                 ("dup11", ip6("fd00::11")), ("new", ip6("fd00::99"))],
    "local-ipv4": [("any", ip4("0.0.0.0")), ("lo", ip4("127.0.0.1")),
                   ("nonlocal", ip4("10.99.99.99"))],
    "local-ipv6": [("any", ip6("::")), ("lo", ip6("::1")), ("v4mapped", ip6("::ffff:127.0.0.1"))],
    "keepalive-interval": [("0", u32(0)), ("86400", u32(86400)), ("86401", u32(86401)),
                           ("max", u32(0xFFFFFFFF))],
    "keepalive-timeout": [("0", u32(0)), ("86401", u32(86401))],
    "del-reason": [("0", u32(0)), ("5", u32(5))],
    "peer-id": [("0", u32(0)), ("1", u32(1)), ("10", u32(10)), ("12", u32(12)), ("13", u32(13)),
                ("99", u32(99)), ("ffffff", u32(0xFFFFFF)), ("1000000", u32(0x1000000)),
                ("ffffffff", u32(0xFFFFFFFF))],
    "slot": [("0", u32(0)), ("1", u32(1)), ("2", u32(2)), ("max", u32(0xFFFFFFFF))],
    "key-id": [("0", u32(0)), ("7", u32(7)), ("8", u32(8)), ("max", u32(0xFFFFFFFF))],
    "cipher-alg": [("none", u32(0)), ("aes", u32(1)), ("chacha", u32(2)), ("3", u32(3)),
                   ("max", u32(0xFFFFFFFF))],
    "cipher-key": [("len%d" % n, b"\x44" * n) for n in (0, 1, 15, 16, 24, 31, 33, 64, 256, 257)],
    "nonce-tail": [("len%d" % n, b"\x55" * n) for n in (0, 7, 9, 16)],
}
for _n in ("vpn-rx-bytes", "link-tx-packets"):
    VALUES[_n] = [("u64", u64(1 << 40))]

# a well-formed payload for an attribute added where the template has none
DEFAULT = {"u32": u32(1), "s32": s32(0), "ip4": ip4("127.0.0.7"), "ip6": ip6("fd00::77"),
           "be16": be16(7000), "uint": u32(5), "bin": b"\x66" * 8}
DEFAULT_BY_NAME = {"socket": u32(FD["free4"]), "remote-port": be16(6077),
                   "local-port": be16(5077), "cipher-key": KEY32, "nonce-tail": NONCE}

PEER_NAMES = {v: k for k, v in PEER.items()}
KEYCONF_NAMES = {v: k for k, v in KEYCONF.items()}
KEYDIR_NAMES = {v: k for k, v in KEYDIR.items()}


class Case:
    """One request. pre: runner actions first (not recorded unless they fail)."""

    def __init__(self, cid, msg, proto="genl", pre=()):
        self.id, self.msg, self.proto, self.pre = cid, msg, proto, list(pre)


class Group:
    """Cases that run in order from the base state; core: in the make-check subset.

    port_base: the first local port of the group's TCP connections (peer-get
    shows it): fixed per group, so that a subset answers like the corpus."""

    def __init__(self, name, cases, core=False):
        self.name, self.cases, self.core = name, cases, core
        self.port_base = 20000


# --- templates ------------------------------------------------------------------

def a(name, payload, **kw):
    """An attribute by name (ovpn top level, peer, keyconf or keydir)."""
    for table in ({"ifindex": A_IFINDEX, "peer": A_PEER, "keyconf": A_KEYCONF},
                  PEER, KEYCONF, KEYDIR):
        if name in table:
            return Attr(table[name], payload, name=name, **kw)
    raise KeyError(name)


def peer(*attrs):
    return a("peer", list(attrs))


def keyconf(*attrs):
    return a("keyconf", list(attrs))


def kdir(name, key=KEY32, nonce=NONCE):
    return a(name, [a("cipher-key", key), a("nonce-tail", nonce)])


class Template:
    """A well-formed request of one op on one interface, and what it needs first."""

    def __init__(self, name, cmd, attrs, dump=False, pre=(), nest_set=None):
        self.name, self.cmd, self.attrs, self.dump = name, cmd, attrs, dump
        self.pre, self.nest_set = list(pre), nest_set

    def msg(self, attrs=None, flags=None, cmd=None, version=1, reserved=0, tail=b"",
            length=None):
        if flags is None:
            flags = F_REQUEST | F_ACK | (F_DUMP if self.dump else 0)
        return Msg(FAMILY, genl_hdr(CMD[self.cmd] if cmd is None else cmd, version, reserved),
                   attrs if attrs is not None else [x.copy() for x in self.attrs],
                   flags, length, tail)


def templates():
    """The well-formed requests every mutation starts from."""
    ens_p2p, ens_victim = ["ensure:p2p"], ["ensure:victim"]
    return [
        # P2P interface: peer 1 (UDP 127.0.0.1:5001 <-> 127.0.0.2:6001), key in slot 0
        Template("p2p/peer-new", "peer-new", [a("ifindex", IF_P2P), peer(
            a("id", u32(2)), a("socket", u32(FD["free4"])), a("remote-ipv4", ip4("127.0.0.2")),
            a("remote-port", be16(6002)))], pre=ens_p2p, nest_set=PEER_NAMES),
        Template("p2p/peer-new-tcp", "peer-new", [a("ifindex", IF_P2P), peer(
            a("id", u32(4)), a("socket", u32(FD["freetcp"])))],
            pre=["ensure:p2p", "fresh:freetcp"], nest_set=PEER_NAMES),
        Template("p2p/peer-set", "peer-set", [a("ifindex", IF_P2P), peer(
            a("id", u32(1)), a("remote-ipv4", ip4("127.0.0.2")), a("remote-port", be16(6001)),
            a("tx-id", u32(1)))], pre=ens_p2p, nest_set=PEER_NAMES),
        Template("p2p/peer-get", "peer-get", [a("ifindex", IF_P2P), peer(a("id", u32(1)))],
                 pre=ens_p2p, nest_set=PEER_NAMES),
        Template("p2p/peer-dump", "peer-get", [a("ifindex", IF_P2P)], dump=True, pre=ens_p2p),
        Template("p2p/peer-del", "peer-del", [a("ifindex", IF_P2P), peer(a("id", u32(1)))],
                 pre=ens_p2p, nest_set=PEER_NAMES),
        Template("p2p/key-new", "key-new", [a("ifindex", IF_P2P), keyconf(
            a("peer-id", u32(1)), a("slot", u32(1)), a("key-id", u32(2)),
            a("cipher-alg", u32(CIPHER["aes-gcm"])), kdir("encrypt-dir"), kdir("decrypt-dir"))],
            pre=ens_p2p, nest_set=KEYCONF_NAMES),
        Template("p2p/key-get", "key-get", [a("ifindex", IF_P2P), keyconf(
            a("peer-id", u32(1)), a("slot", u32(0)))], pre=ens_p2p, nest_set=KEYCONF_NAMES),
        Template("p2p/key-swap", "key-swap", [a("ifindex", IF_P2P), keyconf(
            a("peer-id", u32(1)))], pre=ens_p2p, nest_set=KEYCONF_NAMES),
        Template("p2p/key-del", "key-del", [a("ifindex", IF_P2P), keyconf(
            a("peer-id", u32(1)), a("slot", u32(0)))], pre=ens_p2p, nest_set=KEYCONF_NAMES),
        # MP interface: peers 10, 11 (keys), 12 (UDP6), 13 (TCP); 30 is put back before
        # each destructive case
        Template("mp/peer-new", "peer-new", [a("ifindex", IF_MP), peer(
            a("id", u32(20)), a("socket", u32(FD["mp"])), a("remote-ipv4", ip4("127.0.0.5")),
            a("remote-port", be16(6020)), a("vpn-ipv4", ip4("10.60.0.20")))],
            pre=["absent:20"], nest_set=PEER_NAMES),
        Template("mp/peer-new-tcp", "peer-new", [a("ifindex", IF_MP), peer(
            a("id", u32(22)), a("socket", u32(FD["freetcp"])), a("vpn-ipv4", ip4("10.60.0.22")))],
            pre=["absent:22", "fresh:freetcp"], nest_set=PEER_NAMES),
        Template("mp/peer-new-udp6", "peer-new", [a("ifindex", IF_MP), peer(
            a("id", u32(23)), a("socket", u32(FD["mp6"])), a("remote-ipv6", ip6("::1")),
            a("remote-port", be16(6023)), a("local-ipv6", ip6("::1")),
            a("vpn-ipv6", ip6("fd00::23")))], pre=["absent:23"], nest_set=PEER_NAMES),
        Template("mp/peer-set-tcp", "peer-set", [a("ifindex", IF_MP), peer(
            a("id", u32(13)), a("vpn-ipv4", ip4("10.60.0.113")), a("tx-id", u32(113)))],
            nest_set=PEER_NAMES),
        Template("mp/peer-set", "peer-set", [a("ifindex", IF_MP), peer(
            a("id", u32(30)), a("remote-ipv4", ip4("127.0.0.6")), a("remote-port", be16(6031)),
            a("vpn-ipv4", ip4("10.60.0.31")), a("keepalive-interval", u32(86400)),
            a("keepalive-timeout", u32(86400)))], pre=ens_victim, nest_set=PEER_NAMES),
        Template("mp/peer-get", "peer-get", [a("ifindex", IF_MP), peer(a("id", u32(11)))],
                 nest_set=PEER_NAMES),
        Template("mp/peer-dump", "peer-get", [a("ifindex", IF_MP)], dump=True, pre=ens_victim),
        Template("mp/peer-del", "peer-del", [a("ifindex", IF_MP), peer(a("id", u32(30)))],
                 pre=ens_victim, nest_set=PEER_NAMES),
        Template("mp/key-new", "key-new", [a("ifindex", IF_MP), keyconf(
            a("peer-id", u32(30)), a("slot", u32(1)), a("key-id", u32(5)),
            a("cipher-alg", u32(CIPHER["chacha20-poly1305"])), kdir("encrypt-dir"),
            kdir("decrypt-dir"))], pre=ens_victim, nest_set=KEYCONF_NAMES),
        Template("mp/key-get", "key-get", [a("ifindex", IF_MP), keyconf(
            a("peer-id", u32(11)), a("slot", u32(1)))], nest_set=KEYCONF_NAMES),
        Template("mp/key-swap", "key-swap", [a("ifindex", IF_MP), keyconf(
            a("peer-id", u32(30)))], pre=ens_victim, nest_set=KEYCONF_NAMES),
        Template("mp/key-del", "key-del", [a("ifindex", IF_MP), keyconf(
            a("peer-id", u32(30)), a("slot", u32(0)))], pre=ens_victim, nest_set=KEYCONF_NAMES),
    ]


# --- mutations --------------------------------------------------------------------

def _walk(attrs, path=()):
    """(path, attr) of every named attribute of the tree, parents first."""
    for x in attrs:
        if isinstance(x, Attr):
            p = path + (x.name,)
            yield p, x
            if isinstance(x.payload, list):
                yield from _walk(x.payload, p)


def _edit(t, path, fn):
    """A copy of T's attributes with FN(attr) -> [attrs] applied at PATH."""
    attrs = [x.copy() for x in t.attrs]

    def rec(lst, p):
        out = []
        for x in lst:
            if isinstance(x, Attr) and x.name == p[0]:
                if len(p) == 1:
                    out.extend(fn(x))
                    continue
                x.payload = rec(x.payload, p[1:])
            out.append(x)
        return out
    return rec(attrs, path)


def _resize(payload, n):
    if isinstance(payload, Sym):
        payload = u32(0x7F)
    return (payload + b"\0" * n)[:n]


def attr_mutations(t):
    """Per attribute of the template: missing, other lengths, flags, values, twice."""
    for path, x in list(_walk(t.attrs)):
        pid = "/".join(path)
        kind = KIND.get(x.name, "u32")
        yield pid + "/missing", _edit(t, path, lambda x: [])
        yield pid + "/twice", _edit(t, path, lambda x: [x, x.copy()])
        if kind == "nest":
            yield pid + "/not-nested", _edit(t, path, lambda x: [Attr(x.atype, x.payload,
                                                                      flags=0, name=x.name)])
            yield pid + "/empty", _edit(t, path, lambda x: [Attr(x.atype, [], name=x.name)])
            yield pid + "/as-u32", _edit(t, path, lambda x: [Attr(x.atype, u32(1),
                                                                  name=x.name)])
            yield pid + "/as-u32-nested-flag", _edit(
                t, path, lambda x: [Attr(x.atype, u32(1), flags=NLA_F_NESTED, name=x.name)])
            yield pid + "/len-over", _edit(t, path, lambda x: [_with(x, length=len(
                x.encode({"if_p2p": 0, "if_mp": 0, "if_gone": 0, "if_lo": 0})) + 8)])
            yield pid + "/len-3", _edit(t, path, lambda x: [_with(x, length=3)])
            yield pid + "/child-short", _edit(t, path, lambda x: [_with(
                x, payload=x.payload + [Raw(b"\x02\x00\x01\x00")])])
            yield pid + "/child-zero-len", _edit(t, path, lambda x: [_with(
                x, payload=x.payload + [Raw(b"\x00\x00\x00\x00")])])
            yield pid + "/trailing-2", _edit(t, path, lambda x: [_with(
                x, payload=x.payload + [Raw(b"\x01\x02")])])
            yield pid + "/child-nested", _edit(t, path, lambda x: [_with(
                x, payload=[Attr(1, [Attr(1, u32(1))])] + x.payload[1:])])
            continue
        yield pid + "/flag-nested", _edit(t, path, lambda x: [_with(x, flags=NLA_F_NESTED)])
        yield pid + "/flag-byteorder", _edit(t, path, lambda x: [_with(
            x, flags=NLA_F_NET_BYTEORDER)])
        for n in LENS.get(kind, []):
            yield "%s/len%d" % (pid, n), _edit(t, path, lambda x, n=n: [_with(
                x, payload=_resize(x.payload, n))])
        for label, v in VALUES.get(x.name, []):
            yield "%s/=%s" % (pid, label), _edit(t, path, lambda x, v=v: [_with(x, payload=v)])


def _with(x, **kw):
    y = x.copy()
    for k, v in kw.items():
        setattr(y, k, v)
    return y


def added_attr_mutations(t):
    """Attributes of the nest's set that the template does not carry (and unknown
    ones), well-formed and empty."""
    if not t.nest_set:
        return
    nest = next(x for x in t.attrs if isinstance(x.payload, list))
    have = {x.atype for x in nest.payload}
    top = max(t.nest_set)
    for atype in [0] + list(range(1, top + 3)):
        if atype in have:
            continue
        name = t.nest_set.get(atype, "type%d" % atype)
        kind = KIND.get(name, "u32")
        if kind == "nest":
            payload = [a("cipher-key", KEY32), a("nonce-tail", NONCE)]
        else:
            payload = DEFAULT_BY_NAME.get(name, DEFAULT.get(kind, u32(1)))
        for label, pl in (("", payload), ("/empty", b"")):
            attrs = [x.copy() for x in t.attrs]
            n = next(x for x in attrs if isinstance(x.payload, list))
            n.payload.append(Attr(atype, pl, name=name))
            yield "%s/+%s%s" % (nest.name, name, label), attrs
    # the other top-level nest, and top-level types beyond the family's
    other = a("keyconf", [a("peer-id", u32(1))]) if nest.name == "peer" else peer(
        a("id", u32(1)))
    yield "+" + other.name, [x.copy() for x in t.attrs] + [other]
    yield "swap-nest", [x.copy() for x in t.attrs if x is not nest] + [
        Attr(other.atype, [y.copy() for y in nest.payload], name=other.name)]


def top_mutations(t):
    for atype in (0, 4, 5, 100, 0x3FFF):
        yield "top+type%d" % atype, [x.copy() for x in t.attrs] + [Attr(atype, u32(1))]
    yield "no-attrs", []
    yield "ifindex-last", [x.copy() for x in t.attrs[1:]] + [t.attrs[0].copy()]
    yield "ifindex-twice-bad", [x.copy() for x in t.attrs] + [a("ifindex", u32(99999))]


def header_variants(t):
    """(label, Msg) with other flags, version, reserved field."""
    base = F_REQUEST | (F_DUMP if t.dump else 0)
    flags = [("no-request", F_ACK | (F_DUMP if t.dump else 0)), ("no-ack", base),
             ("echo", base | F_ACK | F_ECHO), ("append", base | F_ACK | F_APPEND),
             ("bit-0x1000", base | F_ACK | 0x1000), ("dump-intr", base | F_ACK | F_DUMP_INTR)]
    if t.dump:
        flags += [("root-only", F_REQUEST | F_ACK | F_ROOT),
                  ("match-only", F_REQUEST | F_ACK | F_MATCH),
                  ("dump-atomic", base | F_ACK | F_ATOMIC), ("dump-excl", base | F_ACK | F_EXCL),
                  ("dump-create", base | F_ACK | F_CREATE), ("not-dump", F_REQUEST | F_ACK)]
    else:
        flags += [("root", base | F_ACK | F_ROOT), ("match", base | F_ACK | F_MATCH),
                  ("atomic", base | F_ACK | F_ATOMIC), ("dump", base | F_ACK | F_DUMP),
                  ("create-excl", base | F_ACK | F_CREATE | F_EXCL)]
    for label, f in flags:
        yield "flags-" + label, t.msg(flags=f)
    yield "reserved-1", t.msg(reserved=1)
    yield "reserved-8000", t.msg(reserved=0x8000)
    yield "version-0", t.msg(version=0)
    yield "version-255", t.msg(version=255)


def message_variants(t):
    """Truncated messages, trailing bytes."""
    for n in (1, 2, 3):
        yield "tail-%d" % n, t.msg(tail=b"\xab" * n)
    yield "tail-zero-attr", t.msg(tail=b"\0\0\0\0")
    yield "tail-short-attr", t.msg(tail=b"\x08\x00\x01\x00")
    yield "nlmsg-len-16", t.msg(length=16)
    yield "nlmsg-len-18", t.msg(length=18)
    yield "nlmsg-len-20", t.msg(length=20)
    yield "nlmsg-len-23", t.msg(length=23)


def cmd_variants(t):
    """The template's attributes under every other command number."""
    for name, c in sorted(CMD.items(), key=lambda kv: kv[1]):
        if c != CMD[t.cmd]:
            yield "cmd-" + name, t.msg(cmd=c)
    for c in (0, 12, 100, 255):
        yield "cmd-%d" % c, t.msg(cmd=c)


def _chunk(name, cases, size=25):
    """Groups of SIZE cases; about one in six is in the make-check subset."""
    out = []
    for i in range(0, len(cases), size):
        gname = "%s#%d" % (name, i // size)
        out.append(Group(gname, cases[i:i + size], zlib.crc32(gname.encode()) % 6 == 0))
    return out


# --- hand-written groups ------------------------------------------------------------

def precheck_groups():
    """The cross-attribute checks of peer-new/peer-set (ovpn_nl_peer_precheck)."""
    combos = [
        ("remote-v4-and-v6", [a("remote-ipv4", ip4("127.0.0.2")), a("remote-ipv6", ip6("::1")),
                              a("remote-port", be16(6001))]),
        ("port-without-ip", [a("remote-port", be16(6001))]),
        ("ip-without-port", [a("remote-ipv4", ip4("127.0.0.2"))]),
        ("ip6-without-port", [a("remote-ipv6", ip6("::1"))]),
        ("local4-without-remote", [a("local-ipv4", ip4("127.0.0.1"))]),
        ("local6-without-remote", [a("local-ipv6", ip6("::1"))]),
        ("local6-remote4", [a("remote-ipv4", ip4("127.0.0.2")), a("remote-port", be16(6001)),
                            a("local-ipv6", ip6("::1"))]),
        ("local4-remote6", [a("remote-ipv6", ip6("::1")), a("remote-port", be16(6001)),
                            a("local-ipv4", ip4("127.0.0.1"))]),
        ("local4-remote6-mapped", [a("remote-ipv6", ip6("::ffff:127.0.0.2")),
                                   a("remote-port", be16(6001)),
                                   a("local-ipv4", ip4("127.0.0.1"))]),
        ("local6-mapped-remote6", [a("remote-ipv6", ip6("::1")), a("remote-port", be16(6001)),
                                   a("local-ipv6", ip6("::ffff:127.0.0.1"))]),
        ("both-mapped", [a("remote-ipv6", ip6("::ffff:127.0.0.2")), a("remote-port", be16(6001)),
                         a("local-ipv6", ip6("::ffff:127.0.0.1"))]),
        ("scope-without-ip6", [a("remote-ipv4", ip4("127.0.0.2")), a("remote-port", be16(6001)),
                               a("remote-ipv6-scope-id", u32(1))]),
        ("scope-with-mapped",
         [a("remote-ipv6", ip6("::ffff:127.0.0.2")), a("remote-port", be16(6001)),
                               a("remote-ipv6-scope-id", u32(1))]),
        ("scope-alone", [a("remote-ipv6-scope-id", u32(1))]),
        ("ll-with-scope", [a("remote-ipv6", ip6("fe80::2")), a("remote-port", be16(6001)),
                           a("remote-ipv6-scope-id", u32(1))]),
        ("ll-bad-scope", [a("remote-ipv6", ip6("fe80::2")), a("remote-port", be16(6001)),
                          a("remote-ipv6-scope-id", u32(77))]),
        ("vpn4", [a("vpn-ipv4", ip4("10.60.0.77"))]),
        ("vpn6", [a("vpn-ipv6", ip6("fd00::77"))]),
        ("vpn-both", [a("vpn-ipv4", ip4("10.60.0.78")), a("vpn-ipv6", ip6("fd00::78"))]),
        ("keepalive-interval-only", [a("keepalive-interval", u32(10))]),
        ("keepalive-timeout-only", [a("keepalive-timeout", u32(10))]),
        ("keepalive-both",
         [a("keepalive-interval", u32(86400)), a("keepalive-timeout", u32(86400))]),
        ("remote-on-tcp", [a("remote-ipv4", ip4("127.0.0.2")), a("remote-port", be16(6001))]),
        ("socket-again", [a("socket", u32(FD["mp"]))]),
        ("vpn4-dup", [a("vpn-ipv4", ip4("10.60.0.10"))]),
        ("vpn6-dup", [a("vpn-ipv6", ip6("fd00::11"))]),
        ("vpn-clear-both", [a("vpn-ipv4", ip4("0.0.0.0")), a("vpn-ipv6", ip6("::"))]),
    ]
    groups = []
    for mode, ifx in (("p2p", IF_P2P), ("mp", IF_MP)):
        for op in ("peer-new", "peer-set"):
            cases = []
            for label, attrs in combos:
                if op == "peer-new":
                    pid = 2 if mode == "p2p" else 21
                    nest = [a("id", u32(pid)), a("socket", u32(FD["free4"]))]
                    if label == "remote-on-tcp":
                        nest = [a("id", u32(pid)), a("socket", u32(FD["freetcp"]))]
                    if mode == "mp" and not label.startswith("vpn"):
                        nest.append(a("vpn-ipv4", ip4("10.60.0.21")))
                    pre = ["ensure:p2p"] if mode == "p2p" else ["absent:21"]
                else:
                    pid = 1 if mode == "p2p" else (13 if label == "remote-on-tcp" else 30)
                    nest = [a("id", u32(pid))]
                    pre = ["ensure:p2p"] if mode == "p2p" else ["ensure:victim"]
                m = Msg(FAMILY, genl_hdr(CMD[op]), [a("ifindex", ifx), peer(*(nest + attrs))])
                cases.append(Case("%s/%s/precheck/%s" % (mode, op, label), m, pre=pre))
            groups += _chunk("%s/%s/precheck" % (mode, op), cases)
    return groups


def _g(cmd, ifx, *attrs, flags=F_REQUEST | F_ACK):
    return Msg(FAMILY, genl_hdr(CMD[cmd]), [a("ifindex", ifx)] + list(attrs), flags)


def sequence_groups():
    """Requests against deleted peers and interfaces, key rotation, replies."""
    seqs = []
    # every op against a peer that was just deleted, then the dump
    for mode, ifx, pid, pre in (("p2p", IF_P2P, 1, "ensure:p2p"),
                                ("mp", IF_MP, 30, "ensure:victim")):
        c = [Case("%s/deleted/peer-del" % mode, _g("peer-del", ifx, peer(a("id", u32(pid)))),
                  pre=[pre])]
        for op, nest in (("peer-get", peer(a("id", u32(pid)))),
                         ("peer-set", peer(a("id", u32(pid)), a("tx-id", u32(3)))),
                         ("peer-del-again", peer(a("id", u32(pid)))),
                         ("key-new", keyconf(a("peer-id", u32(pid)), a("slot", u32(0)),
                                             a("key-id", u32(1)), a("cipher-alg", u32(1)),
                                             kdir("encrypt-dir"), kdir("decrypt-dir"))),
                         ("key-get", keyconf(a("peer-id", u32(pid)), a("slot", u32(0)))),
                         ("key-swap", keyconf(a("peer-id", u32(pid)))),
                         ("key-del", keyconf(a("peer-id", u32(pid)), a("slot", u32(0))))):
            c.append(Case("%s/deleted/%s" % (mode, op), _g(op.replace("-again", ""), ifx, nest)))
        c.append(Case("%s/deleted/dump" % mode,
                      _g("peer-get", ifx, flags=F_REQUEST | F_ACK | F_DUMP)))
        seqs.append(Group("%s/deleted" % mode, c, core=True))
    # every op against the deleted interface and against lo
    for label, ifx in (("gone", IF_GONE), ("lo", IF_LO)):
        c = []
        for op, nest in (("peer-new", peer(a("id", u32(1)), a("socket", u32(FD["free4"])),
                                           a("remote-ipv4", ip4("127.0.0.2")),
                                           a("remote-port", be16(1)))),
                         ("peer-set", peer(a("id", u32(1)))), ("peer-get", peer(a("id", u32(1)))),
                         ("peer-del", peer(a("id", u32(1)))),
                         ("key-new",
                          keyconf(a("peer-id", u32(1)), a("slot", u32(0)), a("key-id", u32(1)),
                                             a("cipher-alg", u32(1)), kdir("encrypt-dir"),
                                             kdir("decrypt-dir"))),
                         ("key-get", keyconf(a("peer-id", u32(1)), a("slot", u32(0)))),
                         ("key-swap", keyconf(a("peer-id", u32(1)))),
                         ("key-del", keyconf(a("peer-id", u32(1)), a("slot", u32(0))))):
            c.append(Case("iface-%s/%s" % (label, op), _g(op, ifx, nest)))
        c.append(Case("iface-%s/dump" % label,
                      _g("peer-get", ifx, flags=F_REQUEST | F_ACK | F_DUMP)))
        seqs.append(Group("iface-%s" % label, c, core=True))
    # key rotation on the MP victim: replies of key-get after each step
    kc = lambda *x: keyconf(a("peer-id", u32(30)), *x)  # noqa: E731
    def get(slot):
        return ("key-get", kc(a("slot", u32(slot))))

    def new(slot, kid, alg, enc=KEY32, dec=KEY32):
        return ("key-new", kc(a("slot", u32(slot)), a("key-id", u32(kid)),
                              a("cipher-alg", u32(alg)), kdir("encrypt-dir", enc),
                              kdir("decrypt-dir", dec)))
    swap, dl = ("key-swap", kc()), lambda slot: ("key-del", kc(a("slot", u32(slot))))
    steps = [("get0",) + get(0), ("get1",) + get(1), ("new1",) + new(1, 3, 1),
             ("get1b",) + get(1), ("swap",) + swap, ("get0b",) + get(0), ("get1c",) + get(1),
             ("new1-same-id",) + new(1, 3, 2), ("new0-aes128",) + new(0, 4, 1, KEY16, KEY16),
             ("get0c",) + get(0), ("del0",) + dl(0), ("get0d",) + get(0),
             ("swap-one",) + swap, ("get0e",) + get(0), ("get1d",) + get(1),
             ("del1",) + dl(1), ("del0b",) + dl(0), ("swap-none",) + swap,
             ("get-none",) + get(0), ("new-mixed-keys",) + new(0, 6, 1, KEY16, KEY32),
             ("get-mixed",) + get(0)]
    c = [Case("mp/rotate/" + lbl, _g(op, IF_MP, n), pre=(["ensure:victim"] if i == 0 else []))
         for i, (lbl, op, n) in enumerate(steps)]
    seqs.append(Group("mp/rotate", c, core=True))
    # replies: every base peer, the dumps, peers made with each optional attribute
    c = [Case("reply/mp/get-%d" % p, _g("peer-get", IF_MP, peer(a("id", u32(p)))))
         for p in (10, 11, 12, 13)]
    c.append(Case("reply/p2p/get-1", _g("peer-get", IF_P2P, peer(a("id", u32(1))))))
    for k in (10, 11, 12, 13):
        for slot in (0, 1):
            c.append(Case("reply/mp/key-%d-%d" % (k, slot),
                          _g("key-get", IF_MP,
                             keyconf(a("peer-id", u32(k)), a("slot", u32(slot))))))
    c.append(Case("reply/mp/dump", _g("peer-get", IF_MP, flags=F_REQUEST | F_ACK | F_DUMP)))
    c.append(Case("reply/p2p/dump", _g("peer-get", IF_P2P, flags=F_REQUEST | F_ACK | F_DUMP)))
    full = peer(a("id", u32(40)), a("socket", u32(FD["mp"])),
                a("remote-ipv6", ip6("::ffff:127.0.0.8")),
                a("remote-port", be16(6040)), a("local-ipv6", ip6("::ffff:127.0.0.1")),
                a("vpn-ipv4", ip4("10.60.0.40")), a("vpn-ipv6", ip6("fd00::40")),
                a("keepalive-interval", u32(86400)), a("keepalive-timeout", u32(86400)),
                a("tx-id", u32(0x40404)))
    c.append(Case("reply/mp/new-40-full", _g("peer-new", IF_MP, full)))
    c.append(Case("reply/mp/get-40", _g("peer-get", IF_MP, peer(a("id", u32(40))))))
    six = peer(a("id", u32(41)), a("socket", u32(FD["mp6"])), a("remote-ipv6", ip6("::1")),
               a("remote-port", be16(6041)), a("local-ipv6", ip6("::1")),
               a("vpn-ipv6", ip6("fd00::41")))
    c.append(Case("reply/mp/new-41-v6", _g("peer-new", IF_MP, six)))
    c.append(Case("reply/mp/get-41", _g("peer-get", IF_MP, peer(a("id", u32(41))))))
    c.append(Case("reply/mp/set-41-clear-v4",
                  _g("peer-set", IF_MP, peer(a("id", u32(41)), a("vpn-ipv4", ip4("0.0.0.0"))))))
    c.append(Case("reply/mp/set-41-clear-v6",
                  _g("peer-set", IF_MP, peer(a("id", u32(41)), a("vpn-ipv6", ip6("::"))))))
    c.append(Case("reply/mp/set-41-new-v4",
                  _g("peer-set", IF_MP, peer(a("id", u32(41)), a("vpn-ipv4", ip4("10.60.0.41"))))))
    c.append(Case("reply/mp/get-41b", _g("peer-get", IF_MP, peer(a("id", u32(41))))))
    tcp = peer(a("id", u32(42)), a("socket", u32(FD["freetcp6"])), a("vpn-ipv6", ip6("fd00::42")))
    c.append(Case("reply/mp/new-42-tcp6", _g("peer-new", IF_MP, tcp)))
    c.append(Case("reply/mp/get-42", _g("peer-get", IF_MP, peer(a("id", u32(42))))))
    c.append(Case("reply/mp/dump-after", _g("peer-get", IF_MP, flags=F_REQUEST | F_ACK | F_DUMP)))
    c.append(Case("reply/p2p/set-1-v6-scope", _g("peer-set", IF_P2P, peer(
        a("id", u32(1)), a("remote-ipv6", ip6("fe80::2")), a("remote-port", be16(6001)),
        a("remote-ipv6-scope-id", u32(1))))))
    c.append(Case("reply/p2p/get-1b", _g("peer-get", IF_P2P, peer(a("id", u32(1))))))
    c.append(Case("reply/p2p/new-tcp",
                  _g("peer-new", IF_P2P, peer(a("id", u32(3)), a("socket", u32(FD["freetcp"]))))))
    c.append(Case("reply/p2p/get-3", _g("peer-get", IF_P2P, peer(a("id", u32(3))))))
    c.append(Case("reply/p2p/get-1-replaced", _g("peer-get", IF_P2P, peer(a("id", u32(1))))))
    seqs.append(Group("replies", c, core=True))
    # the same UDP socket on both interfaces; a socket closed under its peers
    c = [Case("socket/p2p-sock-on-mp", _g("peer-new", IF_MP, peer(
        a("id", u32(50)), a("socket", u32(FD["p2p"])), a("remote-ipv4", ip4("127.0.0.9")),
        a("remote-port", be16(6050)), a("vpn-ipv4", ip4("10.60.0.50"))))),
         Case("socket/mp-sock-on-p2p", _g("peer-new", IF_P2P, peer(
             a("id", u32(51)), a("socket", u32(FD["mp"])), a("remote-ipv4", ip4("127.0.0.9")),
             a("remote-port", be16(6051))))),
         Case("socket/tmp-peer", _g("peer-new", IF_MP, peer(
             a("id", u32(52)), a("socket", u32(FD["tmp"])), a("remote-ipv4", ip4("127.0.0.9")),
             a("remote-port", be16(6052)), a("vpn-ipv4", ip4("10.60.0.52"))))),
         Case("socket/tmp-peer-get", _g("peer-get", IF_MP, peer(a("id", u32(52))))),
         Case("socket/after-close-get", _g("peer-get", IF_MP, peer(a("id", u32(52)))),
              pre=["close:tmp"]),
         Case("socket/after-close-reuse-fd", _g("peer-new", IF_MP, peer(
             a("id", u32(53)), a("socket", u32(FD["tmp"])), a("remote-ipv4", ip4("127.0.0.9")),
             a("remote-port", be16(6053)), a("vpn-ipv4", ip4("10.60.0.53"))))),
         Case("socket/tcp-again", _g("peer-new", IF_MP, peer(
             a("id", u32(54)), a("socket", u32(FD["mptcp"])), a("vpn-ipv4", ip4("10.60.0.54"))))),
         Case("socket/tcp-del", _g("peer-del", IF_MP, peer(a("id", u32(13))))),
         Case("socket/tcp-after-del", _g("peer-new", IF_MP, peer(
             a("id", u32(55)), a("socket", u32(FD["mptcp"])), a("vpn-ipv4", ip4("10.60.0.55"))))),
         Case("socket/udp6-v6only-remote4", _g("peer-new", IF_MP, peer(
             a("id", u32(56)), a("socket", u32(FD["mp6"])), a("remote-ipv4", ip4("127.0.0.9")),
             a("remote-port", be16(6056)), a("vpn-ipv4", ip4("10.60.0.56"))))),
         Case("socket/udp4-remote6", _g("peer-new", IF_MP, peer(
             a("id", u32(57)), a("socket", u32(FD["mp"])), a("remote-ipv6", ip6("::1")),
             a("remote-port", be16(6057)), a("vpn-ipv4", ip4("10.60.0.57"))))),
         Case("socket/dual-remote-mapped", _g("peer-new", IF_MP, peer(
             a("id", u32(58)), a("socket", u32(FD["free6"])),
             a("remote-ipv6", ip6("::ffff:127.0.0.9")),
             a("remote-port", be16(6058)), a("vpn-ipv4", ip4("10.60.0.58"))))),
         Case("socket/dual-get", _g("peer-get", IF_MP, peer(a("id", u32(58)))))]
    seqs.append(Group("sockets", c, core=True))
    # the hash tables of an MP interface: many peers, then a dump over several messages
    c = []
    for i in range(100, 160):
        c.append(Case("many/new-%d" % i, _g("peer-new", IF_MP, peer(
            a("id", u32(i)), a("socket", u32(FD["mp"])), a("remote-ipv4", ip4("127.1.0.%d" % i)),
            a("remote-port", be16(7000 + i)), a("vpn-ipv4", ip4("10.61.0.%d" % i)),
            a("vpn-ipv6", ip6("fd01::%x" % i))))))
    c.append(Case("many/dump", _g("peer-get", IF_MP, flags=F_REQUEST | F_ACK | F_DUMP)))
    for i in range(100, 160, 3):
        c.append(Case("many/del-%d" % i, _g("peer-del", IF_MP, peer(a("id", u32(i))))))
    c.append(Case("many/dump-after", _g("peer-get", IF_MP, flags=F_REQUEST | F_ACK | F_DUMP)))
    seqs.append(Group("many", c, core=False))
    return seqs


def rtnl_groups():
    """ovpn's rtnetlink side: newlink with the mode attribute and its variants."""
    def newlink(name, data, flags=F_REQUEST | F_ACK | F_CREATE | F_EXCL, kind="ovpn"):
        info = [Attr(IFLA_INFO_KIND, asciz(kind))]
        if data is not None:
            info.append(Attr(IFLA_INFO_DATA, data))
        return Msg(RTM_NEWLINK, ifinfomsg(),
                   [Attr(IFLA_IFNAME, asciz(name)), Attr(IFLA_LINKINFO, info)],
                   flags)

    def dellink(name):
        return Msg(RTM_DELLINK, ifinfomsg(), [Attr(IFLA_IFNAME, asciz(name))])
    variants = [("no-data", None), ("empty-data", []), ("p2p", [Attr(IFLA_OVPN_MODE, u8(0))]),
                ("mp", [Attr(IFLA_OVPN_MODE, u8(1))]), ("mode-2", [Attr(IFLA_OVPN_MODE, u8(2))]),
                ("mode-255", [Attr(IFLA_OVPN_MODE, u8(255))]),
                ("mode-empty", [Attr(IFLA_OVPN_MODE, b"")]),
                ("mode-u32", [Attr(IFLA_OVPN_MODE, u32(1))]),
                ("mode-u16", [Attr(IFLA_OVPN_MODE, u16(1))]),
                ("unknown-type", [Attr(2, u8(1))]), ("type-0", [Attr(0, u8(1))]),
                ("data-not-nested", b"\x05\x00\x01\x00\x01\x00\x00\x00")]
    c = []
    for label, data in variants:
        c.append(Case("rtnl/newlink/" + label, newlink("nlx0", data), proto="rtnl"))
        c.append(Case("rtnl/newlink/%s/del" % label, dellink("nlx0"), proto="rtnl"))
    c.append(Case("rtnl/newlink/exists", newlink("nlp2p", [Attr(IFLA_OVPN_MODE, u8(0))]),
                  proto="rtnl"))
    c.append(Case("rtnl/changelink/mode", newlink("nlp2p", [Attr(IFLA_OVPN_MODE, u8(1))],
                                                 flags=F_REQUEST | F_ACK), proto="rtnl"))
    c.append(Case("rtnl/changelink/same-mode", newlink("nlmp", [Attr(IFLA_OVPN_MODE, u8(1))],
                                                      flags=F_REQUEST | F_ACK), proto="rtnl"))
    c.append(Case("rtnl/newlink/long-name", newlink("n" * 16, [Attr(IFLA_OVPN_MODE, u8(0))]),
                  proto="rtnl"))
    return _chunk("rtnl", c)


def cmd_groups():
    """Command numbers without an op, the control family, a family id nobody has."""
    c = []
    for cm in (0, 5, 9, 11, 12, 100, 255):
        for dump in (False, True):
            f = F_REQUEST | F_ACK | (F_DUMP if dump else 0)
            c.append(Case("cmd/%d%s" % (cm, "/dump" if dump else ""),
                          Msg(FAMILY, genl_hdr(cm), [a("ifindex", IF_MP)], f)))
    c.append(Case("cmd/unknown-family", Msg(0x7ff0, genl_hdr(3), [a("ifindex", IF_MP)])))
    return [Group("cmd", c, core=True)]


def template_groups():
    groups = []
    for t in templates():
        def case(suffix, msg, t=t):
            return Case("%s/%s" % (t.name, suffix), msg, pre=t.pre)
        basic = [case("as-is", t.msg())]
        basic += [case(lbl, m) for lbl, m in header_variants(t)]
        basic += [case(lbl, m) for lbl, m in message_variants(t)]
        basic += [case(lbl, t.msg(attrs)) for lbl, attrs in top_mutations(t)]
        groups += _chunk(t.name + "/basic", basic)
        groups += _chunk(t.name + "/cmd", [case(lbl, m) for lbl, m in cmd_variants(t)])
        attr = [case(lbl, t.msg(attrs)) for lbl, attrs in attr_mutations(t)]
        groups += _chunk(t.name + "/attr", attr)
        added = [case(lbl, t.msg(attrs)) for lbl, attrs in added_attr_mutations(t)]
        groups += _chunk(t.name + "/added", added)
    return groups


def corpus():
    """The deterministic corpus: [Group]."""
    groups = (template_groups() + precheck_groups() + sequence_groups() + cmd_groups() +
              rtnl_groups())
    ids = [c.id for g in groups for c in g.cases]
    dup = {i for i in ids if ids.count(i) > 1}
    assert not dup, "duplicate case ids: %s" % sorted(dup)[:5]
    for i, g in enumerate(groups):
        g.port_base = 20000 + 40 * i  # up to 40 connections a group, below 28000
    assert groups[-1].port_base < 28000
    return groups


def random_groups(seed, n):
    """N cases from random mutations of the templates (several at once, and
    byte flips in the attribute area), in groups of 20."""
    rng = random.Random(seed)
    ts = templates()
    pools = {}
    for t in ts:
        pools[t.name] = (list(attr_mutations(t)) + list(added_attr_mutations(t)) +
                         list(top_mutations(t)))
    cases = []
    for i in range(n):
        t = rng.choice(ts)
        lbl, attrs = rng.choice(pools[t.name])
        m = t.msg(attrs)
        how = rng.random()
        if how < 0.3:
            label, hm = rng.choice(list(header_variants(t)))
            m.flags, m.hdr = hm.flags, hm.hdr
            lbl += "+" + label
        flips = []
        if how > 0.6:
            for _ in range(rng.randint(1, 3)):
                flips.append((rng.randint(0, 255), rng.randint(0, 255)))
            lbl += "+flip%s" % flips
        m.flips = flips
        cases.append(Case("random/%d/%d/%s/%s" % (seed, i, t.name, lbl), m, pre=t.pre))
    groups = [Group("random/%d#%d" % (seed, j // 20), cases[j:j + 20])
              for j in range(0, len(cases), 20)]
    for i, g in enumerate(groups):
        g.port_base = 28000 + 40 * (i % 100)
    return groups


HASH_CTX = {"if_p2p": 2, "if_mp": 3, "if_gone": 4, "if_lo": 1, "family": 0x20}


def encode(case, ctx, seq):
    """The request bytes of CASE, and {offset: attribute path} for extack offsets."""
    offsets = {}
    data = bytearray(case.msg.encode(ctx, seq, offsets))
    for pos, val in getattr(case.msg, "flips", []):
        # byte flips stay inside the attributes (after nlmsghdr + genl header)
        if len(data) > 20:
            data[20 + pos % (len(data) - 20)] ^= val or 1
    return bytes(data), offsets


def corpus_hash(groups):
    """sha256 of what the corpus sends (with fixed ifindexes), its order and pre actions."""
    h = hashlib.sha256(b"nlcorpus v%d\n" % VERSION)
    for g in groups:
        h.update(("%s %d\n" % (g.name, g.port_base)).encode())
        for c in g.cases:
            data, _ = encode(c, HASH_CTX, 1)
            h.update(("%s %s %s " % (c.id, c.proto, ",".join(c.pre))).encode() + data + b"\n")
    return h.hexdigest()[:16]
