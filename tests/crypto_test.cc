#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/aad.h"
#include "crypto/blind_index.h"
#include "crypto/hashing.h"
#include "crypto/keyring.h"
#include "crypto/master_key.h"
#include "crypto/sealing.h"
#include "crypto/secure_key.h"
#include "crypto/signing.h"
#include "util/hex.h"
#include "util/random.h"

namespace tillit::crypto {
namespace {

std::vector<uint8_t> Bytes(const SecretKey& key) { return {key.span().begin(), key.span().end()}; }

// A temporary directory holding a master key file the test rewrites to add or drop KEK versions.
class MasterKeyFile {
 public:
  MasterKeyFile() {
    std::string templ = (std::filesystem::temp_directory_path() / "tillit-crypto-XXXXXX").string();
    const char* made = ::mkdtemp(templ.data());
    EXPECT_NE(made, nullptr) << "cannot create a temporary directory";
    dir_ = made != nullptr ? made : templ;
    path_ = dir_ + "/master.key";
  }
  ~MasterKeyFile() { std::filesystem::remove_all(dir_); }

  // Writes one "tillit-kek <version> <hex>" line per entry, mode 0600, and loads the file.
  std::unique_ptr<MasterKey> Write(const std::vector<std::pair<uint32_t, Key256>>& versions) {
    std::filesystem::remove(path_);
    {
      std::ofstream out(path_);
      for (const auto& [version, key] : versions) out << "tillit-kek " << version << " " << HexEncode(key) << "\n";
    }
    EXPECT_EQ(::chmod(path_.c_str(), 0600), 0);
    auto loaded = MasterKey::Load(path_);
    EXPECT_TRUE(loaded.ok()) << loaded.status().ToString();
    return loaded.ok() ? std::move(loaded).value() : nullptr;
  }

 private:
  std::string dir_;
  std::string path_;
};

Key256 KekFrom(uint64_t seed) {
  Key256 kek;
  SeededRandom(seed).Fill(kek);
  return kek;
}

// A keyring over a master key file with one version.
struct OneVersionKeyring {
  OneVersionKeyring() : master(file.Write({{1, KekFrom(101)}})), keyring(*master) {}

