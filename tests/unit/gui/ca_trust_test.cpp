#include "gui/model/ca_trust.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <fstream>

namespace flowscope::gui {
namespace {

namespace fs = std::filesystem;

void write(const fs::path& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

TEST(CaTrust, InstalledOnlyWhenTheAnchorHoldsTheSameCertificate) {
  const fs::path dir = fs::temp_directory_path() / ("ca_trust_test_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  write(dir / "ca.pem", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
  EXPECT_FALSE(ca_installed_at(dir / "ca.pem", dir / "missing.crt"));
  write(dir / "other.crt", "-----BEGIN CERTIFICATE-----\nBBBB\n-----END CERTIFICATE-----\n");
  EXPECT_FALSE(ca_installed_at(dir / "ca.pem", dir / "other.crt"));
  fs::copy_file(dir / "ca.pem", dir / "same.crt");
  EXPECT_TRUE(ca_installed_at(dir / "ca.pem", dir / "same.crt"));
  EXPECT_FALSE(ca_installed_at(dir / "missing.pem", dir / "same.crt"));
  fs::remove_all(dir);
}

}  // namespace
}  // namespace flowscope::gui
