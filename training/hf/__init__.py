"""Bring your own LLM: fine-tune a Hugging Face causal LM in the PaDeLLM format and export it to a bundle.
Run from training/: `python -m hf.finetune`, `python -m hf.make_bundle` (README.md here). Reuses padellm/ (the
converter, the bundle contract, the quantizer)."""
