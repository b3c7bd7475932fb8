/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Not guarded as a whole: trace headers are read again with
 * TRACE_HEADER_MULTI_READ when a file defines CREATE_TRACE_POINTS.
 */
#include_next <trace/events/sock.h>

/*
 * trace_sk_data_ready(): mainline 6.3 ("net/sock: Introduce trace_sk_data_ready()"),
 * probed. The kernels before it have no such tracepoint to fire: nothing to do.
 */
#if !defined(OVPN_HAVE_TRACE_SK_DATA_READY) && !defined(_OVPN_COMPAT_TRACE_SK_DATA_READY)
#define _OVPN_COMPAT_TRACE_SK_DATA_READY
OVPN_SHIM(TRACE_SK_DATA_READY);

static inline void trace_sk_data_ready(const struct sock *sk)
{
}
#endif
