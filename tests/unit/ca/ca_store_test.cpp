#include "ca/ca_store.hpp"

#include <gtest/gtest.h>
#include <openssl/pem.h>

#include "ca/codec.hpp"
#include "ca/export.hpp"
#include "ca/home.hpp"
#include "ca/leaf_minter.hpp"
#include "ca/secure_file.hpp"
#include "tests/unit/ca/ca_test_support.hpp"

namespace flowscope::ca {
namespace {

namespace fs = std::filesystem;
using testing::expect_clean_error_queue;
using testing::mode_of;
using testing::TempDir;
using testing::write_text;

constexpr fs::perms k600 = fs::perms::owner_read | fs::perms::owner_write;
constexpr fs::perms k644 = k600 | fs::perms::group_read | fs::perms::others_read;

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(CaStore, FirstRunCreatesTheFourFilesWithTheirModes) {
  TempDir temp;
  const fs::path home = temp.path() / "nested" / "home";
  auto loaded = load_or_create(home);
  ASSERT_TRUE(loaded) << loaded.error().message;
  EXPECT_TRUE(loaded->created);
  EXPECT_EQ(mode_of(home), fs::perms::owner_all);
  const CaPaths paths = CaPaths::in(home);
  EXPECT_EQ(mode_of(paths.key_pem), k600);
  EXPECT_EQ(mode_of(paths.p12), k600);
  EXPECT_EQ(mode_of(paths.cert_pem), k644);
  EXPECT_EQ(mode_of(paths.cert_der), k644);
  // No temporary files are left behind by the atomic writes.
  EXPECT_EQ(std::distance(fs::directory_iterator(home), fs::directory_iterator()), 4);

  const CertificateAuthority& authority = *loaded->authority;
  EXPECT_TRUE(EVP_PKEY_is_a(authority.key(), "EC"));
  EXPECT_EQ(*read_file(paths.cert_pem), ca_cert_pem(authority));
  EXPECT_EQ(*read_file(paths.cert_der), ca_cert_der(authority));
  auto from_p12 = load_p12(paths.p12);
  ASSERT_TRUE(from_p12) << from_p12.error().message;
  EXPECT_EQ(ca_fingerprint_sha256(**from_p12), ca_fingerprint_sha256(authority));
  expect_clean_error_queue();
}

TEST(CaStore, SecondRunLoadsTheSameCa) {
  TempDir temp;
  auto first = load_or_create(temp.path());
  ASSERT_TRUE(first) << first.error().message;
  auto second = load_or_create(temp.path(), CaOptions{KeyType::kRsa2048, "", 825});
  ASSERT_TRUE(second) << second.error().message;
  EXPECT_FALSE(second->created);
  EXPECT_EQ(ca_fingerprint_sha256(*second->authority), ca_fingerprint_sha256(*first->authority));
  // The key type applies to new CAs only.
  EXPECT_TRUE(EVP_PKEY_is_a(second->authority->key(), "EC"));
  EXPECT_EQ(EVP_PKEY_eq(second->authority->key(), first->authority->key()), 1);
  expect_clean_error_queue();
}

TEST(CaStore, RefusesAKeyOthersCanRead) {
  TempDir temp;
  ASSERT_TRUE(load_or_create(temp.path()));
  const CaPaths paths = CaPaths::in(temp.path());
  fs::permissions(paths.key_pem, k644);
  auto loaded = load_or_create(temp.path());
  ASSERT_FALSE(loaded);
  EXPECT_TRUE(contains(loaded.error().message, "chmod 600 " + paths.key_pem.string()))
      << loaded.error().message;
  EXPECT_TRUE(contains(loaded.error().message, "0644")) << loaded.error().message;

  fs::permissions(paths.key_pem, k600);
  fs::permissions(paths.p12, k600 | fs::perms::group_read);
  loaded = load_or_create(temp.path());
  ASSERT_FALSE(loaded);
  EXPECT_TRUE(contains(loaded.error().message, "chmod 600 " + paths.p12.string()))
      << loaded.error().message;
  auto from_p12 = load_p12(paths.p12);
  ASSERT_FALSE(from_p12);
  EXPECT_TRUE(contains(from_p12.error().message, "chmod 600 " + paths.p12.string()));

  fs::permissions(paths.p12, k600);
  EXPECT_TRUE(load_or_create(temp.path()));
}

TEST(CaStore, CorruptFilesGiveErrorsNamingThem) {
  TempDir temp;
  ASSERT_TRUE(load_or_create(temp.path()));
  const CaPaths paths = CaPaths::in(temp.path());
  const std::string good_cert = *read_file(paths.cert_pem);
  const std::string good_key = *read_file(paths.key_pem);

  write_text(paths.cert_pem, good_cert.substr(0, good_cert.size() / 2));
  auto loaded = load_or_create(temp.path());
  ASSERT_FALSE(loaded);
  EXPECT_TRUE(contains(loaded.error().message, paths.cert_pem.string())) << loaded.error().message;
  expect_clean_error_queue();

  write_text(paths.cert_pem, good_cert);
  write_text(paths.key_pem, "-----BEGIN PRIVATE KEY-----\nnot base64 at all\n");
  loaded = load_or_create(temp.path());
  ASSERT_FALSE(loaded);
  EXPECT_TRUE(contains(loaded.error().message, paths.key_pem.string())) << loaded.error().message;
  expect_clean_error_queue();

  write_text(paths.key_pem, good_key);
  write_text(paths.p12, "garbage");
  auto from_p12 = load_p12(paths.p12);
  ASSERT_FALSE(from_p12);
  EXPECT_TRUE(contains(from_p12.error().message, paths.p12.string())) << from_p12.error().message;
  expect_clean_error_queue();
}

TEST(CaStore, MismatchedKeyAndCertificateAreRefused) {
  TempDir one, two;
  ASSERT_TRUE(load_or_create(one.path()));
  ASSERT_TRUE(load_or_create(two.path()));
  const CaPaths a = CaPaths::in(one.path());
  const CaPaths b = CaPaths::in(two.path());
  auto loaded = load_pem(b.key_pem, a.cert_pem);
  ASSERT_FALSE(loaded);
  EXPECT_TRUE(contains(loaded.error().message, b.key_pem.string())) << loaded.error().message;
  EXPECT_TRUE(contains(loaded.error().message, a.cert_pem.string())) << loaded.error().message;
  EXPECT_TRUE(contains(loaded.error().message, "does not match")) << loaded.error().message;
  expect_clean_error_queue();
}

TEST(CaStore, ACertificateThatIsNotACaIsRefused) {
  TempDir temp;
  auto authority = CertificateAuthority::generate();
  ASSERT_TRUE(authority);
  auto minter = LeafMinter::create(*authority);
  ASSERT_TRUE(minter);
  auto leaf = minter->mint(LeafRequest{{"example.com"}, {}});
  ASSERT_TRUE(leaf);
  const fs::path key_file = temp.path() / "leaf-key.pem";
  const fs::path cert_file = temp.path() / "leaf-cert.pem";
  ASSERT_TRUE(write_file_atomic(key_file, *key_pem((*leaf)->key()), 0600));
  ASSERT_TRUE(write_file_atomic(cert_file, cert_pem((*leaf)->cert()), 0644));
  auto loaded = load_pem(key_file, cert_file);
  ASSERT_FALSE(loaded);
  EXPECT_TRUE(contains(loaded.error().message, cert_file.string())) << loaded.error().message;
  EXPECT_TRUE(contains(loaded.error().message, "not a CA")) << loaded.error().message;
  expect_clean_error_queue();
}

TEST(CaStore, P12WithAndWithoutPassphrase) {
  TempDir plain, protected_home;
  auto without = load_or_create(plain.path());
  ASSERT_TRUE(without);
  auto from_plain = load_p12(CaPaths::in(plain.path()).p12);
  ASSERT_TRUE(from_plain) << from_plain.error().message;
  EXPECT_EQ(EVP_PKEY_eq((*from_plain)->key(), without->authority->key()), 1);

  CaOptions options;
  options.passphrase = "correct horse";
  auto with = load_or_create(protected_home.path(), options);
  ASSERT_TRUE(with) << with.error().message;
  const fs::path p12 = CaPaths::in(protected_home.path()).p12;
  auto opened = load_p12(p12, "correct horse");
  ASSERT_TRUE(opened) << opened.error().message;
  EXPECT_EQ(ca_fingerprint_sha256(**opened), ca_fingerprint_sha256(*with->authority));

  auto no_passphrase = load_p12(p12);
  ASSERT_FALSE(no_passphrase);
  EXPECT_TRUE(contains(no_passphrase.error().message, "passphrase"));
  EXPECT_TRUE(contains(no_passphrase.error().message, p12.string()));
  auto wrong = load_p12(p12, "battery staple");
  ASSERT_FALSE(wrong);
  EXPECT_TRUE(contains(wrong.error().message, "wrong passphrase")) << wrong.error().message;
  expect_clean_error_queue();
  // ca-key.pem stays unencrypted, so the proxy starts without asking.
  EXPECT_TRUE(load_or_create(protected_home.path()));
}

TEST(CaStore, EncryptedPemKeyNeedsItsPassphrase) {
  TempDir temp;
  auto authority = CertificateAuthority::generate();
  ASSERT_TRUE(authority);
  BioPtr bio(BIO_new(BIO_s_mem()));
  const std::string passphrase = "pem secret";
  ASSERT_EQ(PEM_write_bio_PKCS8PrivateKey(bio.get(), (*authority)->key(), EVP_aes_256_cbc(),
                                          passphrase.data(), static_cast<int>(passphrase.size()),
                                          nullptr, nullptr),
            1);
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);
  const fs::path key_file = temp.path() / "key.pem";
  const fs::path cert_file = temp.path() / "cert.pem";
  ASSERT_TRUE(write_file_atomic(key_file, std::string(data, size), 0600));
  ASSERT_TRUE(write_file_atomic(cert_file, cert_pem((*authority)->cert()), 0644));

