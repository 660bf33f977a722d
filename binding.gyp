{
  "targets": [
    {
      "target_name": "softmax_native",
      "sources": ["native/softmax_native.cc"],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_DISABLE_CPP_EXCEPTIONS", "NAPI_VERSION=8"],
      "cflags_cc": ["-O3", "-std=c++17", "-ftree-vectorize", "-ffp-contract=off", "-fno-fast-math"],
      "libraries": ["-lopenblas"]
    }
  ]
}