  MasterKeyFile file;
  std::unique_ptr<MasterKey> master;
  Keyring keyring;
  SeededRandom random{7};
};

TEST(Keyring, NewDataKeyRoundTrips) {
  OneVersionKeyring k;
  auto made = k.keyring.NewDataKey("sub_a", KeyKind::kData, k.random);
  ASSERT_TRUE(made.ok()) << made.status().ToString();
  const auto& [key, wrapped] = *made;
  EXPECT_EQ(wrapped.kek_version, 1u);
  EXPECT_EQ(wrapped.wrapped.size(), 24u + 32u + 16u);
  // The key is random and is not stored in clear in its wrapping.
  EXPECT_NE(Bytes(key), std::vector<uint8_t>(32, 0));
  EXPECT_EQ(std::search(wrapped.wrapped.begin(), wrapped.wrapped.end(), key.data(), key.data() + 32),
            wrapped.wrapped.end());

  auto unwrapped = k.keyring.Unwrap("sub_a", KeyKind::kData, wrapped);
  ASSERT_TRUE(unwrapped.ok()) << unwrapped.status().ToString();
  EXPECT_EQ(Bytes(*unwrapped), Bytes(key));

  // Two subjects never get the same key or the same wrapping.
  auto other = k.keyring.NewDataKey("sub_b", KeyKind::kData, k.random);
  ASSERT_TRUE(other.ok());
  EXPECT_NE(Bytes(other->first), Bytes(key));
  EXPECT_NE(other->second.wrapped, wrapped.wrapped);
}

TEST(Keyring, WrappedKeyMovedToAnotherSubjectDoesNotUnwrap) {
  OneVersionKeyring k;
  auto made = k.keyring.NewDataKey("sub_a", KeyKind::kData, k.random);
  ASSERT_TRUE(made.ok());
  auto moved = k.keyring.Unwrap("sub_b", KeyKind::kData, made->second);
  ASSERT_FALSE(moved.ok());
  EXPECT_EQ(moved.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(moved.status().reason(), "key_unwrap_failed");
  // A near-miss id, and ids that would collide if the associated data were simply concatenated.
  EXPECT_FALSE(k.keyring.Unwrap("sub_a ", KeyKind::kData, made->second).ok());
  EXPECT_FALSE(k.keyring.Unwrap("", KeyKind::kData, made->second).ok());
}

TEST(Keyring, LegalHoldAndDataKeysAreNotInterchangeable) {
  OneVersionKeyring k;
  auto data = k.keyring.NewDataKey("sub_a", KeyKind::kData, k.random);
  auto hold = k.keyring.NewDataKey("sub_a", KeyKind::kLegalHold, k.random);
  ASSERT_TRUE(data.ok());
  ASSERT_TRUE(hold.ok());
  EXPECT_NE(Bytes(data->first), Bytes(hold->first));

  auto hold_as_data = k.keyring.Unwrap("sub_a", KeyKind::kData, hold->second);
  ASSERT_FALSE(hold_as_data.ok());
  EXPECT_EQ(hold_as_data.status().reason(), "key_unwrap_failed");
  EXPECT_FALSE(k.keyring.Unwrap("sub_a", KeyKind::kLegalHold, data->second).ok());

  auto hold_back = k.keyring.Unwrap("sub_a", KeyKind::kLegalHold, hold->second);
  ASSERT_TRUE(hold_back.ok());
  EXPECT_EQ(Bytes(*hold_back), Bytes(hold->first));
}

TEST(Keyring, TamperedOrTruncatedWrappingFailsCleanly) {
  OneVersionKeyring k;
  auto made = k.keyring.NewDataKey("sub_a", KeyKind::kData, k.random);
  ASSERT_TRUE(made.ok());
  const WrappedKey& good = made->second;
  for (size_t i = 0; i < good.wrapped.size(); ++i) {
    WrappedKey flipped = good;
    flipped.wrapped[i] ^= 0x01;
    auto r = k.keyring.Unwrap("sub_a", KeyKind::kData, flipped);
    ASSERT_FALSE(r.ok()) << "byte " << i;
    EXPECT_EQ(r.status().reason(), "key_unwrap_failed");
  }
  for (size_t n = 0; n < good.wrapped.size(); ++n) {
    WrappedKey cut{good.kek_version, std::vector<uint8_t>(good.wrapped.begin(), good.wrapped.begin() + n)};
    auto r = k.keyring.Unwrap("sub_a", KeyKind::kData, cut);
    ASSERT_FALSE(r.ok()) << "length " << n;
    EXPECT_EQ(r.status().reason(), "key_unwrap_failed");
  }
  WrappedKey longer = good;
  longer.wrapped.push_back(0);
  EXPECT_FALSE(k.keyring.Unwrap("sub_a", KeyKind::kData, longer).ok());
}

TEST(Keyring, UnknownKekVersionIsNamed) {
  OneVersionKeyring k;
  auto made = k.keyring.NewDataKey("sub_a", KeyKind::kData, k.random);
  ASSERT_TRUE(made.ok());
  WrappedKey future = made->second;
  future.kek_version = 9;
  auto r = k.keyring.Unwrap("sub_a", KeyKind::kData, future);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(r.status().message(), "master key version 9 is not in master.key");
}

TEST(Keyring, RewrapMovesToTheNewKekVersionAndTheOldOneCanGo) {
  MasterKeyFile file;
  SeededRandom random(11);
  const Key256 kek1 = KekFrom(1), kek2 = KekFrom(2);

  auto v1_only = file.Write({{1, kek1}});
  ASSERT_NE(v1_only, nullptr);
  auto made = Keyring(*v1_only).NewDataKey("sub_a", KeyKind::kLegalHold, random);
  ASSERT_TRUE(made.ok());
  const std::vector<uint8_t> key_bytes = Bytes(made->first);
  const WrappedKey under_v1 = made->second;
  ASSERT_EQ(under_v1.kek_version, 1u);

  // `tillit keys rotate`: add version 2, re-wrap.
  auto both = file.Write({{1, kek1}, {2, kek2}});
  ASSERT_NE(both, nullptr);
  Keyring rotating(*both);
  EXPECT_EQ(rotating.current_version(), 2u);
  auto under_v2 = rotating.Rewrap("sub_a", KeyKind::kLegalHold, under_v1, random);
  ASSERT_TRUE(under_v2.ok()) << under_v2.status().ToString();
  EXPECT_EQ(under_v2->kek_version, 2u);
  EXPECT_NE(under_v2->wrapped, under_v1.wrapped);
  auto same = rotating.Unwrap("sub_a", KeyKind::kLegalHold, *under_v2);
  ASSERT_TRUE(same.ok());
  EXPECT_EQ(Bytes(*same), key_bytes);
  // Rewrap checks the binding like Unwrap does.
  EXPECT_FALSE(rotating.Rewrap("sub_b", KeyKind::kLegalHold, under_v1, random).ok());
  EXPECT_FALSE(rotating.Rewrap("sub_a", KeyKind::kData, under_v1, random).ok());

  // Version 1 removed from the file: the re-wrapped key still opens, a forgotten one says what is missing.
  auto v2_only = file.Write({{2, kek2}});
  ASSERT_NE(v2_only, nullptr);
  Keyring after(*v2_only);
  auto still = after.Unwrap("sub_a", KeyKind::kLegalHold, *under_v2);
  ASSERT_TRUE(still.ok());
  EXPECT_EQ(Bytes(*still), key_bytes);
  auto stale = after.Unwrap("sub_a", KeyKind::kLegalHold, under_v1);
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(stale.status().message(), "master key version 1 is not in master.key");
  EXPECT_FALSE(after.Rewrap("sub_a", KeyKind::kLegalHold, under_v1, random).ok());

  // A version 2 under another key (a wrong file) does not open what the real version 2 wrapped.
  auto wrong = file.Write({{2, KekFrom(3)}});
  ASSERT_NE(wrong, nullptr);
  auto r = Keyring(*wrong).Unwrap("sub_a", KeyKind::kLegalHold, *under_v2);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().reason(), "key_unwrap_failed");
}

TEST(Keyring, SecretsAreBoundToTheirLabel) {
  OneVersionKeyring k;
  const SecretKey root = SecretKey::Random(k.random);
  auto wrapped = k.keyring.WrapSecret("blind-index-root", root, k.random);
  ASSERT_TRUE(wrapped.ok());
  EXPECT_EQ(wrapped->kek_version, 1u);
  auto back = k.keyring.UnwrapSecret("blind-index-root", *wrapped);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(Bytes(*back), Bytes(root));

  auto other_label = k.keyring.UnwrapSecret("session-root", *wrapped);
  ASSERT_FALSE(other_label.ok());
  EXPECT_EQ(other_label.status().reason(), "key_unwrap_failed");
  // Secrets and subject keys live in separate domains even when the label equals a subject id.
  auto made = k.keyring.NewDataKey("blind-index-root", KeyKind::kData, k.random);
  ASSERT_TRUE(made.ok());
  EXPECT_FALSE(k.keyring.UnwrapSecret("blind-index-root", made->second).ok());
  EXPECT_FALSE(k.keyring.Unwrap("blind-index-root", KeyKind::kData, *wrapped).ok());

  auto rewrapped = k.keyring.RewrapSecret("blind-index-root", *wrapped, k.random);
  ASSERT_TRUE(rewrapped.ok());
  EXPECT_NE(rewrapped->wrapped, wrapped->wrapped);
  auto again = k.keyring.UnwrapSecret("blind-index-root", *rewrapped);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(Bytes(*again), Bytes(root));
}

TEST(Keyring, SecretKeyIsWipedWhenMovedFrom) {
  SeededRandom random(3);
  SecretKey a = SecretKey::Random(random);
  const std::vector<uint8_t> bytes = Bytes(a);
  ASSERT_NE(bytes, std::vector<uint8_t>(32, 0));
  SecretKey b(std::move(a));
  EXPECT_EQ(Bytes(b), bytes);
  EXPECT_EQ(Bytes(a), std::vector<uint8_t>(32, 0));  // NOLINT(bugprone-use-after-move): that is the point
  SecretKey c;
  c = std::move(b);
  EXPECT_EQ(Bytes(c), bytes);
  EXPECT_EQ(Bytes(b), std::vector<uint8_t>(32, 0));  // NOLINT(bugprone-use-after-move)
}

// A data key for the sealing tests.
struct SealingKey {
  SeededRandom random{42};
  SecretKey key = SecretKey::Random(random);
};

// The associated-data encoding is inside every wrapped key and sealed value already stored: pin its bytes.
TEST(Aad, LengthPrefixIsFourBytesBigEndian) {
  std::string out;
  AppendLengthPrefixed(out, "ab");
  AppendLengthPrefixed(out, "");
  AppendLengthPrefixed(out, std::string(0x010203, 'x'));
  ASSERT_EQ(out.size(), 4u + 2u + 4u + 4u + 0x010203u);
  EXPECT_EQ(out.substr(0, 14), std::string("\0\0\0\x02"
                                           "ab"
                                           "\0\0\0\0"
                                           "\0\x01\x02\x03",
                                           14));
  EXPECT_EQ(SealAad("sub_1", "contact.email"), std::string("\0\0\0\x05sub_1\0\0\0\x0d"
                                                           "contact.email",
                                                           26));
}

TEST(Sealing, RoundTrips) {
  SealingKey k;
  const std::string aad = SealAad("sub_a", "contact.email");
  for (const std::string& plaintext : {std::string(), std::string("ola@example.no"), std::string("Sähköposti ✓"),
                                       std::string("\0\x01\xff", 3), std::string(5000, 'x')}) {
    const std::vector<uint8_t> sealed = Seal(k.key, aad, plaintext, k.random);
    EXPECT_EQ(sealed.size(), plaintext.size() + kSealOverhead);
    EXPECT_EQ(sealed[0], 0x01);
    auto opened = Open(k.key, aad, sealed);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    EXPECT_EQ(*opened, plaintext);
  }
}

TEST(Sealing, CiphertextSwappedBetweenRowsDoesNotOpen) {
  SealingKey k;
  const std::vector<uint8_t> a_email = Seal(k.key, SealAad("sub_a", "contact.email"), "ola@example.no", k.random);
  const std::vector<uint8_t> b_email = Seal(k.key, SealAad("sub_b", "contact.email"), "kari@example.no", k.random);
  // Another subject's row, another field of the same subject, another record.
  for (const std::string& aad : {SealAad("sub_b", "contact.email"), SealAad("sub_a", "contact.phone"),
                                 SealAad("sub_a", "rec_1"), std::string()}) {
    auto r = Open(k.key, aad, a_email);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), StatusCode::kFailedPrecondition);
    EXPECT_EQ(r.status().reason(), "seal_open_failed");
  }
  EXPECT_FALSE(Open(k.key, SealAad("sub_a", "contact.email"), b_email).ok());
  EXPECT_EQ(*Open(k.key, SealAad("sub_b", "contact.email"), b_email), "kari@example.no");
}

