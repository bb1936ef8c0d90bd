#include "http/tls.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <cstdio>

namespace tillit::http {

// One loaded certificate: the leaf, its chain and the key.
struct TlsCertificates::Material {
  X509* leaf = nullptr;
  STACK_OF(X509)* chain = nullptr;
  EVP_PKEY* key = nullptr;
  ~Material() {
    X509_free(leaf);
    sk_X509_pop_free(chain, X509_free);
    EVP_PKEY_free(key);
  }
};

namespace {

std::string OpenSslError() {
  const unsigned long e = ERR_get_error();
  ERR_clear_error();
  if (e == 0) return "unknown error";
  char buffer[256];
  ERR_error_string_n(e, buffer, sizeof buffer);
  return buffer;
}

Result<std::shared_ptr<TlsCertificates::Material>> ReadMaterial(const std::string& cert_path,
                                                               const std::string& key_path) {
  auto m = std::make_shared<TlsCertificates::Material>();
  FILE* f = std::fopen(cert_path.c_str(), "r");
  if (f == nullptr) return Status::InvalidArgument("cannot read the TLS certificate " + cert_path);
  m->leaf = PEM_read_X509(f, nullptr, nullptr, nullptr);
  m->chain = sk_X509_new_null();
  while (m->leaf != nullptr) {
    X509* next = PEM_read_X509(f, nullptr, nullptr, nullptr);
    if (next == nullptr) break;
    sk_X509_push(m->chain, next);
  }
  std::fclose(f);
  ERR_clear_error();  // the end of the file ends the loop with an error on the queue
  if (m->leaf == nullptr) {
    return Status::InvalidArgument("the TLS certificate " + cert_path + " holds no PEM certificate");
  }
  f = std::fopen(key_path.c_str(), "r");
  if (f == nullptr) return Status::InvalidArgument("cannot read the TLS key " + key_path);
  m->key = PEM_read_PrivateKey(f, nullptr, nullptr, nullptr);
  std::fclose(f);
  if (m->key == nullptr) {
    return Status::InvalidArgument("the TLS key " + key_path + " holds no PEM private key: " + OpenSslError());
  }
  if (X509_check_private_key(m->leaf, m->key) != 1) {
    ERR_clear_error();
    return Status::InvalidArgument("the TLS key " + key_path + " does not belong to the certificate " + cert_path);
  }
  return m;
}

}  // namespace

TlsCertificates::TlsCertificates(std::string certificate_path, std::string key_path)
    : certificate_path_(std::move(certificate_path)), key_path_(std::move(key_path)) {}

TlsCertificates::~TlsCertificates() = default;

Result<std::unique_ptr<TlsCertificates>> TlsCertificates::Load(std::string certificate_path, std::string key_path) {
  std::unique_ptr<TlsCertificates> out(new TlsCertificates(std::move(certificate_path), std::move(key_path)));
  TILLIT_RETURN_IF_ERROR(out->Reload());
  return out;
}

Status TlsCertificates::Reload() {
  TILLIT_ASSIGN_OR_RETURN(auto material, ReadMaterial(certificate_path_, key_path_));
  MutexLock lock(mu_);
  current_ = std::move(material);
  return Status::Ok();
}

Status TlsCertificates::Install(SSL_CTX* ctx) {
  if (SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) != 1) {
    return Status::Internal("cannot require TLS 1.2: " + OpenSslError());
  }
  SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
  SSL_CTX_set_cert_cb(
      ctx,
      [](SSL* ssl, void* arg) -> int {
        auto* self = static_cast<TlsCertificates*>(arg);
        std::shared_ptr<Material> m;
        {
          MutexLock lock(self->mu_);
          m = self->current_;
        }
        if (!m) return 0;
        return SSL_use_cert_and_key(ssl, m->leaf, m->key, m->chain, 1) == 1 ? 1 : 0;
      },
      this);
  return Status::Ok();
}

}  // namespace tillit::http
