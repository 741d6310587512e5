#include "Assembler.h"

#include "models/isa/OpcodeTable.h"

#include "models/common/AsciiText.h"
#include "models/common/Error.h"
#include "models/common/InputFile.h"
#include "models/spec/ChipSpec.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>

namespace lpu {

namespace {

struct Token {
    std::string text;
    int col;  // 1-based
};

// Splits a line into tokens at blanks and commas; ';' and '#' start a comment. Into `out`, whose
// capacity serves every line (a program has hundreds of thousands).
void tokenize(const std::string& line, std::vector<Token>& out)
{
    out.clear();
    size_t i = 0;
    while (i < line.size()) {
        const char c = line[i];
        if (c == ';' || c == '#')
            break;
        if (is_blank(c) || c == ',') {
            ++i;
            continue;
        }
        size_t j = i;
        while (j < line.size() && !is_blank(line[j]) && line[j] != ',' && line[j] != ';' && line[j] != '#')
            ++j;
        out.push_back({line.substr(i, j - i), static_cast<int>(i + 1)});
        i = j;
    }
}

class Parser {
public:
    Parser(const std::string& file, const ChipSpec& spec)
        : file_(file), map_(spec), mem_(spec.mem), limits_(isa_limits(spec))
    {
        program_.queues.resize(map_.queues().size());
        iterations_.assign(map_.queues().size(), 1);
    }

    // Instructions before any .queue directive go to `queue` (text fetched into a queue).
    void start_in(const std::string& queue)
    {
        queue_ = map_.find(queue);
        if (queue_ < 0)
            throw std::logic_error("no queue " + queue);
    }
    // The text is one line of a larger one, `line`, holding one instruction read on its own.
    void one_instruction(int line)
    {
        line_no_ = line - 1;
        sequence_rules_ = false;
    }

    Program run(const std::string& source)
    {
        std::string line;
        for (size_t at = 0; at < source.size();) {  // the lines std::getline would give
            const size_t eol = std::min(source.find('\n', at), source.size());
            line.assign(source, at, eol - at);
            at = eol + 1;
            ++line_no_;
            if (!line.empty() && line.back() == '\r')
                line.pop_back();
            tokenize(line, toks_);
            next_ = 0;
            if (!toks_.empty())
                statement();
        }
        if (block_)
            throw InputError(block_->pos.text() + ": .block " + quote_token(block_->name) + " has no .end");
        check_matrices();
        return std::move(program_);
    }

private:
    [[noreturn]] void fail(int col, const std::string& why) const
    {
        throw InputError(file_.name() + ":" + std::to_string(line_no_) + ":" + std::to_string(col) + ": " + why);
    }
    bool more() const { return next_ < toks_.size(); }
    const Token& take(const std::string& what)
    {
        if (!more()) {
            const int col = toks_.empty() ? 1 : toks_.back().col + static_cast<int>(toks_.back().text.size());
            fail(col, "missing " + what);
        }
        return toks_[next_++];
    }
    // The name a directive declares: printable ASCII only (is_program_name), so that the
    // disassembly and the object file hold it as it is.
    const Token& declared_name(const std::string& what)
    {
        const Token& t = take(what);
        if (!is_program_name(t.text))
            fail(t.col, what + " " + quote_token(t.text) + " is not one word of printable characters");
        return t;
    }

    void end()
    {
        if (more())
            fail(toks_[next_].col, "unexpected " + quote_token(toks_[next_].text));
    }

    int64_t number(const std::string& what, int64_t lo, int64_t hi) { return number(take(what), what, lo, hi); }

    // The number `t` holds (also a part of a token, e.g. the count of a .data `V*N`).
    int64_t number(const Token& t, const std::string& what, int64_t lo, int64_t hi) const
    {
        int64_t v = 0;
        size_t used = 0;
        try {
            v = std::stoll(t.text, &used, 0);  // decimal or 0x hex
        } catch (const std::exception&) {
            fail(t.col, "expected " + what + ", got " + quote_token(t.text));
        }
        // No leading zero, signed or not: base 0 would read "010" and "-010" as octal.
        const size_t d = t.text[0] == '-' || t.text[0] == '+' ? 1 : 0;
        const bool octal =
            t.text.size() > d + 1 && t.text[d] == '0' && std::isdigit(static_cast<unsigned char>(t.text[d + 1]));
        if (used != t.text.size() || octal)
            fail(t.col, "expected " + what + " (decimal or 0x hex), got " + quote_token(t.text));
        if (v < lo || v > hi)
            fail(t.col, what + " " + cut_token(t.text) + " out of range [" + std::to_string(lo) + ", " +
                            std::to_string(hi) + "]");
        return v;
    }

