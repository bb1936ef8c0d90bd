// TLS for `tillit serve`: the certificate (with its chain) and private key from PEM files, handed to each new TLS
// connection from a callback, so that Reload() — on SIGHUP — swaps them without a restart and without touching a
// connection already open. Only TLS 1.2 and later are offered.
//
// Thread safety: Install once before serving; Reload from any thread while connections are being accepted.
#ifndef TILLIT_HTTP_TLS_H_
#define TILLIT_HTTP_TLS_H_

#include <memory>
#include <string>

#include "util/mutex.h"
#include "util/status.h"

typedef struct ssl_ctx_st SSL_CTX;

namespace tillit::http {

class TlsCertificates {
 public:
  // Reads both files. InvalidArgument naming the file when one cannot be read or the key does not match.
  static Result<std::unique_ptr<TlsCertificates>> Load(std::string certificate_path, std::string key_path);
  ~TlsCertificates();

  // Sets up `ctx`: TLS 1.2 minimum, and the callback that hands each connection the current certificate.
  Status Install(SSL_CTX* ctx);
  // Reads the files again; on failure the previous certificate stays in use.
  Status Reload();

  struct Material;

 private:
  TlsCertificates(std::string certificate_path, std::string key_path);

  const std::string certificate_path_;
  const std::string key_path_;
  Mutex mu_;
  std::shared_ptr<Material> current_ TILLIT_GUARDED_BY(mu_);
};

}  // namespace tillit::http

#endif  // TILLIT_HTTP_TLS_H_
