#!/bin/sh
# deepseek-v3-fp8-hgx-h200-x2-ep: deepseek-v3 on 16 x NVIDIA H200 SXM 141GB
# exported by servesim for vLLM 0.8.5 (vllm serve)
# note: the plan was simulated with engine sglang's scheduler defaults; vllm's may differ
# note: block size 1 is not one of vLLM's (8, 16, 32, 64, 128); its default 16 is used
vllm serve deepseek-ai/DeepSeek-V3 \
  --tensor-parallel-size 8 \
  --pipeline-parallel-size 2 \
  --enable-expert-parallel \
  --dtype bfloat16 \
  --quantization fp8 \
  --max-num-seqs 3877 \
  --max-num-batched-tokens 8192 \
  --enable-chunked-prefill \
  --enable-prefix-caching \
  --gpu-memory-utilization 0.858
