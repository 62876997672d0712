"""plugins/inference/sources.py and geo.py: rasters read window by window, boxes mapped
through the raster's transform into GeoJSON, DeepForest's CSV rows."""
import os.path as osp

import numpy as np
import pytest
import torch
from mmengine.structures import InstanceData

from plugins.errors import DataError
from plugins.inference import open_image
from plugins.inference.geo import csv_rows, to_geojson
from tests.conftest import ROOT

rasterio = pytest.importorskip('rasterio')
from rasterio.transform import from_origin  # noqa: E402

TRANSFORM = from_origin(404000.0, 3285000.0, 0.1, 0.1)  # UTM metres, 0.1 m pixels


def write_tif(path, image_rgb, crs='EPSG:32617', transform=TRANSFORM, **kwargs):
    h, w = image_rgb.shape[:2]
    with rasterio.open(path, 'w', driver='GTiff', width=w, height=h, count=3,
                       dtype=image_rgb.dtype, crs=crs, transform=transform if crs else None,
                       **kwargs) as dst:
        dst.write(image_rgb.transpose(2, 0, 1))
    return str(path)


def pred(boxes, labels=None):
    boxes = torch.tensor(boxes, dtype=torch.float32)
    return InstanceData(bboxes=boxes, scores=torch.full((len(boxes),), 0.9),
                        labels=torch.zeros(len(boxes), dtype=torch.long)
                        if labels is None else torch.tensor(labels))


def test_windows_read_from_a_geotiff_equal_the_pixels(tmp_path):
    rgb = np.random.default_rng(0).integers(0, 255, (300, 500, 3), dtype=np.uint8)
    source = open_image(write_tif(tmp_path / 'a.tif', rgb, tiled=True, blockxsize=64,
                                  blockysize=64))
    assert (source.height, source.width, source.crs) == (300, 500, 'EPSG:32617')
    assert np.array_equal(source.read(100, 50, 356, 306 - 6), rgb[50:300, 100:356, ::-1])
    small, factor = source.read_resized(250)
    assert small.shape == (150, 250, 3) and factor == 0.5
    rgb16 = rgb.astype(np.uint16) * 256
    source = open_image(write_tif(tmp_path / 'b.tif', rgb16))
    assert np.array_equal(source.read(0, 0, 10, 10), rgb[:10, :10, ::-1])


def test_geojson_polygons_are_the_boxes_through_the_transform(tmp_path):
    rgb = np.zeros((100, 100, 3), np.uint8)
    source = open_image(write_tif(tmp_path / 'a.tif', rgb))
    out = to_geojson(pred([[10, 20, 30, 60]]), source, ['Tree'])
    assert out['crs']['properties']['name'] == 'EPSG:32617'
    feature = out['features'][0]
    assert feature['properties'] == {'label': 0, 'score': 0.9, 'class': 'Tree'}
    ring = feature['geometry']['coordinates'][0]
    x1, y1, x2, y2 = 404000 + 1.0, 3285000 - 2.0, 404000 + 3.0, 3285000 - 6.0
    assert np.allclose(ring, [[x1, y1], [x2, y1], [x2, y2], [x1, y2], [x1, y1]])
    assert csv_rows(pred([[10, 20, 30, 60]]), 'a.tif', ['Tree']) == [
        ('a.tif', 10.0, 20.0, 30.0, 60.0, 'Tree', 0.9)]


def test_a_raster_without_a_crs_gives_pixels_and_one_warning(tmp_path, mmlog):
    source = open_image(write_tif(tmp_path / 'plain.tif', np.zeros((50, 50, 3), np.uint8),
                                  crs=None))
    out = to_geojson(pred([[1, 2, 3, 4]]), source)
    assert out['features'][0]['geometry']['coordinates'][0][0] == [1.0, 2.0]
    assert 'crs' not in out
    assert mmlog.getvalue().count('plain.tif: no georeference') == 1


def test_a_corrupt_window_is_one_line_naming_file_and_window(tmp_path):
    rgb = np.random.default_rng(0).integers(0, 255, (512, 512, 3), dtype=np.uint8)
    path = write_tif(tmp_path / 'c.tif', rgb, tiled=True, blockxsize=128, blockysize=128,
                     compress='deflate')
    data = bytearray(open(path, 'rb').read())
    data[len(data) // 2:len(data) // 2 + 4096] = bytes(4096)  # zero a run inside the tiles
    open(path, 'wb').write(data)
    source = open_image(path)
    with pytest.raises(DataError, match=r'c\.tif: window x \d+-\d+, y \d+-\d+ cannot be read'):
        for y in range(0, 512, 128):
            for x in range(0, 512, 128):
                source.read(x, y, x + 128, y + 128)


def test_files_that_are_not_images(tmp_path):
    (tmp_path / 'x.png').write_text('not an image')
    with pytest.raises(DataError, match='x.png: not an image'):
        open_image(str(tmp_path / 'x.png'))
    (tmp_path / 'x.tif').write_text('not a raster')
    with pytest.raises(DataError, match='x.tif: cannot open the raster'):
        open_image(str(tmp_path / 'x.tif'))
    with pytest.raises(FileNotFoundError, match='absent.tif'):
        open_image(str(tmp_path / 'absent.tif'))


@pytest.fixture(scope='session')
def osbs_tif():
    """OSBS_029.tif from the deepforest wheel: georeferenced, UTM 17N, 0.1 m pixels."""
    from plugins.utils.wheel_data import fetch_from_wheel
    return osp.join(fetch_from_wheel('deepforest==2.1.0', ['deepforest/data/OSBS_029.tif'],
                                     osp.join(ROOT, '.cache', 'deepforest_geo')), 'OSBS_029.tif')


def test_the_real_osbs_029_geotiff(osbs_tif):
    source = open_image(osbs_tif)
    assert (source.height, source.width) == (400, 400)
    assert source.crs == 'EPSG:32617' and source.transform.a == pytest.approx(0.1)
    ring = to_geojson(pred([[0, 0, 400, 400]]), source)['features'][0]['geometry'][
        'coordinates'][0]
    t = source.transform
    assert np.allclose(ring[0], [t.c, t.f]) and np.allclose(ring[2], [t.c + 40, t.f - 40])
