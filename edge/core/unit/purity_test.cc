// The core is pure C++20 and the standard library (../shared/STYLE.md): this
// test reads every file under edge/core (but its own tests) and fails on any
// #include that is neither a standard header nor another core header, so a
// Boost, SQLite, Paho, libusb, CUPS or HTTP header cannot creep in.
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <string>

#include <gtest/gtest.h>

namespace {

const std::set<std::string>& StandardHeaders() {
  static const std::set<std::string> k = {"algorithm",
                                          "any",
                                          "array",
                                          "atomic",
                                          "bit",
                                          "bitset",
                                          "cassert",
                                          "cctype",
                                          "cerrno",
                                          "cfloat",
                                          "charconv",
                                          "chrono",
                                          "cinttypes",
                                          "climits",
                                          "cmath",
                                          "compare",
                                          "complex",
                                          "concepts",
                                          "cstddef",
                                          "cstdint",
                                          "cstdio",
                                          "cstdlib",
                                          "cstring",
                                          "ctime",
                                          "cwchar",
                                          "deque",
                                          "exception",
                                          "functional",
                                          "initializer_list",
                                          "iomanip",
                                          "ios",
                                          "iosfwd",
                                          "iterator",
                                          "limits",
                                          "list",
                                          "map",
                                          "memory",
                                          "new",
                                          "numbers",
                                          "numeric",
                                          "optional",
                                          "ostream",
                                          "queue",
                                          "random",
                                          "ranges",
                                          "ratio",
                                          "set",
                                          "source_location",
                                          "span",
                                          "sstream",
                                          "stack",
                                          "stdexcept",
                                          "string",
                                          "string_view",
                                          "system_error",
                                          "tuple",
                                          "type_traits",
                                          "typeinfo",
                                          "unordered_map",
                                          "unordered_set",
                                          "utility",
                                          "variant",
                                          "vector",
                                          "version"};
  return k;
}

TEST(CorePurity, IncludesOnlyStandardAndCoreHeaders) {
  namespace fs = std::filesystem;
  const fs::path root = STOREEDGE_CORE_DIR;
  const std::regex include_re(R"(^\s*#\s*include\s*([<"])([^>"]+)[>"])");
  int files = 0;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (!entry.is_regular_file()) continue;
    const fs::path rel = fs::relative(entry.path(), root);
    if (*rel.begin() == "unit") continue;  // tests may use GoogleTest
    const auto ext = entry.path().extension();
    if (ext != ".h" && ext != ".cc") continue;
    ++files;
    std::ifstream in(entry.path());
    std::string line;
    int n = 0;
    while (std::getline(in, line)) {
      ++n;
      std::smatch m;
      if (!std::regex_search(line, m, include_re)) continue;
      const std::string kind = m[1], name = m[2];
      if (kind == "<") {
        EXPECT_TRUE(StandardHeaders().count(name))
            << rel.string() << ":" << n << " includes <" << name
            << ">, which is not a C++ standard header: the core must stay free of vendor headers";
      } else {
        EXPECT_EQ(name.rfind("edge/core/", 0), 0u) << rel.string() << ":" << n << " includes \"" << name
                                                   << "\": the core may include only its own headers";
      }
    }
  }
  EXPECT_GT(files, 3) << "no core sources found under " << root;
}

}  // namespace
