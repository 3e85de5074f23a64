#!/bin/sh
# Runs `breakfix train --backend trl` for real, end to end, on a tiny Hugging Face model made here
# (no hub needed): SFT then DPO on a round's curated records, the LoRA adapters merged, the result
# registered and loaded back. Needs python3 with torch, transformers, trl, datasets, peft and
# accelerate (accelerate on PATH), and a store holding curated records (`npm run cycle` makes one).
#
# usage: scripts/trl-check/check.sh [STORE] [PRECISION] [TUNING]
#   STORE      default .breakfix/breakfix.db
#   PRECISION  bf16 | fp16 | fp32 (default fp32: what trains without a GPU)
#   TUNING     lora (default: adapters, merged after each step) | full (every weight trained)
set -eu
store=${1:-.breakfix/breakfix.db}
precision=${2:-fp32}
tuning=${3:-lora}
case $tuning in
  lora) lora='    lora: { r: 8, alpha: 16 }\n' ;;
  full) lora='' ;;
  *) echo "check.sh: TUNING must be lora or full, not '$tuning'" >&2; exit 2 ;;
esac
work=$(mktemp -d "${TMPDIR:-/tmp}/breakfix-trl-check-XXXXXX")
here=$(dirname "$0")
python3 "$here/make_tiny_hf_model.py" "$work/base"
printf "train:\n  trl:\n    precision: %s\n$lora" "$precision" >"$work/breakfix.yaml"
node dist/cli/main.js train --backend trl --store "$store" --config "$work/breakfix.yaml" \
  --base "$work/base" --out "$work/out"
# The last step's model: DPO's when the round has preference pairs; with LoRA, the merged one.
for final in dpo-merged dpo sft-merged sft; do [ -f "$work/out/$final/config.json" ] && break; done
python3 "$here/load_check.py" "$work/out/$final"
echo "trl check passed ($precision, $tuning): $work"
