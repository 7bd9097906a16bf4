// N-API binding of the RLE Lossless codec. N-API is ABI-stable, so one build loads in Node and in
// Electron. Arguments are validated again here (the TypeScript wrapper validates them first);
// failures become JS Errors carrying a `code` property (LARMOR_E_RLE_...).
#include <napi.h>

#include <memory>

#include "rle_codec.h"

namespace {

Napi::Value Throw(Napi::Env env, const char* code, const std::string& message) {
  Napi::Error error = Napi::Error::New(env, message);
  error.Set("code", Napi::String::New(env, code));
  error.ThrowAsJavaScriptException();
  return env.Undefined();
}

// (bytes: Uint8Array, rows, columns, samplesPerPixel, bitsAllocated, planarConfiguration)
bool ReadArguments(const Napi::CallbackInfo& args, Napi::Uint8Array* bytes, larmor::RleFrameInfo* info) {
  Napi::Env env = args.Env();
  if (args.Length() < 6 || !args[0].IsTypedArray() || args[0].As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array) {
    Throw(env, "LARMOR_E_RLE_INVALID_FRAME_INFO", "expected (Uint8Array, rows, columns, samples, bits, planar)");
    return false;
  }
  for (size_t i = 1; i < 6; i++) {
    if (!args[i].IsNumber()) {
      Throw(env, "LARMOR_E_RLE_INVALID_FRAME_INFO", "frame attributes must be numbers");
      return false;
    }
  }
  *bytes = args[0].As<Napi::Uint8Array>();
  info->rows = args[1].As<Napi::Number>().Uint32Value();
  info->columns = args[2].As<Napi::Number>().Uint32Value();
  info->samples_per_pixel = args[3].As<Napi::Number>().Uint32Value();
  info->bits_allocated = args[4].As<Napi::Number>().Uint32Value();
  info->planar_configuration = args[5].As<Napi::Number>().Uint32Value();
  return true;
}

Napi::Value Decode(const Napi::CallbackInfo& args) {
  Napi::Env env = args.Env();
  Napi::Uint8Array frame;
  larmor::RleFrameInfo info;
  if (!ReadArguments(args, &frame, &info)) return env.Undefined();
  larmor::FrameLayout layout;
  larmor::RleFailure failure;
  std::vector<uint32_t> bounds;
  if (!larmor::ComputeLayout(info, &layout, &failure) ||
      !larmor::ReadSegmentTable(frame.Data(), frame.ByteLength(), layout, &bounds, &failure)) {
    return Throw(env, failure.code, failure.message);
  }
  // Every byte of the output is written by DecodeFrame or the buffer is dropped on failure, so
  // an uninitialised allocation is safe.
  Napi::Buffer<uint8_t> out = Napi::Buffer<uint8_t>::New(env, layout.frame_length);
  if (!larmor::DecodeFrame(frame.Data(), bounds, layout, out.Data(), &failure)) {
    return Throw(env, failure.code, failure.message);
  }
  return out;
}

// decodeInto(frame, rows, columns, samples, bits, planar, target): decodes into target, whose
// length must equal the decoded frame size (checked here too, before a byte is written).
Napi::Value DecodeInto(const Napi::CallbackInfo& args) {
  Napi::Env env = args.Env();
  Napi::Uint8Array frame;
  larmor::RleFrameInfo info;
  if (!ReadArguments(args, &frame, &info)) return env.Undefined();
  if (args.Length() < 7 || !args[6].IsTypedArray() || args[6].As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array) {
    return Throw(env, "LARMOR_E_RLE_OUTPUT_SIZE_MISMATCH", "decodeInto needs a Uint8Array target");
  }
  Napi::Uint8Array target = args[6].As<Napi::Uint8Array>();
  larmor::FrameLayout layout;
  larmor::RleFailure failure;
  std::vector<uint32_t> bounds;
  if (!larmor::ComputeLayout(info, &layout, &failure)) return Throw(env, failure.code, failure.message);
  if (target.ByteLength() != layout.frame_length) {
    return Throw(env, "LARMOR_E_RLE_OUTPUT_SIZE_MISMATCH",
                 "target has " + std::to_string(target.ByteLength()) + " bytes, the decoded frame has " +
                     std::to_string(layout.frame_length));
  }
  if (!larmor::ReadSegmentTable(frame.Data(), frame.ByteLength(), layout, &bounds, &failure) ||
      !larmor::DecodeFrame(frame.Data(), bounds, layout, target.Data(), &failure)) {
    return Throw(env, failure.code, failure.message);
  }
  return env.Undefined();
}

Napi::Value Encode(const Napi::CallbackInfo& args) {
  Napi::Env env = args.Env();
  Napi::Uint8Array pixels;
  larmor::RleFrameInfo info;
  if (!ReadArguments(args, &pixels, &info)) return env.Undefined();
  larmor::FrameLayout layout;
  larmor::RleFailure failure;
  if (!larmor::ComputeLayout(info, &layout, &failure)) return Throw(env, failure.code, failure.message);
  if (pixels.ByteLength() != layout.frame_length) {
    return Throw(env, "LARMOR_E_RLE_INPUT_SIZE_MISMATCH",
                 "pixel buffer has " + std::to_string(pixels.ByteLength()) + " bytes, the frame needs " +
                     std::to_string(layout.frame_length));
  }
  std::unique_ptr<uint8_t[]> scratch(new uint8_t[larmor::MaxEncodedLength(info, layout)]);
  const size_t length = larmor::EncodeFrame(pixels.Data(), info, layout, scratch.get());
  return Napi::Buffer<uint8_t>::Copy(env, scratch.get(), length);
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("decode", Napi::Function::New(env, Decode, "decode"));
  exports.Set("decodeInto", Napi::Function::New(env, DecodeInto, "decodeInto"));
  exports.Set("encode", Napi::Function::New(env, Encode, "encode"));
  return exports;
}

}  // namespace

NODE_API_MODULE(larmor_rle, Init)
