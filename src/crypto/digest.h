#ifndef OPENVAP_CRYPTO_DIGEST_H_
#define OPENVAP_CRYPTO_DIGEST_H_

// Hashes and MACs. crypto is the only module that includes OpenSSL (DESIGN.md); everything
// else asks it for digests, MACs, signatures and certificates.

#include <array>
#include <cstdint>
#include <string_view>

#include "base/bytes.h"

namespace openvap::crypto {

using Sha1Digest = std::array<std::uint8_t, 20>;
using Sha256Digest = std::array<std::uint8_t, 32>;

Sha1Digest Sha1(ByteView data);
Sha256Digest Sha256(ByteView data);

// HMAC-SHA-256 (RFC 2104) of `data` under `key`.
Sha256Digest HmacSha256(ByteView key, ByteView data);

// Compares in time independent of where the inputs differ (for MACs and token hashes).
// Inputs of different length compare unequal.
bool ConstantTimeEquals(ByteView a, ByteView b);

}  // namespace openvap::crypto

#endif  // OPENVAP_CRYPTO_DIGEST_H_
