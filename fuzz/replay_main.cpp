// The main of a harness in the normal build, where there is no libFuzzer: runs every file named
// on the command line, and every file under every directory named, through
// LLVMFuzzerTestOneInput once. CTest replays each harness's seed corpus and regression inputs
// with it (label fuzz), so a finding fixed once stays fixed under g++ too.
//
//   fuzz_NAME [--max-seconds S] [--max-rss-mb M] FILE_OR_DIR...
//
// Fails (exit 1) naming the input when one throws anything but an InputError, takes longer than
// S seconds (default 5), or when the process peaks above M MiB (default 1024); a crash or an
// abort names the input from the "replaying" line before it.
#include "FuzzTarget.h"

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <typeinfo>
#include <vector>

namespace {

std::vector<std::string> inputs_of(const std::string& arg)
{
    namespace fs = std::filesystem;
    std::vector<std::string> out;
    if (fs::is_directory(arg)) {
        for (const auto& e : fs::recursive_directory_iterator(arg))
            if (e.is_regular_file())
                out.push_back(e.path().string());
        std::sort(out.begin(), out.end());
    } else {
        out.push_back(arg);
    }
    return out;
}

}  // namespace

int main(int argc, char** argv)
{
    double max_seconds = 5;
    double max_rss_mb = 1024;
    std::vector<std::string> files;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if ((arg == "--max-seconds" || arg == "--max-rss-mb") && i + 1 < argc) {
            (arg == "--max-seconds" ? max_seconds : max_rss_mb) = std::stod(argv[++i]);
            continue;
        }
        if (!std::filesystem::exists(arg)) {
            std::cerr << arg << ": no such file or directory\n";
            return 2;
        }
        for (auto& f : inputs_of(arg))
            files.push_back(std::move(f));
    }
    if (files.empty()) {
        std::cerr << "usage: " << argv[0] << " [--max-seconds S] [--max-rss-mb M] FILE_OR_DIR...\n";
        return 2;
    }
    double slowest = 0;
    std::string slowest_file;
    for (const auto& f : files) {
        std::ifstream in(f, std::ios::binary);
        std::ostringstream bytes;
        bytes << in.rdbuf();
        const std::string data = bytes.str();
        std::cerr << "replaying " << f << " (" << data.size() << " bytes)\n";
        const auto start = std::chrono::steady_clock::now();
        try {
            LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(data.data()), data.size());
        } catch (const std::exception& e) {
            std::cerr << f << ": FINDING: escaped the parser as " << typeid(e).name() << ": "
                      << lpu::cut_token(e.what(), 400) << "\n";
            return 1;
        }
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        if (seconds > slowest) {
            slowest = seconds;
            slowest_file = f;
        }
        if (seconds > max_seconds) {
            std::cerr << f << ": FINDING: took " << seconds << " s, more than " << max_seconds << " s\n";
            return 1;
        }
    }
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    const double peak_mb = static_cast<double>(ru.ru_maxrss) / 1024.0;  // ru_maxrss is in KiB on Linux
    std::cout << files.size() << " inputs replayed; slowest " << slowest * 1000 << " ms (" << slowest_file
              << "); peak RSS " << peak_mb << " MiB\n";
    if (peak_mb > max_rss_mb) {
        std::cerr << "FINDING: peak RSS " << peak_mb << " MiB, more than " << max_rss_mb << " MiB\n";
        return 1;
    }
    return 0;
}