  auto opened = load_pem(key_file, cert_file, passphrase);
  ASSERT_TRUE(opened) << opened.error().message;
  auto locked = load_pem(key_file, cert_file);
  ASSERT_FALSE(locked);
  EXPECT_TRUE(contains(locked.error().message, "encrypted")) << locked.error().message;
  EXPECT_TRUE(contains(locked.error().message, key_file.string()));
  auto wrong = load_pem(key_file, cert_file, "nope");
  ASSERT_FALSE(wrong);
  EXPECT_TRUE(contains(wrong.error().message, "wrong passphrase")) << wrong.error().message;
  expect_clean_error_queue();
}

TEST(CaStore, RecoversTheCaFromP12WhenThePemFilesAreMissing) {
  TempDir temp;
  auto first = load_or_create(temp.path());
  ASSERT_TRUE(first);
  const CaPaths paths = CaPaths::in(temp.path());
  fs::remove(paths.key_pem);
  fs::remove(paths.cert_pem);
  fs::remove(paths.cert_der);
  auto again = load_or_create(temp.path());
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_FALSE(again->created);
  EXPECT_EQ(ca_fingerprint_sha256(*again->authority), ca_fingerprint_sha256(*first->authority));
  EXPECT_EQ(mode_of(paths.key_pem), k600);
  EXPECT_TRUE(fs::exists(paths.cert_pem));
  EXPECT_TRUE(fs::exists(paths.cert_der));
}

TEST(CaStore, ACertificateWithoutItsKeyIsNotReplaced) {
  TempDir temp;
  ASSERT_TRUE(load_or_create(temp.path()));
  const CaPaths paths = CaPaths::in(temp.path());
  fs::remove(paths.key_pem);
  fs::remove(paths.p12);
  auto loaded = load_or_create(temp.path());
  ASSERT_FALSE(loaded);
  EXPECT_TRUE(contains(loaded.error().message, paths.cert_pem.string())) << loaded.error().message;
  EXPECT_FALSE(fs::exists(paths.key_pem));
}

TEST(CaStore, RsaCa) {
  TempDir temp;
  CaOptions options;
  options.key_type = KeyType::kRsa2048;
  auto created = load_or_create(temp.path(), options);
  ASSERT_TRUE(created) << created.error().message;
  EXPECT_TRUE(EVP_PKEY_is_a(created->authority->key(), "RSA"));
  EXPECT_EQ(EVP_PKEY_get_bits(created->authority->key()), 2048);
  EXPECT_EQ(X509_get_signature_nid(created->authority->cert()), NID_sha256WithRSAEncryption);
  auto loaded = load_or_create(temp.path());
  ASSERT_TRUE(loaded) << loaded.error().message;
  EXPECT_EQ(ca_fingerprint_sha256(*loaded->authority), ca_fingerprint_sha256(*created->authority));
}

TEST(CaStore, DefaultHomeFollowsTheEnvironment) {
  const char* saved_flowscope = std::getenv("FLOWSCOPE_HOME");
  const std::string flowscope_value = saved_flowscope ? saved_flowscope : "";
  const char* saved_home = std::getenv("HOME");
  const std::string home_value = saved_home ? saved_home : "";

  ::setenv("FLOWSCOPE_HOME", "/srv/flowscope-test", 1);
  EXPECT_EQ(*default_home(), fs::path("/srv/flowscope-test"));
  ::setenv("FLOWSCOPE_HOME", "", 1);
  ::setenv("HOME", "/home/someone", 1);
  EXPECT_EQ(*default_home(), fs::path("/home/someone/.flowscope"));

  if (saved_flowscope)
    ::setenv("FLOWSCOPE_HOME", flowscope_value.c_str(), 1);
  else
    ::unsetenv("FLOWSCOPE_HOME");
  if (saved_home)
    ::setenv("HOME", home_value.c_str(), 1);
  else
    ::unsetenv("HOME");
}

TEST(CaStore, AtomicWriteReplacesContentAndMode) {
  TempDir temp;
  const fs::path file = temp.path() / "f";
  ASSERT_TRUE(write_file_atomic(file, "one", 0644));
  ASSERT_TRUE(write_file_atomic(file, "two", 0600));
  EXPECT_EQ(*read_file(file), "two");
  EXPECT_EQ(mode_of(file), k600);
  auto missing = write_file_atomic(temp.path() / "no" / "such" / "dir", "x", 0600);
  ASSERT_FALSE(missing);
  EXPECT_TRUE(contains(missing.error().message, (temp.path() / "no" / "such").string()));
}

}  // namespace
}  // namespace flowscope::ca
