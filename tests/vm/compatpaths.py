#!/usr/bin/env python3
"""Compat code that the other guest tests never make carry traffic (tests/vm/compat-paths.sh).

  compatpaths.py tcp6                 TCP over IPv6 (compat/tcp6.c: the kernel's
                                      IPv6 TCP proto and proto_ops where they are
                                      not exported): a P2P tunnel whose transport
                                      is a TCP connection between two IPv6
                                      addresses; ping, 4 MiB through it, then
                                      rmmod under ping floods both ways, then the
                                      sockets (plain TCP again) are closed
  compatpaths.py keepalive [--iters N]  the keepalive re-arm
                                      (patches/0304-keepalive-rearm.cocci): P2P
                                      peers with a 1 s keepalive, torn down (the
                                      interface deleted, or the peer deleted and
                                      then the interface) while another process
                                      re-arms the keepalive with peer-set, N
                                      times (default 50); then rmmod, and 2 s
                                      later the kernel must still be clean (a
                                      work re-armed after the teardown would run
                                      in the unloaded module)
  compatpaths.py keepalive-new          a keepalive given only in peer-new
                                      (patches/0502-keepalive-after-peer-add.cocci):
                                      a P2P and an MP peer must send keepalives
                                      and expire; with the in-tree module
                                      (VM_EXPECT_MODULE=native, a race) each
                                      must have started or never started

Each prints one JSON line as ovpnctl.py does ({"name", "ok", "why", "note",
"seconds", ...}); a new kernel splat fails it. Run as root with ovpn loaded;
ovpn is unloaded at the end.
"""

import argparse
import os
import socket
import subprocess
import sys
import time

sys.dont_write_bytecode = True  # the checkout may be read-only (the guest's)
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ovpnctl import (KEY0, Child, Fail, InNs, flood, hold, ipb, key, ping_ok,  # noqa: E402
                     peer_count_full, run_jobs, stop_all, tunnel_end)
from ovpnnl import (MODE_MP, MODE_P2P, Genl, Rtnl, errname, ifx, nest_peer, peer_attrs)  # noqa: E402

A, B = "ovpn_t_a", "ovpn_t_b"
TCP_ESTABLISHED = "01"


def rmmod(limit=60):
    """rmmod ovpn, tried again while it is in use, for LIMIT seconds; the seconds it took."""
    t = time.time()
    while os.path.exists("/sys/module/ovpn"):
        subprocess.run(["rmmod", "ovpn"], capture_output=True)
        if not os.path.exists("/sys/module/ovpn"):
            break
        if time.time() - t > limit:
            raise Fail("rmmod ovpn did not succeed within %d s" % limit)
        time.sleep(0.2)
    return time.time() - t


def v6_pair():
    """Namespaces A and B joined by a veth with IPv6 addresses only."""
    ipb(["netns add " + A, "netns add " + B,
         "link add veth0 netns %s type veth peer name veth0 netns %s" % (A, B)])
    for ns, me in ((A, 1), (B, 2)):
        ipb(["addr add fd00:236::%d/64 dev veth0 nodad" % me, "link set veth0 up",
             "link set lo up"], ns)


def tcp6_established(ns, port=1194):
    """Established IPv6 TCP connections of namespace NS from or to PORT."""
    n = 0
    with InNs(ns):
        with open("/proc/net/tcp6") as f:
            for line in f.readlines()[1:]:
                p = line.split()
                ports = {int(p[1].split(":")[1], 16), int(p[2].split(":")[1], 16)}
                n += p[3] == TCP_ESTABLISHED and port in ports
    return n


def bulk_sink(out, addr, port):
    """Accept one TCP connection on ADDR:PORT and count its bytes to EOF."""
    lst = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    lst.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lst.bind((addr, port))
    lst.listen(1)
    out(listening=True)
    c, _ = lst.accept()
    n = 0
    while True:
        d = c.recv(1 << 16)
        if not d:
            break
        n += len(d)
    out(received=n)
    hold()


