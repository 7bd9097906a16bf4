// RLE Lossless codec core (DICOM PS3.5 Annex G), free of N-API so it can be reasoned about alone.
// Mirrors native-bridge/rle/*.ts check for check: both implementations must throw the same
// LARMOR_E_RLE_... code for the same input (tests/native-bridge check it).
#ifndef LARMOR_RLE_CODEC_H
#define LARMOR_RLE_CODEC_H

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace larmor {

struct RleFrameInfo {
  uint32_t rows;
  uint32_t columns;
  uint32_t samples_per_pixel;
  uint32_t bits_allocated;
  uint32_t planar_configuration;
};

struct FrameLayout {
  size_t samples;
  size_t bytes_per_sample;
  bool planar;
  size_t pixels;
  size_t segment_length;  // decoded bytes per segment
  size_t segment_count;
  size_t frame_length;    // decoded frame bytes
};

// A failure: `code` is the stable LARMOR_E_RLE_... string, `message` says what was wrong.
struct RleFailure {
  const char* code = nullptr;
  std::string message;
  bool failed() const { return code != nullptr; }
};

bool ComputeLayout(const RleFrameInfo& info, FrameLayout* layout, RleFailure* failure);

// Where segment `segment`'s bytes sit in the native frame (PS3.5 G.2: segments are ordered by
// sample, most significant byte first): the first byte's offset and the step between pixels.
// One definition for the decoder and the encoder, like segmentPlacement() in frame-layout.ts.
struct SegmentPlacement {
  size_t start;
  size_t stride;
};
inline SegmentPlacement PlaceSegment(const FrameLayout& layout, size_t segment) {
  const size_t sample = segment / layout.bytes_per_sample;
  const size_t byte_in_sample = layout.bytes_per_sample - 1 - (segment % layout.bytes_per_sample);
  if (layout.planar) return {sample * layout.pixels * layout.bytes_per_sample + byte_in_sample, layout.bytes_per_sample};
  return {sample * layout.bytes_per_sample + byte_in_sample, layout.samples * layout.bytes_per_sample};
}

// Validates the 64-byte header (PS3.5 G.5) and fills `bounds` with [start, end) per segment.
bool ReadSegmentTable(const uint8_t* frame, size_t length, const FrameLayout& layout,
                      std::vector<uint32_t>* bounds, RleFailure* failure);

// Decodes into `out`, which must hold layout.frame_length bytes. Writes nothing outside `out`.
bool DecodeFrame(const uint8_t* frame, const std::vector<uint32_t>& bounds, const FrameLayout& layout,
                 uint8_t* out, RleFailure* failure);

// Upper bound of the encoded size, for allocating the output once.
size_t MaxEncodedLength(const RleFrameInfo& info, const FrameLayout& layout);

// Encodes one native little-endian frame; returns the encoded length written to `out`.
size_t EncodeFrame(const uint8_t* pixels, const RleFrameInfo& info, const FrameLayout& layout, uint8_t* out);

}  // namespace larmor

#endif  // LARMOR_RLE_CODEC_H
