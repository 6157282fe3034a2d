#!/bin/sh
# deepseek-v3-fp8-hgx-h200-x2-ep: deepseek-v3 on 16 x NVIDIA H200 SXM 141GB
# exported by servesim for vLLM 0.14 (vllm serve)
# note: the plan was simulated with engine sglang 0.5's scheduler defaults; vllm 0.14's may differ
# note: the plan's memory_utilization 0.89 is sglang's mem_fraction_static; vllm's gpu_memory_utilization 0.919 gives the same KV cache (90.788 GB per device)
# note: block size 1 is not one of vLLM's (8, 16, 32, 64, 128); its default 16 is used
vllm serve deepseek-ai/DeepSeek-V3 \
  --tensor-parallel-size 8 \
  --pipeline-parallel-size 2 \
  --enable-expert-parallel \
  --dtype bfloat16 \
  --quantization fp8 \
  --max-num-seqs 4088 \
  --max-num-batched-tokens 8192 \
  --enable-chunked-prefill \
  --enable-prefix-caching \
  --gpu-memory-utilization 0.919
