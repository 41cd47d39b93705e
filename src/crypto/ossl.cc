#include "crypto/ossl.h"

#include <openssl/bn.h>
#include <openssl/err.h>

#include <ctime>

namespace openvap::crypto::internal {

std::string TakeOpensslError(std::string_view fallback) {
  const unsigned long code = ERR_get_error();  // NOLINT(google-runtime-int): OpenSSL's type
  ERR_clear_error();
  if (code == 0) return std::string(fallback);
  char text[256];
  ERR_error_string_n(code, text, sizeof(text));
  return std::string(fallback) + " (" + text + ")";
}

BioPtr MemoryBio(ByteView bytes) {
  return BioPtr(BIO_new_mem_buf(bytes.data(), static_cast<int>(bytes.size())));
}

Bytes BioContents(BIO* bio) {
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);  // NOLINT(google-runtime-int)
  if (size <= 0 || data == nullptr) return {};
  return Bytes(data, data + size);
}

bool Asn1TimeToTimestamp(const ASN1_TIME* time, Timestamp* out) {
  if (time == nullptr || ASN1_TIME_check(time) != 1) return false;
  std::tm tm{};
  if (ASN1_TIME_to_tm(time, &tm) != 1) return false;
  const std::time_t seconds = timegm(&tm);
  *out = std::chrono::system_clock::from_time_t(seconds);
  return true;
}

Asn1TimePtr TimestampToAsn1Time(Timestamp t) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(t);
  return Asn1TimePtr(ASN1_TIME_set(nullptr, seconds));
}

bool LooksLikePem(ByteView bytes) {
  std::size_t i = 0;
  while (i < bytes.size() &&
         (bytes[i] == ' ' || bytes[i] == '\n' || bytes[i] == '\r' || bytes[i] == '\t'))
    ++i;
  static constexpr std::string_view kArmour = "-----BEGIN ";
  if (bytes.size() - i < kArmour.size()) return false;
  return std::string_view(reinterpret_cast<const char*>(bytes.data() + i),  // NOLINT
                          kArmour.size()) == kArmour;
}

std::string IntegerHex(const ASN1_INTEGER* value) {
  if (value == nullptr) return "";
  BignumPtr bn(ASN1_INTEGER_to_BN(value, nullptr));
  if (!bn) return "";
  if (BN_is_zero(bn.get())) return "0";
  char* hex = BN_bn2hex(bn.get());
  std::string out = hex != nullptr ? hex : "";
  OPENSSL_free(hex);
  // BN_bn2hex pads to whole bytes ("05"); serials compare without leading zeros (FORMATS.md).
  const std::size_t first = out.find_first_not_of("0-");
  if (!out.empty() && out[0] == '-') return "-" + out.substr(first);
  return first == std::string::npos ? "0" : out.substr(first);
}

std::string NameText(const X509_NAME* name) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  const unsigned long flags =  // NOLINT(google-runtime-int): OpenSSL's type
      (ASN1_STRFLGS_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) | XN_FLAG_SEP_CPLUS_SPC | XN_FLAG_FN_SN;
  if (!bio || X509_NAME_print_ex(bio.get(), name, 0, flags) < 0) return "";
  return AsString(BioContents(bio.get()));
}

const EVP_MD* MdFor(HashAlgorithm hash) {
  switch (hash) {
    case HashAlgorithm::kSha224:
      return EVP_sha224();
    case HashAlgorithm::kSha256:
      return EVP_sha256();
    case HashAlgorithm::kSha384:
      return EVP_sha384();
    case HashAlgorithm::kSha512:
      return EVP_sha512();
  }
  return EVP_sha256();
}

}  // namespace openvap::crypto::internal
