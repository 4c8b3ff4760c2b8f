#pragma once
// Whether the GUI should show its first-run panel: the CA was made by this start, or
// the Debian system store (where `flowscope ca install --system` puts it) does not
// hold this very certificate. Browsers with their own NSS store are not checked.
#include <filesystem>

namespace flowscope::gui {

inline const std::filesystem::path kSystemCaAnchor = "/usr/local/share/ca-certificates/flowscope.crt";

// True when `anchor` exists and has the same bytes as `cert_pem`.
bool ca_installed_at(const std::filesystem::path& cert_pem, const std::filesystem::path& anchor);

}  // namespace flowscope::gui
