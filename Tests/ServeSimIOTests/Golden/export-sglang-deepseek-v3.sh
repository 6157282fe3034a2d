#!/bin/sh
# deepseek-v3-fp8-hgx-h200-x2-ep: deepseek-v3 on 16 x NVIDIA H200 SXM 141GB
# exported by servesim for SGLang 0.5 (sglang.launch_server)
python -m sglang.launch_server --model-path deepseek-ai/DeepSeek-V3 \
  --tp-size 8 \
  --pp-size 2 \
  --ep-size 8 \
  --dtype bfloat16 \
  --quantization fp8 \
  --max-running-requests 4088 \
  --chunked-prefill-size 8192 \
  --page-size 1 \
  --mem-fraction-static 0.89
