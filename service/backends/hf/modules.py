"""Weight-only quantized modules (bf16 activations) for torch's CPU int4/int8 kernels.

Built inside a function so importing this package does not import torch."""
from __future__ import annotations

GROUP = 32  # Q4_K sub-block size = int4 group size


def quantized_modules():
    import torch
    from torch import nn

    class Int4Linear(nn.Module):
        """y = x @ W.T + b with W in torch's packed int4 (groups of 32 along the input)."""

        def __init__(self, in_features: int, out_features: int, bias: bool):
            super().__init__()
            self.in_features, self.out_features = in_features, out_features
            self.register_buffer("packed", torch.empty(0, dtype=torch.uint8))
            self.register_buffer("scales_zeros", torch.empty(0, dtype=torch.bfloat16))
            self.register_buffer("bias", torch.empty(0, dtype=torch.bfloat16) if bias else None)

        def forward(self, x):
            shape = x.shape
            y = torch.ops.aten._weight_int4pack_mm_for_cpu(
                x.reshape(-1, shape[-1]).to(torch.bfloat16).contiguous(), self.packed, GROUP, self.scales_zeros
            )
            if self.bias is not None:
                y = y + self.bias
            return y.reshape(*shape[:-1], self.out_features)

    class Int8Linear(nn.Module):
        """y = x @ (q * s).T + b with q int8 per output channel."""

        def __init__(self, in_features: int, out_features: int, bias: bool):
            super().__init__()
            self.in_features, self.out_features = in_features, out_features
            self.register_buffer("qweight", torch.empty(0, dtype=torch.int8))
            self.register_buffer("scales", torch.empty(0, dtype=torch.bfloat16))
            self.register_buffer("bias", torch.empty(0, dtype=torch.bfloat16) if bias else None)

        def forward(self, x):
            shape = x.shape
            y = torch.ops.aten._weight_int8pack_mm(
                x.reshape(-1, shape[-1]).to(torch.bfloat16).contiguous(), self.qweight, self.scales
            )
            if self.bias is not None:
                y = y + self.bias
            return y.reshape(*shape[:-1], self.out_features)

    class Int8Embedding(nn.Module):
        def __init__(self, num_embeddings: int, dim: int):
            super().__init__()
            self.num_embeddings, self.embedding_dim = num_embeddings, dim
            self.register_buffer("qweight", torch.empty(0, dtype=torch.int8))
            self.register_buffer("scales", torch.empty(0, dtype=torch.bfloat16))

        def forward(self, ids):
            return self.qweight[ids].to(torch.bfloat16) * self.scales[ids].unsqueeze(-1)

    return Int4Linear, Int8Linear, Int8Embedding
