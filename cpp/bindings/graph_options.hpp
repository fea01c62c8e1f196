// Shared by the graph binding files: the flow options of the Python keywords.
#pragma once

#include "unsup/graph/flow.hpp"

namespace unsup::bindings {

inline graph::FlowOptions flow_options(bool directed, double teleportation, bool recorded, bool to_nodes) {
    graph::FlowOptions o;
    o.directed = directed;
    o.teleportation = teleportation;
    o.recorded_teleportation = recorded;
    o.teleport_to_nodes = to_nodes;
    return o;
}

}  // namespace unsup::bindings
