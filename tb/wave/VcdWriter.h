// A streaming VCD (IEEE 1364 value change dump) writer, with the `string` variables GTKWave and
// vcd2fst read (`$var string 1 <id> name $end`, values `s<text> <id>`).
//
// Values are written to disk as time moves on, never held: a time step's changes are buffered
// only until the next time step, so the last value set in a step wins and a value equal to the
// one already dumped is not written again. Variables may be declared at any time before
// finish() (a signal can appear when it first matters): the value changes go to a temporary
// file beside the output, and finish() writes header, initial values and changes into the
// output in one atomic rename, so an earlier file at that path is never left half-written.
// The output is a function of the calls only (no date, no host): same calls, same bytes.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

namespace lpu {

class VcdWriter {
public:
    enum class Kind : uint8_t { Wire, Integer, String };
    using Var = uint32_t;

    // The dump goes to `path` at finish(); `timescale` is VCD's, e.g. "1ps". Throws InputError if
    // the temporary file beside `path` cannot be created.
    VcdWriter(std::string path, std::string timescale, std::string version = "lpusim");
    ~VcdWriter();  // removes the temporary files if finish() was not reached
    VcdWriter(const VcdWriter&) = delete;
    VcdWriter& operator=(const VcdWriter&) = delete;

    // Declares `name` in `scope` (outermost first; scopes are created on first use and dumped in
    // the order they were first named). Wire: `width` bits; Integer: `width` bits; String:
    // `width` is ignored. Until set, a variable is x (strings: "-").
    Var add(const std::vector<std::string>& scope, const std::string& name, Kind kind, unsigned width = 1);
    // The value from time 0 until the first change dumped (written with $dumpvars). For a
    // variable declared late: what it was before it mattered.
    void initial(Var v, uint64_t value);
    void initial(Var v, std::string_view text);

    // Dumps only times in [from, to): the values at `from` (changes up to and including it) are
    // the $dumpvars section, stamped #from; changes at `to` or later are not written and the dump
    // ends at `to` at the latest. Call before the first time step.
    void window(uint64_t from, uint64_t to);

    // Moves to time `t`; throws std::logic_error if `t` is before the current time.
    void time(uint64_t t);
    uint64_t now() const { return now_; }
    void set(Var v, uint64_t value);         // wires and integers: the low `width` bits
    void set(Var v, std::string_view text);  // strings; whitespace and control characters become '_'
    void set_x(Var v);

    // Dumps the last step, extends the dump to `end_time` (>= now()) and writes the file.
    // Throws InputError if it cannot be written.
    void finish(uint64_t end_time);
    bool finished() const { return finished_; }
    const std::string& path() const { return path_; }

    // `text` with every byte that would end a VCD token (whitespace, control characters, DEL
    // and above) replaced by '_'; "-" if empty.
    static std::string sanitise(std::string_view text);

private:
    struct Variable {
        std::string name;
        Kind kind;
        unsigned width;
        std::string id;         // identifier code
        std::string initial;    // encoded value (below) at time 0
        std::string committed;  // last value dumped (or initial)
        std::string pending;    // value set in the current step
        bool dirty = false;
    };
    struct Scope {
        std::string name;
        std::vector<size_t> children;  // scopes_ indices
        std::vector<Var> vars;
        std::vector<bool> order;  // true: next child scope, false: next var (declaration order)
    };

    // Encoded values: "0", "1", "x" for 1-bit wires; "b<bits>" for vectors; "s<text>" for strings.
    void encode(const Variable& var, uint64_t value, std::string& out) const;
    void mark(Var v);
    void flush_step();
    void emit(const char* data, size_t n);
    void write_out(std::FILE* f, const std::string& bytes, const std::string& what);
    void write_scope(std::string& out, size_t scope) const;

    std::string path_, timescale_, version_;
    std::string body_path_, out_tmp_path_;
    std::FILE* body_ = nullptr;
    std::string buf_;  // body bytes not yet handed to the file
    std::vector<Variable> vars_;
    std::vector<Scope> scopes_;
    std::vector<Var> dirty_;
    uint64_t now_ = 0;
    bool step_dumped_ = false;  // "#now" already written
    uint64_t last_dumped_time_ = 0;
    uint64_t from_ = 0;           // window(): steps at or before it are the initial values
    uint64_t to_ = ~uint64_t{0};  // window(): steps from it on are not dumped
    bool finished_ = false;
};

}  // namespace lpu