def bulk(size):
    """SIZE bytes from B to A through the tunnel (TCP inside): seconds."""
    sk = Child(bulk_sink, "10.236.0.1", 5201, ns=A)
    try:
        sk.wait("listening", 30)
        with InNs(B):
            c = socket.create_connection(("10.236.0.1", 5201), timeout=60)
        t = time.time()
        c.sendall(b"\x5a" * size)
        c.shutdown(socket.SHUT_WR)
        got = sk.wait("received", 60)["received"]
        c.close()
    finally:
        sk.stop()
    if got != size:
        raise Fail("%d of %d bytes crossed the tunnel" % (got, size))
    return time.time() - t


def tcp6(size=4 << 20):
    v6_pair()
    a = Child(tunnel_end, proto="tcp", local="fd00:236::1", remote="fd00:236::2",
              addr="10.236.0.1/24", ns=A)
    a.wait("listening", 30)
    b = Child(tunnel_end, proto="tcp", role="b", local="fd00:236::2", remote="fd00:236::1",
              addr="10.236.0.2/24", ns=B)
    a.wait("ready", 30)
    b.wait("ready", 30)
    if not ping_ok(B, "10.236.0.1"):
        raise Fail("no ping through the TCP6 tunnel")
    if tcp6_established(A) != 1 or tcp6_established(B) != 1:
        raise Fail("the transport is not one IPv6 TCP connection on port 1194")
    secs = bulk(size)
    p = peer_count_full(A)
    if p.get("link-rx-bytes", 0) < size or p.get("vpn-rx-bytes", 0) < size:
        raise Fail("A's peer counters do not show the %d bytes: %s" % (size, p))
    fls = [flood(A, "10.236.0.2"), flood(B, "10.236.0.1", 1200)]
    time.sleep(1)
    try:
        took = rmmod()
    finally:
        stop_all(fls)
    # detached, the sockets are plain IPv6 TCP sockets again: their owners close them
    stop_all([a, b])
    end = time.time() + 10
    while tcp6_established(A) or tcp6_established(B):
        if time.time() > end:
            raise Fail("a TCP6 transport connection still established 10 s after its owner "
                       "exited (rmmod'ed under traffic)")
        time.sleep(0.2)
    return {"note": "P2P over TCP/IPv6: ping, %d MiB in %.1f s (%.0f Mbit/s), peer counters "
            "moved; rmmod under ping floods both ways in %.1f s; the sockets then closed"
            % (size >> 20, secs, size * 8 / secs / 1e6, took), "mbit_s": round(size * 8 / secs / 1e6)}


def ka_end(ns, me, other):
    """In NS: P2P tun0, a UDP socket, peer 1 with a 1 s keepalive (10 s
    timeout) and a key, made by this process: (genl, rtnl, ifindex, socket).
    Upstream's peer-new arms the keepalive work before it adds the peer, so
    the work may run first, find no peer and not re-arm (ours sets it after
    the add, patches/0502): a peer-set once the peer is in arms it for sure
    with the in-tree module too."""
    with InNs(ns):
        g, rt = Genl(), Rtnl()
        idx = rt.new_ovpn("tun0", MODE_P2P)
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind(("10.237.0.%d" % me, 1194))
    ipb(["addr add 10.238.0.%d/24 dev tun0" % me], ns)
    g.check("peer-new", [ifx(idx), nest_peer(peer_attrs(
        1, sock=s.fileno(), remote=("10.237.0.%d" % other, 1194), keepalive=(1, 10)))])
    key(g, idx, 1, 0, 0, KEY0)
    g.check("peer-set", [ifx(idx), nest_peer(peer_attrs(1, keepalive=(1, 10)))])
    rt.set_up(idx)
    return g, rt, idx, s


def no_ipv6(ns):
    """Interfaces made in NS from now on get no IPv6 (tun0 then carries
    nothing of its own: no router solicitation, no MLD report)."""
    with InNs(ns):
        with open("/proc/sys/net/ipv6/conf/default/disable_ipv6", "w") as f:
            f.write("1")


def keepalives_seen(limit=5.0):
    """Wait until A sent 2 packets to B and B got them: keepalives, as
    nothing else goes through the tunnel. (A's sent, B's received)."""
    end = time.time() + limit
    while True:
        tx = peer_count_full(A).get("link-tx-packets", 0)
        rx = peer_count_full(B).get("link-rx-packets", 0)
        if (tx >= 2 and rx >= 2) or time.time() > end:
            return tx, rx
        time.sleep(0.25)


