"""Checkpoints by name and URL: resolved to a file in the torch hub cache (downloaded
from a local HTTP server on 127.0.0.1, hash-checked), then read with weights_only;
every other scheme is refused; a poisoned cache file runs no code on any path."""
import functools
import hashlib
import http.server
import os.path as osp
import shutil
import threading

import pytest
import torch
import torchvision
from mmengine.runner import load_checkpoint
from mmengine.runner.checkpoint import CheckpointLoader

from plugins.apis import init_model
from plugins.engine import checkpoint_loading
from plugins.errors import CheckpointError
from plugins.registry import MODELS
from tests.conftest import CONFIG
from tests.engine.test_checkpoint_loading import evil_checkpoints, through_every_tool

TV_RESNET18 = 'resnet18-f37072fd.pth'  # the file name torchvision://resnet18 resolves to


@pytest.fixture
def hub(tmp_path, monkeypatch):
    """An empty torch hub cache (TORCH_HOME) for this test and its subprocesses."""
    monkeypatch.setenv('TORCH_HOME', str(tmp_path / 'torch'))
    previous = torch.hub.get_dir()
    torch.hub.set_dir(str(tmp_path / 'torch' / 'hub'))
    yield tmp_path / 'torch' / 'hub' / 'checkpoints'
    torch.hub.set_dir(previous)


