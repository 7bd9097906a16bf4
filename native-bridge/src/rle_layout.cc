// Frame geometry and header validation (PS3.5 G.2, G.5). Sizes come from the dataset's Rows,
// Columns, Samples per Pixel and Bits Allocated, never from the compressed stream.
#include "rle_codec.h"

namespace larmor {

namespace {
constexpr size_t kHeaderLength = 64;
// A replicate run (2 input bytes) yields at most 128 bytes (PS3.5 G.3.1).
constexpr size_t kMaxExpansion = 64;
constexpr uint64_t kMaxFrameLength = 0x7fffffffULL;

uint32_t ReadUint32LE(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) | (static_cast<uint32_t>(p[1]) << 8) |
         (static_cast<uint32_t>(p[2]) << 16) | (static_cast<uint32_t>(p[3]) << 24);
}

bool Fail(RleFailure* failure, const char* code, std::string message) {
  failure->code = code;
  failure->message = std::move(message);
  return false;
}
}  // namespace

bool ComputeLayout(const RleFrameInfo& info, FrameLayout* layout, RleFailure* failure) {
  if (info.rows < 1 || info.rows > 0xffff || info.columns < 1 || info.columns > 0xffff) {
    return Fail(failure, "LARMOR_E_RLE_INVALID_FRAME_INFO", "Rows and Columns must be integers in 1..65535");
  }
  if (info.samples_per_pixel != 1 && info.samples_per_pixel != 3) {
    return Fail(failure, "LARMOR_E_RLE_INVALID_FRAME_INFO", "Samples per Pixel is not 1 or 3");
  }
  const uint32_t bits = info.bits_allocated;
  if (bits != 8 && bits != 16 && bits != 32 && !(bits == 1 && info.samples_per_pixel == 1)) {
    return Fail(failure, "LARMOR_E_RLE_INVALID_FRAME_INFO", "Bits Allocated is not 8, 16 or 32 (or 1 for one sample)");
  }
  if (info.planar_configuration > 1) {
    return Fail(failure, "LARMOR_E_RLE_INVALID_FRAME_INFO", "Planar Configuration is not 0 or 1");
  }
  const uint64_t pixels = static_cast<uint64_t>(info.rows) * info.columns;
  const uint64_t bytes_per_sample = bits == 1 ? 1 : bits / 8;
  // 1-bit data is packed 8 pixels per byte (PS3.5 8.1.1) into a single segment.
  const uint64_t segment_length = bits == 1 ? (pixels + 7) / 8 : pixels;
  const uint64_t segment_count = info.samples_per_pixel * bytes_per_sample;
  const uint64_t frame_length = segment_length * segment_count;
  if (frame_length > kMaxFrameLength) {
    return Fail(failure, "LARMOR_E_RLE_FRAME_TOO_LARGE",
                "a decoded frame of " + std::to_string(frame_length) + " bytes exceeds 2147483647");
  }
  layout->samples = info.samples_per_pixel;
  layout->bytes_per_sample = bytes_per_sample;
  layout->planar = info.planar_configuration == 1;
  layout->pixels = pixels;
  layout->segment_length = segment_length;
  layout->segment_count = segment_count;
  layout->frame_length = frame_length;
  return true;
}

bool ReadSegmentTable(const uint8_t* frame, size_t length, const FrameLayout& layout,
                      std::vector<uint32_t>* bounds, RleFailure* failure) {
  if (length < kHeaderLength) {
    return Fail(failure, "LARMOR_E_RLE_HEADER_TRUNCATED",
                "RLE frame of " + std::to_string(length) + " bytes is shorter than its 64-byte header");
  }
  const uint32_t count = ReadUint32LE(frame);
  if (count < 1 || count > 15) {
    return Fail(failure, "LARMOR_E_RLE_BAD_SEGMENT_COUNT",
                "RLE header declares " + std::to_string(count) + " segments (allowed 1..15)");
  }
  if (count != layout.segment_count) {
    return Fail(failure, "LARMOR_E_RLE_SEGMENT_COUNT_MISMATCH",
                "RLE header declares " + std::to_string(count) + " segments, the image needs " +
                    std::to_string(layout.segment_count) + " (samples x bytes per sample)");
  }
  bounds->assign(static_cast<size_t>(count) * 2, 0);
  const uint32_t first = ReadUint32LE(frame + 4);
  if (first != kHeaderLength) {
    return Fail(failure, "LARMOR_E_RLE_BAD_FIRST_OFFSET",
                "first RLE segment offset is " + std::to_string(first) + ", must be 64");
  }
  (*bounds)[0] = first;
  for (uint32_t i = 1; i < count; i++) {
    const uint32_t offset = ReadUint32LE(frame + 4 + i * 4);
    if (offset <= (*bounds)[(i - 1) * 2] || offset >= length) {
      return Fail(failure, "LARMOR_E_RLE_BAD_SEGMENT_OFFSET",
                  "RLE segment " + std::to_string(i) + " offset " + std::to_string(offset) +
                      " is not increasing or outside the " + std::to_string(length) + "-byte frame");
    }
    (*bounds)[i * 2] = offset;
    (*bounds)[(i - 1) * 2 + 1] = offset;
  }
  (*bounds)[(count - 1) * 2 + 1] = static_cast<uint32_t>(length);
  // Reject segments too short to ever fill Rows x Columns before anything is allocated.
  for (uint32_t i = 0; i < count; i++) {
    const uint64_t available = (*bounds)[i * 2 + 1] - (*bounds)[i * 2];
    if (available * kMaxExpansion < layout.segment_length) {
      return Fail(failure, "LARMOR_E_RLE_SEGMENT_TOO_SHORT",
                  "RLE segment " + std::to_string(i) + " has " + std::to_string(available) +
                      " bytes, too few to decode " + std::to_string(layout.segment_length));
    }
  }
  return true;
}

}  // namespace larmor