TEST(Sealing, AadIsUnambiguous) {
  SealingKey k;
  EXPECT_NE(SealAad("ab", "c"), SealAad("a", "bc"));
  EXPECT_NE(SealAad("", "abc"), SealAad("abc", ""));
  EXPECT_NE(SealAad("a", ""), SealAad("", "a"));
  EXPECT_EQ(SealAad("sub_a", "rec_1"), SealAad("sub_a", "rec_1"));
  const std::vector<uint8_t> sealed = Seal(k.key, SealAad("ab", "c"), "secret", k.random);
  EXPECT_FALSE(Open(k.key, SealAad("a", "bc"), sealed).ok());
}

TEST(Sealing, WrongKeyDoesNotOpen) {
  SealingKey k;
  const std::string aad = SealAad("sub_a", "contact.email");
  const std::vector<uint8_t> sealed = Seal(k.key, aad, "ola@example.no", k.random);
  const SecretKey other = SecretKey::Random(k.random);
  auto r = Open(other, aad, sealed);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().reason(), "seal_open_failed");
  // Erasure destroys the key; what is left behind (a zeroed key) opens nothing either.
  EXPECT_FALSE(Open(SecretKey(), aad, sealed).ok());
}

TEST(Sealing, TruncatedEmptyOrAlteredInputFailsCleanly) {
  SealingKey k;
  const std::string aad = SealAad("sub_a", "rec_1");
  const std::vector<uint8_t> sealed = Seal(k.key, aad, "order 1001: 499 NOK", k.random);
  EXPECT_FALSE(Open(k.key, aad, {}).ok());
  for (size_t n = 0; n < sealed.size(); ++n) {
    auto r = Open(k.key, aad, std::span<const uint8_t>(sealed.data(), n));
    ASSERT_FALSE(r.ok()) << "length " << n;
    EXPECT_EQ(r.status().reason(), "seal_open_failed");
  }
  for (size_t i = 0; i < sealed.size(); ++i) {
    std::vector<uint8_t> flipped = sealed;
    flipped[i] ^= 0x80;
    ASSERT_FALSE(Open(k.key, aad, flipped).ok()) << "byte " << i;
  }
  std::vector<uint8_t> longer = sealed;
  longer.push_back(0);
  EXPECT_FALSE(Open(k.key, aad, longer).ok());
  std::vector<uint8_t> other_version = sealed;
  other_version[0] = 0x02;
  EXPECT_FALSE(Open(k.key, aad, other_version).ok());
}

