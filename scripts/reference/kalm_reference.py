#!/usr/bin/python3
"""Plain-PyTorch reference for kalm-stream checkpoints: what a Hugging Face Llama model with a PEFT LoRA adapter
computes, written from the definitions (HF LlamaForCausalLM, PEFT LoraModel) without transformers or peft, so a
Java result can be checked against it wherever only torch and numpy are installed.

  embed          KaLM embeddings of texts: final-norm hidden state at each text's last token, L2-normalised
  generate       greedy continuation of a prompt (BOS alone when empty)
  write-adapter  a random adapter (A and B both non-zero) in PEFT's layout, to load elsewhere

Every command reads a Hugging Face model directory (config.json, model.safetensors or a sharded index,
tokenizer.json) and optionally a PEFT adapter directory (adapter_config.json, adapter_model.safetensors), and
writes its result as JSON. Run it with the interpreter that has torch, e.g. /usr/bin/python3 with Debian's
python3-torch.
"""

import argparse
import json
import math
import os
import sys

import numpy as np
import torch

# ---------------------------------------------------------------- safetensors

_DTYPES = {"F64": np.float64, "F32": np.float32, "F16": np.float16, "I64": np.int64, "I32": np.int32,
           "I16": np.int16, "I8": np.int8, "U8": np.uint8, "BOOL": np.bool_}


def read_safetensors(path):
    """{name: float32 torch tensor}: 8-byte little-endian header length, JSON header, raw little-endian data."""
    with open(path, "rb") as f:
        data = f.read()
    header_len = int.from_bytes(data[:8], "little")
    header = json.loads(data[8:8 + header_len].decode("utf-8"))
    start = 8 + header_len
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        begin, end = info["data_offsets"]
        raw = data[start + begin:start + end]
        if info["dtype"] == "BF16":
            # bfloat16 is the top half of a float32
            array = (np.frombuffer(raw, dtype="<u2").astype(np.uint32) << 16).view(np.float32)
        else:
            array = np.frombuffer(raw, dtype=np.dtype(_DTYPES[info["dtype"]]).newbyteorder("<"))
        out[name] = torch.from_numpy(array.reshape(info["shape"]).astype(np.float32))
    return out


