// RLE Lossless encoding (PS3.5 G.3.1, G.4, G.5); byte-identical to native-bridge/rle/encode.ts.
// Each row of each segment is PackBits-encoded on its own (G.3.1: rows are not crossed); runs of
// 3 or more equal bytes become replicate runs, the rest literal runs of up to 128 bytes; each
// segment is padded to even length with a zero byte.
#include <cstring>
#include <vector>

#include "rle_codec.h"

namespace larmor {

namespace {

constexpr size_t kHeaderLength = 64;
constexpr size_t kMinReplicate = 3;
constexpr size_t kMaxRun = 128;

void WriteUint32LE(uint8_t* p, uint32_t v) {
  p[0] = v & 0xff;
  p[1] = (v >> 8) & 0xff;
  p[2] = (v >> 16) & 0xff;
  p[3] = (v >> 24) & 0xff;
}

uint8_t* FlushLiteral(const uint8_t* row, size_t start, size_t end, uint8_t* out) {
  while (start < end) {
    const size_t n = end - start < kMaxRun ? end - start : kMaxRun;
    *out++ = static_cast<uint8_t>(n - 1);
    std::memcpy(out, row + start, n);
    out += n;
    start += n;
  }
  return out;
}

uint8_t* PackRow(const uint8_t* row, size_t length, uint8_t* out) {
  size_t i = 0;
  size_t literal_start = 0;
  while (i < length) {
    const uint8_t value = row[i];
    size_t run = 1;
    while (i + run < length && run < kMaxRun && row[i + run] == value) run++;
    if (run >= kMinReplicate) {
      out = FlushLiteral(row, literal_start, i, out);
      *out++ = static_cast<uint8_t>(257 - run);  // -(run - 1) as a byte
      *out++ = value;
      i += run;
      literal_start = i;
    } else {
      i += run;
    }
  }
  return FlushLiteral(row, literal_start, length, out);
}

}  // namespace

size_t MaxEncodedLength(const RleFrameInfo& info, const FrameLayout& layout) {
  const size_t row_length = info.bits_allocated == 1 ? layout.segment_length : info.columns;
  const size_t rows = layout.segment_length / row_length;
  const size_t worst_segment = layout.segment_length + rows * ((row_length + kMaxRun - 1) / kMaxRun) + 1;
  return kHeaderLength + layout.segment_count * worst_segment;
}

size_t EncodeFrame(const uint8_t* pixels, const RleFrameInfo& info, const FrameLayout& layout, uint8_t* out) {
  // 1-bit data has no byte rows; its packed stream is encoded as one "row".
  const size_t row_length = info.bits_allocated == 1 ? layout.segment_length : info.columns;
  const size_t rows = layout.segment_length / row_length;
  std::memset(out, 0, kHeaderLength);
  WriteUint32LE(out, static_cast<uint32_t>(layout.segment_count));
  std::vector<uint8_t> row(row_length);
  uint8_t* pos = out + kHeaderLength;
  for (size_t s = 0; s < layout.segment_count; s++) {
    WriteUint32LE(out + 4 + 4 * s, static_cast<uint32_t>(pos - out));
    const auto [start, stride] = PlaceSegment(layout, s);
    for (size_t r = 0; r < rows; r++) {
      const uint8_t* source = pixels + start + r * row_length * stride;
      const uint8_t* row_data = source;
      if (stride != 1) {
        for (size_t c = 0; c < row_length; c++) row[c] = source[c * stride];
        row_data = row.data();
      }
      pos = PackRow(row_data, row_length, pos);
    }
    if ((pos - out - kHeaderLength) % 2 == 1) *pos++ = 0;  // PS3.5 G.3.1: even-length segments
  }
  return static_cast<size_t>(pos - out);
}

}  // namespace larmor
