"""Photos on wishes: upload, processing, storage, WeChat's image check, and who may see them."""
