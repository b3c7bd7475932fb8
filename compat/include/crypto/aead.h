/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _OVPN_COMPAT_CRYPTO_AEAD_H
#define _OVPN_COMPAT_CRYPTO_AEAD_H
#include_next <crypto/aead.h>

/*
 * crypto_completion_t taking the request's data pointer (void *) instead of
 * the struct crypto_async_request: mainline 6.4 (255e48eb1768, "crypto: api -
 * Use data directly in completion function", after the 6.3 scaffolding):
 * probed.
 * ovpn's completion functions, ovpn_{en,de}crypt_post(void *data, int ret),
 * are also called directly with the skb, so they keep upstream's signature
 * and older kernels get an adapter passing req->data to them:
 * ovpn_compat_crypto_completion(fn) names what to pass to
 * aead_request_set_callback(); OVPN_COMPAT_DEFINE_CRYPTO_COMPLETION(fn); (at file
 * scope, after fn is declared) defines the adapter where needed and is a
 * redundant declaration of fn otherwise
 * (patches/0302-crypto-completion.cocci).
 */
#ifdef OVPN_HAVE_CRYPTO_COMPLETION_VOID
#define ovpn_compat_crypto_completion(fn)		fn
#define OVPN_COMPAT_DEFINE_CRYPTO_COMPLETION(fn)	extern typeof(fn) fn
#else
OVPN_SHIM(CRYPTO_COMPLETION_VOID);
#define ovpn_compat_crypto_completion(fn)		__ovpn_crypto_completion_##fn
#define OVPN_COMPAT_DEFINE_CRYPTO_COMPLETION(fn)			\
static void __ovpn_crypto_completion_##fn(struct crypto_async_request *req, \
					  int err)			\
{									\
	fn(req->data, err);						\
}									\
extern typeof(fn) fn
#endif

#endif /* _OVPN_COMPAT_CRYPTO_AEAD_H */
