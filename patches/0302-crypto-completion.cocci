// Undo: crypto completion callbacks taking the request's data pointer
//   ("crypto: api - Use data directly in completion function", mainline 6.4;
//   ovpn's ovpn_{en,de}crypt_post(void *data, int ret) rely on it).
// Needed on: kernels whose crypto_completion_t still takes a
//   struct crypto_async_request * (<= 6.3, including 6.1.y): probed.
// Why not a header: the callbacks are also called directly with the skb, so
//   their signature must stay; an adapter that passes req->data on is needed
//   for each of them, in the file that registers it. The patch names the
//   callback through OVPN_CRYPTO_COMPLETION() and defines the adapter with
//   OVPN_DEFINE_CRYPTO_COMPLETION() (compat/include/crypto/aead.h), both
//   no-ops on kernels with the new signature.
// Files: drivers/net/ovpn/crypto_aead.c

@cb@
identifier fn, callback;
expression req, flags, data;
@@
 fn(...)
 {
 <...
 aead_request_set_callback(req, flags,
-	callback
+	OVPN_CRYPTO_COMPLETION(callback)
 	, data);
 ...>
 }

@depends on cb@
identifier cb.fn, cb.callback;
@@
+OVPN_DEFINE_CRYPTO_COMPLETION(callback);
+
 fn(...)
 {
 ...
 }
