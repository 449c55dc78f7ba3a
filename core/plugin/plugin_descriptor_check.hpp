// The loader's refusal of a plugin built under other assumptions: compares the plugin's build
// descriptor (ocirun/plugin_descriptor.hpp) with ocirun's own, field by field.
#pragma once

#include <string>
#include <vector>

#include "ocirun/plugin.hpp"

namespace ocirun::plugin_detail {

// The descriptor of this ocirun build (what a plugin must match).
const ocirun_plugin_descriptor_t& host_descriptor();

// "libstdc++ of GCC 12 (cxx11 ABI, __GLIBCXX__ 20230415)", "libc++ 14 (_LIBCPP_VERSION 14000)".
std::string describe_cxx_library(const ocirun_plugin_descriptor_t& d);

// `bytes` is the plugin's exported ocirun_plugin_descriptor as read from its file. Throws
// ocirun::Error "<where>: <which assumption differs>" on the first difference.
void check_plugin_descriptor(const std::vector<unsigned char>& bytes, const std::string& where);

}  // namespace ocirun::plugin_detail