TEST(Sealing, PlaintextDoesNotAppearInTheSealedBytes) {
  SealingKey k;
  const std::string canary = "CANARY-ola.nordmann@example.no-CANARY";
  const std::string aad = SealAad("sub_a", "contact.email");
  const std::vector<uint8_t> once = Seal(k.key, aad, canary, k.random);
  const std::vector<uint8_t> twice = Seal(k.key, aad, canary, k.random);
  for (const auto& sealed : {once, twice}) {
    EXPECT_EQ(std::search(sealed.begin(), sealed.end(), canary.begin(), canary.end()), sealed.end());
    EXPECT_EQ(std::search(sealed.begin(), sealed.end(), canary.begin(), canary.begin() + 8), sealed.end());
  }
  // Fresh nonce each time: equal plaintexts do not give equal ciphertexts.
  EXPECT_NE(once, twice);
}

SecretKey RootFrom(uint64_t seed) {
  SeededRandom random(seed);
  return SecretKey::Random(random);
}

SecretKey SeedFrom(uint64_t seed) {
  SeededRandom random(seed);
  return SecretKey::Random(random);
}

TEST(Signing, SignatureVerifiesUnderItsPublicKey) {
  const Signer signer(SeedFrom(1));
  ASSERT_EQ(signer.public_key().size(), kPublicKeyBytes);
  const std::vector<uint8_t> signature = signer.Sign("receipt rr_123: erased");
  ASSERT_EQ(signature.size(), kSignatureBytes);
  EXPECT_TRUE(VerifySignature(signer.public_key(), "receipt rr_123: erased", signature));
  EXPECT_EQ(signer.Sign("receipt rr_123: erased"), signature);  // Ed25519 is deterministic
  const std::vector<uint8_t> empty_signature = signer.Sign("");
  EXPECT_TRUE(VerifySignature(signer.public_key(), "", empty_signature));
  EXPECT_FALSE(VerifySignature(signer.public_key(), "", signature));
}

