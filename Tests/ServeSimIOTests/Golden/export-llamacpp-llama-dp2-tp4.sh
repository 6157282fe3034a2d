#!/bin/sh
# llama-3.1-70b-dgx-h100-dp2-tp4: llama-3.1-70b on 8 x NVIDIA H100 SXM5 80GB
# exported by servesim for llama.cpp 0.3 (llama-server as llama-cpp-python 0.3 vendors it)
# note: the plan was simulated with engine vllm 0.14's scheduler defaults; llamacpp 0.3's may differ
# note: llama-3.1-70b-BF16.gguf: convert meta-llama/Llama-3.1-70B-Instruct with llama.cpp's convert_hf_to_gguf.py and `llama-quantize ... BF16`
# note: llama-server runs one replica on one device; run 2 servers
# note: the KV cache is F16 (llama.cpp's default -ctk/-ctv f16); the plan simulated bf16
llama-server --model llama-3.1-70b-BF16.gguf \
  --ctx-size 131072 \
  --parallel 256 \
  --batch-size 2048 \
  --ubatch-size 512 \
  --kv-unified \
  --n-gpu-layers 999 \
  --host 0.0.0.0 --port 8080
