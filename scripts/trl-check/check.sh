#!/bin/sh
# Runs `breakfix train --backend trl` for real, end to end, on a tiny Hugging Face model made here
# (no hub needed): SFT then DPO on a round's curated records, the LoRA adapters merged, the result
# registered and loaded back. Needs python3 with torch, transformers, trl, datasets, peft and
# accelerate (accelerate on PATH), and a store holding curated records (`npm run cycle` makes one).
#
# usage: scripts/trl-check/check.sh [STORE] [PRECISION]   (defaults: .breakfix/breakfix.db fp32)
set -eu
store=${1:-.breakfix/breakfix.db}
precision=${2:-fp32}
work=$(mktemp -d "${TMPDIR:-/tmp}/breakfix-trl-check-XXXXXX")
here=$(dirname "$0")
python3 "$here/make_tiny_hf_model.py" "$work/base"
printf 'train:\n  trl:\n    precision: %s\n    lora: { r: 8, alpha: 16 }\n' "$precision" >"$work/breakfix.yaml"
node dist/cli/main.js train --backend trl --store "$store" --config "$work/breakfix.yaml" \
  --base "$work/base" --out "$work/out"
python3 "$here/load_check.py" "$work/out/dpo-merged"
echo "trl check passed: $work"
