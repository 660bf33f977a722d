// Native kernels for the `blas` backend: OpenBLAS sgemm, and minibatch assembly from the uint8 data set.
// Built from source at install (binding.gyp); optional: when it cannot build, the backend chain falls
// through to wasm. Every function validates its arguments and throws a JS TypeError/RangeError.
#include <cblas.h>
#include <napi.h>

#include <cstdint>

namespace {

template <typename T>
bool Fits(const Napi::TypedArrayOf<T>& a, uint64_t needed) {
  return static_cast<uint64_t>(a.ElementLength()) >= needed;
}

// sgemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc): row-major C = αAB + βC.
Napi::Value Sgemm(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() != 13 || !info[6].IsTypedArray() || !info[8].IsTypedArray() || !info[11].IsTypedArray()) {
    Napi::TypeError::New(env, "sgemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)")
        .ThrowAsJavaScriptException();
    return env.Undefined();
  }
  const bool ta = info[0].ToBoolean(), tb = info[1].ToBoolean();
  const int64_t m = info[2].ToNumber().Int64Value(), n = info[3].ToNumber().Int64Value(),
                k = info[4].ToNumber().Int64Value();
  const float alpha = info[5].ToNumber().FloatValue(), beta = info[10].ToNumber().FloatValue();
  const int64_t lda = info[7].ToNumber().Int64Value(), ldb = info[9].ToNumber().Int64Value(),
                ldc = info[12].ToNumber().Int64Value();
  auto a = info[6].As<Napi::Float32Array>();
  auto b = info[8].As<Napi::Float32Array>();
  auto c = info[11].As<Napi::Float32Array>();
  const int64_t aRows = ta ? k : m, bRows = tb ? n : k;
  if (m < 0 || n < 0 || k < 0 || lda < 1 || ldb < 1 || ldc < 1 || !Fits(a, aRows * lda) ||
      !Fits(b, bRows * ldb) || !Fits(c, m * ldc)) {
    Napi::RangeError::New(env, "sgemm: a dimension or leading dimension does not fit its array")
        .ThrowAsJavaScriptException();
    return env.Undefined();
  }
  if (m == 0 || n == 0) return env.Undefined();
  cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans,
              static_cast<int>(m), static_cast<int>(n), static_cast<int>(k), alpha, a.Data(),
              static_cast<int>(lda), b.Data(), static_cast<int>(ldb), beta, c.Data(), static_cast<int>(ldc));
  return env.Undefined();
}

// gatherRowsU8(src, rowSize, indices, start, count, divisor, out): out[i, :] = src[indices[start+i], :] / divisor,
// a float32 division: for bytes and 255 it rounds exactly as JavaScript's Math.fround(v / 255) does.
Napi::Value GatherRowsU8(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() != 7 || !info[0].IsTypedArray() || !info[2].IsTypedArray() || !info[6].IsTypedArray()) {
    Napi::TypeError::New(env, "gatherRowsU8(src, rowSize, indices, start, count, divisor, out)")
        .ThrowAsJavaScriptException();
    return env.Undefined();
  }
  auto src = info[0].As<Napi::Uint8Array>();
  auto indices = info[2].As<Napi::Uint32Array>();
  auto out = info[6].As<Napi::Float32Array>();
  const int64_t rowSize = info[1].ToNumber().Int64Value(), start = info[3].ToNumber().Int64Value(),
                count = info[4].ToNumber().Int64Value();
  const float divisor = info[5].ToNumber().FloatValue();
  const uint64_t rows = rowSize > 0 ? src.ElementLength() / rowSize : 0;
  if (rowSize < 1 || start < 0 || count < 0 || !Fits(indices, start + count) || !Fits(out, count * rowSize)) {
    Napi::RangeError::New(env, "gatherRowsU8: sizes do not fit the arrays").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  const uint8_t* s = src.Data();
  const uint32_t* idx = indices.Data() + start;
  float* o = out.Data();
  for (int64_t i = 0; i < count; ++i) {
    if (idx[i] >= rows) {
      Napi::RangeError::New(env, "gatherRowsU8: an index is past the last row").ThrowAsJavaScriptException();
      return env.Undefined();
    }
  }
  // A byte has 256 values: divide each once. When a double multiply by 1/divisor rounds to the same
  // float for every byte (it does for 255), use it: that loop vectorizes; else copy through the table.
  float table[256];
  const double inverse = 1.0 / static_cast<double>(divisor);
  bool multiplyIsExact = true;
  for (int v = 0; v < 256; ++v) {
    table[v] = static_cast<float>(v) / divisor;
    if (static_cast<float>(static_cast<double>(v) * inverse) != table[v]) multiplyIsExact = false;
  }
  // The rows are scattered over the data set: ask for a row a few ahead while converting this one, so
  // its cache misses overlap the work instead of stalling it.
  constexpr int64_t kAhead = 4;
  for (int64_t i = 0; i < count; ++i) {
    if (i + kAhead < count) {
      const uint8_t* ahead = s + static_cast<uint64_t>(idx[i + kAhead]) * rowSize;
      for (int64_t b = 0; b < rowSize; b += 64) __builtin_prefetch(ahead + b);
    }
    const uint8_t* __restrict row = s + static_cast<uint64_t>(idx[i]) * rowSize;
    float* __restrict dst = o + i * rowSize;
    if (multiplyIsExact) {
      for (int64_t j = 0; j < rowSize; ++j) dst[j] = static_cast<float>(static_cast<double>(row[j]) * inverse);
    } else {
      for (int64_t j = 0; j < rowSize; ++j) dst[j] = table[row[j]];
    }
  }
  return env.Undefined();
}

Napi::Value SetThreads(const Napi::CallbackInfo& info) {
  openblas_set_num_threads(info[0].ToNumber().Int32Value());
  return info.Env().Undefined();
}

Napi::Value Config(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), openblas_get_config());
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("sgemm", Napi::Function::New(env, Sgemm));
  exports.Set("gatherRowsU8", Napi::Function::New(env, GatherRowsU8));
  exports.Set("setThreads", Napi::Function::New(env, SetThreads));
  exports.Set("config", Napi::Function::New(env, Config));
  return exports;
}

}  // namespace

NODE_API_MODULE(softmax_native, Init)
