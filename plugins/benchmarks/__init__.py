"""The benchmarks behind ``tools/benchmark.py SUBCOMMAND``: each module has
``add_arguments(parser)`` and ``main(args)``; ``common.py`` holds what they share
(images, the alternating timing loop, a child process's peak memory)."""
import importlib

SUBCOMMANDS = {
    'config': 'config_speed',                        # any config: train / inference speed
    'vs-torchvision': 'vs_torchvision',              # the one-run table against torchvision
    'train-vs-torchvision': 'train_vs_torchvision',  # Faster R-CNN trained both ways
    'train-precision': 'train_precision',            # fp32 against bf16 training
    'large-image': 'large_image',                    # a 10,000 px GeoTIFF through --slice
}


def benchmark(name: str):
    """The module of subcommand ``name``."""
    return importlib.import_module(f'plugins.benchmarks.{SUBCOMMANDS[name]}')
