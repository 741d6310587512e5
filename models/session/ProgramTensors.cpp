#include "ProgramTensors.h"

#include "models/common/Error.h"

namespace lpu {

const TensorDecl& ProgramTensors::tensor(const std::string& name) const
{
    if (const TensorDecl* t = program_.tensor(name))
        return *t;
    std::string names;
    for (size_t i = 0; i < program_.tensors.size() && i < 12; ++i)
        names += (names.empty() ? "" : ", ") + cut_token(program_.tensors[i].name);
    if (program_.tensors.size() > 12)
        names += ", ... (" + std::to_string(program_.tensors.size()) + " in all)";
    throw InputError(program_name_ + ": no tensor " + quote_token(name) +
                     " (declared: " + (names.empty() ? "none" : names) + ")");
}

void ProgramTensors::check(const std::string& name) const
{
    if (!program_.matrix(name))
        tensor(name);
}

void ProgramTensors::load(const std::string& name, const NpyArray& a)
{
    if (const MatrixDecl* m = program_.matrix(name)) {
        const std::vector<size_t> want{m->rows, m->cols}, flat{m->cols};
        if (a.dtype != tensor_npy_dtype(m->type) || (a.shape != want && !(m->rows == 1 && a.shape == flat)))
            throw InputError(a.source + ": matrix " + quote_token(name) + " is " + std::to_string(m->rows) + " x " +
                             std::to_string(m->cols) + " " + npy_dtype_name(tensor_npy_dtype(m->type)) +
                             ", the file holds " + a.shape_text() + " " + npy_dtype_name(a.dtype));
        chip_.load_matrix(program_, *m, a.data);
        return;
    }
    const TensorDecl& t = tensor(name);
    const unsigned lanes = chip_.spec().chip.lanes();
    const std::vector<size_t> want{t.rows, lanes};
    if (a.dtype != tensor_npy_dtype(t.type) || a.shape != want)
        throw InputError(a.source + ": tensor " + quote_token(name) + " is " + std::to_string(t.rows) + " x " +
                         std::to_string(lanes) + " " + npy_dtype_name(tensor_npy_dtype(t.type)) + ", the file holds " +
                         a.shape_text() + " " + npy_dtype_name(a.dtype));
    chip_.load_tensor(t, a.data);
}

NpyArray ProgramTensors::array(const std::string& name) const
{
    NpyArray a;
    a.source = name;
    if (const MatrixDecl* m = program_.matrix(name)) {
        a.dtype = tensor_npy_dtype(m->type);
        a.descr = tensor_npy_descr(m->type);
        a.shape = {m->rows, m->cols};
        a.data = chip_.dump_matrix(program_, *m);
        return a;
    }
    const TensorDecl& t = tensor(name);
    a.dtype = tensor_npy_dtype(t.type);
    a.descr = tensor_npy_descr(t.type);
    a.shape = {t.rows, chip_.spec().chip.lanes()};
    a.data = chip_.dump_tensor(t);
    return a;
}

}  // namespace lpu
