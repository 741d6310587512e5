#include "VcdWriter.h"

#include "models/common/Error.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <unistd.h>

namespace lpu {

namespace {

constexpr size_t kFlushBytes = size_t{1} << 20;

// VCD identifier codes: printable ASCII '!'..'~', base 94, shortest first.
std::string id_code(size_t index)
{
    std::string s;
    do {
        s += static_cast<char>('!' + index % 94);
        index /= 94;
    } while (index);
    return s;
}

bool token_char(char c)
{
    const auto u = static_cast<unsigned char>(c);
    return u > ' ' && u < 127;
}

}  // namespace

VcdWriter::VcdWriter(std::string path, std::string timescale, std::string version)
    : path_(std::move(path)), timescale_(std::move(timescale)), version_(std::move(version))
{
    const std::string pid = std::to_string(::getpid());
    body_path_ = path_ + ".body.tmp." + pid;
    out_tmp_path_ = path_ + ".tmp." + pid;
    body_ = std::fopen(body_path_.c_str(), "wb");
    if (!body_)
        throw InputError(path_ + ": cannot write waveform (" + std::strerror(errno) + ")");
    buf_.reserve(kFlushBytes + 4096);
    scopes_.push_back(Scope{});  // the root: holds the top-level scopes, has no name of its own
}

VcdWriter::~VcdWriter()
{
    if (body_)
        std::fclose(body_);
    if (!finished_) {
        std::remove(body_path_.c_str());
        std::remove(out_tmp_path_.c_str());
    }
}

std::string VcdWriter::sanitise(std::string_view text)
{
    std::string s(text);
    for (char& c : s)
        if (!token_char(c))
            c = '_';
    return s.empty() ? "-" : s;
}

VcdWriter::Var VcdWriter::add(const std::vector<std::string>& scope, const std::string& name, Kind kind, unsigned width)
{
    if (finished_)
        throw std::logic_error("VcdWriter::add after finish");
    if (scope.empty())
        throw std::logic_error("VcdWriter::add: a variable needs a scope");
    if (kind == Kind::String)
        width = 1;
    if (width == 0 || width > 64)
        throw std::logic_error("VcdWriter::add: width must be 1..64");
    size_t at = 0;
    for (const std::string& part : scope) {
        size_t found = 0;
        for (size_t c : scopes_[at].children)
            if (scopes_[c].name == part)
                found = c;
        if (!found) {
            found = scopes_.size();
            scopes_.push_back(Scope{sanitise(part), {}, {}, {}});
            scopes_[at].children.push_back(found);
            scopes_[at].order.push_back(true);
        }
        at = found;
    }
    const Var v = static_cast<Var>(vars_.size());
    Variable var;
    var.name = sanitise(name);
    var.kind = kind;
    var.width = width;
    var.id = id_code(v);
    var.initial = kind == Kind::String ? "s-" : (width == 1 && kind == Kind::Wire ? "x" : "bx");
    var.committed = var.initial;
    vars_.push_back(std::move(var));
    scopes_[at].vars.push_back(v);
    scopes_[at].order.push_back(false);
    return v;
}

void VcdWriter::encode(const Variable& var, uint64_t value, std::string& out) const
{
    out.clear();
    if (var.kind == Kind::String)
        throw std::logic_error("VcdWriter: number set on string variable " + var.name);
    if (var.width < 64)
        value &= (uint64_t{1} << var.width) - 1;
    if (var.kind == Kind::Wire && var.width == 1) {
        out += value ? '1' : '0';
        return;
    }
    // Leading zeros are implied (VCD extends a shorter value with 0).
    char text[66];
    size_t n = 0;
    text[n++] = 'b';
    for (int bit = value ? 63 - __builtin_clzll(value) : 0; bit >= 0; --bit)
        text[n++] = static_cast<char>('0' + ((value >> bit) & 1));
    out.assign(text, n);
}

void VcdWriter::initial(Var v, uint64_t value)
{
    Variable& var = vars_.at(v);
    encode(var, value, var.initial);
    var.committed = var.initial;
}

void VcdWriter::initial(Var v, std::string_view text)
{
    Variable& var = vars_.at(v);
    if (var.kind != Kind::String)
        throw std::logic_error("VcdWriter: text set on non-string variable " + var.name);
    var.initial = "s" + sanitise(text);
    var.committed = var.initial;
}

void VcdWriter::mark(Var v)
{
    Variable& var = vars_[v];
    if (!var.dirty) {
        var.dirty = true;
        dirty_.push_back(v);
    }
}

void VcdWriter::set(Var v, uint64_t value)
{
    Variable& var = vars_.at(v);
    encode(var, value, var.pending);
    mark(v);
}

void VcdWriter::set(Var v, std::string_view text)
{
    Variable& var = vars_.at(v);
    if (var.kind != Kind::String)
        throw std::logic_error("VcdWriter: text set on non-string variable " + var.name);
    var.pending.assign(1, 's');
    for (char c : text)
        var.pending += token_char(c) ? c : '_';
    if (text.empty())
        var.pending += '-';
    mark(v);
}

void VcdWriter::set_x(Var v)
{
    Variable& var = vars_.at(v);
    var.pending = var.kind == Kind::String ? "s-" : (var.width == 1 && var.kind == Kind::Wire ? "x" : "bx");
    mark(v);
}

void VcdWriter::window(uint64_t from, uint64_t to)
{
    if (now_ != 0 || from > to)
        throw std::logic_error("VcdWriter::window: after the first time step, or from > to");
    from_ = from;
    to_ = to;
    last_dumped_time_ = from;
}

void VcdWriter::time(uint64_t t)
{
    if (t < now_)
        throw std::logic_error("VcdWriter: time " + std::to_string(t) + " is before " + std::to_string(now_));
    if (t == now_)
        return;
    flush_step();
    now_ = t;
    step_dumped_ = false;
}

void VcdWriter::emit(const char* data, size_t n)
{
    buf_.append(data, n);
    if (buf_.size() >= kFlushBytes) {
        write_out(body_, buf_, path_);
        buf_.clear();
    }
}

void VcdWriter::flush_step()
{
    for (Var v : dirty_) {
        Variable& var = vars_[v];
        var.dirty = false;
        if (now_ <= from_) {  // the window's first time is the $dumpvars section, written by finish()
            var.initial = var.pending;
            var.committed = var.pending;
            continue;
        }
        if (now_ >= to_ || var.pending == var.committed)
            continue;
        if (!step_dumped_) {
            const std::string stamp = "#" + std::to_string(now_) + "\n";
            emit(stamp.data(), stamp.size());
            step_dumped_ = true;
            last_dumped_time_ = now_;
        }
        var.committed.swap(var.pending);
        buf_ += var.committed;
        if (var.committed.size() != 1)  // scalars are "1!", everything else "b101 !"
            buf_ += ' ';
        buf_ += var.id;
        emit("\n", 1);
    }
    dirty_.clear();
}

void VcdWriter::write_out(std::FILE* f, const std::string& bytes, const std::string& what)
{
    if (!bytes.empty() && std::fwrite(bytes.data(), 1, bytes.size(), f) != bytes.size())
        throw InputError(what + ": cannot write waveform (" + std::strerror(errno) + ")");
}

void VcdWriter::write_scope(std::string& out, size_t scope) const
{
    const Scope& s = scopes_[scope];
    size_t child = 0, var = 0;
    for (bool is_scope : s.order) {
        if (is_scope) {
            const size_t c = s.children[child++];
            out += "$scope module " + scopes_[c].name + " $end\n";
            write_scope(out, c);
            out += "$upscope $end\n";
            continue;
        }
        const Variable& v = vars_[s.vars[var++]];
        const char* kind = v.kind == Kind::Wire ? "wire" : v.kind == Kind::Integer ? "integer" : "string";
        out += std::string("$var ") + kind + " " + std::to_string(v.width) + " " + v.id + " " + v.name;
        if (v.kind == Kind::Wire && v.width > 1)
            out += " [" + std::to_string(v.width - 1) + ":0]";
        out += " $end\n";
    }
}

void VcdWriter::finish(uint64_t end_time)
{
    if (finished_)
        throw std::logic_error("VcdWriter::finish twice");
    time(end_time);
    flush_step();
    // The dump lasts until end_time (the window's end at the latest) even if nothing changes then.
    const uint64_t last = std::min(end_time, to_);
    if (last > last_dumped_time_) {
        const std::string stamp = "#" + std::to_string(last) + "\n";
        buf_ += stamp;
    }
    write_out(body_, buf_, path_);
    buf_.clear();
    buf_.shrink_to_fit();
    const bool closed_ok = std::fclose(body_) == 0;
    body_ = nullptr;
    if (!closed_ok)
        throw InputError(path_ + ": cannot write waveform (" + std::strerror(errno) + ")");

    std::string head = "$version " + version_ + " $end\n$timescale " + timescale_ + " $end\n";
    write_scope(head, 0);
    head += "$enddefinitions $end\n#" + std::to_string(std::min(from_, end_time)) + "\n$dumpvars\n";
    for (const Variable& v : vars_)
        head += v.initial + (v.initial.size() == 1 ? "" : " ") + v.id + "\n";
    head += "$end\n";

    std::FILE* out = std::fopen(out_tmp_path_.c_str(), "wb");
    if (!out)
        throw InputError(path_ + ": cannot write waveform (" + std::strerror(errno) + ")");
    std::FILE* in = std::fopen(body_path_.c_str(), "rb");
    try {
        if (!in)
            throw InputError(path_ + ": cannot read back waveform (" + std::strerror(errno) + ")");
        write_out(out, head, path_);
        std::string chunk(kFlushBytes, '\0');
        for (size_t n; (n = std::fread(chunk.data(), 1, chunk.size(), in)) > 0;)
            if (std::fwrite(chunk.data(), 1, n, out) != n)
                throw InputError(path_ + ": cannot write waveform (" + std::strerror(errno) + ")");
        if (std::ferror(in))
            throw InputError(path_ + ": cannot read back waveform (" + std::strerror(errno) + ")");
    } catch (...) {
        if (in)
            std::fclose(in);
        std::fclose(out);
        throw;
    }
    std::fclose(in);
    if (std::fclose(out) != 0)
        throw InputError(path_ + ": cannot write waveform (" + std::strerror(errno) + ")");
    if (std::rename(out_tmp_path_.c_str(), path_.c_str()) != 0)
        throw InputError(path_ + ": cannot write waveform (" + std::strerror(errno) + ")");
    std::remove(body_path_.c_str());
    finished_ = true;
}

}  // namespace lpu
