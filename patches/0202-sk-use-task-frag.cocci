// SPDX-License-Identifier: GPL-2.0
// Undoes: "net: Introduce sk_use_task_frag in struct sock" (mainline 6.2; also in some
//   stable kernels, e.g. Debian's 6.1.y).
// Needed on: kernels without struct sock::sk_use_task_frag (<= 5.15 and 6.1 stable
//   releases without the backport): probed (OVPN_HAVE_SK_USE_TASK_FRAG).
// Why not a header: a header cannot add a struct member.
// Hooks: ovpn_compat_sk_disable_task_frag (compat/include/net/sock.h)
// Files: drivers/net/ovpn/tcp.c
//
// The assignment becomes ovpn_compat_sk_disable_task_frag(), which is the
// assignment where the member exists and nothing where it does not (there
// sk_page_frag() already avoids task_frag for ovpn's GFP_ATOMIC allocation).
// Detect: any use of the member left.

virtual detect

@depends on !detect@
expression S;
symbol false;
@@
- S->sk_use_task_frag = false;
+ ovpn_compat_sk_disable_task_frag(S);

@depends on detect@
expression S;
@@
* S->sk_use_task_frag