    StreamId stream()
    {
        const Token& t = take("stream (e.g. s3e)");
        const std::string s = lower_ascii(t.text);
        if (s.size() < 3 || s[0] != 's' || (s.back() != 'e' && s.back() != 'w') ||
            !std::all_of(s.begin() + 1, s.end() - 1, [](unsigned char c) { return std::isdigit(c); }))
            fail(t.col, "expected a stream like s3e or s17w, got " + quote_token(t.text));
        StreamId id;
        id.dir = s.back() == 'e' ? StreamDir::East : StreamDir::West;
        // At most 9 digits: the index fits 32 bits, so a huge one is "does not exist", never
        // an escaping std::out_of_range or an index silently truncated.
        const std::string digits = s.substr(1, s.size() - 2);
        id.index = digits.size() > 9 ? ~0u : static_cast<unsigned>(std::stoul(digits));
        const unsigned count = limits_.streams(id.dir);
        if (id.index >= count)
            fail(t.col, "stream " + cut_token(t.text) + " does not exist (" + std::to_string(count) + " " +
                            (id.dir == StreamDir::East ? "east" : "west") + "bound streams)");
        return id;
    }

    void statement()
    {
        const Token& head = toks_[next_++];
        const std::string word = lower_ascii(head.text);
        if (word[0] != '.') {  // an instruction, not a directive
            if (queue_ < 0)
                fail(head.col, "instruction " + quote_token(head.text) + " before any .queue directive");
            instruction(head, word);
            return;
        }
        if (word == ".queue") {
            // A block's instructions are for the queue its .block names (found by fuzzing: a
            // .queue inside a block assembled them for another queue than the block's).
            if (block_)
                fail(head.col, ".queue inside .block " + quote_token(block_->name) + " (" + block_->pos.text() +
                                   "), whose instructions are for " + block_->queue + ": end the block first");
            const Token& name = take("queue name");
            const int q = map_.find(name.text);
            if (q < 0)
                fail(name.col, "unknown queue " + quote_token(name.text) +
                                   " (queues are e.g. MEM_W0, VXM.3, SXM_E0.1, MXM_W0.a)");
            queue_ = q;
            end();
            return;
        }
        if (word == ".tensor") {
            tensor(head);
            return;
        }
        if (word == ".fill") {
            fill();
            return;
        }
        if (word == ".data") {
            data();
            return;
        }
        if (word == ".matrix") {
            matrix(head);
            return;
        }
        if (word == ".block") {
            block(head);
            return;
        }
        if (word == ".end") {
            if (!block_)
                fail(head.col, ".end without a .block");
            end();
            finish_block();
            return;
        }
        if (queue_ < 0)
            fail(head.col, "instruction " + quote_token(head.text) + " before any .queue directive");
        instruction(head, word);
    }

