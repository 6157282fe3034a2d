#!/bin/sh
# llama-3.1-70b-dgx-h100-dp2-tp4: llama-3.1-70b on 8 x NVIDIA H100 SXM5 80GB
# exported by servesim for vLLM 0.14 (vllm serve)
vllm serve meta-llama/Llama-3.1-70B-Instruct \
  --tensor-parallel-size 4 \
  --data-parallel-size 2 \
  --dtype bfloat16 \
  --max-num-seqs 256 \
  --max-num-batched-tokens 8192 \
  --enable-chunked-prefill \
  --enable-prefix-caching \
  --block-size 16 \
  --gpu-memory-utilization 0.9
