"""Rule packs shipped with sangloc: data only, one folder per pack id.

This file exists so that the packs travel with a plain ``pip install .``;
it holds no code.
"""