TEST(Signing, AlteredMessageDoesNotVerify) {
  const Signer signer(SeedFrom(2));
  const std::vector<uint8_t> signature = signer.Sign("receipt rr_123: erased");
  EXPECT_FALSE(VerifySignature(signer.public_key(), "receipt rr_124: erased", signature));
  EXPECT_FALSE(VerifySignature(signer.public_key(), "receipt rr_123: erased ", signature));
  EXPECT_FALSE(VerifySignature(signer.public_key(), "receipt rr_123: erase", signature));
  EXPECT_FALSE(VerifySignature(signer.public_key(), "", signature));
}

TEST(Signing, AlteredSignatureDoesNotVerify) {
  const Signer signer(SeedFrom(3));
  const std::vector<uint8_t> signature = signer.Sign("message");
  ASSERT_TRUE(VerifySignature(signer.public_key(), "message", signature));
  for (size_t i = 0; i < signature.size(); ++i) {
    std::vector<uint8_t> altered = signature;
    altered[i] ^= 0x01;
    EXPECT_FALSE(VerifySignature(signer.public_key(), "message", altered)) << "byte " << i;
  }
  EXPECT_FALSE(VerifySignature(signer.public_key(), "message", std::vector<uint8_t>(kSignatureBytes, 0)));
}

