#!/usr/bin/env python3
"""Raw netlink for the ovpn guest tests (stdlib only, imported by the others).

Encodes genetlink/rtnetlink requests byte by byte (so that a test can build
malformed ones), sends them on raw AF_NETLINK sockets and decodes the answers:
errno, extack (message, offset, missing type/nest, policy), replies and dumps.
Also the few well-formed operations the tests need (create/delete an ovpn
link, add peers and keys), with constants copied from the 7.3 uapi headers.
"""

import errno
import os
import select
import socket
import struct

# <linux/netlink.h>
NLMSG_NOOP, NLMSG_ERROR, NLMSG_DONE = 1, 2, 3
F_REQUEST, F_MULTI, F_ACK, F_ECHO = 0x1, 0x2, 0x4, 0x8
F_DUMP_INTR, F_DUMP_FILTERED = 0x10, 0x20
F_ROOT, F_MATCH, F_ATOMIC = 0x100, 0x200, 0x400
F_DUMP = F_ROOT | F_MATCH
F_REPLACE, F_EXCL, F_CREATE, F_APPEND = 0x100, 0x200, 0x400, 0x800
F_CAPPED, F_ACK_TLVS = 0x100, 0x200
SOL_NETLINK = 270
NETLINK_ADD_MEMBERSHIP, NETLINK_CAP_ACK, NETLINK_EXT_ACK = 1, 10, 11
NETLINK_ROUTE, NETLINK_GENERIC = 0, 16
NLA_F_NESTED, NLA_F_NET_BYTEORDER = 0x8000, 0x4000
NLA_TYPE_MASK = 0x3FFF
EXTACK = {1: "msg", 2: "offs", 3: "cookie", 4: "policy", 5: "miss_type", 6: "miss_nest"}
POLICY_ATTRS = {1: "type", 2: "min_s", 3: "max_s", 4: "min_u", 5: "max_u", 6: "min_len",
                7: "max_len", 8: "policy_idx", 9: "policy_maxtype", 10: "bitfield32_mask",
                12: "mask"}

# <linux/genetlink.h>
GENL_ID_CTRL = 0x10
CTRL_CMD_GETFAMILY = 3
CTRL_ATTR_FAMILY_ID, CTRL_ATTR_FAMILY_NAME, CTRL_ATTR_MCAST_GROUPS = 1, 2, 7

# <linux/rtnetlink.h>, <linux/if_link.h>
RTM_NEWLINK, RTM_DELLINK, RTM_GETLINK = 16, 17, 18
IFLA_IFNAME, IFLA_LINKINFO = 3, 18
IFLA_INFO_KIND, IFLA_INFO_DATA = 1, 2
IFLA_OVPN_MODE = 1
RTM_DELNEIGH, RTM_GETNEIGH = 29, 30
NDA_DST = 1
NUD_PERMANENT = 0x80
MODE_P2P, MODE_MP = 0, 1

# <linux/ovpn.h> (7.3)
CMD = {"peer-new": 1, "peer-set": 2, "peer-get": 3, "peer-del": 4, "peer-del-ntf": 5,
       "key-new": 6, "key-get": 7, "key-swap": 8, "key-swap-ntf": 9, "key-del": 10,
       "peer-float-ntf": 11}
A_IFINDEX, A_PEER, A_KEYCONF = 1, 2, 3
PEER = {"id": 1, "remote-ipv4": 2, "remote-ipv6": 3, "remote-ipv6-scope-id": 4,
        "remote-port": 5, "socket": 6, "socket-netnsid": 7, "vpn-ipv4": 8, "vpn-ipv6": 9,
        "local-ipv4": 10, "local-ipv6": 11, "local-port": 12, "keepalive-interval": 13,
        "keepalive-timeout": 14, "del-reason": 15, "vpn-rx-bytes": 16, "vpn-tx-bytes": 17,
        "vpn-rx-packets": 18, "vpn-tx-packets": 19, "link-rx-bytes": 20,
        "link-tx-bytes": 21, "link-rx-packets": 22, "link-tx-packets": 23, "tx-id": 24}
KEYCONF = {"peer-id": 1, "slot": 2, "key-id": 3, "cipher-alg": 4, "encrypt-dir": 5,
           "decrypt-dir": 6}
KEYDIR = {"cipher-key": 1, "nonce-tail": 2}
CIPHER = {"none": 0, "aes-gcm": 1, "chacha20-poly1305": 2}
NLMSG_HDR = struct.Struct("=IHHII")


