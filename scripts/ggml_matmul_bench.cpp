// Times ggml's CPU matrix products (GGML_OP_MUL_MAT) as llama.cpp runs them,
// for servesim's calibration store: scripts/llamacpp-compare builds it against
// the llama.cpp it builds and imports its CSV with `servesim profile --import`.
//
// Usage: ggml_matmul_bench TYPE THREADS "N:K,N:K,..." "M,M,..." [LMHEAD_N:K "M,M,..."] > out.csv
//   TYPE     f16 or q8_0: the weight type (GGUF F16 or Q8_0);
//   THREADS  the threads ggml computes with (llama-server's -t);
//   N:K      a weight of N outputs and K inputs; M the token rows multiplied.
//
// What it times is what a llama.cpp decode or prompt step runs for one weight
// (ggml/src/ggml-cpu/ggml-cpu.c ggml_compute_forward_mul_mat, commit 0c1e57098):
// the f32 activations converted to the weight's vec_dot_type (f16, or q8_0
// blocks), then the product by llamafile's tinyBLAS where it takes the shape
// (ggml/src/ggml-cpu/llamafile/sgemm.cpp) or ggml's vec_dot kernels. On x86 no
// extra buffer type repacks q8_0 or f16 weights (ggml-cpu/repack.cpp), so plain
// CPU tensors hold them as llama-server's do. Weights stream from memory as in
// a model far larger than the caches: each point cycles through enough copies
// of the weight to exceed 512 MB (one graph of one product per copy), and the
// time of a product is the graph's time over the copies. A point is the median
// of at least 5 graph runs (3 when one takes over 0.1 s) and 0.15 s of them.
#include "ggml.h"
#include "ggml-cpu.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <sstream>
#include <string>
#include <vector>

static std::vector<long> ints(const std::string & s, char sep) {
    std::vector<long> out;
    std::stringstream in(s);
    std::string part;
    while (std::getline(in, part, sep)) {
        if (!part.empty()) out.push_back(std::strtol(part.c_str(), nullptr, 10));
    }
    return out;
}

static double now() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// Median and half the interquartile range of one point, in microseconds per product.
static void time_point(ggml_type type, int threads, long n, long k, long m, const char * dtype,
                       const std::vector<uint8_t> & weight) {
    const size_t bytes = ggml_row_size(type, k) * n;
    const long copies = m <= 16 ? std::max<long>(1, (512L << 20) / (long) bytes + 1) : 2;
    const size_t mem = copies * (bytes + ggml_tensor_overhead() + (size_t) n * m * 4) +
                       (size_t) k * m * 4 + ggml_graph_overhead_custom(copies * 2 + 8, false) +
                       ggml_tensor_overhead() * 4 + ((size_t) 64 << 20);
    ggml_init_params params = { mem, nullptr, false };
    ggml_context * ctx = ggml_init(params);
    if (!ctx) { std::fprintf(stderr, "cannot allocate %zu bytes\n", mem); std::exit(1); }
    ggml_tensor * x = ggml_new_tensor_2d(ctx, GGML_TYPE_F32, k, m);
    std::mt19937 rng(1);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    float * xd = (float *) x->data;
    for (long i = 0; i < k * m; i++) xd[i] = normal(rng);
    ggml_cgraph * graph = ggml_new_graph_custom(ctx, copies * 2 + 8, false);
    for (long c = 0; c < copies; c++) {
        ggml_tensor * w = ggml_new_tensor_2d(ctx, type, k, n);
        std::memcpy(w->data, weight.data(), bytes);
        ggml_build_forward_expand(graph, ggml_mul_mat(ctx, w, x));
    }
    ggml_graph_compute_with_ctx(ctx, graph, threads);  // warm-up
    std::vector<double> runs;
    const double start = now();
    // At least 5 runs and 0.15 s of them; 3 runs for a product of over 0.1 s.
    while (runs.size() < 3 || (runs.size() < 5 && runs.back() < 1e5) || now() - start < 0.15) {
        const double t = now();
        ggml_graph_compute_with_ctx(ctx, graph, threads);
        runs.push_back((now() - t) / copies * 1e6);
        if (runs.size() >= 200) break;
    }
    std::sort(runs.begin(), runs.end());
    const double median = runs[runs.size() / 2];
    const double spread = (runs[runs.size() * 3 / 4] - runs[runs.size() / 4]) / 2;
    std::printf("host,ggml-cpu,0c1e57098,gemm,%s,%s,%ld,%ld,%ld,,,,,,,,,%.3f,%.3f,%zu,%d,,,ggml_mul_mat %s,0\n",
                dtype, dtype, m, n, k, median, spread, runs.size(), threads, dtype);
    std::fflush(stdout);
    ggml_free(ctx);
}

static void run(ggml_type type, const char * dtype, int threads, const std::vector<long> & shapes,
                const std::vector<long> & ms) {
    for (size_t s = 0; s + 1 < shapes.size(); s += 2) {
        const long n = shapes[s], k = shapes[s + 1];
        // One weight of random values in the weight type (speed does not depend on them).
        std::vector<uint8_t> weight(ggml_row_size(type, k) * n);
        std::vector<float> rows(k * 256);
        std::mt19937 rng(2);
        std::normal_distribution<float> normal(0.0f, 0.02f);
        for (long r = 0; r < n; r += 256) {
            const long count = std::min<long>(256, n - r);
            for (long i = 0; i < count * k; i++) rows[i] = normal(rng);
            ggml_quantize_chunk(type, rows.data(), weight.data() + ggml_row_size(type, k) * r, 0, count, k, nullptr);
        }
        for (long m : ms) time_point(type, threads, n, k, m, dtype, weight);
    }
}

int main(int argc, char ** argv) {
    if (argc != 5 && argc != 7) {
        std::fprintf(stderr, "usage: %s f16|q8_0 THREADS N:K,N:K M,M [N:K M,M]\n", argv[0]);
        return 64;
    }
    const std::string name = argv[1];
    ggml_type type;
    const char * dtype;
    if (name == "f16") { type = GGML_TYPE_F16; dtype = "fp16"; }
    else if (name == "q8_0") { type = GGML_TYPE_Q8_0; dtype = "q8_0"; }
    else { std::fprintf(stderr, "weight type %s: give f16 or q8_0\n", argv[1]); return 64; }
    const int threads = std::atoi(argv[2]);
    std::string shapes = argv[3];
    std::replace(shapes.begin(), shapes.end(), ':', ',');
    std::printf("device,backend,backend_version,op,dtype,kv_dtype,m,n,k,batch,heads,kv_heads,head_dim,"
                "q_tokens,kv_tokens,bytes,ranks,measured_us,spread_us,repeats,threads,measured_at,host,label,flagged\n");
    run(type, dtype, threads, ints(shapes, ','), ints(argv[4], ','));
    if (argc == 7) {
        std::string head = argv[5];
        std::replace(head.begin(), head.end(), ':', ',');
        run(type, dtype, threads, ints(head, ','), ints(argv[6], ','));
    }
    return 0;
}
