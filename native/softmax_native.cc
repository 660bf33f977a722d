// Native kernels for the `blas` backend: OpenBLAS sgemm, and minibatch assembly from the uint8 data set.
// Built from source at install (binding.gyp); optional: when it cannot build, the backend chain falls
// through to wasm. Every function validates its arguments and throws a JS TypeError/RangeError.
#include <cblas.h>
#include <napi.h>

#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>

#ifdef __linux__
#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

namespace {

template <typename T>
bool Fits(const Napi::TypedArrayOf<T>& a, uint64_t needed) {
  return static_cast<uint64_t>(a.ElementLength()) >= needed;
}

// Whether `v` is a typed array of `type` (As<Float32Array>() on another kind would read its bytes as floats).
bool IsTypedArrayOf(const Napi::Value& v, napi_typedarray_type type) {
  return v.IsTypedArray() && v.As<Napi::TypedArray>().TypedArrayType() == type;
}

// sgemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc): row-major C = αAB + βC.
Napi::Value Sgemm(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto isF32 = [&](int i) { return IsTypedArrayOf(info[i], napi_float32_array); };
  if (info.Length() != 13 || !isF32(6) || !isF32(8) || !isF32(11)) {
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
  auto isType = [&](int i, napi_typedarray_type type) { return IsTypedArrayOf(info[i], type); };
  if (info.Length() != 7 || !isType(0, napi_uint8_array) || !isType(2, napi_uint32_array) || !isType(6, napi_float32_array)) {
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


// exp as V8's Math.exp computes it (src/base/ieee754.cc, from FreeBSD msun's e_exp.c), so that native
// kernels give the same bits as the JavaScript ones; the tests compare it with Math.exp on millions
// of inputs. Compiled without FMA contraction (binding.gyp), as V8's is.
double FdlibmExp(double x) {
  static const double one = 1.0, halF[2] = {0.5, -0.5}, o_threshold = 7.09782712893383973096e+02,
                      u_threshold = -7.45133219101941108420e+02,
                      ln2HI[2] = {6.93147180369123816490e-01, -6.93147180369123816490e-01},
                      ln2LO[2] = {1.90821492927058770002e-10, -1.90821492927058770002e-10},
                      invln2 = 1.44269504088896338700e+00, P1 = 1.66666666666666019037e-01,
                      P2 = -2.77777777770155933842e-03, P3 = 6.61375632143793436117e-05,
                      P4 = -1.65339022054652515390e-06, P5 = 4.13813679705723846039e-08, E = 2.718281828459045;
  static volatile double huge = 1.0e+300, twom1000 = 9.33263618503218878990e-302, two1023 = 8.988465674311579539e307;
  double y, hi = 0.0, lo = 0.0, c, t, twopk;
  int32_t k = 0;
  uint64_t bits;
  std::memcpy(&bits, &x, sizeof bits);
  uint32_t hx = static_cast<uint32_t>(bits >> 32);
  const int32_t xsb = (hx >> 31) & 1;
  hx &= 0x7FFFFFFF;
  if (hx >= 0x40862E42) {
    if (hx >= 0x7FF00000) {
      const uint32_t lx = static_cast<uint32_t>(bits);
      if (((hx & 0xFFFFF) | lx) != 0) return x + x;
      return (xsb == 0) ? x : 0.0;
    }
    if (x > o_threshold) return huge * huge;
    if (x < u_threshold) return twom1000 * twom1000;
  }
  if (hx > 0x3FD62E42) {
    if (hx < 0x3FF0A2B2) {
      if (x == 1.0) return E;
      hi = x - ln2HI[xsb];
      lo = ln2LO[xsb];
      k = 1 - xsb - xsb;
    } else {
      k = static_cast<int32_t>(invln2 * x + halF[xsb]);
      t = k;
      hi = x - t * ln2HI[0];
      lo = t * ln2LO[0];
    }
    x = hi - lo;
  } else if (hx < 0x3E300000) {
    if (huge + x > one) return one + x;
  } else {
    k = 0;
  }
  t = x * x;
  const uint64_t twopkBits = static_cast<uint64_t>(static_cast<uint32_t>(0x3FF00000 + ((k >= -1021 ? k : k + 1000) * (1 << 20)))) << 32;
  std::memcpy(&twopk, &twopkBits, sizeof twopk);
  c = x - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
  if (k == 0) return one - ((x * c) / (c - 2.0) - x);
  y = one - ((lo - (x * c) / (2.0 - c)) - hi);
  if (k >= -1021) {
    if (k == 1024) return y * 2.0 * two1023;
    return y * twopk;
  }
  return y * twopk * twom1000;
}

// expF64(values: Float64Array, out: Float64Array): out[i] = FdlibmExp(values[i]); for the tests.
Napi::Value ExpF64(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() != 2 || !IsTypedArrayOf(info[0], napi_float64_array) || !IsTypedArrayOf(info[1], napi_float64_array)) {
    Napi::TypeError::New(env, "expF64(values: Float64Array, out: Float64Array)").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  auto in = info[0].As<Napi::Float64Array>();
  auto out = info[1].As<Napi::Float64Array>();
  if (out.ElementLength() < in.ElementLength()) {
    Napi::RangeError::New(env, "expF64: out is shorter than values").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  for (size_t i = 0; i < in.ElementLength(); ++i) out[i] = FdlibmExp(in[i]);
  return env.Undefined();
}

// softmaxRows(z: Float32Array, labels: Int32Array, rows, classes, probs: Float32Array, sums: Float32Array,
// picked: Float32Array): per row of z (labels clipped to [0, classes - 1]), with float32 after every
// operation and sums in double, as the composite's cpu kernels: shifted = z - max (NaN wins the max),
// e = exp(shifted), sums = Σ e, picked = shifted[label], probs = e / sums. The caller finishes
// the loss, log(sums) - picked, with Math.log.
Napi::Value SoftmaxRows(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const char* usage = "softmaxRows(z: Float32Array, labels: Int32Array, rows, classes, probs: Float32Array, sums: Float32Array, picked: Float32Array)";
  auto isType = [&](int i, napi_typedarray_type type) { return IsTypedArrayOf(info[i], type); };
  if (info.Length() != 7 || !isType(0, napi_float32_array) || !isType(1, napi_int32_array) ||
      !isType(4, napi_float32_array) || !isType(5, napi_float32_array) || !isType(6, napi_float32_array)) {
    Napi::TypeError::New(env, usage).ThrowAsJavaScriptException();
    return env.Undefined();
  }
  auto z = info[0].As<Napi::Float32Array>();
  auto labels = info[1].As<Napi::Int32Array>();
  const int64_t rows = info[2].ToNumber().Int64Value(), classes = info[3].ToNumber().Int64Value();
  auto probs = info[4].As<Napi::Float32Array>();
  auto sums = info[5].As<Napi::Float32Array>();
  auto picked = info[6].As<Napi::Float32Array>();
  if (rows < 0 || classes < 1 || !Fits(z, rows * classes) || !Fits(labels, rows) || !Fits(probs, rows * classes) ||
      !Fits(sums, rows) || !Fits(picked, rows)) {
    Napi::RangeError::New(env, "softmaxRows: sizes do not fit the arrays").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  const float* zd = z.Data();
  float* p = probs.Data();
  for (int64_t i = 0; i < rows; ++i) {
    const float* row = zd + i * classes;
    float* prow = p + i * classes;
    float max = row[0];
    for (int64_t j = 0; j < classes; ++j) {
      if (std::isnan(row[j]) || row[j] > max) max = row[j];
    }
    double sum = 0;
    for (int64_t j = 0; j < classes; ++j) {
      const float e = static_cast<float>(FdlibmExp(static_cast<float>(static_cast<double>(row[j]) - max)));
      prow[j] = e;
      sum += e;
    }
    const float s = static_cast<float>(sum);
    int64_t label = labels[i];
    label = label > classes - 1 ? classes - 1 : (label < 0 ? 0 : label);
    // The label's entry alone, as MXNet's pick reads it: never 0·(-inf) = NaN for a masked logit.
    const float pick = static_cast<float>(static_cast<double>(row[label]) - max);
    sums.Data()[i] = s;
    picked.Data()[i] = pick;
    for (int64_t j = 0; j < classes; ++j) prow[j] = static_cast<float>(static_cast<double>(prow[j]) / s);
  }
  return env.Undefined();
}


// binaryOp(op, layout, big: Float32Array, small: Float32Array, n, out: Float32Array, smallIsLeft):
// out = big ∘ small (or small ∘ big), ∘ one of + − × ÷ (op 0..3), small laid over big as the same shape
// (layout 0), a scalar (1), a row of n (2) or a column, one value per row of n (3). In float32:
// for these four operations on float32 operands that rounds exactly as JavaScript's double operation
// then Math.fround does, so the results are the cpu kernels' bit for bit (tested).
template <int Op>
inline float Apply(float l, float r) {
  if (Op == 0) return l + r;
  if (Op == 1) return l - r;
  if (Op == 2) return l * r;
  return l / r;
}

template <int Op, bool SmallIsLeft>
void BinaryLoop(int layout, const float* __restrict x, const float* __restrict s, int64_t size, int64_t n, float* __restrict o) {
  auto f = [](float big, float small) { return SmallIsLeft ? Apply<Op>(small, big) : Apply<Op>(big, small); };
  if (layout == 0) {
    for (int64_t i = 0; i < size; ++i) o[i] = f(x[i], s[i]);
  } else if (layout == 1) {
    const float v = s[0];
    for (int64_t i = 0; i < size; ++i) o[i] = f(x[i], v);
  } else if (layout == 2) {
    for (int64_t r = 0; r < size; r += n)
      for (int64_t j = 0; j < n; ++j) o[r + j] = f(x[r + j], s[j]);
  } else {
    for (int64_t r = 0, k = 0; r < size; r += n, ++k) {
      const float v = s[k];
      for (int64_t j = 0; j < n; ++j) o[r + j] = f(x[r + j], v);
    }
  }
}

template <int Op>
void Binary(bool smallIsLeft, int layout, const float* x, const float* s, int64_t size, int64_t n, float* o) {
  if (smallIsLeft) BinaryLoop<Op, true>(layout, x, s, size, n, o);
  else BinaryLoop<Op, false>(layout, x, s, size, n, o);
}

Napi::Value BinaryOp(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto isF32 = [&](int i) { return IsTypedArrayOf(info[i], napi_float32_array); };
  if (info.Length() != 7 || !isF32(2) || !isF32(3) || !isF32(5)) {
    Napi::TypeError::New(env, "binaryOp(op, layout, big: Float32Array, small: Float32Array, n, out: Float32Array, smallIsLeft)")
        .ThrowAsJavaScriptException();
    return env.Undefined();
  }
  const int op = info[0].ToNumber().Int32Value(), layout = info[1].ToNumber().Int32Value();
  auto big = info[2].As<Napi::Float32Array>();
  auto small = info[3].As<Napi::Float32Array>();
  const int64_t n = info[4].ToNumber().Int64Value();
  auto out = info[5].As<Napi::Float32Array>();
  const bool smallIsLeft = info[6].ToBoolean();
  const int64_t size = static_cast<int64_t>(big.ElementLength());
  const int64_t needed = layout == 0 ? size : layout == 1 ? 1 : layout == 2 ? n : (n > 0 ? size / n : 0);
  if (op < 0 || op > 3 || layout < 0 || layout > 3 || (layout >= 2 && (n < 1 || size % n != 0)) || !Fits(out, size) ||
      !Fits(small, needed) || (size > 0 && needed < 1)) {
    Napi::RangeError::New(env, "binaryOp: the op, layout or sizes do not fit the arrays").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  const float* x = big.Data();
  const float* sv = small.Data();
  float* o = out.Data();
  switch (op) {
    case 0: Binary<0>(smallIsLeft, layout, x, sv, size, n, o); break;
    case 1: Binary<1>(smallIsLeft, layout, x, sv, size, n, o); break;
    case 2: Binary<2>(smallIsLeft, layout, x, sv, size, n, o); break;
    default: Binary<3>(smallIsLeft, layout, x, sv, size, n, o); break;
  }
  return env.Undefined();
}


// sgdUpdate(weight: Float32Array, grad: Float32Array, scale, decay, out: Float32Array):
// out = (decay·w) − (scale·g), decay = 1 meaning w as is; in float32, which rounds each operation as
// JavaScript's double operation then Math.fround does (see src/core/backend/kernels/impl.ts).
Napi::Value SgdUpdate(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto isF32 = [&](int i) { return IsTypedArrayOf(info[i], napi_float32_array); };
  if (info.Length() != 5 || !isF32(0) || !isF32(1) || !isF32(4)) {
    Napi::TypeError::New(env, "sgdUpdate(weight: Float32Array, grad: Float32Array, scale, decay, out: Float32Array)").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  auto w = info[0].As<Napi::Float32Array>();
  auto g = info[1].As<Napi::Float32Array>();
  auto out = info[4].As<Napi::Float32Array>();
  const float scale = info[2].ToNumber().FloatValue(), decay = info[3].ToNumber().FloatValue();
  const size_t n = w.ElementLength();
  if (g.ElementLength() != n || out.ElementLength() < n) {
    Napi::RangeError::New(env, "sgdUpdate: the arrays' lengths differ").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  const float* __restrict wd = w.Data();
  const float* __restrict gd = g.Data();
  float* __restrict o = out.Data();
  if (decay == 1.0f) {
    for (size_t i = 0; i < n; ++i) o[i] = wd[i] - gd[i] * scale;
  } else {
    for (size_t i = 0; i < n; ++i) o[i] = wd[i] * decay - gd[i] * scale;
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

// renameExchange(a, b): swaps two paths in one step (Linux renameat2 RENAME_EXCHANGE), so replacing a
// directory never passes through a moment where neither copy is in place. Returns 0, or the errno
// (ENOSYS/EINVAL where the kernel or the file system cannot: the caller falls back to two renames).
Napi::Value RenameExchange(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() != 2 || !info[0].IsString() || !info[1].IsString()) {
    Napi::TypeError::New(env, "renameExchange(a, b)").ThrowAsJavaScriptException();
    return env.Undefined();
  }
#if defined(__linux__) && defined(SYS_renameat2)
  const std::string a = info[0].As<Napi::String>().Utf8Value(), b = info[1].As<Napi::String>().Utf8Value();
  constexpr unsigned kRenameExchange = 1U << 1;  // RENAME_EXCHANGE in <linux/fs.h>
  const long r = syscall(SYS_renameat2, AT_FDCWD, a.c_str(), AT_FDCWD, b.c_str(), kRenameExchange);
  return Napi::Number::New(env, r == 0 ? 0 : errno);
#else
  return Napi::Number::New(env, ENOSYS);
#endif
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("sgemm", Napi::Function::New(env, Sgemm));
  exports.Set("gatherRowsU8", Napi::Function::New(env, GatherRowsU8));
  exports.Set("expF64", Napi::Function::New(env, ExpF64));
  exports.Set("softmaxRows", Napi::Function::New(env, SoftmaxRows));
  exports.Set("binaryOp", Napi::Function::New(env, BinaryOp));
  exports.Set("sgdUpdate", Napi::Function::New(env, SgdUpdate));
  exports.Set("setThreads", Napi::Function::New(env, SetThreads));
  exports.Set("config", Napi::Function::New(env, Config));
  exports.Set("renameExchange", Napi::Function::New(env, RenameExchange));
  return exports;
}

}  // namespace

NODE_API_MODULE(softmax_native, Init)