def rearm(out, limit=30):
    """peer-set keepalive 1 s on tun0's peer 1 in a loop until it fails."""
    g = Genl()
    idx = socket.if_nametoindex("tun0")
    n, err, end = 0, 0, time.time() + limit
    while time.time() < end:
        err, _e, _r = g.do("peer-set", [ifx(idx), nest_peer(peer_attrs(1, keepalive=(1, 10)))])
        if err:
            break
        n += 1
        if n == 1:
            out(started=True)
    out(done=True, sets=n, error=errname(err) if err else None)
    hold()


def ka_teardown(i, a):
    """Tear A down under a re-arming peer-set loop: the interface deleted
    (even I) or the peer and then the interface (odd I). The loop's error."""
    g, rt, idx, s = a
    r = Child(rearm, ns=A)
    try:
        r.wait("started", 30)
        if i % 2:
            g.check("peer-del", [ifx(idx), nest_peer(peer_attrs(1))])
        rt.del_link(idx)
        res = r.wait("done", 30)
    finally:
        r.stop()
    if not res.get("error"):
        raise Fail("the peer-set loop ran %d s without an error on a deleted peer" % 30)
    return res["error"]


def keepalive(iters):
    ipb(["netns add " + A, "netns add " + B,
         "link add veth0 netns %s type veth peer name veth0 netns %s" % (A, B)])
    for ns, me in ((A, 1), (B, 2)):
        no_ipv6(ns)
        ipb(["addr add 10.237.0.%d/24 dev veth0" % me, "link set veth0 up", "link set lo up"], ns)
    errors = {}
    for i in range(iters):
        a, b = ka_end(A, 1, 2), ka_end(B, 2, 1)
        if i == 0:
            tx, rx = keepalives_seen()
            if tx < 2 or rx < 2:
                raise Fail("keepalives without traffic: A sent %d, B got %d in 5 s (2 each "
                           "expected)" % (tx, rx))
        else:
            time.sleep(i * 0.37 % 1.0)  # the teardown at another phase of the 1 s work
        e = ka_teardown(i, a)
        errors[e] = errors.get(e, 0) + 1
        b[1].del_link(b[2])
        for g, rt, _idx, s in (a, b):
            s.close()
            g.sock.close()
            rt.sock.close()
    took = rmmod()
    time.sleep(2)  # a keepalive work re-armed after a teardown would run by now
    return {"note": "%d x: P2P peers with a 1 s keepalive (keepalives seen) torn down (interface, "
            "or peer then interface) under a peer-set re-arm loop (which got %s); rmmod in "
            "%.1f s, clean 2 s later" % (iters, ", ".join("%s %d" % kv for kv in
                                                         sorted(errors.items())), took)}


# peer-new's keepalive (interval, timeout in s); the peers get nothing back, so they expire
KA_NEW = (1, 4)


def ka_new_end(ns, ifname, mode, port, remote, keepalive, vpn4=None):
    """In NS: interface IFNAME (MODE), a UDP socket on PORT, peer 1 to
    REMOTE with KEEPALIVE given in its peer-new only (no peer-set), a key;
    up. (genl, rtnl, ifindex, socket)."""
    with InNs(ns):
        g, rt = Genl(), Rtnl()
        idx = rt.new_ovpn(ifname, mode)
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind(("0.0.0.0", port))
    g.check("peer-new", [ifx(idx), nest_peer(peer_attrs(
        1, sock=s.fileno(), remote=remote, vpn4=vpn4, keepalive=keepalive))])
    key(g, idx, 1, 0, 0, KEY0)
    rt.set_up(idx)
    return g, rt, idx, s


def ka_new_watch(limit):
    """For LIMIT seconds: the most packets A's P2P (tun0) and MP (mp0) peers
    sent, what B's tun0 peer got, and after how many seconds each of A's
    peers was gone (None: still there)."""
    t0, seen = time.time(), {"p2p": 0, "mp": 0, "b_rx": 0, "p2p_gone": None, "mp_gone": None}
    while time.time() - t0 < limit:
        for mode, ifname in (("p2p", "tun0"), ("mp", "mp0")):
            if seen[mode + "_gone"] is None:
                p = peer_count_full(A, ifname)
                if p:
                    seen[mode] = max(seen[mode], p.get("link-tx-packets", 0))
                else:
                    seen[mode + "_gone"] = round(time.time() - t0, 1)
        seen["b_rx"] = max(seen["b_rx"], peer_count_full(B).get("link-rx-packets", 0))
        if seen["p2p_gone"] is not None and seen["mp_gone"] is not None and seen["b_rx"] >= 2:
            break
        time.sleep(0.25)
    return seen


