#!/bin/sh
# llama-3.1-70b-dgx-h100-dp2-tp4: llama-3.1-70b on 8 x NVIDIA H100 SXM5 80GB
# exported by servesim for TensorRT-LLM 1.0 (trtllm-serve)
# note: the plan was simulated with engine vllm 0.14's scheduler defaults; trtllm 1.0's may differ
# note: the plan's memory_utilization 0.9 is vllm's gpu_memory_utilization; trtllm's free_gpu_memory_fraction 0.821 gives the same KV cache (39.129 GB per device)
# note: trtllm-serve has no data-parallel flag: run 2 copies (one per 4 devices) behind a load balancer
# note: free_gpu_memory_fraction is TensorRT-LLM's share of the memory left after the weights, not of the device
cat > extra-llm-api-options.yaml <<'EOF'
enable_chunked_prefill: true
kv_cache_config:
  enable_block_reuse: true
  free_gpu_memory_fraction: 0.821
EOF
trtllm-serve meta-llama/Llama-3.1-70B-Instruct \
  --backend pytorch \
  --tp_size 4 \
  --max_batch_size 256 \
  --max_num_tokens 8192 \
  --extra_llm_api_options extra-llm-api-options.yaml