    void tensor(const Token& head)
    {
        TensorDecl t;
        t.pos = {file_, line_no_, head.col};
        const Token& name = declared_name("tensor name");
        t.name = name.text;
        if (program_.tensor(t.name))
            fail(name.col, "tensor " + quote_token(t.name) + " declared twice");
        const Token& slice = take("MEM slice");
        const int q = map_.find(slice.text);
        if (q < 0 || map_.queues()[static_cast<size_t>(q)].kind != QueueKind::MEM)
            fail(slice.col, quote_token(slice.text) + " is not a MEM slice");
        t.slice = map_.queues()[static_cast<size_t>(q)].unit;
        t.slice_name = slice.text;
        t.addr = static_cast<uint32_t>(number("word address", 0, mem_.words_per_slice() - 1));
        const Token& rows_tok = toks_.size() > next_ ? toks_[next_] : head;
        t.rows = static_cast<uint32_t>(number("row count", 1, mem_.words_per_slice()));
        t.type = element_type();
        end();
        if (uint64_t{t.addr} + t.rows > mem_.words_per_slice())
            fail(rows_tok.col, "tensor " + quote_token(t.name) + " (" + std::to_string(t.rows) + " words from " +
                                   std::to_string(t.addr) + ") does not fit in the slice's " +
                                   std::to_string(mem_.words_per_slice()) + " words");
        // Byte planes go to the next slices outward, which must exist in the same hemisphere.
        const unsigned half = mem_.slices / 2;
        if ((t.slice % half) + t.element_bytes() > half)
            fail(slice.col, "tensor " + quote_token(t.name) + " needs " + std::to_string(t.element_bytes()) +
                                " slices outward from " + t.slice_name +
                                " for its byte planes; the hemisphere ends first");
        for (const auto& o : program_.tensors)
            if (t.slice < o.slice + o.element_bytes() && o.slice < t.slice + t.element_bytes() &&
                t.addr < o.addr + o.rows && o.addr < t.addr + t.rows)
                fail(head.col, "tensor " + quote_token(t.name) + " overlaps tensor " + quote_token(o.name) + " (" +
                                   o.pos.text() + ")");
        program_.tensors.push_back(std::move(t));
    }

    // The tensor a directive names; it must be declared before.
    TensorDecl& declared(const Token& name, const char* directive)
    {
        for (auto& d : program_.tensors)
            if (d.name == name.text)
                return d;
        fail(name.col, "no tensor " + quote_token(name.text) + " declared before this " + directive);
    }

    // ".fill NAME BITS": every element of the tensor declared before holds the bit pattern BITS.
    void fill()
    {
        const Token& name = take("tensor name");
        TensorDecl* t = &declared(name, ".fill");
        if (t->filled)
            fail(name.col, "tensor " + quote_token(name.text) + " filled twice");
        const unsigned bits = 8 * t->element_bytes();
        t->fill = static_cast<uint32_t>(number("element bit pattern", 0, (int64_t{1} << bits) - 1));
        t->filled = true;
        end();
    }

    // ".data NAME ROW V0 V1 ...": row ROW of the tensor declared before holds elements V0, V1, ...
    // from lane 0 (bit patterns as for .fill; `V*N` is N copies of V); the other lanes hold 0.
    void data()
    {
        const Token& name = take("tensor name");
        TensorDecl* t = &declared(name, ".data");
        const Token& row_tok = take("row");
        const auto row = static_cast<uint32_t>(number(row_tok, "row", 0, int64_t{t->rows} - 1));
        const auto [first, fresh] = data_rows_.emplace(std::make_pair(name.text, row), line_no_);
        if (!fresh)
            fail(row_tok.col, "row " + std::to_string(row) + " of tensor " + quote_token(name.text) +
                                  " given twice (first at " + file_.name() + ":" + std::to_string(first->second) + ")");
        const int64_t max = (int64_t{1} << (8 * t->element_bytes())) - 1;
        std::vector<uint32_t> values;
        if (!more())
            take("element bit pattern");  // at least one: an all-zero row is written `0`
        while (more()) {
            const Token& tok = toks_[next_++];
            const size_t star = tok.text.find('*');
            const auto v =
                static_cast<uint32_t>(number({tok.text.substr(0, star), tok.col}, "element bit pattern", 0, max));
            int64_t n = 1;
            if (star != std::string::npos) {
                const Token count{tok.text.substr(star + 1), tok.col + static_cast<int>(star) + 1};
                if (count.text.empty())
                    fail(count.col, "missing repeat count after '*'");
                n = number(count, "repeat count", 1, limits_.lanes);
            }
            if (values.size() + static_cast<size_t>(n) > limits_.lanes)
                fail(tok.col, "row " + std::to_string(row) + " of tensor " + quote_token(name.text) +
                                  " given more than " + std::to_string(limits_.lanes) + " elements (the chip's lanes)");
            values.insert(values.end(), static_cast<size_t>(n), v);
        }
        // Canonical form: the zeros at the end are the lanes not given.
        while (!values.empty() && values.back() == 0)
            values.pop_back();
        t->data.emplace_back(row, std::move(values));
    }

