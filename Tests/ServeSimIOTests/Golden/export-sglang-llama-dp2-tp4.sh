#!/bin/sh
# llama-3.1-70b-dgx-h100-dp2-tp4: llama-3.1-70b on 8 x NVIDIA H100 SXM5 80GB
# exported by servesim for SGLang 0.5 (sglang.launch_server)
# note: the plan was simulated with engine vllm 0.14's scheduler defaults; sglang 0.5's may differ
# note: the plan's memory_utilization 0.9 is vllm's gpu_memory_utilization; sglang's mem_fraction_static 0.87 gives the same KV cache (39.129 GB per device)
python -m sglang.launch_server --model-path meta-llama/Llama-3.1-70B-Instruct \
  --tp-size 4 \
  --dp-size 2 \
  --dtype bfloat16 \
  --max-running-requests 256 \
  --chunked-prefill-size 8192 \
  --page-size 16 \
  --mem-fraction-static 0.87
