// RLE Lossless decoding (PS3.5 G.3.2, G.5). Every run is checked against what is left of its
// segment (input) and of the segment's decoded size (output) once, before memcpy/memset writes
// it; the inner loops then run without per-byte checks.
#include <cstring>

#include "rle_codec.h"

namespace larmor {

namespace {

bool Fail(RleFailure* failure, const char* code, std::string message) {
  failure->code = code;
  failure->message = std::move(message);
  return false;
}

// PackBits-decode src[start, end) into exactly `length` bytes at dst.
bool DecodeSegment(const uint8_t* src, size_t start, size_t end, uint8_t* dst, size_t length, size_t segment,
                   RleFailure* failure) {
  const uint8_t* in = src + start;
  const uint8_t* const in_end = src + end;
  uint8_t* out = dst;
  uint8_t* const out_end = dst + length;
  while (out < out_end && in < in_end) {
    const unsigned header = *in++;
    if (header < 128) {
      // Literal run: header + 1 bytes follow.
      const size_t n = header + 1;
      if (static_cast<size_t>(in_end - in) < n) {
        return Fail(failure, "LARMOR_E_RLE_RUN_EXCEEDS_SEGMENT",
                    "literal run of " + std::to_string(n) + " bytes overruns RLE segment " + std::to_string(segment));
      }
      if (static_cast<size_t>(out_end - out) < n) {
        return Fail(failure, "LARMOR_E_RLE_RUN_EXCEEDS_OUTPUT",
                    "literal run of " + std::to_string(n) + " bytes overruns the decoded size of segment " +
                        std::to_string(segment));
      }
      std::memcpy(out, in, n);
      in += n;
      out += n;
    } else if (header > 128) {
      // Replicate run: the next byte, 257 - header times.
      const size_t n = 257 - header;
      if (in >= in_end) {
        return Fail(failure, "LARMOR_E_RLE_RUN_EXCEEDS_SEGMENT",
                    "replicate run lacks its byte at the end of RLE segment " + std::to_string(segment));
      }
      if (static_cast<size_t>(out_end - out) < n) {
        return Fail(failure, "LARMOR_E_RLE_RUN_EXCEEDS_OUTPUT",
                    "replicate run of " + std::to_string(n) + " bytes overruns the decoded size of segment " +
                        std::to_string(segment));
      }
      std::memset(out, *in++, n);
      out += n;
    }
    // header == 128 is a no-op (PS3.5 G.3.2).
  }
  if (out < out_end) {
    return Fail(failure, "LARMOR_E_RLE_SEGMENT_TOO_SHORT",
                "RLE segment " + std::to_string(segment) + " ended after " + std::to_string(out - dst) + " of " +
                    std::to_string(length) + " bytes");
  }
  // What follows a full segment may only be padding: PS3.5 G.3.1 pads each segment to an even length
  // with a 0x00 byte, and DCMTK (dcmcrle) and GDCM (gdcmconv --rle) emit exactly that. Any other
  // byte is a run that would write past Rows x Columns, so the segment is refused rather than
  // silently cut (a no-op run, 0x80, is not padding either: no real encoder writes one there).
  for (const uint8_t* p = in; p < in_end; p++) {
    if (*p != 0) {
      return Fail(failure, "LARMOR_E_RLE_TRAILING_DATA",
                  "RLE segment " + std::to_string(segment) + " continues with data at byte " +
                      std::to_string(p - (src + start)) + " after its " + std::to_string(length) +
                      " bytes are decoded");
    }
  }
  return true;
}

// Two byte planes (most significant first, PS3.5 G.2) into little-endian 16-bit samples.
void Interleave16(const uint8_t* __restrict high, const uint8_t* __restrict low, uint8_t* __restrict out,
                  size_t pixels) {
  for (size_t p = 0; p < pixels; p++) {
    out[2 * p] = low[p];
    out[2 * p + 1] = high[p];
  }
}

}  // namespace

bool DecodeFrame(const uint8_t* frame, const std::vector<uint32_t>& bounds, const FrameLayout& layout,
                 uint8_t* out, RleFailure* failure) {
  const size_t count = layout.segment_count;
  const size_t length = layout.segment_length;
  if (count == 1 || (layout.planar && layout.bytes_per_sample == 1)) {
    // Each segment is a contiguous span of the output: decode in place.
    for (size_t s = 0; s < count; s++) {
      if (!DecodeSegment(frame, bounds[2 * s], bounds[2 * s + 1], out + s * length, length, s, failure)) return false;
    }
    return true;
  }
  std::vector<uint8_t> planes(length * (count == 2 ? 2 : 1));
  if (count == 2) {
    uint8_t* high = planes.data();
    uint8_t* low = planes.data() + length;
    if (!DecodeSegment(frame, bounds[0], bounds[1], high, length, 0, failure)) return false;
    if (!DecodeSegment(frame, bounds[2], bounds[3], low, length, 1, failure)) return false;
    Interleave16(high, low, out, length);
    return true;
  }
  // General case: decode into a scratch plane, then scatter with the segment's stride.
  uint8_t* plane = planes.data();
  for (size_t s = 0; s < count; s++) {
    if (!DecodeSegment(frame, bounds[2 * s], bounds[2 * s + 1], plane, length, s, failure)) return false;
    const auto [start, stride] = PlaceSegment(layout, s);
    uint8_t* dst = out + start;
    for (size_t p = 0; p < length; p++) dst[p * stride] = plane[p];
  }
  return true;
}

}  // namespace larmor
