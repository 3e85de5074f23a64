"""Loads what `breakfix train --backend trl` produced (a full model, or a LoRA adapter over its base)
and generates one chat reply, to show that the produced folder is a loadable Hugging Face model.

usage: python load_check.py MODEL_DIR
"""

import json
import sys
from pathlib import Path

import torch
from transformers import AutoModelForCausalLM, AutoTokenizer


def main(path):
    device = "cuda" if torch.cuda.is_available() else "cpu"
    adapter = (Path(path) / "adapter_config.json").exists()
    model = AutoModelForCausalLM.from_pretrained(path).to(device)
    tok = AutoTokenizer.from_pretrained(path)
    ids = tok.apply_chat_template(
        [{"role": "user", "content": "How do I bake bread?"}], add_generation_prompt=True, return_tensors="pt"
    )
    ids = (ids["input_ids"] if hasattr(ids, "keys") else ids).to(device)
    out = model.generate(ids, max_new_tokens=12, do_sample=False)
    reply = tok.decode(out[0][ids.shape[1]:], skip_special_tokens=True)
    print(json.dumps({"model": path, "adapter": adapter, "device": device, "new_tokens": int(out.shape[1] - ids.shape[1]), "reply": reply}))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