def write_safetensors(path, tensors):
    """Writes float32 tensors the way the safetensors library does: sorted names, header padded to 8 bytes."""
    header = {"__metadata__": {"format": "pt"}}
    blobs = []
    offset = 0
    for name in sorted(tensors):
        blob = np.ascontiguousarray(tensors[name].detach().numpy().astype("<f4")).tobytes()
        header[name] = {"dtype": "F32", "shape": list(tensors[name].shape), "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    encoded = json.dumps(header, separators=(",", ":")).encode("utf-8")
    encoded += b" " * (-len(encoded) % 8)
    with open(path, "wb") as f:
        f.write(len(encoded).to_bytes(8, "little"))
        f.write(encoded)
        for blob in blobs:
            f.write(blob)


def read_model_weights(model_dir):
    single = os.path.join(model_dir, "model.safetensors")
    if os.path.isfile(single):
        return read_safetensors(single)
    with open(os.path.join(model_dir, "model.safetensors.index.json")) as f:
        shards = sorted(set(json.load(f)["weight_map"].values()))
    weights = {}
    for shard in shards:
        weights.update(read_safetensors(os.path.join(model_dir, shard)))
    return weights


# ---------------------------------------------------------------- tokenizer


class Tokenizer:
    """The SentencePiece-style BPE of Llama 1/2 tokenizer.json files, as Hugging Face's tokenizers runs it: special
    tokens split out first, the normalizer (prepend and/or replace with U+2581) or a Metaspace pre-tokenizer, BPE
    merges lowest rank first with byte fallback, the TemplateProcessing post-processor for BOS; decoding replaces
    U+2581 by spaces, fuses byte tokens, and strips the one leading space."""

    SPACE = "\u2581"

    def __init__(self, path):
        with open(path, encoding="utf-8") as f:
            spec = json.load(f)
        model = spec["model"]
        if model.get("type") != "BPE":
            raise ValueError(f"{path}: tokenizer model {model.get('type')} is not BPE; pass token ids instead")
        self.vocab = model["vocab"]
        self.pieces = {i: p for p, i in self.vocab.items()}
        self.ranks = {}
        for rank, merge in enumerate(model["merges"]):
            left, right = merge.split(" ", 1) if isinstance(merge, str) else merge
            self.ranks[(left, right)] = rank
        self.unk = self.vocab.get(model.get("unk_token")) if model.get("unk_token") else None
        self.byte_fallback = model.get("byte_fallback", False)
        self.fuse_unk = model.get("fuse_unk", False)
        self.added = {t["content"]: t["id"] for t in spec.get("added_tokens", [])}
        self.special_ids = {t["id"] for t in spec.get("added_tokens", []) if t.get("special")}
        for piece, i in self.added.items():
            self.pieces.setdefault(i, piece)
        self.prepend, self.replace_spaces = self._space_handling(spec, path)
        self.strip_start = self._strip_start(spec.get("decoder"))
        self.template = self._template(spec.get("post_processor"))

    def _space_handling(self, spec, path):
        """(where U+2581 is prepended: "always" to every piece between added tokens, "first" or "never"; whether
        spaces become U+2581)."""
        prepend, replace = "never", False
        normalizer = spec.get("normalizer")
        steps = [] if normalizer is None else normalizer.get("normalizers", [normalizer])
        for step in steps:
            if step["type"] == "Prepend" and step["prepend"] == self.SPACE:
                prepend = "always"
            elif step["type"] == "Replace" and step["pattern"].get("String") == " " and step["content"] == self.SPACE:
                replace = True
            else:
                raise ValueError(f"{path}: unsupported normalizer step {step['type']}")
        pre = spec.get("pre_tokenizer")
        if pre is not None:
            if pre["type"] != "Metaspace" or pre.get("split", True):
                raise ValueError(f"{path}: unsupported pre_tokenizer {pre['type']}; pass token ids instead")
            replace = True
            prepend = pre.get("prepend_scheme", "always" if pre.get("add_prefix_space", True) else "never")
        return prepend, replace

    @staticmethod
    def _strip_start(decoder):
        steps = [] if decoder is None else decoder.get("decoders", [decoder])
        return sum(s["start"] for s in steps if s["type"] == "Strip" and s["content"] == " ")

    def _template(self, post):
        """Special ids before and after a single sequence."""
        if post is None:
            return [], []
        if post["type"] != "TemplateProcessing":
            raise ValueError(f"unsupported post_processor {post['type']}")
        before, after, seen = [], [], False
        for item in post["single"]:
            if "Sequence" in item:
                seen = True
            else:
                (after if seen else before).extend(post["special_tokens"][item["SpecialToken"]["id"]]["ids"])
        return before, after

    def encode(self, text, add_special=True):
        ids = []
        for index, (part, is_added) in enumerate(self._split_added(text)):
            if is_added:
                ids.append(self.added[part])
            else:
                ids.extend(self._bpe(self._normalize(part, index == 0)))
        before, after = self.template if add_special else ([], [])
        return before + ids + after

    def _split_added(self, text):
        """Pieces of text with the added tokens cut out, longest match first."""
        contents = sorted(self.added, key=len, reverse=True)
        out, buffer, i = [], "", 0
        while i < len(text):
            match = next((c for c in contents if text.startswith(c, i)), None)
            if match is None:
                buffer += text[i]
                i += 1
                continue
            if buffer:
                out.append((buffer, False))
                buffer = ""
            out.append((match, True))
            i += len(match)
        if buffer:
            out.append((buffer, False))
        return out

    def _normalize(self, text, first):
        if self.replace_spaces:
            text = text.replace(" ", self.SPACE)
        prepend = self.prepend == "always" or (self.prepend == "first" and first)
        return self.SPACE + text if prepend else text

    def _bpe(self, word):
        if not word:
            return []
        symbols = []
        for ch in word:
            if ch in self.vocab:
                symbols.append(ch)
            elif self.byte_fallback and all(f"<0x{b:02X}>" in self.vocab for b in ch.encode("utf-8")):
                symbols.extend(f"<0x{b:02X}>" for b in ch.encode("utf-8"))
            else:
                symbols.append(None)
        while True:
            best = None
            for i in range(len(symbols) - 1):
                rank = self.ranks.get((symbols[i], symbols[i + 1]))
                if rank is not None and (best is None or rank < best[0]):
                    best = (rank, i)
            if best is None:
                break
            i = best[1]
            symbols[i:i + 2] = [symbols[i] + symbols[i + 1]]
        ids = []
        for s in symbols:
            if s is None:
                if not (self.fuse_unk and ids and ids[-1] == self.unk):
                    ids.append(self.unk)
            else:
                ids.append(self.vocab[s])
        return ids

    def decode(self, ids):
        """Text of ids, special tokens skipped."""
        out, pending = [], bytearray()
        for i in ids:
            if i in self.special_ids:
                continue
            piece = self.pieces[i]
            if piece.startswith("<0x") and piece.endswith(">") and len(piece) == 6:
                pending.append(int(piece[3:5], 16))
                continue
            if pending:
                out.append(pending.decode("utf-8", errors="replace"))
                pending = bytearray()
            out.append(piece.replace(self.SPACE, " "))
        if pending:
            out.append(pending.decode("utf-8", errors="replace"))
        text = "".join(out)
        strip = 0
        while strip < self.strip_start and text[strip:strip + 1] == " ":
            strip += 1
        return text[strip:]


# ---------------------------------------------------------------- model

ATTENTION = ("q_proj", "k_proj", "v_proj", "o_proj")
MLP = ("gate_proj", "up_proj", "down_proj")
PEFT_LAYERS = "base_model.model.model.layers."


class LlamaReference:
    """Hugging Face's LlamaForCausalLM forward (eager attention, float32) with PEFT's LoRA on the targeted
    projections."""

    def __init__(self, model_dir, adapter_dir=None):
        with open(os.path.join(model_dir, "config.json")) as f:
            c = json.load(f)
        if c.get("model_type", "llama") != "llama" or c.get("hidden_act", "silu") != "silu":
            raise ValueError("the reference covers model_type llama with hidden_act silu")
        self.hidden = c["hidden_size"]
        self.layers = c["num_hidden_layers"]
        self.heads = c["num_attention_heads"]
        self.kv_heads = c.get("num_key_value_heads") or self.heads
        self.head_dim = c.get("head_dim") or self.hidden // self.heads
        self.eps = c.get("rms_norm_eps", 1e-6)
        self.bos = c.get("bos_token_id")
        eos = c.get("eos_token_id")
        self.eos = [] if eos is None else eos if isinstance(eos, list) else [eos]
        pad = c.get("pad_token_id")
        self.pad = pad if pad is not None else (self.eos[0] if self.eos else 0)
        self.inv_freq = self._inv_freq(c.get("rope_theta", 10000.0), c.get("rope_scaling"))
        self.w = read_model_weights(model_dir)
        if "lm_head.weight" not in self.w:
            self.w["lm_head.weight"] = self.w["model.embed_tokens.weight"]
        self.tokenizer = Tokenizer(os.path.join(model_dir, "tokenizer.json"))
        self.lora = {}
        self.scaling = 0.0
        if adapter_dir:
            self._load_adapter(adapter_dir)

    def _inv_freq(self, theta, scaling):
        d = self.head_dim
        # HF's _compute_default_rope_parameters, in float32 like it
        inv = 1.0 / (theta ** (torch.arange(0, d, 2, dtype=torch.int64).float() / d))
        kind = (scaling or {}).get("rope_type", (scaling or {}).get("type", "default"))
        if kind == "linear":
            inv = inv / scaling["factor"]
        elif kind == "llama3":
            factor, low, high = scaling["factor"], scaling["low_freq_factor"], scaling["high_freq_factor"]
            original = scaling["original_max_position_embeddings"]
            wavelen = 2 * math.pi / inv
            smooth = (original / wavelen - low) / (high - low)
            smoothed = (1 - smooth) * inv / factor + smooth * inv
            inv = torch.where(wavelen > original / low, inv / factor,
                              torch.where(wavelen < original / high, inv, smoothed))
        elif kind != "default":
            raise ValueError(f"unsupported rope_scaling {kind}")
        return inv

    def _load_adapter(self, adapter_dir):
        with open(os.path.join(adapter_dir, "adapter_config.json")) as f:
            c = json.load(f)
        if c.get("peft_type", "LORA") != "LORA" or c.get("use_dora") or c.get("rank_pattern") \
                or c.get("alpha_pattern") or c.get("layers_to_transform") or c.get("fan_in_fan_out"):
            raise ValueError("the reference covers plain LoRA adapters (no DoRA, patterns, layer subsets, fan_in_fan_out)")
        targets = c["target_modules"]
        if isinstance(targets, str):
            raise ValueError("target_modules as a regular expression is not supported")
        r, alpha = c["r"], c["lora_alpha"]
        # PEFT's LoraLayer.update_layer: scaling = lora_alpha / r, or lora_alpha / sqrt(r) with use_rslora
        self.scaling = alpha / math.sqrt(r) if c.get("use_rslora") else alpha / r
        tensors = read_safetensors(os.path.join(adapter_dir, "adapter_model.safetensors"))
        unused = set(tensors)
        for key, module in self.modules():
            if module.split(".")[-1] in targets:
                a = tensors[f"{PEFT_LAYERS}{module}.lora_A.weight"]
                b = tensors[f"{PEFT_LAYERS}{module}.lora_B.weight"]
                self.lora[key] = (a, b)
                unused -= {f"{PEFT_LAYERS}{module}.lora_A.weight", f"{PEFT_LAYERS}{module}.lora_B.weight"}
        if unused:
            raise ValueError(f"adapter tensors no module takes: {sorted(unused)}")

    def modules(self):
        """(HF weight name without .weight, PEFT module path under model.layers.) of every linear projection."""
        for i in range(self.layers):
            for p in ATTENTION:
                yield f"model.layers.{i}.self_attn.{p}", f"{i}.self_attn.{p}"
            for p in MLP:
                yield f"model.layers.{i}.mlp.{p}", f"{i}.mlp.{p}"

    def linear(self, name, x):
        y = x @ self.w[name + ".weight"].T
        if name + ".bias" in self.w:
            y = y + self.w[name + ".bias"]
        if name in self.lora:
            # PEFT's lora.Linear.forward: result + lora_B(lora_A(dropout(x))) * scaling; dropout is off in eval
            a, b = self.lora[name]
            y = y + (x @ a.T) @ b.T * self.scaling
        return y

    def rms_norm(self, name, x):
        # LlamaRMSNorm; it computes the variance in float32, which everything here already is
        return self.w[name + ".weight"] * (x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps))

    @staticmethod
    def rotate_half(x):
        half = x.shape[-1] // 2
        return torch.cat((-x[..., half:], x[..., :half]), dim=-1)

    def hidden_states(self, ids, mask):
        """Final-norm hidden states [B, T, H] of right-padded ids [B, T] with mask [B, T] (1 token, 0 padding)."""
        b, t = ids.shape
        x = self.w["model.embed_tokens.weight"][ids]
        positions = torch.arange(t, dtype=torch.float32)
        freqs = positions[:, None] * self.inv_freq[None, :]
        angles = torch.cat((freqs, freqs), dim=-1)
        cos, sin = angles.cos(), angles.sin()
        allowed = torch.tril(torch.ones(t, t, dtype=torch.bool))[None, None] & mask.bool()[:, None, None, :]
        bias = torch.zeros(b, 1, t, t).masked_fill(~allowed, torch.finfo(torch.float32).min)
        d, rep = self.head_dim, self.heads // self.kv_heads
        for i in range(self.layers):
            p = f"model.layers.{i}."
            h = self.rms_norm(p + "input_layernorm", x)
            q = self.linear(p + "self_attn.q_proj", h).view(b, t, self.heads, d).transpose(1, 2)
            k = self.linear(p + "self_attn.k_proj", h).view(b, t, self.kv_heads, d).transpose(1, 2)
            v = self.linear(p + "self_attn.v_proj", h).view(b, t, self.kv_heads, d).transpose(1, 2)
            q = q * cos + self.rotate_half(q) * sin
            k = k * cos + self.rotate_half(k) * sin
            # repeat_kv: query head j reads key/value head j // rep
            k = k.repeat_interleave(rep, dim=1)
            v = v.repeat_interleave(rep, dim=1)
            scores = q @ k.transpose(2, 3) / math.sqrt(d) + bias
            probs = torch.softmax(scores, dim=-1)
            context = (probs @ v).transpose(1, 2).reshape(b, t, self.heads * d)
            x = x + self.linear(p + "self_attn.o_proj", context)
            h = self.rms_norm(p + "post_attention_layernorm", x)
            gate = self.linear(p + "mlp.gate_proj", h)
            up = self.linear(p + "mlp.up_proj", h)
            x = x + self.linear(p + "mlp.down_proj", torch.nn.functional.silu(gate) * up)
        return self.rms_norm("model.norm", x)

    def encode(self, text, max_tokens):
        return self.tokenizer.encode(text)[:max_tokens]

    def embed(self, token_lists):
        """KaLM's sentence embedding: the hidden state at each row's last real token, L2-normalised, one padded batch."""
        width = max(len(ids) for ids in token_lists)
        ids = torch.tensor([s + [self.pad] * (width - len(s)) for s in token_lists], dtype=torch.int64)
        mask = torch.tensor([[1] * len(s) + [0] * (width - len(s)) for s in token_lists], dtype=torch.int64)
        hidden = self.hidden_states(ids, mask)
        last = mask.sum(1) - 1
        pooled = hidden[torch.arange(len(token_lists)), last]
        return pooled / pooled.norm(dim=-1, keepdim=True).clamp_min(1e-12)

    def generate(self, prompt_ids, max_new_tokens, stop_ids):
        """Greedy decoding with a full forward pass per token; the new ids, the stop token excluded."""
        sequence, generated = list(prompt_ids), []
        while len(generated) < max_new_tokens:
            ids = torch.tensor([sequence], dtype=torch.int64)
            hidden = self.hidden_states(ids, torch.ones_like(ids))[0, -1]
            nxt = int(torch.argmax(hidden @ self.w["lm_head.weight"].T))
            if nxt in stop_ids:
                break
            generated.append(nxt)
            sequence.append(nxt)
        return generated