def errname(e):
    """-22 -> 'EINVAL', 0 -> 'ok'."""
    if e == 0:
        return "ok"
    return errno.errorcode.get(abs(e), str(e))


# --- encoding -----------------------------------------------------------------

def u8(v):
    return struct.pack("=B", v & 0xFF)


def u16(v):
    return struct.pack("=H", v & 0xFFFF)


def be16(v):
    return struct.pack(">H", v & 0xFFFF)


def u32(v):
    return struct.pack("=I", v & 0xFFFFFFFF)


def s32(v):
    return struct.pack("=i", v)


def be32(v):
    return struct.pack(">I", v & 0xFFFFFFFF)


def u64(v):
    return struct.pack("=Q", v)


def ip4(s):
    return socket.inet_pton(socket.AF_INET, s)


def ip6(s):
    return socket.inet_pton(socket.AF_INET6, s)


def asciz(s):
    return s.encode() + b"\0"


def pad4(b):
    return b + b"\0" * (-len(b) % 4)


class Sym:
    """A value known only at run time (an ifindex, a port): ctx[name] packed by fmt."""

    def __init__(self, name, fmt="=I"):
        self.name, self.fmt = name, fmt

    def encode(self, ctx):
        return struct.pack(self.fmt, ctx[self.name])

    def __repr__(self):
        return "$" + self.name


class Attr:
    """One attribute. payload: bytes, a Sym, or a list of Attr/Raw (a nest).

    flags: NLA_F_* bits or'ed into the type (nests get NLA_F_NESTED unless
    flags is given); length: an nla_len to write instead of the real one;
    pad: False leaves the payload unpadded (a truncated message)."""

    def __init__(self, atype, payload, flags=None, length=None, pad=True, name=None):
        self.atype, self.payload, self.length, self.pad = atype, payload, length, pad
        if flags is None:
            flags = NLA_F_NESTED if isinstance(payload, list) else 0
        self.flags = flags
        self.name = name

    def encode(self, ctx, base=0, offsets=None, path=""):
        me = path + "/" + (self.name or str(self.atype))
        if offsets is not None:
            offsets[base] = me
        if isinstance(self.payload, list):
            body = b""
            for a in self.payload:
                body += a.encode(ctx, base + 4 + len(body), offsets, me)
        elif isinstance(self.payload, Sym):
            body = self.payload.encode(ctx)
        else:
            body = self.payload
        n = 4 + len(body) if self.length is None else self.length
        out = struct.pack("=HH", n & 0xFFFF, (self.atype | self.flags) & 0xFFFF) + body
        return pad4(out) if self.pad else out

    def copy(self):
        p = [a.copy() for a in self.payload] if isinstance(self.payload, list) else self.payload
        return Attr(self.atype, p, self.flags, self.length, self.pad, self.name)


class Raw:
    """Bytes put as they are between attributes (garbage, a short header)."""

    def __init__(self, data):
        self.data = data
        self.name = "raw"

    def encode(self, ctx, base=0, offsets=None, path=""):
        if offsets is not None:
            offsets[base] = path + "/raw"
        return self.data

    def copy(self):
        return Raw(self.data)


class Msg:
    """A netlink request: nlmsghdr + family header + attributes.

    family: a number or a Sym (the genetlink family id); hdr: the family
    header bytes (genl: cmd, version, reserved); length: an nlmsg_len to
    write instead of the real one."""

    def __init__(self, family, hdr, attrs, flags=F_REQUEST | F_ACK, length=None, tail=b""):
        self.family, self.hdr, self.attrs = family, hdr, attrs
        self.flags, self.length, self.tail = flags, length, tail

    def encode(self, ctx, seq=1, offsets=None):
        body = self.hdr
        for a in self.attrs:
            body += a.encode(ctx, 16 + len(body), offsets, "")
        body += self.tail
        fam = ctx[self.family.name] if isinstance(self.family, Sym) else self.family
        n = 16 + len(body) if self.length is None else self.length
        return NLMSG_HDR.pack(n & 0xFFFFFFFF, fam & 0xFFFF, self.flags & 0xFFFF, seq, 0) + body


def genl_hdr(cmd, version=1, reserved=0):
    return struct.pack("=BBH", cmd & 0xFF, version & 0xFF, reserved & 0xFFFF)


def ifinfomsg(index=0, family=0, iftype=0, flags=0, change=0):
    return struct.pack("=BxHiII", family, iftype, index, flags, change)


