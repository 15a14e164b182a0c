"""The transformers backend's parts, one job each (backends/transformers.py puts them together):

- convert.py:    GGUF -> dequantized safetensors directory (CLAIMTRACE_QUANT=none)
- reencode.py:   GGUF Q4_K/Q6_K blocks -> torch's packed int4 / int8 tensors, saved once in the cache
- modules.py:    the weight-only quantized nn.Modules those tensors run in
- meta_load.py:  the model skeleton on the meta device, quantized modules swapped in, tensors mapped
- decode.py:     the batched greedy decode loop
- threads.py:    OpenMP threads that sleep while they wait (OMP_WAIT_POLICY=PASSIVE), set before torch loads
"""
