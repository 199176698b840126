"""The edge: the command line (`python -m indicators …`), the benchmarks and the synthetic data
they run on. It may use everything (core, loaders); nothing in the core imports it."""