TEST(Signing, AnotherKeyDoesNotVerify) {
  const Signer signer(SeedFrom(4));
  const Signer other(SeedFrom(5));
  ASSERT_NE(signer.public_key(), other.public_key());
  const std::vector<uint8_t> signature = signer.Sign("message");
  EXPECT_FALSE(VerifySignature(other.public_key(), "message", signature));
  EXPECT_FALSE(VerifySignature(signer.public_key(), "message", other.Sign("message")));
  std::vector<uint8_t> altered_key = signer.public_key();
  altered_key[0] ^= 0x01;
  EXPECT_FALSE(VerifySignature(altered_key, "message", signature));
}

TEST(Signing, WrongSizesAreRejected) {
  const Signer signer(SeedFrom(6));
  std::vector<uint8_t> signature = signer.Sign("message");
  std::vector<uint8_t> key = signer.public_key();
  ASSERT_TRUE(VerifySignature(key, "message", signature));

  std::vector<uint8_t> long_signature = signature;
  long_signature.push_back(0);
  EXPECT_FALSE(VerifySignature(key, "message", long_signature));
  EXPECT_FALSE(VerifySignature(key, "message", std::span<const uint8_t>(signature).first(kSignatureBytes - 1)));
  EXPECT_FALSE(VerifySignature(key, "message", {}));

  std::vector<uint8_t> long_key = key;
  long_key.push_back(0);
  EXPECT_FALSE(VerifySignature(long_key, "message", signature));
  EXPECT_FALSE(VerifySignature(std::span<const uint8_t>(key).first(kPublicKeyBytes - 1), "message", signature));
  EXPECT_FALSE(VerifySignature({}, "message", signature));
  // A signature over a message is not accepted as a key, nor the reverse.
  EXPECT_FALSE(VerifySignature(signature, "message", key));
}

TEST(Signing, SameSeedGivesSameKeyPair) {
  const Signer a(SeedFrom(7));
  const Signer b(SeedFrom(7));
  const Signer c(SeedFrom(8));
  EXPECT_EQ(a.public_key(), b.public_key());
  EXPECT_NE(a.public_key(), c.public_key());
  EXPECT_EQ(a.Sign("message"), b.Sign("message"));
  EXPECT_TRUE(VerifySignature(a.public_key(), "message", b.Sign("message")));
}

// RFC 8032 section 7.1, TEST 2: a fixed seed gives a fixed public key and signature, so the seed is used as the
// Ed25519 seed and not hashed or reinterpreted first.
TEST(Signing, MatchesRfc8032Vector) {
  auto seed_bytes = HexDecode("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb");
  ASSERT_TRUE(seed_bytes.has_value());
  ASSERT_EQ(seed_bytes->size(), SecretKey::kSize);
  const Signer signer(SecretKey::FromBytes(std::span<const uint8_t, SecretKey::kSize>(seed_bytes->data(), 32)));
  EXPECT_EQ(HexEncode(signer.public_key()), "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c");
  const std::string message(1, '\x72');
  EXPECT_EQ(HexEncode(signer.Sign(message)),
            "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
            "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00");
  EXPECT_TRUE(VerifySignature(signer.public_key(), message, signer.Sign(message)));
}

TEST(BlindIndex, IsDeterministicAndKeyed) {
  const SecretKey root = RootFrom(5);
  const BlindIndexer indexer(root);
  const BlindIndexer same_root(RootFrom(5));
  const BlindIndexer other_root(RootFrom(6));
  const std::string email = NormaliseEmail("ola.nordmann@example.no");

  const std::vector<uint8_t> index = indexer.Index(IndexKind::kEmail, email);
  EXPECT_EQ(index.size(), 32u);
  EXPECT_EQ(indexer.Index(IndexKind::kEmail, email), index);
  EXPECT_EQ(same_root.Index(IndexKind::kEmail, email), index);
  EXPECT_NE(other_root.Index(IndexKind::kEmail, email), index);
  EXPECT_NE(indexer.Index(IndexKind::kEmail, "kari@example.no"), index);
  // Not a plain (unkeyed) hash of the value, and the value does not show.
  EXPECT_NE(index, Hash256(email));
  EXPECT_EQ(std::search(index.begin(), index.end(), email.begin(), email.end()), index.end());
}