    TensorType element_type()
    {
        const Token& type = take("element type i8, u8, i32, f16 or f32");
        const std::string ty = lower_ascii(type.text);
        for (auto tt : {TensorType::I8, TensorType::U8, TensorType::I32, TensorType::F16, TensorType::F32})
            if (ty == tensor_type_name(tt))
                return tt;
        fail(type.col, "expected element type i8, u8, i32, f16 or f32, got " + quote_token(type.text));
    }

    // ".matrix NAME ROWS COLS TYPE": NAME@c0, NAME@c1, ... (declared anywhere in the program)
    // are its column blocks; checked when the whole text is read.
    void matrix(const Token& head)
    {
        MatrixDecl m;
        m.pos = {file_, line_no_, head.col};
        const Token& name = declared_name("matrix name");
        m.name = name.text;
        if (program_.matrix(m.name))
            fail(name.col, "matrix " + quote_token(m.name) + " declared twice");
        m.rows = static_cast<uint32_t>(number("row count", 1, mem_.words_per_slice()));
        m.cols = static_cast<uint32_t>(number("column count", 1, int64_t{1} << 24));
        m.type = element_type();
        end();
        program_.matrices.push_back(std::move(m));
    }

    void check_matrices() const
    {
        for (const MatrixDecl& m : program_.matrices)
            for (unsigned j = 0; j < m.blocks(limits_.lanes); ++j) {
                const TensorDecl* t = program_.tensor(m.block_name(j));
                auto bad = [&](const std::string& why) {
                    throw InputError(m.pos.text() + ": matrix " + quote_token(m.name) + ": " + why);
                };
                if (!t)
                    bad("its column block " + quote_token(m.block_name(j)) + " is not declared (.tensor)");
                if (t->type != m.type)
                    bad("block " + quote_token(t->name) + " is " + tensor_type_name(t->type) + ", the matrix " +
                        tensor_type_name(m.type));
                if (t->rows < m.rows)
                    bad("block " + quote_token(t->name) + " has " + std::to_string(t->rows) + " rows, the matrix " +
                        std::to_string(m.rows));
            }
    }

    // ".block NAME QUEUE SLICE ADDR": the instructions up to ".end" are assembled for QUEUE and
    // kept as text in MEM for an Ifetch (docs/isa.md 3.2), not put into the queue.
    void block(const Token& head)
    {
        if (block_)
            fail(head.col, "a .block inside .block " + quote_token(block_->name) + " (" + block_->pos.text() + ")");
        auto b = std::make_unique<InstrBlock>();
        b->pos = {file_, line_no_, head.col};
        const Token& name = declared_name("block name");
        b->name = name.text;
        for (const auto& o : program_.blocks)
            if (o.name == b->name)
                fail(name.col, "block " + quote_token(b->name) + " declared twice (" + o.pos.text() + ")");
        const Token& queue = take("queue the block is for");
        const int q = map_.find(queue.text);
        if (q < 0)
            fail(queue.col, "unknown queue " + quote_token(queue.text));
        b->queue = queue.text;
        const Token& slice = take("MEM slice");
        const int sq = map_.find(slice.text);
        if (sq < 0 || map_.queues()[static_cast<size_t>(sq)].kind != QueueKind::MEM)
            fail(slice.col, quote_token(slice.text) + " is not a MEM slice");
        b->slice = map_.queues()[static_cast<size_t>(sq)].unit;
        b->slice_name = slice.text;
        b->addr = static_cast<uint32_t>(number("word address", 0, mem_.words_per_slice() - 1));
        end();
        saved_queue_ = queue_;
        queue_ = q;
        block_ = std::move(b);
        block_list_.clear();
    }

