#!/usr/bin/env python3
"""The ovpn peers of tun0 in each of several namespaces, in one process
(python and the ynl cli start slowly under TCG: one dump of them all costs
one start, not one per namespace and key).

  ovpnpeers.py NS...
  ovpnpeers.py --watch SECS NS...

Prints one JSON object: {NS: [peer, ...]}, each peer as the peer-get dump
gives it (the ynl cli's attribute names: id, vpn-ipv4, remote-ipv6,
vpn-rx-packets, ...) plus "primary-key-id", the key-id of its primary key
(key-get; null without one); a namespace without tun0 or ovpn maps to its
error text. Exits 1 when any namespace had no dump. With --watch, reads
them every 0.2 s for SECS seconds and prints {NS: {VPN-IPv4: [key-id,
...]}}: each peer's primary key-ids in the order the kernel had them (one
entry per change), as a key rotation leaves them.
"""

import json
import os
import socket
import sys
import time

sys.dont_write_bytecode = True  # the checkout may be read-only (the guest's)
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ovpnctl import InNs, dump  # noqa: E402
from ovpnnl import KEYCONF, Attr, Genl, ifx, nest_keyconf, parse_attrs, u32  # noqa: E402

SLOT_PRIMARY = 0


def primary_key_id(g, idx, pid):
    """The key-id of peer PID's primary key, None without one."""
    sel = [ifx(idx), nest_keyconf([Attr(KEYCONF["peer-id"], u32(pid)),
                                   Attr(KEYCONF["slot"], u32(SLOT_PRIMARY))])]
    err, _ext, rep = g.do("key-get", sel)
    if err or not rep:
        return None
    for _t, _f, nest in parse_attrs(rep[0][4:]):
        for kt, _kf, kp in parse_attrs(nest):
            if kt == KEYCONF["key-id"]:
                return int.from_bytes(kp, sys.byteorder)
    return None


def peers(ns):
    """NS's tun0 peers, each with its primary key-id."""
    with InNs(ns):
        g = Genl()
        try:
            idx = socket.if_nametoindex("tun0")
            found = dump(g, idx)
            for p in found:
                p["primary-key-id"] = primary_key_id(g, idx, p["id"])
            return found
        finally:
            g.sock.close()


def watch(secs, namespaces):
    """Each peer's primary key-ids over SECS seconds, one entry per change."""
    seen = {ns: {} for ns in namespaces}
    end = time.time() + secs
    while time.time() < end:
        for ns in namespaces:
            try:
                found = peers(ns)
            except OSError:
                continue
            for p in found:
                ids = seen[ns].setdefault(p.get("vpn-ipv4", str(p["id"])), [])
                if not ids or ids[-1] != p["primary-key-id"]:
                    ids.append(p["primary-key-id"])
        time.sleep(0.2)
    print(json.dumps(seen))
    return 0


def main():
    if len(sys.argv) < 2 or sys.argv[1] in ("-h", "--help"):
        print(__doc__.strip())
        return 0 if len(sys.argv) > 1 else 2
    if sys.argv[1] == "--watch":
        return watch(float(sys.argv[2]), sys.argv[3:])
    out, rc = {}, 0
    for ns in sys.argv[1:]:
        try:
            out[ns] = peers(ns)
        except OSError as e:
            out[ns], rc = "%s: %s" % (ns, e), 1
    print(json.dumps(out))
    return rc


if __name__ == "__main__":
    sys.exit(main())