# --- decoding -----------------------------------------------------------------

def parse_attrs(data):
    """[(type, flags, payload)] of an attribute stream (stops at a bad length)."""
    out, off = [], 0
    while off + 4 <= len(data):
        n, t = struct.unpack_from("=HH", data, off)
        if n < 4 or off + n > len(data):
            break
        out.append((t & NLA_TYPE_MASK, t & ~NLA_TYPE_MASK & 0xFFFF, data[off + 4:off + n]))
        off += (n + 3) & ~3
    return out


def attr_tree(data, depth=0):
    """A JSON-able form of an attribute stream: [[type, hex | [children]], ...].

    A payload is shown as a nest when it is flagged NLA_F_NESTED."""
    out = []
    for t, fl, p in parse_attrs(data):
        if fl & NLA_F_NESTED and depth < 4:
            out.append([t, attr_tree(p, depth + 1)])
        else:
            out.append([t, p.hex()])
    return out


def parse_extack(data):
    ext = {}
    for t, _fl, p in parse_attrs(data):
        key = EXTACK.get(t, "tlv%d" % t)
        if key == "msg":
            ext[key] = p.rstrip(b"\0").decode(errors="replace")
        elif key in ("offs", "miss_type", "miss_nest") and len(p) >= 4:
            ext[key] = struct.unpack_from("=I", p)[0]
        elif key == "policy":
            pol = {}
            for pt, _pf, pp in parse_attrs(p):
                name = POLICY_ATTRS.get(pt, "p%d" % pt)
                if len(pp) == 8:
                    pol[name] = struct.unpack("=q" if name.endswith("_s") else "=Q", pp)[0]
                elif len(pp) == 4:
                    pol[name] = struct.unpack("=I", pp)[0]
                else:
                    pol[name] = pp.hex()
            ext[key] = pol
        else:
            ext[key] = p.hex()
    return ext


def parse_msgs(buf):
    """Split a datagram into [(type, flags, seq, payload)]."""
    out, off = [], 0
    while off + 16 <= len(buf):
        n, t, fl, seq, _pid = NLMSG_HDR.unpack_from(buf, off)
        if n < 16 or off + n > len(buf):
            break
        out.append((t, fl, seq, buf[off + 16:off + n]))
        off += (n + 3) & ~3
    return out


def decode_error(flags, payload):
    """NLMSG_ERROR / NLMSG_DONE payload -> (error, extack dict)."""
    if len(payload) < 4:
        return 0, {}
    (err,) = struct.unpack_from("=i", payload)
    ext = {}
    rest = payload[4:]
    if flags & F_ACK_TLVS:
        if len(rest) >= 16:
            (olen,) = struct.unpack_from("=I", rest)
            skip = 16 if flags & F_CAPPED else olen
            ext = parse_extack(rest[(skip + 3) & ~3:])
    return err, ext


# --- sockets ------------------------------------------------------------------

class NlSock:
    """A netlink socket with extended ACKs and capped ACKs switched on."""

    def __init__(self, proto=NETLINK_GENERIC, rcvbuf=4 << 20):
        self.s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, proto)
        self.s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        self.s.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
        self.s.setsockopt(SOL_NETLINK, NETLINK_CAP_ACK, 1)
        self.s.bind((0, 0))
        self.seq = 1000

    def close(self):
        self.s.close()

    def fileno(self):
        return self.s.fileno()

    def send(self, data):
        """0, or the negative errno of sendto()."""
        try:
            self.s.sendto(data, (0, 0))
            return 0
        except OSError as e:
            return -e.errno

    def drain(self, wait=0.0):
        """Every message queued now ([(type, flags, seq, payload)]); waits up to
        WAIT seconds for the first one. The kernel answers a request before
        sendto() returns (the first part of a dump too), so 0 is the normal case."""
        out = []
        while True:
            try:
                buf = self.s.recv(1 << 20, socket.MSG_DONTWAIT)
            except BlockingIOError:
                if wait > 0 and not out:
                    r, _, _ = select.select([self.s], [], [], wait)
                    wait = 0
                    if r:
                        continue
                return out
            except OSError as e:
                out.append((-1, 0, 0, struct.pack("=i", -e.errno)))
                return out
            out.extend(parse_msgs(buf))

    def exchange(self, data, seq):
        """Send DATA (with sequence number SEQ) and collect what belongs to it."""
        self.drain()
        rc = self.send(data)
        msgs = self.drain()
        # a dump continues on each recvmsg(): read until its NLMSG_DONE
        while msgs and any(m[1] & F_MULTI for m in msgs) and not any(
                m[0] in (NLMSG_DONE, NLMSG_ERROR) for m in msgs):
            more = self.drain(wait=2.0)
            if not more:
                break
            msgs.extend(more)
        return rc, [m for m in msgs if m[2] == seq or m[0] == -1]

    def request(self, msg, ctx=None):
        """Send a well-formed Msg; returns (error, extack, [reply payloads])."""
        self.seq += 1
        rc, msgs = self.exchange(msg.encode(ctx or {}, self.seq), self.seq)
        if rc:
            return rc, {}, []
        replies, err, ext = [], None, {}
        for t, fl, _seq, p in msgs:
            if t in (NLMSG_ERROR, NLMSG_DONE):
                err, ext = decode_error(fl, p)
            elif t == -1:
                err = struct.unpack("=i", p)[0]
            else:
                replies.append(p)
        if err is None:
            err = 0 if replies or not msg.flags & F_ACK else -errno.ETIMEDOUT
        return err, ext, replies