# ---------------------------------------------------------------- adapter writing


def write_adapter(model, out_dir, r, alpha, targets, seed, b_std, base_name):
    """Random A (PEFT's kaiming-uniform bound) and B ~ N(0, b_std): unlike a fresh PEFT adapter, B is non-zero, so the
    adapter changes the model's output."""
    generator = torch.Generator().manual_seed(seed)
    tensors = {}
    for key, module in model.modules():
        if module.split(".")[-1] not in targets:
            continue
        out_features, in_features = model.w[key + ".weight"].shape
        bound = 1 / math.sqrt(in_features)
        tensors[f"{PEFT_LAYERS}{module}.lora_A.weight"] = \
            (torch.rand(r, in_features, generator=generator) * 2 - 1) * bound
        tensors[f"{PEFT_LAYERS}{module}.lora_B.weight"] = torch.randn(out_features, r, generator=generator) * b_std
    os.makedirs(out_dir, exist_ok=True)
    write_safetensors(os.path.join(out_dir, "adapter_model.safetensors"), tensors)
    config = {
        "peft_type": "LORA", "task_type": "CAUSAL_LM", "base_model_name_or_path": base_name, "revision": None,
        "r": r, "lora_alpha": alpha, "lora_dropout": 0.0, "target_modules": sorted(targets), "bias": "none",
        "fan_in_fan_out": False, "inference_mode": True, "init_lora_weights": True, "use_rslora": False,
        "use_dora": False, "modules_to_save": None, "layers_to_transform": None, "layers_pattern": None,
        "rank_pattern": {}, "alpha_pattern": {},
    }
    with open(os.path.join(out_dir, "adapter_config.json"), "w") as f:
        json.dump(config, f, indent=2)