TEST(BlindIndex, DiffersByKind) {
  const BlindIndexer indexer(RootFrom(5));
  const std::string value = "1001";
  const std::vector<IndexKind> kinds = {IndexKind::kEmail, IndexKind::kPhone, IndexKind::kCustomerNumber,
                                        IndexKind::kSuppression};
  for (size_t i = 0; i < kinds.size(); ++i) {
    for (size_t j = i + 1; j < kinds.size(); ++j) {
      EXPECT_NE(indexer.Index(kinds[i], value), indexer.Index(kinds[j], value)) << i << " vs " << j;
    }
  }
}

TEST(BlindIndex, NormalisesEmail) {
  EXPECT_EQ(NormaliseEmail(" Ola.Nordmann@Example.NO "), "ola.nordmann@example.no");
  EXPECT_EQ(NormaliseEmail("\t\r\nKARI@EXAMPLE.NO\n"), "kari@example.no");
  EXPECT_EQ(NormaliseEmail("ÅSE.Ørn@Example.NO"), "Åse.Ørn@example.no");  // non-ASCII left as it is
  EXPECT_EQ(NormaliseEmail("   "), "");
  const BlindIndexer indexer(RootFrom(5));
  EXPECT_EQ(indexer.Index(IndexKind::kEmail, NormaliseEmail(" Ola.Nordmann@Example.NO ")),
            indexer.Index(IndexKind::kEmail, NormaliseEmail("ola.nordmann@example.no")));
}

TEST(BlindIndex, NormalisesPhone) {
  struct Case {
    std::string raw, region, e164;
  };
  for (const Case& c : std::vector<Case>{{"+47 912 34 567", "FI", "+4791234567"},
                                         {"040 1234567", "FI", "+358401234567"},
                                         {"040 1234567", "fi", "+358401234567"},
                                         {"912 34 567", "NO", "+4791234567"},
                                         {"+358 40 1234567", "", "+358401234567"}}) {
    auto r = NormalisePhone(c.raw, c.region);
    ASSERT_TRUE(r.ok()) << c.raw << " / " << c.region << ": " << r.status().ToString();
    EXPECT_EQ(*r, c.e164) << c.raw << " / " << c.region;
  }
  auto too_short = NormalisePhone("12", "FI");
  ASSERT_FALSE(too_short.ok());
  EXPECT_EQ(too_short.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(too_short.status().message(), "the value is not a valid phone number for region FI");
  auto words = NormalisePhone("not a number", "FI");
  ASSERT_FALSE(words.ok());
  EXPECT_EQ(words.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(words.status().message(), "the value is not a valid phone number for region FI");
  EXPECT_FALSE(NormalisePhone("040 1234567", "ZZ").ok());  // no country code and no region to read it in
  EXPECT_FALSE(NormalisePhone("", "FI").ok());
}

// Regression: a short invalid number used to be echoed in the message, and messages can end up in logs.
TEST(BlindIndex, InvalidPhoneMessageDoesNotRepeatTheNumber) {
  for (const std::string raw : {"12", "040 12", "+358 40 12", "0401", "9876543210987654321", "  +47 999  "}) {
    auto r = NormalisePhone(raw, "FI");
    ASSERT_FALSE(r.ok()) << raw;
    EXPECT_EQ(r.status().reason(), "invalid_phone");
    const std::string& message = r.status().message();
    // No digit run of the input, not even a single digit, appears: the message has no digits at all.
    EXPECT_TRUE(std::none_of(message.begin(), message.end(), [](char c) { return c >= '0' && c <= '9'; }))
        << raw << " -> " << message;
    EXPECT_EQ(r.status().ToString().find(raw), std::string::npos) << raw;
  }
}

TEST(BlindIndex, NormalisesCustomerNumber) {
  EXPECT_EQ(NormaliseCustomerNumber("  K-1001\t"), "K-1001");
  EXPECT_EQ(NormaliseCustomerNumber("k-1001"), "k-1001");  // case-sensitive
}

}  // namespace
}  // namespace tillit::crypto