    void finish_block()
    {
        InstrBlock& b = *block_;
        for (const Instr& in : block_list_)
            b.text += in.disasm() + "\n";
        const unsigned lanes = mem_.word_bytes();
        if (uint64_t{b.addr} + b.words(lanes) > mem_.words_per_slice())
            fail(1, "block " + quote_token(b.name) + " (" + std::to_string(b.words(lanes)) + " words from " +
                        std::to_string(b.addr) + ") does not fit in the slice");
        for (const auto& t : program_.tensors)
            if (b.slice >= t.slice && b.slice < t.slice + t.element_bytes() && b.addr < t.addr + t.rows &&
                t.addr < b.addr + b.words(lanes))
                fail(1, "block " + quote_token(b.name) + " overlaps tensor " + quote_token(t.name) + " (" +
                            t.pos.text() + ")");
        program_.blocks.push_back(std::move(b));
        block_.reset();
        queue_ = saved_queue_;
    }

    void instruction(const Token& head, const std::string& word)
    {
        const QueueInfo& q = map_.queues()[static_cast<size_t>(queue_)];
        std::vector<Instr>& list = block_ ? block_list_ : program_.queues[static_cast<size_t>(queue_)];
        Instr in;
        in.pos = {file_, line_no_, head.col};
        const OpcodeInfo* row = find_mnemonic(word);
        if (row) {
            if (!(row->queues & queue_bit(q.kind)))
                fail(head.col, quote_token(head.text) + " cannot run on queue " + q.name + " (a " +
                                   queue_kind_name(q.kind) + " queue)");
            in.op = row->op;
            operands(*row, in);
        } else if (q.kind == QueueKind::VXM) {
            vxm(head, in, q);
        } else if (q.kind == QueueKind::SXM) {
            sxm(head, in);
        } else {
            fail(head.col, "unknown instruction " + quote_token(head.text));
        }
        end();
        // The queue's sequence (check_sequence, shared with the object file's decoder).
        if (sequence_rules_) {
            const std::string bad = check_sequence(in, list.empty() ? nullptr : &list.back(), list.size(), q,
                                                   iterations_[static_cast<size_t>(queue_)]);
            if (!bad.empty())
                fail(head.col, bad);
        }
        list.push_back(std::move(in));
    }

    // The operands of a table row, in order (models/isa/OpcodeTable.h).
    void operands(const OpcodeInfo& row, Instr& in)
    {
        for (const OperandSpec& o : row.operands) {
            if (o.optional && !more())
                return;
            switch (o.kind) {
            case OperandSpec::Kind::Int:
            case OperandSpec::Kind::Address: {
                const auto [lo, hi] = o.range(limits_);
                field(in, o.field) = number(o.what, lo, hi);
                break;
            }
            case OperandSpec::Kind::Keyword: field(in, o.field) = keyword(o); break;
            case OperandSpec::Kind::Stream: stream_operand(o, in); break;
            }
        }
    }

    static int64_t& field(Instr& in, char f) { return f == 'a' ? in.a : f == 'b' ? in.b : in.c; }

    int64_t keyword(const OperandSpec& o)
    {
        const Token& t = take(o.what);
        const std::string w = lower_ascii(t.text);
        for (size_t i = 0; i < o.keywords.size(); ++i)
            if (*o.keywords[i] != '\0' && w == o.keywords[i])
                return static_cast<int64_t>(i);
        fail(t.col, std::string("expected ") + o.what + ", got " + quote_token(t.text));
    }

    // A stream operand and the consecutive streams it spans: an f16 operand the named one and the
    // next (docs/isa.md 1.5), an int32 result four.
    void stream_operand(const OperandSpec& o, Instr& in)
    {
        const Token& at = more() ? toks_[next_] : toks_.back();
        const StreamId s = stream();
        in.streams.push_back(s);
        const unsigned width = o.span == OperandSpec::Span::Int32                  ? 4
                               : o.span == OperandSpec::Span::MxmType && in.b == 2 ? 2
                                                                                   : 1;
        const unsigned count = limits_.streams(s.dir);
        if (s.index + width > count)
            fail(at.col, std::string(width == 4 ? "an int32 result" : "an f16 vector") + " needs " +
                             std::to_string(width) + " consecutive streams from " + s.text() + " (only " +
                             std::to_string(count) + " exist)");
    }

    static bool looks_like_stream(const std::string& t)
    {
        const std::string s = lower_ascii(t);
        return s.size() >= 3 && s[0] == 's' && (s.back() == 'e' || s.back() == 'w') &&
               std::all_of(s.begin() + 1, s.end() - 1, [](unsigned char c) { return std::isdigit(c); });
    }

