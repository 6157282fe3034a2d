#!/bin/sh
# deepseek-v3-fp8-hgx-h200-x2-ep: deepseek-v3 on 16 x NVIDIA H200 SXM 141GB
# exported by servesim for TensorRT-LLM 1.0 (trtllm-serve)
# note: the plan was simulated with engine sglang 0.5's scheduler defaults; trtllm 1.0's may differ
# note: the plan's memory_utilization 0.89 is sglang's mem_fraction_static; trtllm's free_gpu_memory_fraction 0.881 gives the same KV cache (90.788 GB per device)
# note: fp8 weights: serve a checkpoint quantised with NVIDIA ModelOpt (TensorRT-LLM reads its quantisation from the checkpoint)
# note: free_gpu_memory_fraction is TensorRT-LLM's share of the memory left after the weights, not of the device
cat > extra-llm-api-options.yaml <<'EOF'
enable_chunked_prefill: true
kv_cache_config:
  enable_block_reuse: true
  free_gpu_memory_fraction: 0.881
EOF
trtllm-serve deepseek-ai/DeepSeek-V3 \
  --backend pytorch \
  --tp_size 8 \
  --pp_size 2 \
  --ep_size 8 \
  --max_batch_size 4088 \
  --max_num_tokens 8192 \
  --extra_llm_api_options extra-llm-api-options.yaml
