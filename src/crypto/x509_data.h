#ifndef OPENVAP_CRYPTO_X509_DATA_H_
#define OPENVAP_CRYPTO_X509_DATA_H_

// Internal to crypto: what a Certificate caches, with its OpenSSL object.

#include <openssl/x509.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "crypto/x509.h"

namespace openvap::crypto {

struct Certificate::Data {
  std::shared_ptr<X509> x509;
  Bytes der;
  std::string subject;
  std::string issuer;
  std::string country;
  std::string common_name;
  std::string signer_id;
  std::string serial_hex;
  Timestamp not_before{};
  Timestamp not_after{};
  Sha1Digest sha1{};
  bool is_ca = false;
  std::optional<int> path_length;
  std::optional<unsigned> key_usage;
  std::optional<std::vector<std::string>> document_types;
  std::optional<PrivateKeyUsagePeriod> pkup;
  std::optional<Bytes> ski;
  std::optional<Bytes> aki;
  PublicKey public_key;
};

}  // namespace openvap::crypto

#endif  // OPENVAP_CRYPTO_X509_DATA_H_
