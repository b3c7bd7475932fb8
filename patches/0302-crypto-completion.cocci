// SPDX-License-Identifier: GPL-2.0
// Undoes: crypto completion callbacks taking the request's data pointer ("crypto: api -
//   Use data directly in completion function", mainline 6.4; ovpn's
//   ovpn_{en,de}crypt_post(void *data, int ret) rely on it).
// Needed on: kernels whose crypto_completion_t still takes a struct
//   crypto_async_request * (<= 6.3, including 6.1.y): probed
//   (OVPN_HAVE_CRYPTO_COMPLETION_VOID).
// Why not a header: the callbacks are also called directly with the skb, so their
//   signature must stay; an adapter that passes req->data on is needed for each of
//   them, in the file that registers it.
// Hooks: ovpn_compat_crypto_completion, OVPN_COMPAT_DEFINE_CRYPTO_COMPLETION
//   (compat/include/crypto/aead.h)
// Files: drivers/net/ovpn/crypto_aead.c
//
// The patch names the callback through ovpn_compat_crypto_completion() and defines the
// adapter with OVPN_COMPAT_DEFINE_CRYPTO_COMPLETION(), both no-ops on kernels with the
// new signature.
// Detect: a callback registered other than through the hook.

virtual detect

@cb depends on !detect@
identifier fn, callback;
expression req, flags, data;
@@
 fn(...)
 {
 <...
 aead_request_set_callback(req, flags,
-	callback
+	ovpn_compat_crypto_completion(callback)
 	, data);
 ...>
 }

@depends on cb && !detect@
identifier cb.fn, cb.callback;
@@
+OVPN_COMPAT_DEFINE_CRYPTO_COMPLETION(callback);
+
 fn(...)
 {
 ...
 }

@depends on detect@
identifier callback;
expression req, flags, data, E;
@@
(
  aead_request_set_callback(req, flags, ovpn_compat_crypto_completion(callback), data)
|
  aead_request_set_callback(req, flags, NULL, data)
|
* aead_request_set_callback(req, flags, E, data)
)
