// The .npy reader (common/NpyReader.cpp): parse_npy on the bytes in memory, and read_npy on the
// same bytes as a file (it reads the header and data with seeks of its own). Both must agree:
// the same array, or both an InputError with the same reason.
#include "FuzzTarget.h"

#include "models/common/NpyReader.h"

#include <sys/mman.h>
#include <unistd.h>

namespace {

// The bytes as a file of their own: an anonymous memory file, named through /proc.
class MemFile {
public:
    MemFile(const uint8_t* data, size_t size) : fd_(memfd_create("fuzz.npy", 0))
    {
        if (fd_ < 0)
            lpu::fuzz::finding("memfd_create failed");
        for (size_t done = 0; done < size;) {
            const ssize_t n = write(fd_, data + done, size - done);
            if (n <= 0)
                lpu::fuzz::finding("writing the memory file failed");
            done += static_cast<size_t>(n);
        }
    }
    ~MemFile() { close(fd_); }
    MemFile(const MemFile&) = delete;
    MemFile& operator=(const MemFile&) = delete;
    std::string path() const { return "/proc/self/fd/" + std::to_string(fd_); }

private:
    int fd_;
};

// The reason of an InputError "name: reason".
std::string reason(const lpu::InputError& e, const std::string& name)
{
    const std::string what = e.what();
    return what.compare(0, name.size() + 2, name + ": ") == 0 ? what.substr(name.size() + 2) : what;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    using namespace lpu;
    std::string from_memory, from_file;
    NpyArray a, b;
    try {
        a = parse_npy(data, size, "fuzz.npy");
        (void)a.shape_text();
        if (a.data.size() != a.count() * a.item_size())
            fuzz::finding("the data holds " + std::to_string(a.data.size()) + " bytes, the shape " + a.shape_text() +
                          " needs " + std::to_string(a.count() * a.item_size()));
    } catch (const InputError& e) {
        from_memory = "error: " + reason(e, "fuzz.npy");
    }
    const MemFile file(data, size);
    try {
        b = read_npy(file.path());
    } catch (const InputError& e) {
        from_file = "error: " + reason(e, file.path());
    }
    if (from_memory != from_file)
        fuzz::finding("parse_npy and read_npy disagree: '" + from_memory + "' vs '" + from_file + "'");
    if (from_memory.empty() && (a.descr != b.descr || a.shape != b.shape || a.data != b.data || a.version != b.version))
        fuzz::finding("parse_npy and read_npy read different arrays");
    return 0;
}
