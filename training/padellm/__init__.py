"""PaDeLLM-NER training pipeline: data conversion, tokenizer, model, training and ONNX export."""