def ka_new_outcome(seen, mode):
    """What MODE's peer did: "started" (sent keepalives, the P2P ones
    arrived, expired), "never" (sent nothing, still there) or what else."""
    rx = seen["b_rx"] if mode == "p2p" else seen[mode]
    got = min(seen[mode], rx)
    gone = seen[mode + "_gone"] is not None
    if got >= 2 and gone:
        return "started"
    if not seen[mode] and not rx and not gone:
        return "never"
    return "sent %d, %s" % (got, "expired" if gone else "did not expire")


def keepalive_new():
    """The keepalive given only in peer-new (patches/0502-keepalive-after-peer-add.cocci):
    A has a P2P peer (to B's P2P tun0, which has no keepalive and sends nothing) and an MP
    peer (to an unused port), each with KA_NEW in its peer-new. Both must send keepalives
    and expire after the timeout, as nothing comes back; B must get the P2P ones. The
    in-tree module (VM_EXPECT_MODULE=native) arms its keepalive worker before the add: a
    race, whose outcome depends on the kernel's preemption model (the worker that runs
    first finds no peer and stops for good). There each peer must show one of upstream's
    two outcomes, started or never, said in the note."""
    native = os.environ.get("VM_EXPECT_MODULE") == "native"
    ipb(["netns add " + A, "netns add " + B,
         "link add veth0 netns %s type veth peer name veth0 netns %s" % (A, B)])
    for ns, me in ((A, 1), (B, 2)):
        no_ipv6(ns)
        ipb(["addr add 10.237.0.%d/24 dev veth0" % me, "link set veth0 up", "link set lo up"], ns)
    ends = [ka_new_end(B, "tun0", MODE_P2P, 1194, ("10.237.0.1", 1194), None),
            ka_new_end(A, "tun0", MODE_P2P, 1194, ("10.237.0.2", 1194), KA_NEW),
            ka_new_end(A, "mp0", MODE_MP, 1195, ("10.237.0.2", 1195), KA_NEW, vpn4="10.239.0.2")]
    limit = KA_NEW[1] + 4
    seen = ka_new_watch(limit)
    for g, rt, idx, s in ends:
        rt.del_link(idx)
        s.close()
        g.sock.close()
        rt.sock.close()
    what = ("in %d s: P2P peer sent %d, B got %d, gone after %s s; MP peer sent %d, gone after "
            "%s s" % (limit, seen["p2p"], seen["b_rx"], seen["p2p_gone"], seen["mp"],
                      seen["mp_gone"]))
    out = {m: ka_new_outcome(seen, m) for m in ("p2p", "mp")}
    said = "P2P %s, MP %s" % (out["p2p"], out["mp"])
    if native:
        odd = [m for m in out if out[m] not in ("started", "never")]
        if odd:
            raise Fail("in-tree ovpn: %s, neither of upstream's outcomes (started, never) (%s)"
                       % (said, what))
        return {"note": "upstream (keepalive worker armed before the add, a race): %s; ours "
                "always starts it (patches/0502-keepalive-after-peer-add.cocci) (%s)"
                % (said, what)}
    if out != {"p2p": "started", "mp": "started"}:
        raise Fail("keepalive %d s, timeout %d s given in peer-new: %s, both must start and "
                   "expire (%s)" % (KA_NEW + (said, what)))
    return {"note": "keepalive %d s, timeout %d s given only in peer-new: " % KA_NEW + what}

def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    sub.add_parser("tcp6")
    k = sub.add_parser("keepalive")
    k.add_argument("--iters", type=int, default=50)
    sub.add_parser("keepalive-new")
    a = p.parse_args()
    if a.cmd == "tcp6":
        return run_jobs([("tcp6", tcp6)])
    if a.cmd == "keepalive-new":
        return run_jobs([("keepalive-new", keepalive_new)])
    return run_jobs([("keepalive", lambda: keepalive(a.iters))])


if __name__ == "__main__":
    sys.exit(main())