    static bool looks_like_operand(const std::string& t)
    {
        const std::string s = lower_ascii(t);
        return looks_like_stream(t) || s == "chain" ||
               (s.size() > 3 && s.compare(0, 3, "alu") == 0 &&
                std::all_of(s.begin() + 3, s.end(), [](unsigned char c) { return std::isdigit(c); }));
    }

    // "OP TYPE..., SRC[, SRC], DST": the ALU operation in the text form of VxmAluOp, then its
    // sources and destination (docs/isa.md 3.3). A source is a stream group or `aluN` (ALU N's
    // result of this cycle, chained); the destination is a stream group or `chain` (kept in
    // this ALU's output for the next ALU).
    void vxm(const Token& head, Instr& in, const QueueInfo& q)
    {
        in.op = Opcode::Vxm;
        std::string text = head.text;
        while (more() && !looks_like_operand(toks_[next_].text))
            text += " " + toks_[next_++].text;
        try {
            in.alu = parse_vxm_alu_op(text);
            in.alu.validate();
        } catch (const InputError& e) {
            fail(head.col, e.what());
        }
        const unsigned groups = in.alu.operands() + 1;
        for (unsigned g = 0; g < groups; ++g) {
            const bool dst = g + 1 == groups;
            const Token& at = more() ? toks_[next_] : head;
            const std::string word = lower_ascii(at.text);
            if (more() && !dst && word.compare(0, 3, "alu") == 0 && !looks_like_stream(at.text)) {
                ++next_;
                const std::string digits = word.substr(3);
                const bool numeric =
                    !digits.empty() && digits.size() <= 2 &&
                    std::all_of(digits.begin(), digits.end(), [](unsigned char c) { return std::isdigit(c); });
                const unsigned long alu = numeric ? std::stoul(digits) : limits_.vxm_alus;  // else "no ALU 'alue'"
                if (alu >= limits_.vxm_alus)
                    fail(at.col, "no ALU " + quote_token(at.text) + " (the VXM has alu0 .. alu" +
                                     std::to_string(limits_.vxm_alus - 1) + ")");
                if (alu == q.unit)
                    fail(at.col, "ALU " + std::to_string(alu) + " cannot chain to itself");
                in.chain_src[g] = static_cast<int8_t>(alu);
                continue;
            }
            if (more() && dst && word == "chain") {
                ++next_;
                in.chain_out = true;
                continue;
            }
            StreamId s = stream();
            const VxmType t = dst ? in.alu.result_type() : in.alu.type;
            const unsigned width = vxm_type_bits(t) / 8;
            const unsigned count = limits_.streams(s.dir);
            if (s.index + width > count)
                fail(at.col, std::string("a ") + vxm_type_name(t) + " vector needs " + std::to_string(width) +
                                 " consecutive streams from " + s.text() + " (only " + std::to_string(count) +
                                 " exist)");
            in.streams.push_back(s);
        }
    }

    // "OP [N], IN..., OUT...": an SxmOp in its text form, then the first stream of each input and
    // output group. Every operand is one byte stream, except transpose: a group of G streams
    // in and a group of G out (docs/isa.md 3.3).
    void sxm(const Token& head, Instr& in)
    {
        in.op = Opcode::Sxm;
        std::string text = head.text;
        while (more() && !looks_like_stream(toks_[next_].text))
            text += " " + toks_[next_++].text;
        try {
            in.sxm = parse_sxm_op(text);
            in.sxm.validate(limits_.lanes, limits_.lanes_per_superlane);
        } catch (const InputError& e) {
            fail(head.col, e.what());
        }
        const bool transpose = in.sxm.kind == SxmOp::Kind::Transpose;
        const unsigned groups =
            transpose ? 2 : in.sxm.inputs(limits_.lanes_per_superlane) + in.sxm.outputs(limits_.lanes_per_superlane);
        const unsigned width = transpose ? limits_.lanes_per_superlane : 1;
        for (unsigned g = 0; g < groups; ++g) {
            const Token& at = more() ? toks_[next_] : head;
            const StreamId s = stream();
            const unsigned count = limits_.streams(s.dir);
            if (s.index + width > count)
                fail(at.col, "transpose needs " + std::to_string(width) + " consecutive streams from " + s.text() +
                                 " (only " + std::to_string(count) + " exist)");
            in.streams.push_back(s);
        }
    }