# ---------------------------------------------------------------- command line


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    for name in ("embed", "generate", "write-adapter"):
        p = commands.add_parser(name)
        p.add_argument("--model", required=True, help="Hugging Face model directory")
        p.add_argument("--out", required=True, help="JSON result file (write-adapter: the adapter directory)")
        if name != "write-adapter":
            p.add_argument("--adapter", help="PEFT adapter directory")
    embed = commands.choices["embed"]
    embed.add_argument("--texts", required=True, help="JSON file holding a list of strings")
    embed.add_argument("--max-tokens", type=int, default=160, help="token cut of each text, BOS included")
    generate = commands.choices["generate"]
    generate.add_argument("--prompt", default="", help="text to continue (default: BOS alone)")
    generate.add_argument("--max-new-tokens", type=int, default=256)
    generate.add_argument("--stop-id", type=int, action="append", default=[], help="also stop at this id")
    adapter = commands.choices["write-adapter"]
    adapter.add_argument("--r", type=int, default=8)
    adapter.add_argument("--alpha", type=float, default=16)
    adapter.add_argument("--targets", default="gate_proj,up_proj,down_proj")
    adapter.add_argument("--seed", type=int, default=0)
    adapter.add_argument("--b-std", type=float, default=0.1, help="standard deviation of B's entries")
    args = parser.parse_args(argv)

    torch.set_num_threads(1)
    model = LlamaReference(args.model, getattr(args, "adapter", None))
    if args.command == "write-adapter":
        alpha = int(args.alpha) if args.alpha == int(args.alpha) else args.alpha
        write_adapter(model, args.out, args.r, alpha, args.targets.split(","), args.seed, args.b_std, args.model)
        return
    with torch.no_grad():
        if args.command == "embed":
            with open(args.texts, encoding="utf-8") as f:
                texts = json.load(f)
            token_ids = [model.encode(t, args.max_tokens) for t in texts]
            result = {"token_ids": token_ids, "embeddings": model.embed(token_ids).tolist()}
        else:
            prompt = model.tokenizer.encode(args.prompt) if args.prompt else [model.bos]
            ids = model.generate(prompt, args.max_new_tokens, set(model.eos) | set(args.stop_id))
            result = {"prompt_ids": prompt, "ids": ids, "text": model.tokenizer.decode(ids)}
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump(result, f, ensure_ascii=False)


if __name__ == "__main__":
    main(sys.argv[1:])