@pytest.fixture
def server(tmp_path):
    """(folder, base URL) of an HTTP server on 127.0.0.1 serving ``folder``."""
    folder = tmp_path / 'served'
    folder.mkdir()
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
    httpd = http.server.ThreadingHTTPServer(('127.0.0.1', 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield folder, f'http://127.0.0.1:{httpd.server_address[1]}'
    httpd.shutdown()
    httpd.server_close()


def torchvision_resnet18(folder, name=None):
    """A torchvision-format resnet18 state dict saved under its hashed name; its path."""
    state = torchvision.models.resnet18().state_dict()
    tmp = osp.join(folder, 'tmp.pth')
    torch.save(state, tmp)
    digest = hashlib.sha256(open(tmp, 'rb').read()).hexdigest()[:8]
    path = osp.join(folder, name or f'resnet18-{digest}.pth')
    shutil.move(tmp, path)
    return path, state


def backbone(checkpoint):
    model = MODELS.build(dict(type='ResNet', depth=18, out_indices=(3,),
                              init_cfg=dict(type='Pretrained', checkpoint=checkpoint)))
    model.init_weights()
    return model


def test_url_downloads_into_the_cache_checks_the_hash_and_loads(hub, server):
    folder, base = server
    path, state = torchvision_resnet18(folder)
    model = backbone(f'{base}/{osp.basename(path)}')
    torch.testing.assert_close(model.conv1.weight, state['conv1.weight'])
    torch.testing.assert_close(model.layer4[1].bn2.running_var, state['layer4.1.bn2.running_var'])
    assert (hub / osp.basename(path)).is_file()


def test_wrong_hash_is_refused_and_nothing_is_cached(hub, server):
    folder, base = server
    torchvision_resnet18(folder, 'resnet18-deadbeef.pth')
    with pytest.raises(CheckpointError, match='resnet18-deadbeef.pth: refused'):
        checkpoint_loading.load_any(f'{base}/resnet18-deadbeef.pth')
    assert not hub.exists() or not list(hub.iterdir())


def test_torchvision_and_modelzoo_names_load_offline_from_the_cache(hub, monkeypatch):
    hub.mkdir(parents=True)
    path, state = torchvision_resnet18(str(hub))  # named by its own hash, as downloaded
    url = f'https://download.pytorch.org/models/{osp.basename(path)}'
    monkeypatch.setattr(checkpoint_loading, 'get_torchvision_models', lambda: {'resnet18': url})
    for scheme in ('torchvision', 'modelzoo'):
        model = backbone(f'{scheme}://resnet18')
        torch.testing.assert_close(model.layer1[0].conv1.weight, state['layer1.0.conv1.weight'])
    assert osp.isfile(path + '.sha256')  # verified once, remembered


def test_a_swapped_cache_file_is_refused_on_every_use(hub):
    """torch.hub checks a file's hash prefix only when it downloads it."""
    hub.mkdir(parents=True)
    torchvision_resnet18(str(hub), TV_RESNET18)  # a tensor-only file, but not torchvision's
    for scheme in ('torchvision', 'modelzoo'):
        with pytest.raises(CheckpointError, match=f'{TV_RESNET18}: refused, its SHA-256 starts '
                                                  'with [0-9a-f]{8}, not f37072fd'):
            backbone(f'{scheme}://resnet18')


def test_whole_model_names_are_their_default_weights():
    """A detection or segmentation builder's name (for tools/convert_torchvision.py)."""
    url = checkpoint_loading.torchvision_url
    assert url('torchvision://fasterrcnn_resnet50_fpn_v2') == \
        torchvision.models.detection.FasterRCNN_ResNet50_FPN_V2_Weights.DEFAULT.url
    assert url('torchvision://lraspp_mobilenet_v3_large').endswith(
        '/lraspp_mobilenet_v3_large-d234d4ea.pth')
    assert url('torchvision://resnet50') == torchvision.models.ResNet50_Weights.IMAGENET1K_V1.url
    with pytest.raises(CheckpointError, match='did you mean fasterrcnn_resnet50_fpn'):
        url('torchvision://fasterrcnn_resnet50')


def test_missing_file_without_network_names_url_and_cache_path(hub):
    url = 'http://127.0.0.1:9/weights/absent-0123abcd.pth'  # nothing listens on port 9
    with pytest.raises(CheckpointError) as e:
        checkpoint_loading.load_any(url)
    assert str(e.value).startswith(f'{url}: cannot download')
    assert str(hub / 'absent-0123abcd.pth') in str(e.value)
    with pytest.raises(CheckpointError, match='torchvision has no weights named "resnet19"'):
        checkpoint_loading.load_any('torchvision://resnet19')


@pytest.mark.parametrize('filename', ['open-mmlab://resnet50_caffe', 'openmmlab://x',
                                      'mmcls://x', 'pavi://x', 's3://bucket/x.pth',
                                      'petrel://x', 'ftp://host/x.pth', 'file://x.pth'])
def test_other_schemes_are_refused(filename):
    with pytest.raises(CheckpointError, match='refused, detplug loads local paths'):
        load_checkpoint(torch.nn.Linear(1, 1), filename)


def test_every_registered_prefix_goes_through_safe_load():
    assert CheckpointLoader._schemes, 'MMEngine registers its schemes on import'
    for prefix, loader in CheckpointLoader._schemes.items():
        assert loader is checkpoint_loading.load_from_allowlist, prefix


def test_payload_is_refused_on_every_scheme(hub, server):
    folder, base = server
    hub.mkdir(parents=True)
    for name, path, marker in evil_checkpoints(str(folder)):
        served = f'{base}/{osp.basename(path)}'
        shutil.copy(path, hub / TV_RESNET18)  # a poisoned cache file
        for filename in (path, served, 'torchvision://resnet18', 'modelzoo://resnet18'):
            with pytest.raises(CheckpointError, match='refused'):
                load_checkpoint(torch.nn.Linear(1, 1), filename)
            with pytest.raises(CheckpointError, match='refused'):
                backbone(filename)
        assert not osp.exists(marker), name


def test_poisoned_cache_through_the_tools_and_init_model(hub, neon_root, tmp_path):
    _, path, marker = evil_checkpoints(str(tmp_path))[0]
    hub.mkdir(parents=True)
    shutil.copy(path, hub / TV_RESNET18)
    name = 'modelzoo://resnet18'
    # every tool resolves a name with the function that reads local paths (which
    # test_payload_through_the_tools_and_init_cfg runs through every tool): one training
    # run and one test run here
    runs = through_every_tool(name, tmp_path, neon_root, only=('train init_cfg', 'test'))
    for what, out in runs.items():
        last = out.stderr.strip().splitlines()[-1]
        assert out.returncode == 1 and 'refused' in last, (what, out.stderr[-1500:])
    with pytest.raises(CheckpointError, match='refused'):
        init_model(CONFIG, name)
    assert not osp.exists(marker)


def test_a_torchvision_builder_name_loads_converted_in_process(hub, monkeypatch):
    """``load_from='torchvision://<detection or segmentation builder>'``: the cached
    torchvision file is converted to detplug's names as it loads (no convert step)."""
    from mmengine.config import Config
    from torchvision.models import get_model_weights
    from torchvision.models.segmentation import lraspp_mobilenet_v3_large
    tv = lraspp_mobilenet_v3_large(weights=None, weights_backbone=None, num_classes=21)
    hub.mkdir(parents=True)
    torch.save(tv.state_dict(), hub / 'tmp.pth')
    digest = hashlib.sha256((hub / 'tmp.pth').read_bytes()).hexdigest()[:8]
    url = get_model_weights('lraspp_mobilenet_v3_large').DEFAULT.url.replace(
        'd234d4ea', digest)  # torchvision's URL, named by this file's hash
    shutil.move(hub / 'tmp.pth', hub / osp.basename(url))  # as if downloaded before
    monkeypatch.setattr(checkpoint_loading, '_whole_model_urls',
                        lambda: {'lraspp_mobilenet_v3_large': url})
    cfg = Config.fromfile(osp.join(osp.dirname(CONFIG), '..', '_base_', 'models',
                                   'lraspp_mobilenet_v3_large.py'))
    model = MODELS.build(cfg.model)
    load_checkpoint(model, 'torchvision://lraspp_mobilenet_v3_large', strict=True)
    assert torch.equal(model.decode_head.high_classifier.weight,
                       tv.classifier.high_classifier.weight)
    assert torch.equal(model.backbone.features[4].block[0][0].weight,
                       tv.backbone['4'].block[0][0].weight)
