// The ICU queues of a chip (docs/isa.md 3.2): one per MEM slice, VXM.0.., SXM_x.0.. per SXM and
// three per MXM plane, each with its kind, its slice's floorplan position and its unit index.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace lpu {

struct ChipSpec;

enum class QueueKind : uint8_t { MEM, VXM, SXM, MXM_W, MXM_A, MXM_C, C2C };

const char* queue_kind_name(QueueKind kind);

struct QueueInfo {
    std::string name;  // "MEM_W3", "VXM.0", "SXM_E0.5", "MXM_W1.a", "C2C.7"
    QueueKind kind;
    unsigned position;  // floorplan position of its slice
    unsigned unit;      // MEM: slice index (west 0..n/2-1 outward, then east); MXM: plane index; C2C: link
};

// Every queue of a chip config, in a fixed order (MEM, VXM, SXM, MXM, C2C), with their slices.
class QueueMap {
public:
    explicit QueueMap(const ChipSpec& spec);

    const std::vector<QueueInfo>& queues() const { return queues_; }
    // Index of the queue called `name`, or -1.
    int find(const std::string& name) const;
    unsigned positions() const { return positions_; }

private:
    std::vector<QueueInfo> queues_;
    unsigned positions_ = 0;
};

}  // namespace lpu
