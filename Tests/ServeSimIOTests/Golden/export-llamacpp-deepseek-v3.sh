#!/bin/sh
# deepseek-v3-fp8-hgx-h200-x2-ep: deepseek-v3 on 16 x NVIDIA H200 SXM 141GB
# exported by servesim for llama.cpp 0.3 (llama-server as llama-cpp-python 0.3 vendors it)
# note: the plan was simulated with engine sglang 0.5's scheduler defaults; llamacpp 0.3's may differ
# note: the plan's memory_utilization 0.89 is sglang's mem_fraction_static; llamacpp's ctx-size 0.919 gives the same KV cache (90.788 GB per device)
# note: deepseek-v3-Q8_0.gguf: convert deepseek-ai/DeepSeek-V3 with llama.cpp's convert_hf_to_gguf.py and `llama-quantize ... Q8_0`
# note: fp8 weights have no GGUF type here: Q8_0 stands in
# note: llama-server runs one replica on one device; run 1 servers
# note: the KV cache is F16 (llama.cpp's default -ctk/-ctv f16); the plan simulated bf16
llama-server --model deepseek-v3-Q8_0.gguf \
  --ctx-size 163840 \
  --parallel 4088 \
  --batch-size 2048 \
  --ubatch-size 512 \
  --kv-unified \
  --n-gpu-layers 999 \
  --host 0.0.0.0 --port 8080
