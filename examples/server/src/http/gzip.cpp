// SPDX-License-Identifier: Apache-2.0
#include "http/gzip.hpp"

#include <zlib.h>

#include <algorithm>
#include <limits>

namespace energy::server {

namespace {

struct inflater {
  z_stream z{};
  bool open = false;
  inflater() {
    // 16 + MAX_WBITS: gzip wrapper only (not raw deflate or zlib), so the encoding means what it
    // says.
    if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) throw std::bad_alloc();
    open = true;
  }
  ~inflater() {
    if (open) inflateEnd(&z);
  }
  inflater(const inflater&) = delete;
  inflater& operator=(const inflater&) = delete;
};

}  // namespace

std::string gunzip(std::string_view compressed, std::size_t max_output) {
  if (compressed.size() > std::numeric_limits<uInt>::max())
    throw std::invalid_argument("gzip body too large to inflate in one call");
  inflater inf;
  std::string out;
  // Start from a guess bounded by the limit; grow geometrically, never past the limit + 1 (the
  // one extra byte detects "more than the limit").
  out.resize(
      std::min<std::size_t>(std::max<std::size_t>(compressed.size() * 4, 4096), max_output + 1));
  inf.z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data()));
  inf.z.avail_in = static_cast<uInt>(compressed.size());
  std::size_t produced = 0;
  while (true) {
    if (produced == out.size()) {
      if (out.size() > max_output)
        throw inflate_limit_error("decompressed body exceeds " + std::to_string(max_output) +
                                  " bytes");
      out.resize(std::min(out.size() * 2, max_output + 1));
    }
    const std::size_t room = std::min<std::size_t>(out.size() - produced, 1u << 30);
    inf.z.next_out = reinterpret_cast<Bytef*>(out.data() + produced);
    inf.z.avail_out = static_cast<uInt>(room);
    const int rc = inflate(&inf.z, Z_NO_FLUSH);
    produced += room - inf.z.avail_out;
    if (produced > max_output)
      throw inflate_limit_error("decompressed body exceeds " + std::to_string(max_output) +
                                " bytes");
    if (rc == Z_STREAM_END) {
      if (inf.z.avail_in == 0) break;
      // Another gzip member follows.
      if (inflateReset(&inf.z) != Z_OK) throw std::invalid_argument("gzip: cannot reset stream");
      continue;
    }
    if (rc == Z_BUF_ERROR && inf.z.avail_in == 0)
      throw std::invalid_argument("gzip body is truncated");
    if (rc != Z_OK && rc != Z_BUF_ERROR) {
      throw std::invalid_argument(std::string("gzip body is not valid: ") +
                                  (inf.z.msg != nullptr ? inf.z.msg : "zlib error"));
    }
  }
  out.resize(produced);
  return out;
}

std::string gzip(std::string_view plain) {
  z_stream z{};
  if (deflateInit2(&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    throw std::bad_alloc();
  std::string out(deflateBound(&z, static_cast<uLong>(plain.size())), '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(plain.data()));
  z.avail_in = static_cast<uInt>(plain.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  if (rc != Z_STREAM_END) throw std::runtime_error("gzip: deflate failed");
  return out;
}

}  // namespace energy::server
