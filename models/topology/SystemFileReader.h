// Reads one system file (docs/system.md) into a SystemSpec: its chip types (chip config files or
// inline chips), the topology, generated or listed link by link, per-chip clocks and per-link
// parameters. Every key is declared where it is read (models/common/ParamNode.h), so errors are
// "file:line:col: key.path: reason", the first in file order.
#pragma once

#include "models/common/Error.h"
#include "models/topology/SystemSpec.h"

#include <yaml-cpp/yaml.h>

#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace lpu {

class ParamNode;

class SystemFileReader {
public:
    // `source` names the file in messages; chip config files are found relative to its folder.
    explicit SystemFileReader(std::string source);
    // The system of a document parsed within limits (load_yaml). Throws ConfigError.
    SystemSpec read(const YAML::Node& doc);

private:
    void read_types(ParamNode& system);
    void read_type(ParamNode& types, const std::string& name);
    void read_type_file(ParamNode& t, SystemChipType& type);
    void read_topology(ParamNode& system);
    void read_topology_sizes(ParamNode& topo);
    void check_port_budget(ParamNode& topo);
    void generate();
    void read_chips(ParamNode& system);
    void read_chip(ParamNode& chips, const std::string& name);
    void read_links(ParamNode& system);
    // What one entry of `links` names: its two chips and the ports it gives, where they exist.
    // read_port reads a port the entry gives (nothing when that chip's type is unknown).
    struct LinkRef {
        std::optional<unsigned> chip[2];
        std::optional<unsigned> port[2];
        bool bad_port = false;  // a port the file gives is not one of its chip's (or the chip is unknown)
        bool valid() const { return chip[0] && chip[1] && *chip[0] != *chip[1] && !bad_port; }
    };
    void read_link(ParamNode& item, size_t index);
    void override_link(ParamNode& item, size_t index, const LinkRef& ref);
    void add_custom_link(ParamNode& item, size_t index, const LinkRef& ref);
    void assign_free_ports(std::vector<ParamNode>& items);
    std::optional<unsigned> find_chip(ParamNode& item, const std::string& key);
    std::optional<unsigned> read_port(ParamNode& item, const std::string& key, std::optional<unsigned> chip);
    std::string chip_text(unsigned chip) const { return quote_token(spec_.chips[chip].name); }
    SourcePos position(const std::string& path) const;
    LinkParams chip_link_defaults() const;
    std::optional<unsigned> type_named(const std::string& name) const;
    std::string type_list() const;
    void check_connected() const;
    unsigned ports_of(unsigned chip) const;
    void draw_clocks(double ppm_spread);

    std::string source_;
    std::shared_ptr<Config> record_;
    SystemSpec spec_;
    LinkParams defaults_;
    std::string default_type_;  // topology.type ("" when the file names none)
    bool custom_ = false;
    // Per chip, per port: the link using it, or -1.
    std::vector<std::vector<int>> port_link_;
    std::unordered_map<std::string, unsigned> chip_index_;
    std::vector<bool> ppm_given_;
    std::vector<bool> typed_;        // per chip: its type is known
    std::vector<size_t> link_item_;  // per link: its entry in `links`, or SIZE_MAX
    // Custom links whose ports the file leaves to the reader: (link, end b?), in file order.
    struct FreeEnd {
        size_t link;
        bool b;
        size_t item;
    };
    std::vector<FreeEnd> free_ends_;
    bool hinted_ = false;  // a "did you mean" was computed (only the first unknown chip needs one)
};

}  // namespace lpu