def nl_error(err, ext, what):
    return OSError(-err,
                   "%s: %s%s" % (what, os.strerror(-err),
                                 (": " + ext["msg"]) if ext.get("msg") else ""))


class Genl:
    """The ovpn genetlink family on one socket."""

    def __init__(self, name="ovpn"):
        self.sock = NlSock(NETLINK_GENERIC)
        self.family, self.groups = self.resolve(name)

    def resolve(self, name):
        m = Msg(GENL_ID_CTRL, genl_hdr(CTRL_CMD_GETFAMILY, 1),
                [Attr(CTRL_ATTR_FAMILY_NAME, asciz(name))])
        err, ext, replies = self.sock.request(m)
        if err or not replies:
            raise nl_error(err or -errno.ENOENT, ext, "genetlink family " + name)
        fam, groups = None, {}
        for t, _fl, p in parse_attrs(replies[0][4:]):
            if t == CTRL_ATTR_FAMILY_ID:
                fam = struct.unpack("=H", p[:2])[0]
            elif t == CTRL_ATTR_MCAST_GROUPS:
                for _gt, _gf, g in parse_attrs(p):
                    d = {gt: gp for gt, _x, gp in parse_attrs(g)}
                    groups[d[1].rstrip(b"\0").decode()] = struct.unpack("=I", d[2])[0]
        return fam, groups

    def do(self, cmd, attrs, flags=F_REQUEST | F_ACK):
        return self.sock.request(Msg(self.family, genl_hdr(CMD[cmd]), attrs, flags))

    def check(self, cmd, attrs, what=None):
        err, ext, replies = self.do(cmd, attrs)
        if err:
            raise nl_error(err, ext, what or cmd)
        return replies


class Rtnl:
    """rtnetlink: ovpn links."""

    def __init__(self):
        self.sock = NlSock(NETLINK_ROUTE)

    def new_ovpn(self, name, mode):
        info = [Attr(IFLA_INFO_KIND, asciz("ovpn"))]
        if mode is not None:
            info.append(Attr(IFLA_INFO_DATA, [Attr(IFLA_OVPN_MODE, u8(mode))]))
        m = Msg(RTM_NEWLINK, ifinfomsg(),
                [Attr(IFLA_IFNAME, asciz(name)), Attr(IFLA_LINKINFO, info)],
                F_REQUEST | F_ACK | F_CREATE | F_EXCL)
        err, ext, _ = self.sock.request(m)
        if err:
            raise nl_error(err, ext, "new ovpn link " + name)
        return socket.if_nametoindex(name)

    def del_link(self, index):
        err, ext, _ = self.sock.request(Msg(RTM_DELLINK, ifinfomsg(index), []))
        if err:
            raise nl_error(err, ext, "delete link %d" % index)

    def flush_neigh(self):
        """Delete the namespace's neighbour entries but the permanent ones: the
        NOARP ones too, which `ip neigh flush` keeps. The number deleted."""
        err, ext, rep = self.sock.request(Msg(RTM_GETNEIGH, struct.pack("=BBHiHBB", 0, 0, 0, 0,
                                                                         0, 0, 0), [],
                                              F_REQUEST | F_DUMP))
        if err:
            raise nl_error(err, ext, "neighbour dump")
        n = 0
        for p in rep:
            if struct.unpack_from("=H", p, 8)[0] & NUD_PERMANENT:
                continue
            dst = [Attr(NDA_DST, v) for t, _f, v in parse_attrs(p[12:]) if t == NDA_DST]
            err, _ext, _ = self.sock.request(Msg(RTM_DELNEIGH, p[:12], dst))
            n += not err
        return n

    def set_up(self, index):
        iff_up = 1
        err, ext, _ = self.sock.request(Msg(RTM_NEWLINK, ifinfomsg(index, flags=iff_up,
                                                                   change=iff_up), []))
        if err:
            raise nl_error(err, ext, "set link %d up" % index)