    SourceFile file_;  // shared by every position the program holds
    QueueMap map_;
    MemParams mem_;
    IsaLimits limits_;
    Program program_;
    int queue_ = -1;
    std::vector<int64_t> iterations_;  // per queue: the MEM Iterations register as the text sets it
    std::map<std::pair<std::string, uint32_t>, int> data_rows_;  // (tensor, row) of each .data: its line
    // Inside .block ... .end: the block, its instructions, and the queue to return to.
    std::unique_ptr<InstrBlock> block_;
    std::vector<Instr> block_list_;
    int saved_queue_ = -1;
    int line_no_ = 0;
    bool sequence_rules_ = true;
    std::vector<Token> toks_;
    size_t next_ = 0;
};

}  // namespace

Program assemble(const std::string& source, const std::string& file, const ChipSpec& spec)
{
    return Parser(file, spec).run(source);
}

Program assemble_for_queue(const std::string& source, const std::string& file, const ChipSpec& spec,
                           const std::string& queue)
{
    Parser parser(file, spec);
    parser.start_in(queue);
    return parser.run(source);
}

Instr assemble_instruction(const std::string& text, const std::string& file, int line, const ChipSpec& spec,
                           const std::string& queue)
{
    Parser parser(file, spec);
    parser.start_in(queue);
    parser.one_instruction(line);
    Program p = parser.run(text);
    for (std::vector<Instr>& list : p.queues)
        if (list.size() == 1 && p.instruction_count() == 1)
            return std::move(list.front());
    throw InputError(file + ":" + std::to_string(line) + ":1: not one instruction");
}

Program assemble_file(const std::string& path, const ChipSpec& spec)
{
    return assemble(read_input_file(path, "program"), path, spec);
}

std::string disassemble(const Program& program, const ChipSpec& spec)
{
    const QueueMap map(spec);
    std::ostringstream os;
    for (const auto& m : program.matrices)
        os << ".matrix " << m.name << " " << m.rows << " " << m.cols << " " << tensor_type_name(m.type) << "\n";
    for (const auto& t : program.tensors)
        os << ".tensor " << t.name << " " << t.slice_name << " 0x" << std::hex << t.addr << std::dec << " " << t.rows
           << " " << tensor_type_name(t.type) << "\n";
    for (const auto& t : program.tensors)
        if (t.filled)
            os << ".fill " << t.name << " 0x" << std::hex << t.fill << std::dec << "\n";
    // Data rows as runs (`V*N` for two or more equal values), without the zeros at the end; an
    // all-zero row is `0x0`, as .data needs a value.
    for (const auto& t : program.tensors)
        for (const auto& [row, values] : t.data) {
            os << ".data " << t.name << " " << row << std::hex;
            size_t end = values.size();
            while (end > 0 && values[end - 1] == 0)
                --end;
            if (end == 0)
                os << " 0x0";
            for (size_t i = 0; i < end;) {
                size_t j = i + 1;
                while (j < end && values[j] == values[i])
                    ++j;
                os << " 0x" << values[i];
                if (j - i >= 2)
                    os << "*" << std::dec << (j - i) << std::hex;
                i = j;
            }
            os << std::dec << "\n";
        }
    for (const auto& b : program.blocks) {
        os << ".block " << b.name << " " << b.queue << " " << b.slice_name << " 0x" << std::hex << b.addr << std::dec
           << "\n";
        std::istringstream lines(b.text);
        for (std::string line; std::getline(lines, line);)
            os << "    " << line << "\n";
        os << ".end\n";
    }
    for (size_t q = 0; q < program.queues.size(); ++q) {
        if (program.queues[q].empty())
            continue;
        os << ".queue " << map.queues()[q].name << "\n";
        for (const auto& in : program.queues[q])
            os << "    " << in.disasm() << "\n";
    }
    return os.str();
}

}  // namespace lpu
