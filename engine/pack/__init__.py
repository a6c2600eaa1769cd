"""Rule packs: the models, the condition syntax tree, loading and checking, the lock, pack test files, schemas."""