# --- well-formed ovpn requests ------------------------------------------------

def peer_attrs(pid, sock=None, remote=None, vpn4=None, vpn6=None, local=None,
               keepalive=None, tx_id=None):
    """The peer nest of a peer-new/peer-set. remote: (ip string, port)."""
    a = [Attr(PEER["id"], u32(pid), name="id")]
    if sock is not None:
        a.append(Attr(PEER["socket"], u32(sock), name="socket"))
    if remote is not None:
        ip, port = remote
        if ":" in ip:
            a.append(Attr(PEER["remote-ipv6"], ip6(ip), name="remote-ipv6"))
        else:
            a.append(Attr(PEER["remote-ipv4"], ip4(ip), name="remote-ipv4"))
        a.append(Attr(PEER["remote-port"], be16(port), name="remote-port"))
    if local is not None:
        if ":" in local:
            a.append(Attr(PEER["local-ipv6"], ip6(local), name="local-ipv6"))
        else:
            a.append(Attr(PEER["local-ipv4"], ip4(local), name="local-ipv4"))
    if vpn4 is not None:
        a.append(Attr(PEER["vpn-ipv4"], ip4(vpn4), name="vpn-ipv4"))
    if vpn6 is not None:
        a.append(Attr(PEER["vpn-ipv6"], ip6(vpn6), name="vpn-ipv6"))
    if keepalive is not None:
        a.append(Attr(PEER["keepalive-interval"], u32(keepalive[0]), name="keepalive-interval"))
        a.append(Attr(PEER["keepalive-timeout"], u32(keepalive[1]), name="keepalive-timeout"))
    if tx_id is not None:
        a.append(Attr(PEER["tx-id"], u32(tx_id), name="tx-id"))
    return a


def keydir(key, nonce):
    return [Attr(KEYDIR["cipher-key"], key, name="cipher-key"),
            Attr(KEYDIR["nonce-tail"], nonce, name="nonce-tail")]


def keyconf_attrs(peer_id, slot, key_id, cipher="aes-gcm", enc=(b"\x11" * 32, b"\x22" * 8),
                  dec=None):
    dec = dec or enc
    return [Attr(KEYCONF["peer-id"], u32(peer_id), name="peer-id"),
            Attr(KEYCONF["slot"], u32(slot), name="slot"),
            Attr(KEYCONF["key-id"], u32(key_id), name="key-id"),
            Attr(KEYCONF["cipher-alg"], u32(CIPHER[cipher]), name="cipher-alg"),
            Attr(KEYCONF["encrypt-dir"], keydir(*enc), name="encrypt-dir"),
            Attr(KEYCONF["decrypt-dir"], keydir(*dec), name="decrypt-dir")]


def ifx(index):
    return Attr(A_IFINDEX, u32(index), name="ifindex")


def nest_peer(attrs):
    return Attr(A_PEER, attrs, name="peer")


def nest_keyconf(attrs):
    return Attr(A_KEYCONF, attrs, name="keyconf")


def peer_reply(payload):
    """{attr name: value} of a peer-get reply (genl header included)."""
    names = {v: k for k, v in PEER.items()}
    out = {}
    for t, _fl, p in parse_attrs(payload[4:]):
        if t != A_PEER:
            continue
        for pt, _pf, pp in parse_attrs(p):
            n = names.get(pt, str(pt))
            if len(pp) == 4 and n.endswith(("ipv4",)):
                out[n] = socket.inet_ntop(socket.AF_INET, pp)
            elif len(pp) == 16 and "ipv6" in n:
                out[n] = socket.inet_ntop(socket.AF_INET6, pp)
            elif len(pp) == 2:
                out[n] = struct.unpack(">H", pp)[0]
            elif len(pp) == 4:
                out[n] = struct.unpack("=I", pp)[0]
            elif len(pp) == 8:
                out[n] = struct.unpack("=Q", pp)[0]
            else:
                out[n] = pp.hex()
    return out
