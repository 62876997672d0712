"""Configs by name: the ones detplug ships, found without a path.

They are the files of the repository's ``configs/``; ``plugins/configs`` links to it,
so a wheel carries them as package data and an installed ``plugins`` finds them beside
itself, as a clone does.

- ``resolve(config)``: a file that exists is itself; otherwise a packaged config by
  name, with or without its folder and ``.py`` (``faster_rcnn_r18_neon``,
  ``faster_rcnn/faster_rcnn_r18_neon.py``); otherwise ``FileNotFoundError`` naming the
  close ones.
- In any config file, ``_base_ = 'detplug::faster_rcnn_r18_neon'`` (the same names)
  bases it on a packaged config, wherever the file lives. MMEngine resolves a base
  relative to the file that names it, and its own ``package::`` form only knows
  OpenMMLab's packages, so importing this module wraps ``Config._get_cfg_path``: a
  ``detplug::`` base is resolved here, every other one by MMEngine as before.
- ``names()``: every packaged config, ``_base_`` files left out (``detplug list-configs``).
"""
import os.path as osp
from pathlib import Path
from typing import Dict

from mmengine.config import Config

from plugins.registry import close_match

PREFIX = 'detplug::'
_HERE = Path(__file__).resolve().parent


def configs_dir() -> Path:
    """``plugins/configs`` (an installed package; in a clone, the link to ``configs/``)."""
    for folder in (_HERE / 'configs', _HERE.parent / 'configs'):
        if folder.is_dir():
            return folder.resolve()
    raise FileNotFoundError(f'{_HERE / "configs"}: detplug\'s configs are not installed')


def names() -> Dict[str, Path]:
    """Name (file name without ``.py``) -> path, for every config outside ``_base_``."""
    root = configs_dir()
    return {p.stem: p for p in sorted(root.glob('*/*.py')) if p.parent.name != '_base_'}


def resolve(config: str) -> str:
    """A config file's path from a path or a packaged config's name."""
    if osp.isfile(config):
        return config
    name = config[len(PREFIX):] if config.startswith(PREFIX) else config
    stem = name[:-3] if name.endswith('.py') else name
    root = configs_dir()
    for path in (root / f'{stem}.py', names().get(stem)):
        if path is not None and path.is_file():
            return str(path)
    raise FileNotFoundError(f'{config}: config file not found, nor a packaged config of '
                            f'that name{close_match(Path(stem).name, names())} '
                            '(detplug list-configs)')


_mmengine_cfg_path = Config._get_cfg_path


def _cfg_path(cfg_path: str, filename: str):
    if cfg_path.startswith(PREFIX):
        return resolve(cfg_path), None
    return _mmengine_cfg_path(cfg_path, filename)


if Config._get_cfg_path is not _cfg_path:
    Config._get_cfg_path = staticmethod(_cfg_path)
